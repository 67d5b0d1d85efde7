"""Keyed hashes of erased numbers: blocked for ever, readable by nobody.

When a person asks to be forgotten (GDPR art. 17), their number must leave the database and yet
stay blocked: a purchased file that brings it back must not make it callable again. The number
survives only as an HMAC-SHA256 under a secret of this database (``erased_number.digest``), so
screening and the rules engine can still recognise it (``find_erased``) while nothing stored
says which number it was. Erased e-mail addresses are kept the same way (``erased_email``,
``find_erased_addresses``), so that a contact import can refuse the rows that bring one back.

The same key writes *pseudonyms* (``#`` and 15 hex digits of the HMAC) where a number must be
named without being revealed: in every audit record (``audit.record`` replaces each E.164
number of a payload by its pseudonym, from the start, so erasing never has to edit the
hash-chained log) and in the calls of a forgotten person, which stay in the funnel's counts.
Whoever holds the database can check whether a given number was erased or audited
(``pseudonym``): the key lives in the database (``setting.erasure_key``), so a copy of the
database keeps blocking the same numbers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from suppression import bulk
from suppression.models import (
    ConsentEvent,
    Contract,
    ErasedEmail,
    ErasedNumber,
    ListEntry,
    OptOut,
    OptOutEvent,
    Relationship,
    Setting,
)

KEY_SETTING = "erasure_key"
# An E.164 number anywhere in a text: "+", 6 to 15 digits, not part of a longer run of digits.
E164_IN_TEXT = re.compile(r"(?<![\d+])\+[1-9]\d{5,14}(?!\d)")


def database_key(session: Session, *, create: bool = True) -> bytes | None:
    """This database's secret (32 random bytes), created on first use; None when it does not
    exist yet and ``create`` is false (then nothing was ever erased or pseudonymised)."""
    found = session.scalar(select(Setting.value).where(Setting.key == KEY_SETTING))
    if found is None and create:
        # Two first writers at once: the second one's insert does nothing, both read the same.
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        values = {"key": KEY_SETTING, "value": secrets.token_hex(32)}
        statement = dialect.insert(Setting).values(**values, updated_at=datetime.now().astimezone())
        session.execute(statement.on_conflict_do_nothing(index_elements=["key"]))
        found = session.scalar(select(Setting.value).where(Setting.key == KEY_SETTING))
    return None if found is None else bytes.fromhex(found)


def digest(key: bytes, value: str) -> str:
    """The keyed hash that stands for ``value`` (an E.164 number, or a casefolded address)."""
    return hmac.digest(key, value.encode("utf-8"), hashlib.sha256).hex()


def pseudonym(key: bytes, value: str) -> str:
    """A short stand-in for ``value`` that fits where a number fits (16 characters)."""
    return "#" + digest(key, value)[:15]


def pseudonymise(key: bytes, payload: Any) -> Any:
    """``payload`` (JSON-like) with every E.164 number in it, whole or within a text, replaced by
    its pseudonym."""
    if isinstance(payload, str):
        return E164_IN_TEXT.sub(lambda match: pseudonym(key, match.group()), payload)
    if isinstance(payload, dict):
        return {pseudonymise(key, k): pseudonymise(key, v) for k, v in payload.items()}
    if isinstance(payload, list | tuple):
        return [pseudonymise(key, item) for item in payload]
    return payload


def erased_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ErasedNumber)) or 0


def find_erased(session: Session, numbers: Sequence[str]) -> dict[str, datetime]:
    """Which of ``numbers`` (E.164) were erased, and when."""
    return _find(session, ErasedNumber, numbers)


def find_erased_addresses(session: Session, addresses: Sequence[str]) -> dict[str, datetime]:
    """Which of ``addresses`` (e-mail addresses, any case) were erased, and when."""
    forms = {address: address.strip().casefold() for address in addresses if address.strip()}
    found = _find(session, ErasedEmail, sorted(set(forms.values())))
    return {address: found[form] for address, form in forms.items() if form in found}


def _find(
    session: Session, table: type[ErasedNumber | ErasedEmail], values: Sequence[str]
) -> dict[str, datetime]:
    if not values or session.scalar(select(table.digest).limit(1)) is None:
        return {}
    key = database_key(session, create=False)
    if key is None:
        return {}
    by_digest = {digest(key, value): value for value in set(values)}
    hits = bulk.select_in(
        session, f"SELECT digest FROM {table.__tablename__} WHERE", "digest", list(by_digest)
    )
    found = sorted(found for (found,) in hits)
    erased: dict[str, datetime] = {}
    for start in range(0, len(found), 1_000):
        batch = found[start : start + 1_000]
        when = select(table.digest, table.erased_at).where(table.digest.in_(batch))
        erased.update((by_digest[d], at) for d, at in session.execute(when))
    return erased


def _keep(
    session: Session, table: type[ErasedNumber | ErasedEmail], digests: list[str], now: datetime
) -> None:
    sql = f"SELECT digest FROM {table.__tablename__} WHERE"
    known = {found for (found,) in bulk.select_in(session, sql, "digest", digests)}
    session.add_all(table(digest=d, erased_at=now) for d in sorted(set(digests) - known))


def block(
    session: Session, numbers: Iterable[str], *, addresses: Iterable[str] = (), now: datetime
) -> None:
    """Keep ``numbers`` and e-mail ``addresses`` blocked as keyed hashes, and delete every row
    of the suppression tables that holds one of the numbers (opt-outs and their history,
    consents, contracts, relationships, opposition list entries)."""
    key = database_key(session)
    assert key is not None
    numbers = sorted(set(numbers))
    bulk.lock_numbers(session, numbers)
    _keep(session, ErasedNumber, [digest(key, number) for number in numbers], now)
    forms = {address.strip().casefold() for address in addresses} - {""}
    _keep(session, ErasedEmail, [digest(key, form) for form in forms], now)
    for table in (OptOut, OptOutEvent, ConsentEvent, Contract, Relationship, ListEntry):
        column = table.__table__.c.e164
        for start in range(0, len(numbers), 1_000):
            session.execute(delete(table).where(column.in_(numbers[start : start + 1_000])))
    session.flush()
