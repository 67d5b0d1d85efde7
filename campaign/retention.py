"""Retention: delete the prospects nobody has been in contact with for a long time.

CNIL recommends keeping a prospect's data at most three years after the last contact.
``purge`` deletes, in every campaign, each person (a contact together with the records a dedup
merge absorbed into it) whose last activity, the later of their import and their last logged
call, is older than the period: their contacts, numbers, calls (with their notes) and the
merges that kept their former records. It keeps the company's opt-outs (the number stays
blocked), the consent ledger (the company's proof) and the audit log, which records the purge
with counts only, never the erased data. (A merge that was undone stays with its survivor.)
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from campaign.models import CallEvent, Contact, ContactNumber, Merge
from suppression import audit
from suppression.errors import InvalidArgumentError

_PERIOD = re.compile(r"^\s*(\d+)\s*([ymd])\s*$", re.IGNORECASE)
_DAYS = {"y": 365, "m": 30, "d": 1}


def parse_period(text: str) -> timedelta:
    """``3y``, ``18m``, ``90d``: years of 365 days, months of 30 (the shorter reading keeps
    less data)."""
    match = _PERIOD.match(text)
    if match is None or int(match.group(1)) == 0:
        raise InvalidArgumentError(f"{text!r} is not a period", hint="write it like 3y, 18m or 90d")
    return timedelta(days=int(match.group(1)) * _DAYS[match.group(2).lower()])


@dataclass(frozen=True)
class Purge:
    period: str
    cutoff: datetime
    dry_run: bool
    people: int
    contacts: int
    numbers: int
    calls: int
    merges: int

    def as_dict(self) -> dict[str, Any]:
        return {**vars(self), "cutoff": self.cutoff.isoformat()}


def purge(session: Session, period: str, *, dry_run: bool = False, now: datetime) -> Purge:
    """Delete the people not in contact since ``now - period`` (see the module docstring)."""
    cutoff = now - parse_period(period)
    last = {
        contact_id: at
        for contact_id, at in session.execute(select(Contact.id, Contact.imported_at))
    }
    calls = select(CallEvent.contact_id, func.max(CallEvent.at)).group_by(CallEvent.contact_id)
    for called, at in session.execute(calls.where(CallEvent.contact_id.is_not(None))):
        if called is not None:
            last[called] = max(last[called], at)
    groups = people(session)
    doomed = sorted(
        contact_id
        for members in groups.values()
        if max(last[m] for m in members) < cutoff
        for contact_id in members
    )
    counts = _counts(session, doomed)
    gone = set(doomed)
    result = Purge(
        period=period,
        cutoff=cutoff,
        dry_run=dry_run,
        people=sum(1 for members in groups.values() if members[0] in gone),
        contacts=len(doomed),
        **counts,
    )
    if dry_run or not doomed:
        return result
    for start in range(0, len(doomed), 5_000):
        batch = doomed[start : start + 5_000]
        session.execute(delete(CallEvent).where(CallEvent.contact_id.in_(batch)))
        session.execute(delete(Merge).where(Merge.survivor_id.in_(batch)))
        session.execute(delete(ContactNumber).where(ContactNumber.contact_id.in_(batch)))
        session.execute(update(Contact).where(Contact.id.in_(batch)).values(merged_into_id=None))
    for start in range(0, len(doomed), 5_000):
        session.execute(delete(Contact).where(Contact.id.in_(doomed[start : start + 5_000])))
    audit.record(session, "purge", result.as_dict(), at=now)
    return result


def people(session: Session) -> dict[int, list[int]]:
    """Contact ids grouped by person: each record with the ones dedup merges absorbed into it
    (directly or through another merge), keyed by the surviving record's id."""
    survivor = {
        contact_id: merged_into or contact_id
        for contact_id, merged_into in session.execute(select(Contact.id, Contact.merged_into_id))
    }
    groups: dict[int, list[int]] = defaultdict(list)
    for contact_id, head in survivor.items():
        groups[_root(head, survivor)].append(contact_id)
    return groups


def _root(contact_id: int, survivor: dict[int, int]) -> int:
    seen = set()
    while survivor.get(contact_id, contact_id) != contact_id and contact_id not in seen:
        seen.add(contact_id)
        contact_id = survivor[contact_id]
    return contact_id


def _counts(session: Session, doomed: list[int]) -> dict[str, int]:
    found = {"numbers": 0, "calls": 0, "merges": 0}
    for start in range(0, len(doomed), 5_000):
        batch = doomed[start : start + 5_000]
        for key, query in (
            ("numbers", select(func.count()).where(ContactNumber.contact_id.in_(batch))),
            ("calls", select(func.count()).where(CallEvent.contact_id.in_(batch))),
            ("merges", select(func.count()).where(Merge.survivor_id.in_(batch))),
        ):
            found[key] += int(session.scalar(query) or 0)
    return found
