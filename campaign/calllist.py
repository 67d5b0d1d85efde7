"""Export the contacts of a campaign to call: one row per person, screened at this moment.

Each active contact (after dedup) gets its preferred usable number: ``prefer="mobile"`` puts
mobiles first, ``"fixed"`` fixed lines first, else the file's order. Numbers are screened
against the current versions of every opposition list and the opt-outs at the moment of export,
never from a cached verdict; like ``screen``, it fails closed on a stale or missing list. A
number on a list is skipped (another number of the contact may still be called); a contact one
of whose numbers is opted out is left out entirely, since the opt-out expresses the person's
wish. Contacts left without a usable number are counted. Rows can be dealt round-robin to
agents. Each export is recorded in the audit log with the list versions used.

The list is for one call day (``day``, default today in the campaign's time zone), judged by the
rules engine (``campaign.callcheck``) at the start of that day (at the moment of export, for
today): a contact the rules block for the whole day (no consent, a cool-off, the attempt cap, a
weekend, a holiday, hours already over) is left out under that reason; one blocked only until
later that day keeps its row with ``not_before``; every row carries the day's calling windows in
the callee's own time zone(s).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.callcheck import call_windows, check_campaign_calls
from campaign.campaigns import get_campaign
from campaign.dedupe import active_contacts
from campaign.models import Contact, ContactNumber, SourceFile
from suppression import audit, bulk
from suppression.csvout import SafeCsvWriter
from suppression.errors import InvalidArgumentError
from suppression.lists import ListStatus, select_lists
from suppression.optouts import find_optouts
from suppression.rules import TIME_CODES, Verdict

PREFERENCES = ("mobile", "fixed")
HEADER = (
    "contact_id",
    "agent",
    "number",
    "first_name",
    "last_name",
    "company",
    "other_numbers",
    "email",
    "postcode",
    "city",
    "source_file",
    "source_row",
    "not_before",  # when the rules delay the call within the day: the next allowed moment
    "call_windows",  # the day's calling hours in the callee's time zone(s)
)
MOBILE_TYPES = ("mobile", "fixed_line_or_mobile")


@dataclass(frozen=True)
class CallList:
    campaign: str
    output: str
    sha256: str
    rows: int
    left_out: dict[str, int]
    lists: list[ListStatus]
    agents: dict[str, int] = field(default_factory=dict)
    run_id: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "output": self.output,
            "sha256": self.sha256,
            "rows": self.rows,
            "left_out": self.left_out,
            "agents": self.agents,
            "lists": [status.as_dict() for status in self.lists],
            "run_id": self.run_id,
        }


def _ranked(numbers: Sequence[ContactNumber], prefer: str | None) -> list[ContactNumber]:
    usable = [n for n in numbers if n.e164]
    if prefer is None:
        return usable

    def rank(number: ContactNumber) -> int:
        is_mobile = number.line_type in MOBILE_TYPES
        return 0 if is_mobile == (prefer == "mobile") else 1

    return sorted(usable, key=rank)  # stable: the file's order within each rank


def screened_numbers(
    contact: Contact,
    listed: Collection[str | None],
    opted: Collection[str | None],
    prefer: str | None = None,
) -> tuple[list[ContactNumber], str | None]:
    """The contact's numbers that screening leaves callable, preferred first, or why none is:
    ``opted_out`` (any number opted out: the person's wish), ``all_numbers_opposed``,
    ``no_usable_number``. The one rule both the call list and ``campaign check`` apply."""
    if any(n.e164 in opted for n in contact.numbers):
        return [], "opted_out"
    candidates = [n for n in _ranked(contact.numbers, prefer) if n.e164 not in listed]
    if candidates:
        return candidates, None
    usable = any(n.e164 for n in contact.numbers)
    return [], "all_numbers_opposed" if usable else "no_usable_number"


def export_calllist(
    session: Session,
    campaign_name: str,
    output: str | Path,
    *,
    limit: int | None = None,
    agents: Sequence[str] = (),
    prefer: str | None = None,
    day: date | None = None,
    now: datetime,
) -> CallList:
    """Write the campaign's call list for ``day`` (default: today in the campaign's time zone)
    to ``output`` (CSV) and record the export."""
    if prefer is not None and prefer not in PREFERENCES:
        raise InvalidArgumentError(f"unknown preference {prefer!r}", hint="use mobile or fixed")
    if limit is not None and limit < 1:
        raise InvalidArgumentError("--limit must be at least 1")
    campaign = get_campaign(session, campaign_name)
    zone = ZoneInfo(campaign.timezone)
    today = now.astimezone(zone).date()
    day = day or today
    if day < today:
        raise InvalidArgumentError(
            f"the call day {day} is in the past", hint="plan a call list for today or later"
        )
    # Judged at the start of the planned day (now, for today), screened with the lists then.
    at = now if day == today else datetime.combine(day, time(), zone)
    day_end = datetime.combine(day + timedelta(days=1), time(), zone)
    chosen = select_lists(session, None, now=at)
    contacts = active_contacts(session, campaign)
    numbers = sorted({n.e164 for c in contacts for n in c.numbers if n.e164})
    listed = bulk.find_listed(session, numbers, [s.list_id for s in chosen])
    opted = find_optouts(session, numbers)
    screened = {c.id: screened_numbers(c, listed, opted, prefer) for c in contacts}
    firsts = [numbers[0].e164 or "" for numbers, _ in screened.values() if numbers]
    verdicts = check_campaign_calls(session, campaign, firsts, at=at)
    query = select(SourceFile.id, SourceFile.file_name).where(SourceFile.campaign_id == campaign.id)
    files = {file_id: name for file_id, name in session.execute(query)}
    windows_of = call_windows(session, campaign, day)
    left_out: Counter[str] = Counter()
    dealt: Counter[str] = Counter()
    rows = 0
    with SafeCsvWriter(output, HEADER) as writer:
        for contact in contacts:
            if limit is not None and rows >= limit:
                left_out["over_limit"] += 1
                continue
            candidates, why_not = screened[contact.id]
            if why_not is not None:
                left_out[why_not] += 1
                continue
            # One engine everywhere: what the rules block beyond the lists (consent, sector,
            # caller ID...) leaves the contact out; hours, caps, cool-offs, weekends and holidays
            # leave it out only when they last past the planned day, else delay the call.
            verdict = verdicts[candidates[0].e164 or ""]
            lasting = [r.code for r in verdict.reasons if r.code not in TIME_CODES]
            if lasting:
                left_out[lasting[0]] += 1
                continue
            if not verdict.ok and (verdict.next_allowed is None or verdict.next_allowed >= day_end):
                left_out[_day_blocker(verdict)] += 1
                continue
            not_before = (
                ""
                if verdict.ok or verdict.next_allowed is None
                else verdict.next_allowed.astimezone(UTC).isoformat(timespec="minutes")
            )
            agent = agents[rows % len(agents)] if agents else ""
            dealt[agent] += 1
            source = files.get(contact.source_file_id, "")
            windows = windows_of(candidates[0].e164 or "")
            writer.write([*_row(contact, candidates, agent, source), not_before, windows])
            rows += 1
        sha = writer.close()
    result = CallList(
        campaign=campaign.name,
        output=str(output),
        sha256=sha,
        rows=rows,
        left_out=dict(left_out),
        lists=chosen,
        agents=dict(dealt) if agents else {},
    )
    run = audit.record(session, "calllist", result.as_dict(), at=now)
    return CallList(**{**vars(result), "run_id": run.id})


def _day_blocker(verdict: Verdict) -> str:
    """The reason to name for a contact who cannot be called on the planned day: the one that
    lasts longest (a cool-off before a weekend before the hours)."""
    codes = [r.code for r in verdict.reasons]
    for code in ("cooloff", "cap_reached", "holiday", "weekend", "outside_hours"):
        if code in codes:
            return code
    return codes[0]


def _row(contact: Contact, candidates: list[ContactNumber], agent: str, source: str) -> list[str]:
    best, others = candidates[0], candidates[1:]
    return [
        str(contact.id),
        agent,
        best.e164 or "",
        contact.first_name,
        contact.last_name,
        contact.company,
        " ".join(n.e164 or "" for n in others),
        contact.email,
        contact.postcode,
        contact.city,
        source,
        str(contact.source_row),
    ]
