"""Erasure on request (GDPR art. 17): ``campaign forget NUMBER|EMAIL``.

Who is the person: every contact record that has the number (or the e-mail address, compared
without case), in every campaign, together with the records dedup merged with it. What goes:

- those contact records (names, company, address, attributes), their numbers, and the merges
  that kept former copies of them (an undone merge too);
- every number they had, and the one asked about, from the opt-outs and their history, the
  consent ledger, contracts, US relationships and the opposition-list copies;
- the free text of their calls: the number as written and the agent's note. The calls stay,
  without contact, all under one pseudonym (the erased number's or address's), so the funnel
  still counts one person and adds up as before (two calls at the very same moment keep one
  each); their violations are kept, with any number in them pseudonymised.

What stays: each of those numbers as a keyed hash (``suppression.erasure``), so screening, the
call list and ``can-call`` keep blocking it when a purchased file brings it back; each of their
e-mail addresses the same way (not a role mailbox such as ``contact@``, which colleagues share),
so a contact import refuses the rows that bring one back; and one audit record ``forget`` with
counts and pseudonyms only. A number or an address nobody had is blocked all the same: the
person asked.

Another person's record that shares one of those numbers (a switchboard) is left, and that
number is blocked for them too. On SQLite the deleted bytes are overwritten (``secure_delete``);
``campaign forget`` then empties the write-ahead log. Backups taken before still hold the data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, text, update
from sqlalchemy.orm import Session

from campaign.matching.records import is_role_mailbox
from campaign.models import CallEvent, Campaign, Contact, ContactNumber, Merge
from campaign.retention import people
from suppression import audit, erasure
from suppression.errors import InvalidArgumentError
from suppression.phone import PhoneNumber, normalize

_BATCH = 1_000


@dataclass(frozen=True)
class Erasure:
    """What ``forget`` erased (or would, with ``dry_run``); numbers only by pseudonym."""

    target: str  # "number" or "email"
    pseudonym: str
    dry_run: bool
    contacts: int
    calls: int
    merges: int
    blocked: int  # numbers kept blocked as keyed hashes
    addresses: int  # e-mail addresses kept blocked as keyed hashes
    numbers: list[str] = field(default_factory=list)  # their pseudonyms (none in a first dry run)
    campaigns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def forget(
    session: Session, who: str, *, region: str = "FR", dry_run: bool = False, now: datetime
) -> Erasure:
    """Erase the person known by ``who`` (a number as written, or an e-mail address); see the
    module docstring for what goes and what stays."""
    email, number = _target(who, region)
    if email is None:
        hit = set(
            session.scalars(select(ContactNumber.contact_id).where(ContactNumber.e164 == number))
        )
    else:  # compared here: SQLite's lower() folds ASCII letters only
        emails = session.execute(select(Contact.id, Contact.email).where(Contact.email != ""))
        hit = {i for i, address in emails if address.strip().casefold() == email}
    ids = sorted(
        member for members in people(session).values() if hit & set(members) for member in members
    )
    merges = _merges(session, set(ids))
    numbers = _numbers(session, ids, merges) | ({number} if number is not None else set())
    addresses = _addresses(session, ids, merges) | ({email} if email is not None else set())
    calls = _calls(session, ids, numbers)
    key = erasure.database_key(session, create=not dry_run)
    shown = erasure.pseudonym(key, email or number or "") if key is not None else ""
    names = session.scalars(
        select(Campaign.name)
        .where(Campaign.id.in_({c.campaign_id for c in calls} | _campaigns(session, ids)))
        .order_by(Campaign.name)
    ).all()
    result = Erasure(
        target="email" if email is not None else "number",
        pseudonym=shown,
        dry_run=dry_run,
        contacts=len(ids),
        calls=len(calls),
        merges=len(merges),
        blocked=len(numbers),
        addresses=len(addresses),
        numbers=sorted(erasure.pseudonym(key, n) for n in numbers) if key is not None else [],
        campaigns=list(names),
    )
    if dry_run:
        return result
    with _secure_delete(session):
        _anonymise(session, calls, shown)
        erasure.block(session, numbers, addresses=addresses, now=now)
        for start in range(0, len(merges), _BATCH):
            batch = [m.id for m in merges[start : start + _BATCH]]
            session.execute(delete(Merge).where(Merge.id.in_(batch)))
        for start in range(0, len(ids), _BATCH):
            batch = ids[start : start + _BATCH]
            session.execute(delete(ContactNumber).where(ContactNumber.contact_id.in_(batch)))
            session.execute(
                update(Contact).where(Contact.id.in_(batch)).values(merged_into_id=None)
            )
        for start in range(0, len(ids), _BATCH):
            session.execute(delete(Contact).where(Contact.id.in_(ids[start : start + _BATCH])))
        session.flush()
    session.expire_all()
    audit.record(session, "forget", result.as_dict(), at=now)
    return result


def _target(who: str, region: str) -> tuple[str | None, str | None]:
    text_ = who.strip()
    if "@" in text_:
        local, _, domain = text_.rpartition("@")
        if not local or "." not in domain or any(c.isspace() for c in text_):
            raise InvalidArgumentError(
                f"{who!r} is not an e-mail address", hint="write it like name@example.fr"
            )
        return text_.casefold(), None
    parsed = normalize(text_, region)
    if not isinstance(parsed, PhoneNumber):
        raise InvalidArgumentError(
            f"{who!r} is neither a phone number nor an e-mail address ({parsed.reason})",
            hint="give the number as in the files (06 12 34 56 78, +33612345678; --region for "
            "national numbers of another country) or the person's e-mail address",
        )
    return None, parsed.e164


def _merges(session: Session, ids: set[int]) -> list[Merge]:
    """The merges that keep a copy of one of ``ids``: as survivor or among the records before."""
    if not ids:
        return []
    found = []
    for merge in session.scalars(select(Merge).order_by(Merge.id)):
        kept = {snapshot.get("id") for snapshot in merge.before.get("contacts", [])}
        if merge.survivor_id in ids or kept & ids:
            found.append(merge)
    return found


def _numbers(session: Session, ids: list[int], merges: list[Merge]) -> set[str]:
    """Every number the person's records have, had before a merge, or were called on."""
    numbers: set[str] = set()
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        numbers.update(
            session.scalars(
                select(ContactNumber.e164).where(
                    ContactNumber.contact_id.in_(batch), ContactNumber.e164.is_not(None)
                )
            )
        )
        numbers.update(
            session.scalars(select(CallEvent.e164).where(CallEvent.contact_id.in_(batch)))
        )
    for merge in merges:
        for snapshot in merge.before.get("contacts", []):
            numbers.update(n["e164"] for n in snapshot.get("numbers", []) if n.get("e164"))
    return {n for n in numbers if n and not n.startswith("#")}


def _addresses(session: Session, ids: list[int], merges: list[Merge]) -> set[str]:
    """The person's own e-mail addresses (stripped, casefolded), before and after merges; not a
    role mailbox (``contact@``...), which the colleagues share."""
    addresses: set[str] = set()
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        addresses.update(session.scalars(select(Contact.email).where(Contact.id.in_(batch))))
    for merge in merges:
        addresses.update(s.get("email") or "" for s in merge.before.get("contacts", []))
    forms = {address.strip().casefold() for address in addresses}
    return {form for form in forms if "@" in form and not is_role_mailbox(form)}


def _calls(session: Session, ids: list[int], numbers: set[str]) -> list[CallEvent]:
    found: dict[int, CallEvent] = {}
    wanted = sorted(numbers)
    for start in range(0, max(len(ids), len(wanted)), _BATCH):
        query = select(CallEvent).where(
            or_(
                CallEvent.contact_id.in_(ids[start : start + _BATCH]),
                CallEvent.e164.in_(wanted[start : start + _BATCH]),
            )
        )
        found.update((call.id, call) for call in session.scalars(query))
    return [found[i] for i in sorted(found)]


def _campaigns(session: Session, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        found.update(session.scalars(select(Contact.campaign_id).where(Contact.id.in_(batch))))
    return found


def _anonymise(session: Session, calls: list[CallEvent], alias: str) -> None:
    """Strip the calls of what says who was called: all of them under one pseudonym, ``alias``
    (the erased number's or address's), so the funnel still counts one person. Two of the
    person's numbers called at the same moment with the same outcome cannot share it (a call is
    unique by campaign, number, moment and outcome): the second keeps its own number's
    pseudonym. A call already kept under its pseudonym (logged again after an earlier erasure)
    is the same call: the copy goes."""
    if not calls:
        return
    key = erasure.database_key(session)
    assert key is not None
    own = {call.id: erasure.pseudonym(key, call.e164) for call in calls}
    with session.no_autoflush:
        twins = select(CallEvent).where(
            CallEvent.e164.in_({alias, *own.values()}), CallEvent.id.not_in(list(own))
        )
        earlier = {(c.campaign_id, c.e164, c.at, c.outcome) for c in session.scalars(twins)}
    taken: set[tuple[int, str, datetime, str]] = set()
    for call in calls:
        name = alias
        if (call.campaign_id, alias, call.at, call.outcome) in taken:
            name = own[call.id]
        identity = (call.campaign_id, name, call.at, call.outcome)
        if identity in earlier:
            session.delete(call)
            continue
        taken.add(identity)
        call.e164 = name
        call.contact_id = None
        call.raw = ""
        call.note = ""
        call.violations = erasure.pseudonymise(key, list(call.violations))
    session.flush()


@contextmanager
def _secure_delete(session: Session) -> Iterator[None]:
    """On SQLite, overwrite deleted content with zeros while erasing (it would stay readable
    in free pages otherwise)."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    before = session.execute(text("PRAGMA secure_delete")).scalar()
    session.execute(text("PRAGMA secure_delete=ON"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA secure_delete={int(before or 0)}"))
