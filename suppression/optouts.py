"""The company's own do-not-call list (opt-outs).

An opt-out never expires (U6, O2, F22). Removing one needs a reason and leaves the history:
every change is an append-only ``OptOutEvent`` and an audit record. A number erased on request
(``campaign forget``) is no longer stored, yet ``find_optouts`` still reports it, as an opt-out of
source ``erasure`` recognised by its keyed hash (``suppression.erasure``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suppression import audit, bulk, erasure
from suppression.errors import InvalidArgumentError, ListFileError
from suppression.listfiles import BadLine, read_list
from suppression.models import OptOut, OptOutEvent
from suppression.phone import PhoneNumber, normalize
from suppression.tabular import file_sha256

SOURCES = ("call", "sms", "email", "web", "letter", "import")


@dataclass(frozen=True)
class OptOutChange:
    """What an add, import or remove did: numbers changed, already in that state, unusable."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    invalid: list[tuple[str, str]] = field(default_factory=list)  # (raw, reason or "line N: ...")

    def as_dict(self) -> dict[str, Any]:
        return {
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "invalid": len(self.invalid),
            "numbers": self.changed,
            "invalid_details": [{"input": raw, "reason": reason} for raw, reason in self.invalid],
        }


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise InvalidArgumentError(
            f"unknown opt-out source {source!r}", hint=f"use one of {', '.join(SOURCES)}"
        )


def add_optouts(
    session: Session,
    numbers: Iterable[str],
    *,
    reason: str,
    source: str = "call",
    region: str = "FR",
    now: datetime,
) -> OptOutChange:
    """Put ``numbers`` on the company's do-not-call list."""
    _check_source(source)
    change = OptOutChange()
    numbers = list(numbers)
    parsed = [normalize(raw, region) for raw in numbers]
    bulk.lock_numbers(session, [p.e164 for p in parsed if isinstance(p, PhoneNumber)])
    for raw in numbers:
        result = normalize(raw, region)
        if not isinstance(result, PhoneNumber):
            change.invalid.append((raw, result.reason))
            continue
        if session.get(OptOut, result.e164) is not None or result.e164 in change.changed:
            change.unchanged.append(result.e164)
            continue
        session.add(OptOut(e164=result.e164, since=now, reason=reason, source=source))
        session.add(
            OptOutEvent(e164=result.e164, action="add", at=now, reason=reason, source=source)
        )
        change.changed.append(result.e164)
    session.flush()
    audit.record(
        session,
        "optout_add",
        {
            "reason": reason,
            "source": source,
            "numbers": change.changed,
            "invalid": len(change.invalid),
        },
        at=now,
    )
    return change


def import_optouts(
    session: Session,
    path: str | Path,
    *,
    reason: str,
    source: str = "import",
    format: str = "auto",
    region: str | None = None,
    column: str | None = None,
    now: datetime,
) -> OptOutChange:
    """Add every number of a list file (same formats as ``lists import``) to the opt-outs."""
    raws: list[str] = []
    bad: list[tuple[str, str]] = []
    for item in read_list(path, format=format, column=column):
        if isinstance(item, BadLine):
            bad.append((item.text, f"line {item.line}: {item.reason}"))
        else:
            raws.append(item.raw)
    if not raws:
        raise ListFileError(
            "no number found in the opt-out file", file=str(path), hint="check --format"
        )
    change = add_optouts(
        session, raws, reason=reason, source=source, region=region or "FR", now=now
    )
    change.invalid.extend(bad)
    audit.record(
        session,
        "optout_import",
        {"file": str(path), "sha256": file_sha256(path), **change.as_dict()},
        at=now,
    )
    return change


def remove_optouts(
    session: Session, numbers: Iterable[str], *, reason: str, region: str = "FR", now: datetime
) -> OptOutChange:
    """Take ``numbers`` off the opt-out list; the history keeps that they were on it."""
    if not reason.strip():
        raise InvalidArgumentError("removing an opt-out needs a reason", hint="pass --reason TEXT")
    change = OptOutChange()
    for raw in numbers:
        result = normalize(raw, region)
        if not isinstance(result, PhoneNumber):
            change.invalid.append((raw, result.reason))
            continue
        current = session.get(OptOut, result.e164)
        if current is None:
            change.unchanged.append(result.e164)
            continue
        session.delete(current)
        session.add(
            OptOutEvent(
                e164=result.e164, action="remove", at=now, reason=reason, source=current.source
            )
        )
        change.changed.append(result.e164)
    session.flush()
    audit.record(session, "optout_remove", {"reason": reason, "numbers": change.changed}, at=now)
    return change


def optout_history(session: Session, e164: str) -> list[OptOutEvent]:
    query = select(OptOutEvent).where(OptOutEvent.e164 == e164).order_by(OptOutEvent.id)
    return list(session.scalars(query))


def find_optouts(session: Session, numbers: Sequence[str]) -> dict[str, OptOut]:
    """Which of ``numbers`` are opted out (a set-based lookup; hits are loaded as objects),
    erased numbers included: those come as opt-outs of source ``erasure`` that are not in the
    session (nothing to save, nothing to delete)."""
    hits = bulk.select_in(session, "SELECT e164 FROM opt_out WHERE", "e164", numbers)
    found = {e164: session.get(OptOut, e164) for (e164,) in hits}
    opted = {e164: optout for e164, optout in found.items() if optout is not None}
    rest = [number for number in numbers if number not in opted]
    for e164, erased_at in erasure.find_erased(session, rest).items():
        opted[e164] = OptOut(e164=e164, since=erased_at, reason=ERASED, source="erasure")
    return opted


ERASED = "erased on request (GDPR)"


def optout_count(session: Session) -> int:
    """Opt-outs on the list plus erased numbers: zero means no number can be opted out."""
    listed = session.scalar(select(func.count()).select_from(OptOut)) or 0
    return listed + erasure.erased_count(session)
