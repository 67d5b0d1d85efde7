"""The honest funnel: stages counted from the outcome log, with Wilson intervals.

A unit is a person: a contact of the campaign (after dedup merges: calls to two merged records
count as one person), or, for calls to a number in none of its contacts, that number. Within
the period (``since`` <= call < ``until``) each person counts once per stage, at the furthest
stage their calls reached (see ``campaign.stages``). In a breakdown, a person counts in each
group their calls fall in: by week, the week of each call, in the campaign's time zone; by
agent, each agent who called them; by source, the name of the file the contact came from ("(unknown
number)" for calls outside the contacts); by campaign, each campaign. Groups can therefore add
up to more than the whole.

Beside the sales figures, compliance counters over the same period: violations recorded when
calls were logged (by reason), opt-outs received, contacts the call lists left out (by reason),
campaign checks and call-list exports run.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.campaigns import get_campaign
from campaign.models import CallEvent, Campaign, Contact, SourceFile
from campaign.stages import STAGES, Rate, depth, wilson
from suppression.errors import InvalidArgumentError
from suppression.models import AuditRecord

BREAKDOWNS = ("week", "agent", "source", "campaign")
UNKNOWN_SOURCE = "(unknown number)"
NO_AGENT = "(no agent)"
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class StageFigure:
    """One stage of one row: how many people, and the rates from the previous stage and from
    ``dialled``, each with its 95 % Wilson interval."""

    stage: str
    label: str
    count: int
    from_previous: Rate
    from_dialled: Rate

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "label": self.label,
            "count": self.count,
            "from_previous": self.from_previous.as_dict(),
            "from_dialled": self.from_dialled.as_dict(),
        }


@dataclass(frozen=True)
class FunnelRow:
    key: str  # "all", "2026-W47", an agent, a source file, a campaign
    calls: int
    stages: tuple[StageFigure, ...]
    violations: int = 0  # calls logged while the rules blocked them

    def stage(self, name: str) -> StageFigure:
        return self.stages[STAGES.index(name)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "calls": self.calls,
            "violations": self.violations,
            "stages": [figure.as_dict() for figure in self.stages],
        }


@dataclass(frozen=True)
class Compliance:
    violations: dict[str, int] = field(default_factory=dict)  # by reason code
    rules: dict[str, str] = field(default_factory=dict)  # reason code -> rule ID (F8, U4...)
    violation_calls: int = 0  # calls with at least one violation
    opt_outs: int = 0  # opt_out outcomes logged
    left_out: dict[str, int] = field(default_factory=dict)  # call lists' left-outs by reason
    checks: int = 0  # campaign checks run
    checks_failed: int = 0
    calllists: int = 0  # call-list exports

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass(frozen=True)
class Funnel:
    campaigns: tuple[str, ...]
    since: datetime | None
    until: datetime | None
    timezone: str
    by: str | None
    labels: dict[str, str]
    total: FunnelRow
    rows: tuple[FunnelRow, ...]
    compliance: Compliance

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaigns": list(self.campaigns),
            "since": None if self.since is None else self.since.isoformat(),
            "until": None if self.until is None else self.until.isoformat(),
            "timezone": self.timezone,
            "by": self.by,
            "labels": self.labels,
            "total": self.total.as_dict(),
            "rows": [row.as_dict() for row in self.rows],
            "compliance": self.compliance.as_dict(),
        }


def week_range(text: str, zone: ZoneInfo | str) -> tuple[datetime, datetime]:
    """The ISO week ``2026-W47`` as [Monday 00:00, next Monday 00:00) in ``zone``, returned in
    UTC (Python compares and subtracts datetimes of one zone by wall clock, which is wrong
    across a daylight-saving change)."""
    match = _WEEK.match(text.strip())
    if match is None:
        raise InvalidArgumentError(
            f"{text!r} is not an ISO week", hint="write it like 2026-W47 (year, W, week number)"
        )
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        weeks = date(year, 12, 28).isocalendar().week
        raise InvalidArgumentError(
            f"week {week} of {year} does not exist: {year} has {weeks} ISO weeks",
            hint=f"use 2026-W01 to 2026-W{weeks:02d} style weeks of {year}",
        ) from None
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    start = datetime.combine(monday, time(), tz).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(), tz).astimezone(UTC)
    return start, end


def iso_week(moment: datetime, zone: ZoneInfo) -> str:
    year, week, _ = moment.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def funnel(
    session: Session,
    campaign: str | Sequence[str] | None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    by: str | None = None,
) -> Funnel:
    """The funnel of ``campaign`` (a name, several, or None for all) over [since, until)."""
    if by is not None and by not in BREAKDOWNS:
        raise InvalidArgumentError(
            f"unknown breakdown {by!r}", hint=f"use one of {', '.join(BREAKDOWNS)}"
        )
    if since is not None and until is not None and until <= since:
        raise InvalidArgumentError("the period ends before it starts")
    chosen = _campaigns(session, campaign)
    zone_name = chosen[0].timezone if chosen else "Europe/Paris"
    zone = ZoneInfo(zone_name)
    labels = dict(chosen[0].labels) if len(chosen) == 1 else {}
    events = _events(session, chosen, since, until)
    person = _people(session, events)
    names = {c.id: c.name for c in chosen}
    sources = _sources(session, events, person) if by == "source" else {}

    total = _row("all", events, person, labels)
    rows: list[FunnelRow] = []
    if by is not None:
        groups: dict[str, list[CallEvent]] = defaultdict(list)
        for event in events:
            if by == "week":
                key = iso_week(event.at, zone)
            elif by == "agent":
                key = event.agent or NO_AGENT
            elif by == "source":
                key = sources.get(event.id, UNKNOWN_SOURCE)
            else:
                key = names[event.campaign_id]
            groups[key].append(event)
        rows = [_row(key, group, person, labels) for key, group in sorted(groups.items())]
    return Funnel(
        campaigns=tuple(c.name for c in chosen),
        since=since,
        until=until,
        timezone=zone_name,
        by=by,
        labels=labels,
        total=total,
        rows=tuple(rows),
        compliance=_compliance(session, events, {c.name for c in chosen}, since, until),
    )


def stage_label(stage: str, labels: Mapping[str, str]) -> str:
    return labels.get(stage, stage)


def _campaigns(session: Session, campaign: str | Sequence[str] | None) -> list[Campaign]:
    if campaign is None:
        return list(session.scalars(select(Campaign).order_by(Campaign.name)))
    names = [campaign] if isinstance(campaign, str) else list(campaign)
    return [get_campaign(session, name) for name in names]


def _events(
    session: Session, campaigns: Sequence[Campaign], since: datetime | None, until: datetime | None
) -> list[CallEvent]:
    if not campaigns:
        return []
    query = select(CallEvent).where(CallEvent.campaign_id.in_([c.id for c in campaigns]))
    if since is not None:
        query = query.where(CallEvent.at >= since)
    if until is not None:
        query = query.where(CallEvent.at < until)
    return list(session.scalars(query.order_by(CallEvent.at, CallEvent.id)))


def _people(session: Session, events: Sequence[CallEvent]) -> dict[int, tuple[int, str]]:
    """Event id -> the person it reached: (campaign, "contact:<survivor id>" or "number:<e164>")."""
    contact_ids = {e.contact_id for e in events if e.contact_id is not None}
    merged: dict[int, int | None] = {}
    pending = set(contact_ids)
    while pending:  # follow merges: a record absorbed later counts as its survivor
        batch = sorted(pending)[:5_000]
        pending.difference_update(batch)
        for contact_id, into in session.execute(
            select(Contact.id, Contact.merged_into_id).where(Contact.id.in_(batch))
        ):
            merged[contact_id] = into
            if into is not None and into not in merged:
                pending.add(into)

    def survivor(contact_id: int) -> int:
        seen = set()
        while merged.get(contact_id) is not None and contact_id not in seen:
            seen.add(contact_id)
            contact_id = merged[contact_id] or contact_id
        return contact_id

    return {
        e.id: (
            e.campaign_id,
            f"contact:{survivor(e.contact_id)}" if e.contact_id is not None else f"number:{e.e164}",
        )
        for e in events
    }


def _sources(
    session: Session, events: Sequence[CallEvent], person: Mapping[int, tuple[int, str]]
) -> dict[int, str]:
    """Event id -> the file its person's contact came from."""
    contact_ids = sorted(
        {int(key.split(":")[1]) for _, key in person.values() if key.startswith("contact:")}
    )
    files: dict[int, str] = {}
    for start in range(0, len(contact_ids), 5_000):
        query = (
            select(Contact.id, SourceFile.file_name)
            .join(SourceFile, Contact.source_file_id == SourceFile.id)
            .where(Contact.id.in_(contact_ids[start : start + 5_000]))
        )
        files.update({contact_id: _base(name) for contact_id, name in session.execute(query)})
    found = {}
    for event in events:
        _, key = person[event.id]
        if key.startswith("contact:"):
            found[event.id] = files.get(int(key.split(":")[1]), UNKNOWN_SOURCE)
    return found


def _base(path: str) -> str:
    """The file's name without its directories (reports travel; paths of a machine do not)."""
    return PurePath(path).name or path


def _row(
    key: str,
    events: Iterable[CallEvent],
    person: Mapping[int, tuple[int, str]],
    labels: Mapping[str, str],
) -> FunnelRow:
    outcomes: dict[tuple[int, str], list[str]] = defaultdict(list)
    calls = violations = 0
    for event in events:
        outcomes[person[event.id]].append(event.outcome)
        calls += 1
        violations += bool(event.violations)
    depths = Counter(depth(found) for found in outcomes.values())
    counts = [sum(n for d, n in depths.items() if d >= index) for index in range(len(STAGES))]
    dialled = counts[0]
    figures = tuple(
        StageFigure(
            stage=stage,
            label=stage_label(stage, labels),
            count=count,
            from_previous=wilson(count, counts[index - 1] if index else dialled),
            from_dialled=wilson(count, dialled),
        )
        for index, (stage, count) in enumerate(zip(STAGES, counts, strict=True))
    )
    return FunnelRow(key, calls, figures, violations)


def _compliance(
    session: Session,
    events: Sequence[CallEvent],
    names: set[str],
    since: datetime | None,
    until: datetime | None,
) -> Compliance:
    violations: Counter[str] = Counter()
    rules: dict[str, str] = {}
    violation_calls = 0
    for event in events:
        if event.violations:
            violation_calls += 1
            violations.update({reason["code"] for reason in event.violations})
            rules.update({reason["code"]: reason["rule"] for reason in event.violations})
    query = select(AuditRecord).where(AuditRecord.kind.in_(("calllist", "check")))
    if since is not None:
        query = query.where(AuditRecord.at >= since.astimezone(UTC))
    if until is not None:
        query = query.where(AuditRecord.at < until.astimezone(UTC))
    left_out: Counter[str] = Counter()
    checks = failed = calllists = 0
    for record in session.scalars(query.order_by(AuditRecord.id)):
        if record.payload.get("campaign") not in names:
            continue
        if record.kind == "check":
            checks += 1
            failed += 0 if record.payload.get("passed") else 1
        else:
            calllists += 1
            left_out.update(record.payload.get("left_out") or {})
    return Compliance(
        violations=dict(sorted(violations.items())),
        rules=dict(sorted(rules.items())),
        violation_calls=violation_calls,
        opt_outs=sum(1 for event in events if event.outcome == "opt_out"),
        left_out=dict(sorted(left_out.items())),
        checks=checks,
        checks_failed=failed,
        calllists=calllists,
    )
