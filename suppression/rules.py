"""Calling rules: may this number be called at this moment, and if not, why and from when.

Pure: the caller gathers the facts (lists, opt-outs, consents, contracts, attempts) and passes the
time; nothing here reads the clock, a database or the network. The rules are data: one TOML table
a profile in ``suppression/profiles/``, which a user file can override key by key.

    profiles = load_profiles()                    # or load_profiles(extra="my-rules.toml")
    profile = select_profile(profiles, "FR", "consumer", at)
    verdict = judge(CallFacts(e164="+33612345678", timezones=("Europe/Paris",)), profile, at)

Rule IDs (F8, U4, O2...) refer to the regulation reference the project works from. Readings the
texts leave open, decided here:

- a time is allowed only if it is allowed in every time zone of the number; no known zone blocks
  whenever hours or holidays apply (the callee's time cannot be checked);
- cool-off (F10): a refusal on local day D blocks until D+61 00:00 local, the 60 full calendar days
  D+1..D+60 (days counted as French procedure counts them: the day of the act is not one);
- cap (F9): a sliding window of ``attempt_window_days`` x 24 h; an attempt stops counting exactly
  that long after it was made; it applies even with consent or a contract (open question 6);
- exemptions (contract F3, press F5, non-commercial F6, business relationship U5) lift the list or
  consent duty only: never an opt-out, the hours, the cap, the cool-off or a sector ban;
- ``next_allowed`` holds for the facts as given: it is None when waiting cannot help, and when the
  judgement would change first (a list goes stale, a contract or a relationship ends).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

from suppression.errors import InputFileError, InvalidArgumentError

REASON_CODES = (
    "invalid_number",
    "opposed",
    "opted_out",
    "no_consent",
    "outside_hours",
    "weekend",
    "holiday",
    "cap_reached",
    "cooloff",
    "stale_list",
    "sector_ban",
    "no_caller_id",
)
DUTIES = ("opposition_list", "consent", "none")
# Reasons that waiting lifts; any other reason makes next_allowed None.
TIME_CODES = frozenset({"outside_hours", "weekend", "holiday", "cap_reached", "cooloff"})
SEARCH_DAYS = 400

_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ALL_DAY: tuple[Window, ...]  # set below the class
_TICK = timedelta(microseconds=1)
# With no known zone, local dates are taken at both ends of the world, whichever is stricter.
_ANY_ZONES = (("Etc/GMT-14", ZoneInfo("Etc/GMT-14")), ("Etc/GMT+12", ZoneInfo("Etc/GMT+12")))
# F11 [I]: the overseas regions' own holidays (L3422-2), by the zone phonenumbers gives the
# number; +590 serves Guadeloupe, Saint-Barthélemy and Saint-Martin alike, so all three apply.
_OVERSEAS_BY_ZONE: Mapping[str, tuple[str, ...]] = {
    "America/Guadeloupe": ("971", "BL", "MF"),
    "America/St_Barthelemy": ("BL",),
    "America/Marigot": ("MF",),
    "America/Martinique": ("972",),
    "America/Cayenne": ("973",),
    "Indian/Reunion": ("974",),
    "Indian/Mayotte": ("976",),
    "America/Miquelon": ("PM",),
}
_OVERSEAS_BY_SUBDIVISION: Mapping[str, tuple[str, ...]] = {
    **{code: ("971",) for code in ("GP", "971")},
    **{code: ("972",) for code in ("MQ", "972")},
    **{code: ("973",) for code in ("GF", "973")},
    **{code: ("974",) for code in ("RE", "974")},
    **{code: ("976",) for code in ("YT", "976")},
    **{code: ("BL",) for code in ("BL", "977")},
    **{code: ("MF",) for code in ("MF", "978")},
    **{code: ("PM",) for code in ("PM", "975")},
}
HOLIDAY_EXTRAS = ("alsace_moselle", "overseas")


@dataclass(frozen=True)
class Window:
    """A calling window in the callee's local time, ``start`` included, ``end`` excluded.

    ``end`` is ``time.max`` for a window that runs to midnight (written ``24:00``).
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise InvalidArgumentError(
                f"the calling window {self} ends before it starts",
                hint="write windows as HH:MM-HH:MM within one day, e.g. 10:00-13:00",
            )

    def __contains__(self, clock: object) -> bool:
        return isinstance(clock, time) and self.start <= clock < self.end

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


_ALL_DAY = (Window(time(0), time.max),)


@dataclass(frozen=True)
class Profile:
    """The rules of one jurisdiction and audience, for the period they are in force.

    ``windows`` None means no calling hours (any time of any day); otherwise weekday 0 = Monday to
    6 = Sunday, and a day missing means no calls that day. ``rules`` maps a reason code (or
    ``code.detail``, e.g. ``sector_ban.home_adaptation``) to the rule ID its reasons cite.
    ``state_overrides`` are complete sub-profiles keyed by subdivision (``US/FL``).
    """

    key: str
    jurisdiction: str
    duty: str
    windows: Mapping[int, tuple[Window, ...]] | None
    audience: str | None = None
    effective_from: date | None = None
    effective_until: date | None = None
    legal_zone: str = "UTC"
    list_max_age_days: int | None = None
    contract_exemption: bool = False
    consent_lifts_list: bool = False
    exempt_purposes: tuple[str, ...] = ()
    ebr_purchase_days: int | None = None
    ebr_inquiry_days: int | None = None
    holidays: str | None = None
    holiday_extras: tuple[str, ...] = ()
    hours_consent: bool = False
    max_attempts: int | None = None
    attempt_window_days: int | None = None
    cooloff_days: int | None = None
    sector_bans: tuple[str, ...] = ()
    requires_caller_id: bool = False
    caller_id_prefixes: tuple[str, ...] = ()
    rules: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    state_overrides: Mapping[str, Profile] = field(default_factory=lambda: MappingProxyType({}))

    def rule(self, code: str, detail: str | None = None) -> str:
        """The rule ID a reason cites; empty when the profile names none."""
        if detail is not None and f"{code}.{detail}" in self.rules:
            return self.rules[f"{code}.{detail}"]
        return self.rules.get(code, "")


@dataclass(frozen=True)
class ListFact:
    """One opposition list the profile relies on, and whether the number is on it."""

    name: str
    version: int
    imported_at: datetime
    max_age_days: int
    listed: bool
    registered_at: date | None = None


@dataclass(frozen=True)
class CallFacts:
    """What is known about the number and the people behind the call, gathered by the caller."""

    e164: str | None
    timezones: tuple[str, ...]
    subdivision: str | None = None
    lists: tuple[ListFact, ...] = ()
    opted_out: bool = False
    opted_out_at: datetime | None = None
    consent_at: datetime | None = None
    consent_revoked_at: datetime | None = None
    consent_ref: str | None = None
    hours_consent_at: datetime | None = None
    contract_until: date | None = None
    contract_related: bool = True
    last_purchase: date | None = None
    last_inquiry: date | None = None
    attempts: tuple[datetime, ...] = ()
    refusals: tuple[datetime, ...] = ()
    purpose: str | None = None
    sector: str | None = None
    caller_id: str | None = None


@dataclass(frozen=True)
class Reason:
    """One thing that blocks the call, the rule it comes from and the facts that decided it."""

    code: str
    rule: str
    message: str
    data: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Verdict:
    """May the call be made at ``at``: every reason that blocks it and when it may be made."""

    ok: bool
    reasons: tuple[Reason, ...]
    next_allowed: datetime | None
    profile: str
    at: datetime

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)


# --- Judging ---------------------------------------------------------------------------------


def judge(facts: CallFacts, profile: Profile, at: datetime) -> Verdict:
    """Every reason the call may not be made at ``at`` under ``profile``, and the earliest moment
    from ``at`` on when it may (``at`` itself when it may now; None when waiting cannot help or
    nothing opens within 400 days). A ``subdivision`` with a state override judges by it."""
    _require_aware(facts, at)
    now = at.astimezone(UTC)
    if facts.subdivision is not None:
        profile = profile.state_overrides.get(facts.subdivision.strip().upper(), profile)
    zones, unknown = _zones(facts.timezones)
    date_zones = zones or _ANY_ZONES
    shown = at.tzinfo

    reasons: list[Reason] = []
    if facts.e164 is None:
        reasons.append(
            Reason("invalid_number", profile.rule("invalid_number"), "not a valid phone number")
        )
    duty_reasons, horizon = _duty_reasons(facts, profile, now, date_zones, shown)
    reasons += duty_reasons
    if facts.opted_out:
        # F22, U6: an opt-out never expires and no exemption lifts it.
        when: tuple[tuple[str, str], ...] = ()
        if facts.opted_out_at is not None:
            when = (("opted_out_at", _iso(facts.opted_out_at, shown)),)
        reasons.append(
            Reason(
                "opted_out",
                profile.rule("opted_out"),
                "on the company's own do-not-call list",
                when,
            )
        )
    reasons += _sector_reasons(facts, profile)
    reasons += _caller_id_reasons(facts, profile)

    hours_free_until = _hours_consent(facts, profile, now)
    calendar = (profile.windows is not None or profile.holidays is not None) and (
        hours_free_until is None or hours_free_until <= now
    )
    blind = calendar and (bool(unknown) or (not zones and facts.e164 is not None))
    if blind:
        reasons.append(
            Reason(
                "outside_hours",
                profile.rule("outside_hours"),
                "the callee's time zone is unknown: the calling hours cannot be checked",
                (("timezones", ", ".join(facts.timezones) or "none"),),
            )
        )
    if calendar:
        for name, zone in zones:
            reasons += _calendar_reasons(profile, facts.subdivision, name, zone, now)
    cap_reason, cap_frees = _cap(facts, profile, now, shown)
    cool_reason, cool_ends = _cooloff(facts, profile, now, date_zones, shown)
    reasons += [reason for reason in (cap_reason, cool_reason) if reason is not None]

    if not reasons:
        next_allowed: datetime | None = at
    elif blind or any(reason.code not in TIME_CODES for reason in reasons):
        next_allowed = None
    else:
        start = max(moment for moment in (now, cap_frees, cool_ends) if moment is not None)
        found = _next_allowed(facts, profile, zones, start, now, horizon, hours_free_until)
        next_allowed = None if found is None else found.astimezone(shown)
    return Verdict(not reasons, tuple(reasons), next_allowed, profile.key, at)


def _duty_reasons(
    facts: CallFacts,
    profile: Profile,
    now: datetime,
    date_zones: Sequence[tuple[str, ZoneInfo]],
    shown: tzinfo | None,
) -> tuple[list[Reason], datetime | None]:
    """The list or consent duty's blocks, and the moment this judgement stops holding (None:
    until the facts change)."""
    if profile.duty == "none":
        return [], None
    if facts.purpose is not None and facts.purpose.strip().lower() in profile.exempt_purposes:
        return [], None  # F5, F6, U5, O2: outside the duty, and only the duty
    ends: list[datetime] = []
    if profile.duty == "consent" or profile.consent_lifts_list:
        given, revoked_at = _consent(facts, now)
        if given and revoked_at is None:
            return [], None
        if given and revoked_at is not None:
            ends.append(revoked_at)
    if profile.contract_exemption and facts.contract_until is not None and facts.contract_related:
        ends.append(_end_of_day(facts.contract_until, date_zones))  # F3, F19
    # U5, O2: an established business relationship lifts the list (never an opt-out).
    for last, days in (
        (facts.last_purchase, profile.ebr_purchase_days),
        (facts.last_inquiry, profile.ebr_inquiry_days),
    ):
        if last is not None and days is not None:
            ends.append(_end_of_day(last + timedelta(days=days), date_zones))
    ends = [end for end in ends if end > now]
    lifted_until = max(ends, default=None)

    if profile.duty == "consent":
        if lifted_until is not None:
            return [], lifted_until
        return [_no_consent(facts, profile, now, shown)], None
    list_reasons, fresh_until = _list_reasons(facts, profile, now, shown)
    if lifted_until is None:
        return list_reasons, fresh_until
    if list_reasons or fresh_until is None:
        return [], lifted_until
    return [], max(lifted_until, fresh_until)


def _consent(facts: CallFacts, now: datetime) -> tuple[bool, datetime | None]:
    """Whether a consent holds now, and when a revocation already on record will end it."""
    given, revoked = facts.consent_at, facts.consent_revoked_at
    if given is None or given > now:
        return False, None
    # F19: revocable; a revocation as new as the consent or newer wins.
    if revoked is not None and revoked >= given:
        return (False, None) if revoked <= now else (True, revoked)
    return True, None


def _no_consent(facts: CallFacts, profile: Profile, now: datetime, shown: tzinfo | None) -> Reason:
    given, revoked = facts.consent_at, facts.consent_revoked_at
    if given is None:
        message = "no consent to be called on record"
    elif given > now:
        message = f"the consent is dated {_iso(given, shown)}, after the call"
    else:
        message = f"the consent given {_iso(given, shown)} was revoked {_iso(revoked, shown)}"
    data = [
        (name, _iso(moment, shown))
        for name, moment in (("consent_at", given), ("consent_revoked_at", revoked))
        if moment is not None
    ]
    if facts.consent_ref is not None:
        data.append(("consent_ref", facts.consent_ref))
    return Reason("no_consent", profile.rule("no_consent"), message, tuple(data))


def _list_reasons(
    facts: CallFacts, profile: Profile, now: datetime, shown: tzinfo | None
) -> tuple[list[Reason], datetime | None]:
    """F1-F3, U1, O1, O2: the number on a list, or a list too old to rely on."""
    if not facts.lists:
        # A missing list must never read as "clear": fail closed.
        return [
            Reason(
                "stale_list",
                profile.rule("stale_list"),
                "no opposition list was screened: the duty to screen is not met",
                (("lists", "none"),),
            )
        ], None
    reasons: list[Reason] = []
    fresh_until: datetime | None = None
    for fact in facts.lists:
        max_age = fact.max_age_days
        if profile.list_max_age_days is not None:
            max_age = min(max_age, profile.list_max_age_days)
        expires = fact.imported_at + timedelta(days=max_age)
        data = (
            ("list", fact.name),
            ("version", str(fact.version)),
            ("imported_at", _iso(fact.imported_at, shown)),
        )
        if now > expires:
            age = (now - fact.imported_at) / timedelta(days=1)
            reasons.append(
                Reason(
                    "stale_list",
                    profile.rule("stale_list"),
                    f"list {fact.name} v{fact.version} is {age:.1f} days old, more than its "
                    f"maximum age of {max_age} days",
                    (*data, ("max_age_days", str(max_age))),
                )
            )
        fresh_until = min(expires + _TICK, fresh_until or expires + _TICK)
        if fact.listed:
            registered = "" if fact.registered_at is None else f", registered {fact.registered_at}"
            reasons.append(
                Reason(
                    "opposed",
                    profile.rule("opposed"),
                    f"on list {fact.name} v{fact.version}{registered}",
                    (*data, *_optional("registered_at", fact.registered_at)),
                )
            )
    return reasons, fresh_until


def _sector_reasons(facts: CallFacts, profile: Profile) -> list[Reason]:
    sector = (facts.sector or "").strip().lower()
    if sector not in profile.sector_bans:
        return []
    # F15, F20: banned whatever the list, consent or contract says (the strict reading).
    message = f"telephone canvassing for {sector} is banned"
    return [
        Reason("sector_ban", profile.rule("sector_ban", sector), message, (("sector", sector),))
    ]


def _caller_id_reasons(facts: CallFacts, profile: Profile) -> list[Reason]:
    if not facts.caller_id:
        if not profile.requires_caller_id:
            return []
        return [Reason("no_caller_id", profile.rule("no_caller_id"), "no caller ID to show")]
    if profile.caller_id_prefixes and not facts.caller_id.startswith(profile.caller_id_prefixes):
        return [
            Reason(
                "no_caller_id",
                profile.rule("no_caller_id", "range"),
                f"the caller ID {facts.caller_id} is not in the canvassing ranges",
                (("caller_id", facts.caller_id), ("ranges", ", ".join(profile.caller_id_prefixes))),
            )
        ]
    return []


def _hours_consent(facts: CallFacts, profile: Profile, now: datetime) -> datetime | None:
    """F8: until when an express prior consent lifts the calling days and hours (None: it does
    not; ``datetime.max`` in UTC: for good)."""
    given, revoked = facts.hours_consent_at, facts.consent_revoked_at
    if not profile.hours_consent or given is None or given > now:
        return None
    if revoked is not None and revoked >= given:
        return None if revoked <= now else revoked
    return datetime.max.replace(tzinfo=UTC)


def _calendar_reasons(
    profile: Profile, subdivision: str | None, name: str, zone: ZoneInfo, now: datetime
) -> list[Reason]:
    """F8, U4, U9, O2: the calling days, hours and holidays in one zone of the callee."""
    local = now.astimezone(zone)
    day, clock = local.date(), local.time()
    windows = _day_windows(profile, local.weekday())
    data = (("zone", name), ("local_time", local.isoformat(timespec="minutes")))
    day_text = f"{local:%a} {day}"
    reasons = []
    if not windows:
        code = "weekend" if local.weekday() >= 5 else "outside_hours"
        message = f"{day_text} in {name}: no calls on that day"
        reasons.append(Reason(code, profile.rule(code), message, data))
    elif not any(clock in window for window in windows):
        hours = ", ".join(str(window) for window in windows)
        message = f"{local:%H:%M} on {day_text} in {name} is outside the calling hours {hours}"
        reasons.append(
            Reason(
                "outside_hours", profile.rule("outside_hours"), message, (*data, ("windows", hours))
            )
        )
    holiday = _holiday(profile, subdivision, name, day)
    if holiday is not None:
        message = f"{day} is a public holiday in {name} ({holiday})"
        reasons.append(
            Reason("holiday", profile.rule("holiday"), message, (*data, ("holiday", holiday)))
        )
    return reasons


def _cap(
    facts: CallFacts, profile: Profile, now: datetime, shown: tzinfo | None
) -> tuple[Reason | None, datetime | None]:
    """F9, U9: why the frequency cap blocks, and when the oldest counted attempt drops out."""
    if profile.max_attempts is None or profile.attempt_window_days is None:
        return None, None
    span = timedelta(days=profile.attempt_window_days)
    recent = sorted(
        moment.astimezone(UTC) for moment in facts.attempts if now - span < moment <= now
    )
    if len(recent) < profile.max_attempts:
        return None, None
    frees = recent[len(recent) - profile.max_attempts] + span
    message = (
        f"{len(recent)} calls or attempts in the last {profile.attempt_window_days} days: "
        f"at most {profile.max_attempts} are allowed, the next from {_iso(frees, shown)}"
    )
    data = (
        ("attempts", ", ".join(_iso(moment, shown) for moment in recent)),
        ("max_attempts", str(profile.max_attempts)),
        ("window_days", str(profile.attempt_window_days)),
        ("frees_at", _iso(frees, shown)),
    )
    return Reason("cap_reached", profile.rule("cap_reached"), message, data), frees


def _cooloff(
    facts: CallFacts,
    profile: Profile,
    now: datetime,
    date_zones: Sequence[tuple[str, ZoneInfo]],
    shown: tzinfo | None,
) -> tuple[Reason | None, datetime | None]:
    """F10: after a refusal on local day D, the 60 full calendar days D+1..D+60 are closed; calls
    may resume at D+61 00:00 in the callee's zone (the latest such midnight of its zones)."""
    if profile.cooloff_days is None:
        return None, None
    blocking = []
    for refusal in facts.refusals:
        if refusal > now:
            continue
        ends = max(
            _start_of_day(
                refusal.astimezone(zone).date() + timedelta(days=profile.cooloff_days + 1), zone
            )
            for _, zone in date_zones
        )
        if now < ends:
            blocking.append((ends, refusal))
    if not blocking:
        return None, None
    ends, refusal = max(blocking)
    message = (
        f"refused on {refusal.astimezone(date_zones[0][1]).date()}: no call during the "
        f"{profile.cooloff_days} full days that follow, until {_iso(ends, shown)}"
    )
    data = (
        ("refused_at", _iso(refusal, shown)),
        ("cooloff_days", str(profile.cooloff_days)),
        ("until", _iso(ends, shown)),
    )
    return Reason("cooloff", profile.rule("cooloff"), message, data), ends


def _next_allowed(
    facts: CallFacts,
    profile: Profile,
    zones: Sequence[tuple[str, ZoneInfo]],
    start: datetime,
    now: datetime,
    horizon: datetime | None,
    hours_free_until: datetime | None,
) -> datetime | None:
    """The earliest moment from ``start`` that is open in every zone, before ``horizon``."""
    limit = now + timedelta(days=SEARCH_DAYS)
    if horizon is not None:
        limit = min(limit, horizon - _TICK)
    calendar = profile.windows is not None or profile.holidays is not None
    if not calendar or (hours_free_until is not None and start < hours_free_until):
        return start if start <= limit else None
    moment = start
    while moment <= limit:
        moved = False
        for name, zone in zones:
            found = _next_open(profile, facts.subdivision, name, zone, moment, limit)
            if found is None:
                return None
            if found != moment:
                moment, moved = found, True
        if not moved:
            return moment
    return None


def _next_open(
    profile: Profile,
    subdivision: str | None,
    name: str,
    zone: ZoneInfo,
    moment: datetime,
    limit: datetime,
) -> datetime | None:
    """The earliest moment from ``moment`` that is open in one zone, or None by ``limit``."""
    if _is_open(profile, subdivision, name, zone, moment):
        return moment
    day = moment.astimezone(zone).date()
    last = limit.astimezone(zone).date()
    while day <= last:
        if _holiday(profile, subdivision, name, day) is None:
            # Both folds, so that a window starting in a repeated hour is found at its first start.
            starts = sorted(
                opening
                for window in _day_windows(profile, day.weekday())
                for fold in (0, 1)
                if (
                    opening := datetime.combine(day, window.start, zone)
                    .replace(fold=fold)
                    .astimezone(UTC)
                )
                > moment
            )
            for opening in starts:
                if opening > limit:
                    return None
                if _is_open(profile, subdivision, name, zone, opening):
                    return opening
        day += timedelta(days=1)
    return None


def _is_open(
    profile: Profile, subdivision: str | None, name: str, zone: ZoneInfo, moment: datetime
) -> bool:
    local = moment.astimezone(zone)
    if _holiday(profile, subdivision, name, local.date()) is not None:
        return False
    clock = local.time()
    return any(clock in window for window in _day_windows(profile, local.weekday()))


def windows_on(profile: Profile, weekday: int) -> tuple[Window, ...] | None:
    """The calling windows of a weekday (0 = Monday) in the callee's local time; None when the
    profile has no calling hours, () when that day has none."""
    return None if profile.windows is None else profile.windows.get(weekday, ())


def _day_windows(profile: Profile, weekday: int) -> tuple[Window, ...]:
    if profile.windows is None:
        return _ALL_DAY
    return profile.windows.get(weekday, ())


def _holiday(profile: Profile, subdivision: str | None, zone_name: str, day: date) -> str | None:
    """The holiday's name when ``day`` is a public holiday for the callee (F8, F11)."""
    if profile.holidays is None:
        return None
    extras: list[str] = []
    if "alsace_moselle" in profile.holiday_extras:
        # Open question 5 [I]: a number rarely tells the département, so Good Friday and
        # 26 December (L3134-13) block every callee.
        extras.append("57")
    if "overseas" in profile.holiday_extras:
        extras += _OVERSEAS_BY_ZONE.get(zone_name, ())
        extras += _OVERSEAS_BY_SUBDIVISION.get((subdivision or "").strip().upper(), ())
    for subdivision_code in (None, *dict.fromkeys(extras)):
        name = _holiday_calendar(profile.holidays, subdivision_code).get(day)
        if name is not None:
            return name if subdivision_code is None else f"{name}, {subdivision_code}"
    return None


@functools.cache
def _holiday_calendar(country: str, subdivision: str | None) -> holidays_lib.HolidayBase:
    return holidays_lib.country_holidays(country, subdiv=subdivision)


def _zones(names: Iterable[str]) -> tuple[tuple[tuple[str, ZoneInfo], ...], tuple[str, ...]]:
    """The known zones of the number, and the names that are no zone (phonenumbers says
    ``Etc/Unknown`` when it does not know)."""
    known: list[tuple[str, ZoneInfo]] = []
    unknown: list[str] = []
    for name in dict.fromkeys(names):
        zone = _zone(name)
        if zone is None:
            unknown.append(name)
        else:
            known.append((name, zone))
    return tuple(known), tuple(unknown)


def _zone(name: str) -> ZoneInfo | None:
    if not name or name == "Etc/Unknown":
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def _end_of_day(day: date, zones: Sequence[tuple[str, ZoneInfo]]) -> datetime:
    """The first moment after ``day`` in the first of the callee's zones to leave it."""
    return min(_start_of_day(day + timedelta(days=1), zone) for _, zone in zones)


def _require_aware(facts: CallFacts, at: datetime) -> None:
    moments: list[tuple[str, datetime | None]] = [
        ("at", at),
        ("opted_out_at", facts.opted_out_at),
        ("consent_at", facts.consent_at),
        ("consent_revoked_at", facts.consent_revoked_at),
        ("hours_consent_at", facts.hours_consent_at),
        *(("attempts", moment) for moment in facts.attempts),
        *(("refusals", moment) for moment in facts.refusals),
        *(("lists.imported_at", fact.imported_at) for fact in facts.lists),
    ]
    for name, moment in moments:
        if moment is not None and moment.utcoffset() is None:
            raise InvalidArgumentError(
                f"{name} has no time zone: calling rules depend on the callee's local time",
                column=name,
                hint="pass timezone-aware datetimes, e.g. datetime(2026, 11, 23, 10, tzinfo=UTC)",
            )


def _iso(moment: datetime | None, shown: tzinfo | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(shown).isoformat(timespec="seconds")


def _optional(name: str, value: date | None) -> tuple[tuple[str, str], ...]:
    return () if value is None else ((name, value.isoformat()),)


def _hhmm(clock: time) -> str:
    return "24:00" if clock == time.max else f"{clock:%H:%M}"


# --- Choosing a profile ----------------------------------------------------------------------


def select_profile(
    profiles: Iterable[Profile], jurisdiction: str, audience: str, at: datetime
) -> Profile:
    """The profile in force at ``at`` for this jurisdiction and audience: one naming the audience
    wins over one for every audience. Effective dates are read in the profile's ``legal_zone``
    (FR/consumer: the opt-out regime until 2026-08-10, the consent regime from 2026-08-11, F19,
    F23)."""
    if at.utcoffset() is None:
        raise InvalidArgumentError(
            "at has no time zone", column="at", hint="pass a timezone-aware datetime"
        )
    wanted_jurisdiction = jurisdiction.strip().upper()
    wanted_audience = audience.strip().lower()
    profiles = tuple(profiles)
    known = sorted({profile.jurisdiction for profile in profiles})
    if wanted_jurisdiction not in known:
        raise InvalidArgumentError(
            f"no calling rules for the jurisdiction {jurisdiction!r}",
            hint=f"use one of {', '.join(known)}, or add a profile in a rules file",
        )
    candidates = [
        profile
        for profile in profiles
        if profile.jurisdiction == wanted_jurisdiction
        and profile.audience in (wanted_audience, None)
    ]
    if not candidates:
        audiences = sorted(
            {p.audience or "" for p in profiles if p.jurisdiction == wanted_jurisdiction}
        )
        raise InvalidArgumentError(
            f"no calling rules for the audience {audience!r} in {wanted_jurisdiction}",
            hint=f"use one of {', '.join(audiences)}",
        )
    in_force = [profile for profile in candidates if _in_force(profile, at)]
    chosen = [p for p in in_force if p.audience == wanted_audience] or [
        p for p in in_force if p.audience is None
    ]
    if not chosen:
        raise InvalidArgumentError(
            f"no calling rules for {wanted_jurisdiction}/{wanted_audience} are in force on "
            f"{at.date()}",
            hint="add a profile whose effective_from and effective_until cover that date",
        )
    if len(chosen) > 1:
        keys = ", ".join(profile.key for profile in chosen)
        raise InvalidArgumentError(
            f"several calling-rule profiles are in force on {at.date()}: {keys}",
            hint="make their effective_from and effective_until not overlap",
        )
    return chosen[0]


def _in_force(profile: Profile, at: datetime) -> bool:
    day = at.astimezone(ZoneInfo(profile.legal_zone)).date()
    if profile.effective_from is not None and day < profile.effective_from:
        return False
    return profile.effective_until is None or day <= profile.effective_until


# --- Loading profiles ------------------------------------------------------------------------


def load_profiles(extra: str | Path | None = None) -> tuple[Profile, ...]:
    """The shipped profiles, with the user file ``extra`` applied: a table for a shipped key
    changes only the keys it sets (``rules`` and each state merge key by key); a new key adds a
    profile, which needs at least ``jurisdiction``, ``duty`` and ``windows``."""
    entries: dict[str, _Entry] = {}
    folder = resources.files("suppression").joinpath("profiles")
    shipped = sorted((item for item in folder.iterdir() if item.name.endswith(".toml")), key=str)
    for item in shipped:
        source = _Source(f"suppression/profiles/{item.name}", item.read_text(encoding="utf-8"))
        for key, values in _read(source).items():
            if key in entries:
                raise _error(source, ("profiles", key), f"profile {key!r} is defined twice")
            entries[key] = _Entry(values, source)
    if extra is not None:
        path = Path(extra)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputFileError(
                f"cannot read the rules file: {getattr(error, 'strerror', None) or error}",
                file=str(path),
                hint="pass a UTF-8 TOML file",
            ) from error
        source = _Source(str(path), text)
        for key, values in _read(source).items():
            base = entries[key].values if key in entries else {}
            entries[key] = _Entry(_merge(base, values), source)
    return tuple(
        _build(key, _resolve(key, entries, frozenset()), entries[key].source) for key in entries
    )


@dataclass(frozen=True)
class _Source:
    name: str
    text: str


@dataclass(frozen=True)
class _Entry:
    values: dict[str, Any]
    source: _Source


class _BadValue(Exception):
    def __init__(self, expected: str, value: object, subkey: str | None = None) -> None:
        super().__init__(expected)
        self.expected, self.value, self.subkey = expected, value, subkey


def _positive(value: object) -> int | None:
    if value is False:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _BadValue("a whole number of at least 1, or false for none", value)
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _BadValue("true or false", value)
    return value


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _BadValue("a non-empty string", value)
    return value.strip()


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _BadValue("a list of strings", value)
    return tuple(_text(item).lower() for item in value)


def _day(value: object) -> date | None:
    if value is False:
        return None
    if type(value) is not date:
        raise _BadValue("a date such as 2026-08-11, or false for none", value)
    return value


def _zone_name(value: object) -> str:
    if _zone(_text(value)) is None:
        raise _BadValue("an IANA time zone such as Europe/Paris", value)
    return _text(value)


def _duty(value: object) -> str:
    if value not in DUTIES:
        raise _BadValue(f"one of {', '.join(DUTIES)}", value)
    return str(value)


def _country(value: object) -> str | None:
    if value is False:
        return None
    if value not in holidays_lib.list_supported_countries():
        raise _BadValue("a country code of the holidays package such as FR, or false", value)
    return str(value)


def _extras(value: object) -> tuple[str, ...]:
    names = _texts(value)
    for name in names:
        if name not in HOLIDAY_EXTRAS:
            raise _BadValue(f"a list of {', '.join(HOLIDAY_EXTRAS)}", value)
    return names


_WINDOW = re.compile(r"(\d\d):(\d\d)-(\d\d):(\d\d)")


def _windows(value: object) -> Mapping[int, tuple[Window, ...]] | None:
    if value == "any":
        return None
    if not isinstance(value, dict):
        raise _BadValue('"any", or a table of days (mon..sun) and windows', value)
    days: dict[int, tuple[Window, ...]] = {}
    for day, spans in value.items():
        if day not in _DAY_NAMES:
            raise _BadValue("a day among mon, tue, wed, thu, fri, sat, sun", day, subkey=day)
        if not isinstance(spans, list):
            raise _BadValue('a list of windows such as ["10:00-13:00"]', spans, subkey=day)
        windows = []
        for span in spans:
            bad = _BadValue("windows HH:MM-HH:MM such as 10:00-13:00", span, subkey=day)
            match = _WINDOW.fullmatch(span) if isinstance(span, str) else None
            if match is None:
                raise bad
            try:
                start = time(int(match[1]), int(match[2]))
                end = (
                    time.max
                    if match[3] + match[4] == "2400"
                    else time(int(match[3]), int(match[4]))
                )
                windows.append(Window(start, end))
            except (ValueError, InvalidArgumentError):
                raise bad from None
        days[_DAY_NAMES.index(day)] = tuple(sorted(windows, key=lambda window: window.start))
    return MappingProxyType(days)


def _rules(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _BadValue("a table of reason codes and rule IDs", value)
    for code, rule in value.items():
        if code.split(".")[0] not in REASON_CODES:
            raise _BadValue(f"a reason code among {', '.join(REASON_CODES)}", code, subkey=code)
        if not isinstance(rule, str):
            raise _BadValue("a rule ID such as F8", rule, subkey=code)
    return dict(value)


_STATE_FIELDS: Mapping[str, Callable[[object], object]] = {
    "duty": _duty,
    "windows": _windows,
    "list_max_age_days": _positive,
    "contract_exemption": _flag,
    "consent_lifts_list": _flag,
    "exempt_purposes": _texts,
    "ebr_purchase_days": _positive,
    "ebr_inquiry_days": _positive,
    "holidays": _country,
    "holiday_extras": _extras,
    "hours_consent": _flag,
    "max_attempts": _positive,
    "attempt_window_days": _positive,
    "cooloff_days": _positive,
    "sector_bans": _texts,
    "requires_caller_id": _flag,
    "caller_id_prefixes": lambda value: tuple(_text(item) for item in _texts(value)),
    "rules": _rules,
}
_PROFILE_FIELDS: Mapping[str, Callable[[object], object]] = {
    **_STATE_FIELDS,
    "inherits": _text,
    "jurisdiction": lambda value: _text(value).upper(),
    "audience": lambda value: None if value is False else _text(value).lower(),
    "effective_from": _day,
    "effective_until": _day,
    "legal_zone": _zone_name,
}


def _read(source: _Source) -> dict[str, dict[str, Any]]:
    """The profiles of one file, each value checked and converted."""
    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as error:
        position = re.search(r" \(at line (\d+), column \d+\)$", str(error))
        message = str(error)[: position.start() if position else None]
        line = getattr(error, "lineno", None) or (int(position[1]) if position else None)
        key = None
        if line is not None and line <= len(source.text.splitlines()):
            assignment = _ASSIGNMENT.match(source.text.splitlines()[line - 1])
            key = ".".join(_key_parts(assignment[1])) if assignment else None
        raise InvalidArgumentError(
            f"the rules file is not valid TOML: {message}",
            file=source.name,
            row=line,
            column=key,
            hint="fix the TOML syntax on that line",
        ) from error
    for name in data:
        if name != "profiles":
            raise _error(
                source,
                (name,),
                f"unknown table {name!r}",
                'put every profile under [profiles."KEY"]',
            )
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise _error(source, ("profiles",), "profiles must be a table", 'write [profiles."KEY"]')
    return {
        key: _convert(values, source, ("profiles", key), _PROFILE_FIELDS)
        for key, values in profiles.items()
    }


def _convert(
    values: object,
    source: _Source,
    path: tuple[str, ...],
    fields: Mapping[str, Callable[[object], object]],
) -> dict[str, Any]:
    label = f"profile {path[1]!r}" + (f", state {path[3]}" if len(path) > 3 else "")
    if not isinstance(values, dict):
        raise _error(source, path, f"{label} must be a table", 'write [profiles."KEY"] and keys')
    converted: dict[str, Any] = {}
    for name, value in values.items():
        where = (*path, name)
        if name == "states" and fields is _PROFILE_FIELDS:
            if not isinstance(value, dict):
                raise _error(source, where, f"{label}: states must be a table of subdivisions")
            converted["states"] = {
                state.upper(): _convert(table, source, (*where, state), _STATE_FIELDS)
                for state, table in value.items()
            }
            continue
        if name not in fields:
            raise _error(
                source,
                where,
                f"{label}: unknown key {name!r}",
                f"use one of {', '.join(sorted(fields))}" + (", states" if len(path) == 2 else ""),
            )
        try:
            converted[name] = fields[name](value)
        except _BadValue as bad:
            key = name if bad.subkey is None else f"{name}.{bad.subkey}"
            place = where if bad.subkey is None else (*where, bad.subkey)
            raise _error(
                source, place, f"{label}: {key} must be {bad.expected}, not {bad.value!r}"
            ) from None
    return converted


def _merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for name, value in top.items():
        if name == "rules":
            merged[name] = {**base.get("rules", {}), **value}
        elif name == "states":
            states = dict(base.get("states", {}))
            for state, table in value.items():
                states[state] = _merge(states.get(state, {}), table)
            merged[name] = states
        else:
            merged[name] = value
    return merged


def _resolve(key: str, entries: Mapping[str, _Entry], seen: frozenset[str]) -> dict[str, Any]:
    entry = entries[key]
    parent = entry.values.get("inherits")
    if parent is None:
        return entry.values
    where = ("profiles", key, "inherits")
    if parent not in entries:
        raise _error(
            entry.source, where, f"profile {key!r} inherits the unknown profile {parent!r}"
        )
    if parent in seen | {key}:
        raise _error(entry.source, where, f"profile {key!r} inherits itself through {parent!r}")
    values = _merge(_resolve(parent, entries, seen | {key}), entry.values)
    del values["inherits"]
    return values


def _build(key: str, values: Mapping[str, Any], source: _Source) -> Profile:
    for required in ("jurisdiction", "duty", "windows"):
        if required not in values:
            raise _error(
                source,
                ("profiles", key),
                f"profile {key!r} has no {required}",
                f"add {required} = ..."
                + (' ("any" for no calling hours)' if required == "windows" else ""),
            )
    if (values.get("max_attempts") is None) != (values.get("attempt_window_days") is None):
        raise _error(
            source,
            ("profiles", key, "max_attempts"),
            f"profile {key!r}: max_attempts and attempt_window_days go together",
            "set both, or both to false",
        )
    if values.get("holiday_extras") and values.get("holidays") != "FR":
        raise _error(
            source,
            ("profiles", key, "holiday_extras"),
            f'profile {key!r}: holiday_extras are French calendars and need holidays = "FR"',
        )
    fields = {name: value for name, value in values.items() if name not in ("states", "rules")}
    profile = Profile(key=key, rules=MappingProxyType(dict(values.get("rules", {}))), **fields)
    states = {
        state: _build(f"{key}/{state}", _merge({**values, "states": {}}, table), source)
        for state, table in values.get("states", {}).items()
    }
    return replace(profile, state_overrides=MappingProxyType(states))


def _error(
    source: _Source, path: tuple[str, ...], what: str, hint: str | None = None
) -> InvalidArgumentError:
    return InvalidArgumentError(
        what,
        file=source.name,
        row=_line_of(source.text, path),
        column=".".join(path[2:]) or None,
        hint=hint
        or "fix the value in the rules file; the shipped files in suppression/profiles "
        "show every key",
    )


_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"\s*\[\[?\s*({_DOTTED})\s*\]")
_ASSIGNMENT = re.compile(rf"\s*({_DOTTED})\s*=")


def _key_parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in re.findall(_KEY_PART, dotted))


def _line_of(text: str, path: tuple[str, ...]) -> int | None:
    """The line where the key ``path`` is set, else where its nearest table is (tomllib gives
    values, not positions)."""
    table: tuple[str, ...] = ()
    nearest: tuple[int, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            table = full = _key_parts(header[1])
        elif assignment := _ASSIGNMENT.match(line):
            full = (*table, *_key_parts(assignment[1]))
        else:
            continue
        if full[: len(path)] == path:
            return number
        if path[: len(full)] == full and (nearest is None or len(full) > nearest[0]):
            nearest = (len(full), number)
    return None if nearest is None else nearest[1]
