""" "Can I call this number now?": gather the facts from the database, let the rules judge.

The pure engine (``suppression.rules``) decides; this module only collects what it needs:
the number's time zones, every opposition list with its version and whether it lists the number,
the opt-out, the consent ledger, contracts, and the campaign's caller ID, purpose and sector.

Without a campaign, the jurisdiction comes from the number's country (FR for France and its
overseas regions, US, UK, CA) and the audience is ``consumer``, the strictest; the caller ID is
the one given, if any. The cap and the cool-off count every call logged before ``at`` for the
number, across all campaigns (F9, F10: the same professional); an opt-out counts from the
moment it was recorded.

Facts are gathered in two steps so that judging many calls stays set-based: ``gather`` reads
everything the database holds on a batch of numbers once (lists, opt-outs, the consent ledger,
the call history), and ``facts_at`` builds the facts of one call at one moment from it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.campaigns import JURISDICTIONS, get_campaign, region_of
from campaign.models import CallEvent, Campaign
from suppression import audit, bulk
from suppression.consents import ConsentHistory, consent_histories
from suppression.errors import InvalidArgumentError
from suppression.lists import ListStatus, lists_of_region
from suppression.models import OptOut
from suppression.optouts import find_optouts
from suppression.phone import PhoneNumber, normalize, timezones_for
from suppression.rules import (
    CallFacts,
    ListFact,
    Profile,
    Verdict,
    judge,
    load_profiles,
    select_profile,
    windows_on,
)
from suppression.settings import get_setting, set_setting
from suppression.tabular import file_sha256

# The jurisdiction of a number called without a campaign, by phonenumbers region.
FRENCH_REGIONS = ("FR", "GP", "BL", "MF", "GF", "MQ", "RE", "YT", "PM")
JURISDICTION_OF_REGION = {"US": "US", "GB": "UK", "CA": "CA"} | dict.fromkeys(FRENCH_REGIONS, "FR")


def check_call(
    session: Session,
    number: str,
    *,
    campaign: str | None = None,
    at: datetime,
    caller_id: str | None = None,
    rules: str | Path | None = None,
    state: str | None = None,
) -> Verdict:
    """The verdict on calling ``number`` at ``at`` (frozen; ``ok`` or every blocking reason).
    ``state`` is the callee's US state or province when known (``FL``: Florida's own rules,
    U9); a number alone does not say where its owner lives."""
    record = get_campaign(session, campaign) if campaign is not None else None
    region = region_of(record) if record is not None else "FR"
    parsed = normalize(number, region)
    if record is not None:
        jurisdiction, audience = record.jurisdiction, record.audience
    else:
        number_region = parsed.region if isinstance(parsed, PhoneNumber) else "FR"
        jurisdiction = JURISDICTION_OF_REGION.get(number_region, "")
        audience = "consumer"
        if not jurisdiction:
            raise InvalidArgumentError(
                f"no calling rules for numbers of region {number_region}",
                hint="the rules cover FR, US, UK and CA; pass --campaign for its jurisdiction",
            )
    profile = select_profile(rule_profiles(session, rules), jurisdiction, audience, at)
    base = base_facts(record, caller_id)
    if not isinstance(parsed, PhoneNumber):
        return judge(base, profile, at)
    verdicts = _judge_many(
        session, [parsed], profile, base, JURISDICTIONS[jurisdiction], at, subdivision=state
    )
    return verdicts[parsed.e164]


def check_campaign_calls(
    session: Session,
    campaign: Campaign,
    numbers: Sequence[str],
    *,
    at: datetime,
    rules: str | Path | None = None,
) -> dict[str, Verdict]:
    """Verdicts on calling each E.164 number of ``numbers`` for ``campaign`` at ``at``, with the
    facts gathered by set-based queries (one call list judges thousands of numbers)."""
    profile = select_profile(
        rule_profiles(session, rules), campaign.jurisdiction, campaign.audience, at
    )
    parsed = [
        result
        for result in (normalize(e164, region_of(campaign)) for e164 in sorted(set(numbers)))
        if isinstance(result, PhoneNumber)
    ]
    base = base_facts(campaign, None)
    return _judge_many(session, parsed, profile, base, region_of(campaign), at)


def call_windows(
    session: Session, campaign: Campaign, day: date, rules: str | Path | None = None
) -> Callable[[str], str]:
    """A function saying when a number (E.164) may be called on ``day``, in its own time
    zone(s): ``10:00-13:00 14:00-20:00 Europe/Paris``; ``any time`` without calling hours;
    ``none`` on a day without windows. The rules are read once, for a whole call list."""
    moment = datetime.combine(day, time(12), UTC)
    profile = select_profile(
        rule_profiles(session, rules), campaign.jurisdiction, campaign.audience, moment
    )
    windows = windows_on(profile, day.weekday())
    text = "any time" if windows is None else " ".join(str(w) for w in windows) or "none"

    def when(e164: str) -> str:
        if windows is None:
            return text
        return "; ".join(f"{text} {zone}" for zone in timezones_for(e164)) or text

    return when


RULES_SETTING = "rules_file"


def rule_profiles(session: Session, rules: str | Path | None = None) -> tuple[Profile, ...]:
    """The profiles in force: the shipped ones with ``rules`` applied, or else the rules file the
    database names (``campaign rules use FILE``). A named file that cannot be read is an error:
    the engine never falls back to other rules silently."""
    chosen = rules if rules is not None else get_setting(session, RULES_SETTING)
    if chosen is None:
        return _parsed_profiles(None, None)
    try:
        stat = os.stat(chosen)
    except OSError:
        return load_profiles(chosen)  # raises the reader's error, naming the file
    return _parsed_profiles(str(chosen), (stat.st_mtime_ns, stat.st_size))


def use_rules_file(session: Session, path: str | Path | None, *, now: datetime) -> str | None:
    """Make ``path`` the rules file applied by default (None: the shipped rules only), after
    checking it loads; the audit log keeps its SHA-256."""
    payload: dict[str, str | None] = {"file": None, "sha256": None}
    if path is not None:
        load_profiles(path)  # refuse a malformed file now, with its key and line
        payload = {"file": str(Path(path).resolve()), "sha256": file_sha256(path)}
    set_setting(session, RULES_SETTING, payload["file"], now=now)
    audit.record(session, "rules_file", payload, at=now)
    return payload["file"]


def base_facts(record: Campaign | None, caller_id: str | None) -> CallFacts:
    """What does not depend on the number: the campaign's purpose, sector and caller ID."""
    return CallFacts(
        e164=None,
        timezones=(),
        purpose=record.purpose if record is not None else None,
        sector=record.sector if record is not None else None,
        caller_id=record.caller_id if record is not None else caller_id,
    )


@dataclass(frozen=True)
class NumberRecord:
    """All the database holds on one number, to judge calls to it at any moment."""

    number: PhoneNumber
    listed: dict[int, date | None]  # list id -> registration date, for the lists that hold it
    optout: OptOut | None
    consent: ConsentHistory
    calls: tuple[tuple[datetime, str], ...]  # (when, outcome) of every logged call, by time


@dataclass(frozen=True)
class Gathered:
    statuses: list[ListStatus]
    records: dict[str, NumberRecord]


def gather(
    session: Session, numbers: Sequence[PhoneNumber], region: str, *, now: datetime
) -> Gathered:
    """Read once what judging calls to ``numbers`` needs (a few set-based queries)."""
    e164s = [n.e164 for n in numbers]
    statuses = lists_of_region(session, region, now=now)
    hits = bulk.find_listed(session, e164s, [s.list_id for s in statuses])
    opted = find_optouts(session, e164s)
    histories = consent_histories(session, e164s)
    calls = call_history(session, e164s)
    return Gathered(
        statuses,
        {
            n.e164: NumberRecord(
                number=n,
                listed={list_id: registered for list_id, _, registered in hits.get(n.e164, [])},
                optout=opted.get(n.e164),
                consent=histories[n.e164],
                calls=tuple(calls.get(n.e164, ())),
            )
            for n in numbers
        },
    )


def call_history(session: Session, numbers: Sequence[str]) -> dict[str, list[tuple[datetime, str]]]:
    """Every logged call to each of ``numbers``, in all campaigns, by time."""
    found: dict[str, list[tuple[datetime, str]]] = {}
    unique = sorted(set(numbers))
    for start in range(0, len(unique), 5_000):
        query = select(CallEvent.e164, CallEvent.at, CallEvent.outcome).where(
            CallEvent.e164.in_(unique[start : start + 5_000])
        )
        for e164, at, outcome in session.execute(query):
            found.setdefault(e164, []).append((at, outcome))
    for calls in found.values():
        calls.sort()
    return found


def facts_at(
    record: NumberRecord,
    gathered: Gathered,
    base: CallFacts,
    at: datetime,
    extra_calls: Sequence[tuple[datetime, str]] = (),
) -> CallFacts:
    """The facts of a call to ``record``'s number at ``at``: only calls made until ``at`` count,
    and the opt-out from the moment it was recorded. ``extra_calls`` are calls not stored yet
    (an import judges its rows in order)."""
    number = record.number
    state = record.consent.state(at)
    # Calls at the same moment count too: two agents dialling one number at once make two.
    before = [(m, outcome) for m, outcome in (*record.calls, *extra_calls) if m <= at]
    optout = record.optout
    opted_at = optout.since if optout is not None and optout.since <= at else None
    # An opt-out asked during a call of the same batch is not on the list yet: it counts too.
    asked = [moment for moment, outcome in extra_calls if outcome == "opt_out" and moment < at]
    if asked and (opted_at is None or min(asked) < opted_at):
        opted_at = min(asked)
    return replace(
        base,
        e164=number.e164,
        timezones=timezones_for(number.e164),
        subdivision=_subdivision(number),
        lists=tuple(
            ListFact(
                name=s.name,
                version=s.version or 0,
                imported_at=s.last_import,
                max_age_days=s.max_age_days,
                listed=s.list_id in record.listed,
                registered_at=record.listed.get(s.list_id),
            )
            for s in gathered.statuses
            if s.last_import is not None
        ),
        opted_out=opted_at is not None,
        opted_out_at=opted_at if opted_at is not None else (optout.since if optout else None),
        consent_at=state.consent_at,
        consent_revoked_at=state.revoked_at,
        consent_ref=state.reference,
        contract_until=state.contract_until,
        last_purchase=state.last_purchase,
        last_inquiry=state.last_inquiry,
        attempts=tuple(moment for moment, _ in before),
        refusals=tuple(moment for moment, outcome in before if outcome == "refused"),
    )


def _judge_many(
    session: Session,
    numbers: Sequence[PhoneNumber],
    profile: Profile,
    base: CallFacts,
    region: str,
    at: datetime,
    *,
    subdivision: str | None = None,
) -> dict[str, Verdict]:
    gathered = gather(session, numbers, region, now=at)
    verdicts = {}
    for e164, record in gathered.records.items():
        facts = facts_at(record, gathered, base, at)
        if subdivision is not None:
            facts = replace(facts, subdivision=subdivision.strip().upper())
        verdicts[e164] = judge(facts, profile, at)
    return verdicts


@cache
def _parsed_profiles(rules: str | None, stamp: tuple[int, int] | None) -> tuple[Profile, ...]:
    """The profiles parsed once per file version (a call list judges thousands of numbers)."""
    return load_profiles(rules)


def _subdivision(number: PhoneNumber) -> str | None:
    # Overseas regions have their own holidays; US states would need the address (not known).
    return number.region if number.region in FRENCH_REGIONS[1:] else None
