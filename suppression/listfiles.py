"""Read opposition (do-not-call) list files: bytes in, raw number strings out.

This module only cuts lines into fields. It never validates a number against a numbering plan
(another module normalises ``ListLine.raw`` with the region in ``DEFAULT_REGION``), never prints,
and reports every failure as a :mod:`suppression.errors` exception.

Formats
-------
``national``  One national number per line, 10 digits (``0612345678``), or 9 when a spreadsheet
              dropped the leading zero (kept as written). Optional second column after ``;``: the
              registration date. Lines with more than two ``;`` columns are ``extra_columns``:
              the Bloctel *response* shape ``0612345678;1;OK`` is deliberately not read, because
              the meaning of its status column cannot be checked from the file; guessing wrong
              would either drop opposed numbers or suppress a whole prospect file.
``e164``      One ``+`` number per line (7 to 15 digits), optional ``;`` date column.
``csv``       Delimited file (``;`` ``,`` tab ``|``, taken from the header line; an Excel
              ``sep=X`` first line is honoured) whose first non-blank line is a header. The
              number column is found by header name, accent- and case-insensitively (tel,
              téléphone, phone, msisdn, e164, mobile, ... then numero/number), or given with
              ``column=`` (header name, or 1-based position). A date column is picked up by
              name (date_inscription, registered, registration, ... then date). One physical
              line is one record: a stray quote must not swallow the lines after it. The cell
              is returned as written (spaces, dots kept) except Excel's ``="0612345678"``
              wrapper and a float export's trailing ``.0``, which are removed.
``us-dnc``    US National DNC flat files: ``2015550123`` or ``201,5550123`` -> ``2015550123``.
``uk-tps``    UK TPS/CTPS fixed width (12 chars, ``0207 3787244`` or ``02073787244 ``): spaces
              are removed -> ``02073787244``; 10 or 11 digits.

Dates: ISO (``2024-03-01``, ``2024-03-01T10:00:00``, with offset or ``Z``; the date is taken
as written) or day first (``01/03/2024``, also with ``-`` or ``.`` and an optional time).

Header: the first non-blank line is skipped silently when it has letters, no run of 6 digits
and does not parse as a data line of the format (so ``0612345678;2024-03-01T10:00`` and
``0612345678;1;OK`` are data lines, ``Telephone;Identifiant`` is a header).

Delta mode (``mode="delta"``): lines ``ADD,<number>`` / ``DEL,<number>`` (``A``/``D`` too,
any case, ``,`` or ``;`` after the indicator, optional ``INDICATOR,NUMBER`` header); the rest
of the line is read with the number format (``ADD,201,5550123`` is a us-dnc delta line).
DEL gives ``action="remove"``. ``csv`` is not available in delta mode. A file holding only a
header is a ``ListFileError`` in both modes (for a full list, importing it would empty the list).

Auto-detection (``format="auto"``) looks at the first 50 non-blank lines of the first MiB.
The first line is a header if it looks like one (above) and matches no format; an Excel
``sep=X`` line before it is skipped. A line votes for:

* delta: ``ADD``/``DEL``/``A``/``D``, then ``,`` or ``;``, then a line of another format;
* e164: ``+`` and 7-15 digits, optional ``;date``;
* national: 10 digits starting with ``0`` or 9 digits not starting with ``0``, optional
  ``;date``, and not a 12-wide padded line;
* us-dnc: ``ddd,ddddddd``, or 10 digits starting with 2-9 (never 0: that is French);
* uk-tps: exactly 12 chars wide with internal or trailing spaces, or 11 digits without, holding
  10-11 digits starting ``0[1-9]``.

At least 80 % of the sampled data lines voting delta make a delta file (an error in full mode:
importing ADD/DEL lines as a full list would be wrong). Otherwise, when at least half of the
sampled lines vote at all, the format with the most votes wins if it has at least 80 % of the
voting lines and no other format more than 10 % (lines of no format are bad lines whatever the
format, so they do not weigh between formats). Failing that,
a header naming a phone column makes it ``csv`` (``column=`` always means ``csv``). Anything
else is a ``ListFileError`` naming the formats tried, asking for ``--format``.

Bad lines (``BadLine.reason``, see ``BAD_LINE_REASONS``); blank lines, header lines and rows
whose cells are all empty are skipped without a BadLine:

``unparseable_line``  the line is not in the format's shape
``extra_columns``     more ``;`` columns than the format has (the Bloctel response shape)
``missing_number``    csv: the number cell is empty or absent; delta: nothing after ADD/DEL
``bad_number``        csv: the number cell holds letters or no digit
``bad_indicator``     delta: the line does not start with ADD/DEL/A/D and a separator
``bad_date``          the date cannot be read. The number is NOT lost: its ``ListLine`` (with
                      ``registered_at=None``) is yielded just before this BadLine, same line.
``line_too_long``     longer than 65,536 characters; not parsed (memory stays bounded)

Files: UTF-8 (BOM tolerated); in a 1 MiB block that is not UTF-8, each line that is not falls
back to cp1252. LF, CRLF or CR line ends. Missing, unreadable, empty, binary (NUL bytes,
zip/xlsx, xls, gzip, PDF) and UTF-16 files raise ``InputFileError`` when ``read_list`` is
called. A file without a single usable line raises ``ListFileError`` (count of bad lines, first
line numbers) when the iterator ends, so a caller must not commit before exhausting it.

Speed: files are read in 1 MiB binary blocks, decoded and split in C; a clean ``national``,
``us-dnc`` or ``e164`` line then costs a length test, an ``isdigit`` and two list appends:
``read_list_runs`` gives consecutive clean lines as one ``LineRun`` (two lists), which a 5M-line
import needs, and ``read_list`` makes the ListLines from it. A block made only of
``0612345678`` lines, or only of ``0612345678;01/03/2024`` lines whose dates were already seen
(Bloctel shape), is cut into numbers and dates in C as a whole.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, BinaryIO, Final

from suppression.errors import (
    ColumnNotFoundError,
    InputFileError,
    InvalidArgumentError,
    ListFileError,
)

__all__ = [
    "BAD_LINE_REASONS",
    "DEFAULT_REGION",
    "FORMATS",
    "MODES",
    "BadLine",
    "LineRun",
    "ListLine",
    "detect_format",
    "read_list",
    "read_list_runs",
]

FORMATS: Final = ("auto", "national", "e164", "csv", "us-dnc", "uk-tps")
MODES: Final = ("full", "delta")
DEFAULT_REGION: Final = {
    "national": "FR",
    "e164": "FR",
    "csv": "FR",
    "us-dnc": "US",
    "uk-tps": "GB",
}
BAD_LINE_REASONS: Final = (
    "unparseable_line",
    "extra_columns",
    "missing_number",
    "bad_number",
    "bad_indicator",
    "bad_date",
    "line_too_long",
)

_CHUNK_BYTES = 1 << 20
_SAMPLE_BYTES = 1 << 20
_SAMPLE_LINES = 50
_MAX_LINE = 1 << 16
_TEXT_CUT = 80
_FIRST_BAD_SHOWN = 5
_DATE_CACHE_MAX = 100_000


@dataclass(frozen=True, slots=True)
class ListLine:
    """One number of the list, as written in the file."""

    line: int
    raw: str
    registered_at: date | None
    action: str = "add"


class _Unfrozen:
    """ListLine's slot layout without its frozen ``__setattr__``.

    A 5M-line import builds 5M ListLines, and the frozen ``__init__`` (one
    ``object.__setattr__`` per field) is two thirds of the cost of a clean line. Filling an
    instance of this class and then assigning ``__class__`` (allowed between classes with the
    same slots) builds the very same ListLine in about half the time.
    """

    __slots__ = ListLine.__slots__
    line: int
    raw: str
    registered_at: date | None
    action: str


_blank: Callable[[type[_Unfrozen]], Any] = object.__new__


def _new_line(line: int, raw: str, registered_at: date | None, action: str = "add") -> ListLine:
    """``ListLine(line, raw, registered_at, action)``, faster (see _Unfrozen)."""
    made = _blank(_Unfrozen)
    made.line = line
    made.raw = raw
    made.registered_at = registered_at
    made.action = action
    made.__class__ = ListLine
    result: ListLine = made
    return result


@dataclass(frozen=True, slots=True)
class LineRun:
    """Consecutive lines ``first_line``, ``first_line + 1``... that each gave a number to add:
    the ListLines ``read_list`` yields for them, as two lists (see ``read_list_runs``)."""

    first_line: int
    raws: list[str]
    registered_at: list[date | None]

    def lines(self) -> Iterator[ListLine]:
        for offset, (raw, day) in enumerate(zip(self.raws, self.registered_at, strict=True)):
            yield _new_line(self.first_line + offset, raw, day)


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that gave no number (or, for ``bad_date``, no date): counted by the caller."""

    line: int
    reason: str
    text: str


# ---------------------------------------------------------------------------------------------
# Reading bytes


_MAGIC: Final = (
    (b"PK\x03\x04", "a ZIP archive or an Excel .xlsx workbook", "export it as CSV or text"),
    (b"\xd0\xcf\x11\xe0", "an Excel .xls workbook", "export it as CSV or text"),
    (b"\x1f\x8b", "gzip-compressed", "decompress it first (gunzip)"),
    (b"%PDF", "a PDF document", "ask for the list as a text or CSV file"),
)
_BOM = b"\xef\xbb\xbf"


def _input_error(what: str, name: str, hint: str) -> InputFileError:
    return InputFileError(what, file=name, hint=hint)


def _open(name: str) -> BinaryIO:
    try:
        return open(name, "rb")  # noqa: SIM115 - the callers close it
    except FileNotFoundError as exc:
        raise _input_error("file not found", name, "check the path") from exc
    except IsADirectoryError as exc:
        raise _input_error("is a directory, not a file", name, "give the list file") from exc
    except PermissionError as exc:
        raise _input_error(
            "cannot read file: permission denied", name, "check the file permissions"
        ) from exc
    except OSError as exc:
        raise _input_error(
            f"cannot open file: {exc.strerror or exc}", name, "check the path"
        ) from exc


def _read(f: BinaryIO, size: int, name: str) -> bytes:
    try:
        return f.read(size)
    except OSError as exc:
        raise _input_error(
            f"cannot read file: {exc.strerror or exc}", name, "check the file and retry"
        ) from exc


def _file_chunks(name: str) -> Iterator[bytes]:
    with _open(name) as f:
        chunk = _read(f, max(_CHUNK_BYTES, len(_BOM)), name)
        if chunk.startswith(_BOM):
            chunk = chunk[len(_BOM) :] or _read(f, _CHUNK_BYTES, name)
        while chunk:
            yield chunk
            chunk = _read(f, _CHUNK_BYTES, name)


def _decode_line(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows writes cp1252; its five undefined bytes must not stop the import.
        text = data.decode("cp1252", errors="replace")
    return text.rstrip("\r")


def _decode_block(data: bytes) -> tuple[str, bool]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "\n".join(_decode_line(part) for part in data.split(b"\n")), False
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    # An all-ASCII block lets the hot loops trust str.isdigit (no Arabic-Indic digits etc.).
    return text, text.isascii()


def _blocks(chunks: Iterable[bytes], cr_only: bool) -> Iterator[tuple[str, bool]]:
    """Cut chunks into decoded blocks of whole lines joined by ``\\n`` (no ``\\r\\n``)."""
    carry = b""
    skipping = False  # inside a line longer than _MAX_LINE: keep its start, drop the rest
    for chunk in chunks:
        if cr_only:
            chunk = chunk.replace(b"\r", b"\n")
        if skipping:
            end = chunk.find(b"\n")
            if end < 0:
                continue
            yield _decode_line(carry), False
            carry = b""
            skipping = False
            chunk = chunk[end + 1 :]
        data = carry + chunk if carry else chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            carry = data
        else:
            carry = data[cut + 1 :]
            # Leave out the last line's "\r" too, so every line of a CRLF block ends the same.
            yield _decode_block(data[: cut - 1 if cut and data[cut - 1] == 13 else cut])
        if len(carry) > _MAX_LINE:
            carry = carry[: _MAX_LINE + 1]
            skipping = True
    if carry or skipping:
        yield _decode_line(carry), False


# ---------------------------------------------------------------------------------------------
# Fields


_DAY_FIRST = re.compile(
    r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_date_cache: dict[str, date] = {}


def _parse_date(text: str) -> date | None:
    """The date of ``text``, or None when it is not a readable date."""
    found = _date_cache.get(text)
    if found is not None:
        return found
    value: date | None = None
    if len(text) >= 10 and text[4:5] == "-":
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            value = None
        if isinstance(value, datetime):
            value = value.date()
    else:
        m = _DAY_FIRST.fullmatch(text)
        if m is not None:
            hour, minute, second = (int(g) if g else 0 for g in m.group(5, 6, 7))
            if hour < 24 and minute < 60 and second < 60:
                try:
                    value = date(int(m[4]), int(m[3]), int(m[1]))
                except ValueError:
                    value = None
    if value is not None:
        # Registration dates repeat across millions of lines; bounded so junk cannot grow it.
        if len(_date_cache) >= _DATE_CACHE_MAX:
            _date_cache.clear()
        _date_cache[text] = value
    return value


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


# A line parser takes a stripped, non-empty line and returns (raw, date text) or a reason.
_Parsed = tuple[str, str] | str


def _number_and_date(text: str) -> tuple[str, str] | str:
    if ";" not in text:
        return text, ""
    parts = text.split(";")
    if len(parts) > 2:
        return "extra_columns"
    return parts[0].strip(), parts[1].strip()


def _line_national(text: str) -> _Parsed:
    parsed = _number_and_date(text)
    if isinstance(parsed, str):
        return parsed
    number = parsed[0]
    if 9 <= len(number) <= 10 and _digits(number):
        return parsed
    return "unparseable_line"


def _line_e164(text: str) -> _Parsed:
    parsed = _number_and_date(text)
    if isinstance(parsed, str):
        return parsed
    number = parsed[0]
    if 8 <= len(number) <= 16 and number[0] == "+" and _digits(number[1:]):
        return parsed
    return "unparseable_line"


def _line_us(text: str) -> _Parsed:
    if len(text) == 10 and _digits(text):
        return text, ""
    area, comma, rest = text.partition(",")
    area, rest = area.strip(), rest.strip()
    if comma and len(area) == 3 and len(rest) == 7 and _digits(area) and _digits(rest):
        return area + rest, ""
    return "unparseable_line"


def _line_uk(text: str) -> _Parsed:
    number = text.replace(" ", "")
    if 10 <= len(number) <= 11 and _digits(number):
        return number, ""
    return "unparseable_line"


_LINE_PARSERS: Final[dict[str, Callable[[str], _Parsed]]] = {
    "national": _line_national,
    "e164": _line_e164,
    "us-dnc": _line_us,
    "uk-tps": _line_uk,
}

_INDICATORS: Final = {"ADD": "add", "A": "add", "DEL": "remove", "D": "remove"}
_DELTA_LINE = re.compile(r"(?:add|del|a|d)\s*[,;]", re.IGNORECASE)


def _split_indicator(text: str) -> tuple[str, str] | str:
    """(action, rest of the line) of a delta line, or a reason."""
    cuts = [i for i in (text.find(","), text.find(";")) if i >= 0]
    if not cuts:
        return "bad_indicator"
    cut = min(cuts)
    action = _INDICATORS.get(text[:cut].strip().upper())
    if action is None:
        return "bad_indicator"
    rest = text[cut + 1 :]
    if not rest.strip():
        return "missing_number"
    return action, rest


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


_NUMBER_RUN = re.compile(r"\d{6}")


def _looks_like_header(text: str) -> bool:
    # Column names have letters but never a phone number: "0612345678;1;OK" is a data line.
    return _has_letters(text) and _NUMBER_RUN.search(text) is None


# ---------------------------------------------------------------------------------------------
# CSV headers


def _norm_header(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().strip("\"'").casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


_PHONE_TOKENS: Final = frozenset(
    {
        "phone",
        "phones",
        "phonenumber",
        "telephone",
        "telephones",
        "tel",
        "telefon",
        "telefono",
        "msisdn",
        "e164",
        "mobile",
        "portable",
        "gsm",
        "cellphone",
    }
)
# Weaker names, used only when alone: "numero_client" must not be taken for a phone column.
_PHONE_NAMES: Final = frozenset({"e_164", "numero", "number", "cell"})
_DATE_STRONG: Final = frozenset(
    {"inscription", "inscrit", "registered", "registration", "opposition", "optout"}
)
_DATE_WEAK: Final = frozenset({"date", "added", "created"})
_DATE_NOT: Final = frozenset(
    {"naissance", "birth", "birthday", "dob", "modification", "modified", "update", "updated"}
)


def _phone_tier(header: str) -> int:
    """0: not a phone column; 1: named as one; 2: only a generic "number" name."""
    norm = _norm_header(header)
    if _PHONE_TOKENS.intersection(norm.split("_")):
        return 1
    return 2 if norm in _PHONE_NAMES else 0


def _date_tier(header: str) -> int:
    tokens = set(_norm_header(header).split("_"))
    if tokens & _DATE_NOT:
        return 0
    if tokens & _DATE_STRONG or "opt" in tokens and "out" in tokens:
        return 1
    return 2 if tokens & _DATE_WEAK else 0


def _guess_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _split_row(text: str, delimiter: str) -> list[str] | None:
    if '"' not in text:
        return [cell.strip() for cell in text.split(delimiter)]
    try:
        row = next(csv.reader((text,), delimiter=delimiter, strict=False), [])
    except csv.Error:
        return None
    return [cell.strip() for cell in row]


_SEP_LINE = re.compile(r"sep=(.)", re.IGNORECASE)
_PHONE_CELL = re.compile(r"[0-9+()./\- \u00a0\u202f]*[0-9][0-9+()./\- \u00a0\u202f]*")


def _clean_cell(cell: str) -> str:
    if cell.startswith('="') and cell.endswith('"') and len(cell) >= 3:
        cell = cell[2:-1].strip()
    if cell.endswith(".0") and _digits(cell[:-2]):
        cell = cell[:-2]
    return cell


@dataclass(frozen=True, slots=True)
class _CsvPlan:
    header_line: int
    delimiter: str
    number: int
    date: int | None


# ---------------------------------------------------------------------------------------------
# Sample of the first lines


@dataclass(slots=True)
class _Sample:
    name: str
    lines: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, stripped)
    cr_only: bool = False


def _sample(path: str | os.PathLike[str]) -> _Sample:
    name = os.fspath(path)
    with _open(name) as f:
        head = _read(f, _SAMPLE_BYTES, name)
        complete = len(head) < _SAMPLE_BYTES or not _read(f, 1, name)
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    if not head.strip() and complete:
        raise _input_error(
            "file is empty" if not head else "file is empty (only blank lines)",
            name,
            "the download or export probably failed; fetch the list again",
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _input_error(
            "file is UTF-16 text", name, "save it as UTF-8 or ASCII text (Excel: CSV UTF-8)"
        )
    for magic, kind, hint in _MAGIC:
        if head.startswith(magic):
            raise _input_error(f"file is {kind}, not a text list", name, hint)
    if b"\x00" in head:
        raise _input_error(
            "file is binary (it contains NUL bytes), not a text list",
            name,
            "export the list as plain text or CSV",
        )
    sample = _Sample(name, cr_only=b"\r" in head and b"\n" not in head)
    if sample.cr_only:
        head = head.replace(b"\r", b"\n")
    if not complete:
        head = head[: head.rfind(b"\n") + 1]
    n = 0
    for block, _plain in _blocks((head,), False):
        for text in block.split("\n"):
            n += 1
            stripped = text.strip()
            if stripped and len(stripped) <= _MAX_LINE:
                sample.lines.append((n, text.rstrip("\r\n"), stripped))
                if len(sample.lines) >= _SAMPLE_LINES:
                    return sample
    return sample


# ---------------------------------------------------------------------------------------------
# Detection


def _vote_national(text: str, stripped: str) -> bool:
    parsed = _line_national(stripped)
    if isinstance(parsed, str) or len(text) == 12 and " " in text:
        return False
    number, when = parsed
    if (len(number) == 10) != (number[0] == "0"):
        return False
    return not when or _parse_date(when) is not None


def _vote_e164(text: str, stripped: str) -> bool:
    parsed = _line_e164(stripped)
    return not isinstance(parsed, str) and (not parsed[1] or _parse_date(parsed[1]) is not None)


def _vote_us(text: str, stripped: str) -> bool:
    if len(stripped) == 10:
        return stripped[0] in "23456789" and _digits(stripped)
    return len(stripped) == 11 and stripped[3] == "," and _digits(stripped.replace(",", "", 1))


def _vote_uk(text: str, stripped: str) -> bool:
    number = stripped.replace(" ", "")
    if not (10 <= len(number) <= 11 and _digits(number) and number[0] == "0" != number[1]):
        return False
    return len(text) == 12 and " " in text or len(stripped) == 11


_VOTERS: Final[dict[str, Callable[[str, str], bool]]] = {
    "national": _vote_national,
    "e164": _vote_e164,
    "us-dnc": _vote_us,
    "uk-tps": _vote_uk,
}


def _is_delta(stripped: str) -> bool:
    return _DELTA_LINE.match(stripped) is not None


def _votes_delta(text: str) -> tuple[str, str] | None:
    """The rest of a delta line when that rest is a number of some format ("A;Paris" is not)."""
    if _DELTA_LINE.match(text.lstrip()) is None:
        return None
    rest = _delta_rest(text)
    if rest is None or not any(vote(*rest) for vote in _VOTERS.values()):
        return None
    return rest


def _is_header(stripped: str, fmt: str, delta: bool) -> bool:
    """Whether the first non-blank line is a header for an explicit whole-line format."""
    if not _looks_like_header(stripped):
        return False
    if delta:
        return not _is_delta(stripped)
    return isinstance(_LINE_PARSERS[fmt](stripped), str)


def _delta_rest(text: str) -> tuple[str, str] | None:
    split = _split_indicator(text.lstrip())
    if isinstance(split, str):
        return None
    rest = split[1]
    return rest, rest.strip()


def _detect(sample: _Sample, mode: str) -> tuple[str, int]:
    """(format, line number of a header to skip, or 0)."""
    name = sample.name
    lines = sample.lines
    header = 0
    start = 0
    if lines and _SEP_LINE.fullmatch(lines[0][1].strip(" ")):
        start = 1
    if start < len(lines):
        n, text, stripped = lines[start]
        if (
            _looks_like_header(stripped)
            and _votes_delta(text) is None
            and not any(vote(text, stripped) for vote in _VOTERS.values())
        ):
            header = n
            start += 1
    if start == 1 and not header:
        header = lines[0][0]  # only the Excel "sep=" line to skip
    data = [(text, stripped) for _n, text, stripped in lines[start:]]
    if not data:
        raise ListFileError(
            "no data line to recognise the list format from",
            file=name,
            hint="the file has no number after its header; check that the export is complete",
        )
    deltas = [rest for text, _stripped in data if (rest := _votes_delta(text)) is not None]
    if mode == "full" and len(deltas) >= 0.8 * len(data):
        raise ListFileError(
            "file holds ADD/DEL change lines (a delta file), not a full list",
            file=name,
            hint="import it with --mode delta",
        )
    if mode == "delta":
        if len(deltas) < 0.8 * len(data):
            raise ListFileError(
                "no ADD/DEL change lines at the start of the file",
                file=name,
                hint="this looks like a full list: import it without --mode delta",
            )
        data = deltas
    ballots = [[fmt for fmt, vote in _VOTERS.items() if vote(t, s)] for t, s in data]
    votes = {fmt: sum(fmt in ballot for ballot in ballots) for fmt in _VOTERS}
    ranked = sorted(votes, key=lambda fmt: -votes[fmt])
    best, second = votes[ranked[0]], votes[ranked[1]]
    # Garbage lines are bad lines whatever the format, so only lines of some format weigh
    # between formats; they must still be half of the sample for the guess to mean anything.
    voting = sum(1 for ballot in ballots if ballot)
    if voting >= 0.5 * len(data) and best >= 0.8 * voting and second <= 0.1 * voting:
        return ranked[0], header
    tried = "national, e164, us-dnc, uk-tps"
    if mode == "full":
        if header:
            cells = _split_row(lines[start - 1][2], _guess_delimiter(lines[start - 1][2])) or []
            if any(_phone_tier(cell) for cell in cells):
                return "csv", 0
        tried += ", csv (no header naming a phone column)"
    counts = ", ".join(f"{fmt} {votes[fmt]}" for fmt in ranked if votes[fmt])
    found = f"lines matching each: {counts} of {len(data)}" if counts else "no line matched any"
    hint = "pass --format national, e164, csv, us-dnc or uk-tps"
    if any(_number_and_date(stripped) == "extra_columns" for _text, stripped in data):
        hint += (
            "; lines with 3+ ';' columns (such as Bloctel responses number;code;status) are"
            " not read: keep only the opposed numbers, one per line"
        )
    raise ListFileError(
        f"cannot recognise the list format (tried {tried}; {found})", file=name, hint=hint
    )


def _csv_plan(sample: _Sample, column: str | None) -> _CsvPlan:
    name = sample.name
    lines = sample.lines
    delimiter: str | None = None
    start = 0
    if lines and (sep := _SEP_LINE.fullmatch(lines[0][1].strip(" "))) is not None:
        delimiter = sep[1]
        start = 1
    if start >= len(lines):
        raise ListFileError(
            "no header line found", file=name, hint="check that the file holds a table"
        )
    n, _text, first = lines[start]
    if delimiter is None:
        delimiter = _guess_delimiter(first)
    cells = _split_row(first, delimiter) or [first]
    has_header = _looks_like_header(first)
    shown = ", ".join(repr(cell) for cell in cells)
    if column is not None:
        wanted = column.strip()
        for exact in (True, False):
            for i, cell in enumerate(cells):
                if has_header and (
                    cell == wanted if exact else _norm_header(cell) == _norm_header(wanted)
                ):
                    return _CsvPlan(n, delimiter, i, _date_column(cells, i, has_header))
        if _digits(wanted) and 1 <= int(wanted) <= len(cells):
            i = int(wanted) - 1
            # By position, the first line is data when that cell holds a number ("x;0612...").
            has_header = _PHONE_CELL.fullmatch(_clean_cell(cells[i])) is None
            # Without a header only an Excel "sep=" line comes before the data.
            skip = n if has_header else lines[0][0] if start else 0
            return _CsvPlan(skip, delimiter, i, _date_column(cells, i, has_header))
        raise ColumnNotFoundError(
            f"no column {wanted!r} in the file",
            file=name,
            row=n,
            hint=f"columns are: {shown}" if has_header else "give the 1-based column position",
        )
    if not has_header:
        raise ColumnNotFoundError(
            "the first line is not a header (no column names)",
            file=name,
            row=n,
            hint="pass --column with the 1-based position of the numbers, or add a header",
        )
    for tier in (1, 2):
        found = [i for i, cell in enumerate(cells) if _phone_tier(cell) == tier]
        if len(found) == 1:
            return _CsvPlan(n, delimiter, found[0], _date_column(cells, found[0], True))
        if found:
            names = ", ".join(repr(cells[i]) for i in found)
            raise ListFileError(
                f"several columns could hold the numbers: {names}",
                file=name,
                row=n,
                hint="pass --column NAME (import once per column to take several)",
            )
    raise ColumnNotFoundError(
        "no column of the header looks like phone numbers",
        file=name,
        row=n,
        hint=f"pass --column NAME; columns are: {shown}",
    )


def _date_column(cells: list[str], number: int, has_header: bool) -> int | None:
    if not has_header:
        return None
    for tier in (1, 2):
        for i, cell in enumerate(cells):
            if i != number and _date_tier(cell) == tier:
                return i
    return None


# ---------------------------------------------------------------------------------------------
# Parsing


class _Tally:
    """What the slow path saw, for the final "no usable line" verdict."""

    __slots__ = ("bad", "first_bad", "good", "reasons", "slow_lines", "delta_like")

    def __init__(self) -> None:
        self.bad = 0
        self.first_bad: list[int] = []
        self.good = 0
        self.reasons: dict[str, int] = {}
        self.slow_lines = 0
        self.delta_like = 0

    def badline(self, n: int, reason: str, text: str) -> BadLine:
        self.bad += 1
        if len(self.first_bad) < _FIRST_BAD_SHOWN:
            self.first_bad.append(n)
        self.reasons[reason] = self.reasons.get(reason, 0) + 1
        return BadLine(n, reason, text[:_TEXT_CUT])

    def verdict(self, name: str, fmt: str, delta: bool, detected: bool) -> None:
        """Raise when the whole file gave no number."""
        if self.bad == 0:
            raise ListFileError(
                "no number found in the file",
                file=name,
                hint="it has no data line after its header; check that the export is complete",
            )
        lines = ", ".join(map(str, self.first_bad))
        if self.bad > len(self.first_bad):
            lines += ", ..."
        how = "auto-detected" if detected else "as given"
        hint = f"it was read as --format {fmt} ({how}){' --mode delta' if delta else ''}"
        hint += "; check --format and --mode"
        if self.delta_like:
            hint += "; the lines look like ADD/DEL changes: use --mode delta"
        if self.reasons.get("extra_columns"):
            hint += (
                "; lines with 3+ ';' columns (such as Bloctel responses number;code;status)"
                " are not read: keep only the opposed numbers, one per line"
            )
        raise ListFileError(
            f"no usable line in the file: {self.bad} bad line{'s' * (self.bad > 1)}"
            f" (line{'s' * (self.bad > 1)} {lines})",
            file=name,
            hint=hint,
        )


def _slow_line(
    s: str,
    n: int,
    parse: Callable[[str], _Parsed],
    delta: bool,
    skip: int,
    tally: _Tally,
) -> tuple[ListLine | BadLine, ...]:
    """Every line the hot loop does not take: blanks, headers, dates, oddities."""
    tally.slow_lines += 1
    t = s.strip()
    if not t or n <= skip:
        return ()
    if len(t) > _MAX_LINE:
        return (tally.badline(n, "line_too_long", t),)
    action = "add"
    body = t
    if delta:
        split = _split_indicator(t)
        if isinstance(split, str):
            return (tally.badline(n, split, t),)
        action, rest = split
        body = rest.strip()
    parsed = parse(body)
    if isinstance(parsed, str):
        if not delta and _DELTA_LINE.match(t):
            tally.delta_like += 1
        return (tally.badline(n, parsed, t),)
    raw, when = parsed
    tally.good += 1
    if not when:
        return (_new_line(n, raw, None, action),)
    day = _parse_date(when)
    if day is None:
        return (_new_line(n, raw, None, action), tally.badline(n, "bad_date", t))
    return (_new_line(n, raw, day, action),)


def _dated_block(block: str, dates: dict[str, date]) -> tuple[list[str], list[date | None]] | None:
    """Numbers and dates of a block made only of ``0612345678;01/03/2024`` lines, if all of
    its dates are already known; else None.

    Bloctel lists are such lines (a 5M-line import in the benchmark): cutting them in C here
    saves the two slices and the lookup that the line loop would pay for every line.
    """
    count, extra = divmod(len(block) + 1, 22)
    if extra or block[10::22] != ";" * count or block[21::22] != "\n" * (count - 1):
        return None
    # The number columns, read down the block, are digits (cheaper than joining the numbers).
    if not "".join([block[i::22] for i in range(10)]).isdigit():
        return None
    # The separators sit exactly where they should; one more anywhere makes one part too many.
    parts = block.replace(";", "\n").split("\n")
    if len(parts) != 2 * count:
        return None
    try:
        days: list[date | None] = list(map(dates.__getitem__, parts[1::2]))
    except KeyError:
        return None
    return parts[0::2], days


def _digit_block(block: str, width: int) -> list[str] | None:
    """The lines of a block made only of ``width``-digit lines (``0612345678``), else None."""
    lines = block.split("\n")
    count = len(lines)
    if len(block) != count * (width + 1) - 1 or block[width :: width + 1] != "\n" * (count - 1):
        return None
    return lines if block.replace("\n", "").isdigit() else None


def _iter_runs(
    name: str, fmt: str, delta: bool, skip: int, cr_only: bool, detected: bool
) -> Iterator[LineRun | ListLine | BadLine]:
    parse = _LINE_PARSERS[fmt]
    tally = _Tally()
    fast = "" if delta else {"national": "10", "us-dnc": "10", "e164": "+"}.get(fmt, "")
    dated = fmt == "national" and not delta
    dates = _date_cache
    n = 0
    for block, plain in _blocks(_file_chunks(name), cr_only):
        if plain and dated and (pairs := _dated_block(block, dates)) is not None:
            yield LineRun(n + 1, *pairs)
            n += len(pairs[0])
            continue
        if plain and fast == "10" and (numbers := _digit_block(block, 10)) is not None:
            yield LineRun(n + 1, numbers, [None] * len(numbers))
            n += len(numbers)
            continue
        if not (plain and fast):
            for s in block.split("\n"):
                n += 1
                yield from _slow_line(s, n, parse, delta, skip, tally)
            continue
        # Clean lines gather into a run: lines first, first + 1, ... n of raws and days.
        first = n + 1
        raws: list[str] = []
        days: list[date | None] = []
        for s in block.split("\n"):
            n += 1
            if fast == "10" and len(s) == 10 and s.isdigit():
                raws.append(s)
                days.append(None)
            elif (
                dated
                and len(s) == 21
                and s[10] == ";"
                and (day := dates.get(s[11:])) is not None
                and s[:10].isdigit()
            ):
                # Bloctel's "number;date": the dates repeat, so the cache answers.
                raws.append(s[:10])
                days.append(day)
            elif fast == "+" and 8 <= len(s) <= 16 and s[0] == "+" and s[1:].isdigit():
                raws.append(s)
                days.append(None)
            else:
                got = _slow_line(s, n, parse, False, skip, tally)
                if len(got) == 1 and isinstance(line := got[0], ListLine):
                    raws.append(line.raw)
                    days.append(line.registered_at)
                    continue
                if raws:
                    yield LineRun(first, raws, days)
                    raws, days = [], []
                yield from got
                first = n + 1
        if raws:
            yield LineRun(first, raws, days)
    if not tally.good and n == tally.slow_lines:
        tally.verdict(name, fmt, delta, detected)


def _each_line(items: Iterator[LineRun | ListLine | BadLine]) -> Iterator[ListLine | BadLine]:
    for item in items:
        if isinstance(item, LineRun):
            yield from item.lines()
        else:
            yield item


def _iter_csv(name: str, plan: _CsvPlan, cr_only: bool) -> Iterator[ListLine | BadLine]:
    tally = _Tally()
    n = 0
    delimiter, number, date_at = plan.delimiter, plan.number, plan.date
    for block, _plain in _blocks(_file_chunks(name), cr_only):
        for s in block.split("\n"):
            n += 1
            t = s.strip()
            if not t or n <= plan.header_line:
                continue
            if len(t) > _MAX_LINE:
                yield tally.badline(n, "line_too_long", t)
                continue
            cells = _split_row(t, delimiter)
            if cells is None:
                yield tally.badline(n, "unparseable_line", t)
                continue
            if not any(cells):
                continue
            cell = _clean_cell(cells[number]) if number < len(cells) else ""
            if not cell:
                yield tally.badline(n, "missing_number", t)
                continue
            if _PHONE_CELL.fullmatch(cell) is None:
                yield tally.badline(n, "bad_number", t)
                continue
            tally.good += 1
            when = cells[date_at] if date_at is not None and date_at < len(cells) else ""
            day = _parse_date(when) if when else None
            yield _new_line(n, cell, day)
            if when and day is None:
                yield tally.badline(n, "bad_date", t)
    if not tally.good:
        tally.verdict(name, "csv", False, False)


# ---------------------------------------------------------------------------------------------
# Public API


def _check_arguments(format: str, mode: str, column: str | None) -> None:
    if format not in FORMATS:
        raise InvalidArgumentError(
            f"unknown list format {format!r}", hint=f"use one of: {', '.join(FORMATS)}"
        )
    if mode not in MODES:
        raise InvalidArgumentError(
            f"unknown list mode {mode!r}", hint=f"use one of: {', '.join(MODES)}"
        )
    if column is not None and format not in ("auto", "csv"):
        raise InvalidArgumentError(
            f"--column does not apply to --format {format}",
            hint="drop --column, or use --format csv",
        )
    if mode == "delta" and (format == "csv" or column is not None):
        raise InvalidArgumentError(
            "delta files are read as INDICATOR,NUMBER lines, not as a csv table",
            hint="use --format auto, national, e164, us-dnc or uk-tps with --mode delta",
        )


def detect_format(path: str | os.PathLike[str], *, mode: str = "full") -> str:
    """The format of a list file (never ``"auto"``), from its first non-blank lines.

    In delta mode this is the format of the numbers after the ADD/DEL indicators. Raises
    InputFileError for an unreadable file and ListFileError when no format fits.
    """
    _check_arguments("auto", mode, None)
    return _detect(_sample(path), mode)[0]


def read_list(
    path: str | os.PathLike[str],
    *,
    format: str = "auto",
    mode: str = "full",
    column: str | None = None,
) -> Iterator[ListLine | BadLine]:
    """Stream the numbers of a list file, in file order, with the lines that gave none.

    Argument, file and format errors are raised by this call; the iterator itself raises
    InputFileError if the file becomes unreadable and ListFileError, once exhausted, if no
    line gave a number.
    """
    return _each_line(read_list_runs(path, format=format, mode=mode, column=column))


def read_list_runs(
    path: str | os.PathLike[str],
    *,
    format: str = "auto",
    mode: str = "full",
    column: str | None = None,
) -> Iterator[LineRun | ListLine | BadLine]:
    """``read_list``, but consecutive lines that each gave a number to add may come as one
    ``LineRun`` instead of ListLines: millions of lines cost a few lists, not millions of
    objects. Raises what ``read_list`` raises, when it does."""
    _check_arguments(format, mode, column)
    sample = _sample(path)
    if format == "csv" or format == "auto" and column is not None:
        return _iter_csv(sample.name, _csv_plan(sample, column), sample.cr_only)
    delta = mode == "delta"
    detected = format == "auto"
    if detected:
        fmt, header = _detect(sample, mode)
        if fmt == "csv":
            return _iter_csv(sample.name, _csv_plan(sample, None), sample.cr_only)
    else:
        fmt = format
        header = 0
        if sample.lines and _is_header(sample.lines[0][2], fmt, delta):
            header = sample.lines[0][0]
    return _iter_runs(sample.name, fmt, delta, header, sample.cr_only, detected)
