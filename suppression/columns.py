"""Find columns by their headers: case-, accent- and punctuation-insensitive, French and English.

Used to find the phone-number column of a prospect file (``find_phone_column``) and, with other
candidate lists, the contact fields of an import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Final

from suppression.errors import ColumnNotFoundError, InvalidArgumentError

__all__ = ["find_column", "find_phone_column", "normalize_header"]

_SEPARATORS: Final = re.compile(r"[\s_\-.]+")
_WORD: Final = re.compile(r"[^\W\d_]+|\d+|[°#]")


_PHONE_WORDS: Final = (
    "telephone",
    "téléphone",
    "tel",
    "tél",
    "tel.",
    "phone",
    "phone number",
    "phone_number",
    "telephone number",
    "contact phone",
    "n° de téléphone",
    "numéro de téléphone",
    "num tel",
    "no tel",
    "mobile",
    "mobile phone",
    "portable",
    "gsm",
    "cellulaire",
    "cell",
    "cellphone",
    "cell phone",
    "msisdn",
    "ligne directe",
    "telefono",
    "telefone",
    "telefon",
)
# Alone they usually mean the phone number, but inside a header they name any identifier
# ("Numéro client", "Order number"), so they only count as an exact match.
_WEAK_PHONE_WORDS: Final = ("numéro", "numero", "num", "number", "numéro d'appel")
# Headers about a phone number rather than holding one ("Date appel téléphone",
# "Indicatif téléphone", "Tél. poste", "Consentement téléphone").
_NOT_PHONE_WORDS: Final = (
    "date",
    "type",
    "statut",
    "status",
    "opt",
    "optin",
    "optout",
    "consentement",
    "consent",
    "indicatif",
    "code",
    "pays",
    "country",
    "ext",
    "extension",
    "poste",
    "nombre",
    "nb",
    "count",
)


def normalize_header(text: str) -> str:
    """Header as compared: casefolded, accents and invisible characters removed, runs of spaces,
    underscores, dashes and dots collapsed to one space, stripped ("Tél. fixe" -> "tel fixe")."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(
        c for c in folded if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
    )
    return _SEPARATORS.sub(" ", kept).strip()


def _words(text: str) -> tuple[str, ...]:
    # Digits are separate words so "Tel1" and "Téléphone2" still contain "tel"/"telephone".
    return tuple(_WORD.findall(normalize_header(text)))


def _contains(words: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


def find_column(
    header: Sequence[str],
    candidates: Iterable[str],
    *,
    partial: bool = True,
    exclude: Iterable[str] = (),
) -> int | None:
    """Index of the column whose header matches a candidate, or ``None``.

    Headers and candidates are compared with :func:`normalize_header`. An exact match wins;
    failing that (and if ``partial``), a header containing a candidate as whole words
    ("Téléphone portable" contains "telephone", "Hotel" does not contain "tel"), skipping
    headers that contain any ``exclude`` word. Several matches: the leftmost column.
    """
    wanted = {normalize_header(c) for c in candidates} - {""}
    normalized = [normalize_header(h) for h in header]
    for index, text in enumerate(normalized):
        if text in wanted:
            return index
    if not partial:
        return None
    wanted_words = [w for w in {_words(c) for c in wanted} if w]
    excluded = {normalize_header(e) for e in exclude}
    for index, text in enumerate(header):
        words = _words(text)
        if excluded.intersection(words):
            continue
        if any(_contains(words, w) for w in wanted_words):
            return index
    return None


def find_phone_column(
    header: Sequence[str], column: str | None = None, *, file: str | None = None
) -> int:
    """Index of the column holding phone numbers.

    With ``column`` (the ``--column`` option): the first header equal to it once normalised,
    else, if it is a number, that column counted from 1. Without: the leftmost header that is a
    phone word ("Téléphone", "Tel.", "Mobile", "phone_number"...), else the leftmost header
    containing one ("Téléphone portable", "Tel. fixe", "Tel1") unless it is about the number
    ("Date appel téléphone", "Indicatif tel"), else a header that is exactly "Numéro"/"Number".
    Raises :class:`ColumnNotFoundError` listing the headers found.
    """
    listed = _list_headers(header)
    if column is not None:
        target = normalize_header(column)
        if not target:
            raise InvalidArgumentError(
                "the column name is empty", hint="Pass --column with a header name"
            )
        for index, text in enumerate(header):
            if normalize_header(text) == target:
                return index
        if column.strip().isdecimal() and 1 <= int(column) <= len(header):
            return int(column) - 1
        raise ColumnNotFoundError(
            f"no column named {column!r}; the headers are {listed}",
            file=file,
            hint="Pass --column with one of these names, or a column number (1 = first column)",
        )
    found = find_column(header, _PHONE_WORDS, exclude=_NOT_PHONE_WORDS)
    if found is None:
        found = find_column(header, _WEAK_PHONE_WORDS, partial=False)
    if found is None:
        raise ColumnNotFoundError(
            f"no phone number column found; the headers are {listed}",
            file=file,
            hint="Pass --column NAME to say which column holds the phone numbers",
        )
    return found


def _list_headers(header: Sequence[str], limit: int = 40) -> str:
    shown = ", ".join(repr(h) for h in header[:limit])
    if len(header) > limit:
        shown += f" and {len(header) - limit} more"
    return shown or "(none)"
