"""The calling rules, case by case, written from shared/reference/regulation.md (rule IDs cited)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suppression.errors import InputFileError, InvalidArgumentError
from suppression.rules import (
    REASON_CODES,
    TIME_CODES,
    CallFacts,
    ListFact,
    Profile,
    Verdict,
    Window,
    judge,
    load_profiles,
    select_profile,
)

PROFILES = load_profiles()
PARIS = ZoneInfo("Europe/Paris")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")
TORONTO = ZoneInfo("America/Toronto")
LONDON = ZoneInfo("Europe/London")
ZONE_OF = {
    "FR": "Europe/Paris",
    "US": "America/Los_Angeles",
    "UK": "Europe/London",
    "CA": "America/Toronto",
}
NUMBER_OF = {
    "FR": "+33612345678",
    "US": "+12135550123",
    "UK": "+447700900123",
    "CA": "+14165550123",
}


def paris(day: str, clock: str = "10:30") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=PARIS)


def local(zone: ZoneInfo, day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=zone)


def screened(
    at: datetime, *, days_old: float = 20, listed: bool = False, name: str = "bloctel"
) -> ListFact:
    return ListFact(
        name,
        3,
        at - timedelta(days=days_old),
        30 if name == "bloctel" else 31,
        listed,
        date(2024, 3, 1) if listed else None,
    )


def profile_at(at: datetime, jurisdiction: str = "FR", audience: str = "consumer") -> Profile:
    return select_profile(PROFILES, jurisdiction, audience, at)


def facts_for(at: datetime, profile: Profile, **changes: Any) -> CallFacts:
    """A number that may be called under ``profile``, unless ``changes`` say otherwise: a fresh
    list under an opposition duty, a consent under the consent duty, a caller ID."""
    base = CallFacts(
        e164=NUMBER_OF[profile.jurisdiction],
        timezones=(ZONE_OF[profile.jurisdiction],),
        lists=(screened(at, name="bloctel" if profile.jurisdiction == "FR" else "national"),)
        if profile.duty == "opposition_list"
        else (),
        consent_at=datetime(2026, 1, 5, 9, tzinfo=UTC) if profile.duty == "consent" else None,
        consent_ref="web form 2026-01-05",
        caller_id="+33162000000",
    )
    return dataclasses.replace(base, **changes)


def verdict(
    at: datetime, jurisdiction: str = "FR", audience: str = "consumer", **changes: Any
) -> Verdict:
    profile = profile_at(at, jurisdiction, audience)
    return judge(facts_for(at, profile, **changes), profile, at)


def codes(result: Verdict) -> list[str]:
    return list(result.codes)


def data(result: Verdict, code: str) -> dict[str, str]:
    return dict(next(reason for reason in result.reasons if reason.code == code).data)


# --- France, consumers: D223-9 windows, holidays, zones (F8, F11) ----------------------------------

MONDAY = "2026-11-23"  # the consent regime (F19) is in force: each case has a consent
JAN_5 = datetime(2026, 1, 5, tzinfo=UTC)
GUADELOUPE = {"e164": "+590690123456", "timezones": ("America/Guadeloupe",)}
REUNION_MAYOTTE = {"e164": "+262692123456", "timezones": ("Indian/Reunion", "Indian/Mayotte")}

FR_CALENDAR = [
    ("F8 09:59 is before the morning window", paris(MONDAY, "09:59"), {}, ["outside_hours"]),
    ("F8 10:00 opens the morning window", paris(MONDAY, "10:00"), {}, []),
    ("F8 12:59 is still in the morning window", paris(MONDAY, "12:59"), {}, []),
    ("F8 13:00 closes it (end excluded)", paris(MONDAY, "13:00"), {}, ["outside_hours"]),
    ("F8 13:30 is the lunch break", paris(MONDAY, "13:30"), {}, ["outside_hours"]),
    ("F8 14:00 opens the afternoon window", paris(MONDAY, "14:00"), {}, []),
    ("F8 19:59 with consent", paris(MONDAY, "19:59"), {}, []),
    ("F8 20:00 is too late", paris(MONDAY, "20:00"), {}, ["outside_hours"]),
    ("F8 Saturday", paris("2026-11-28", "11:00"), {}, ["weekend"]),
    ("F8 Sunday", paris("2026-11-29", "11:00"), {}, ["weekend"]),
    ("F8 F11 Christmas 2026-12-25 (a Friday)", paris("2026-12-25", "11:00"), {}, ["holiday"]),
    (
        "F8 F11 Christmas at 09:00 is both",
        paris("2026-12-25", "09:00"),
        {},
        ["outside_hours", "holiday"],
    ),
    ("F11 Armistice 2026-11-11", paris("2026-11-11", "11:00"), {}, ["holiday"]),
    ("F11 Easter Monday 2026-04-06", paris("2026-04-06", "11:00"), {}, ["holiday"]),
    (
        "F11 [I] Good Friday (Alsace-Moselle) blocks every callee",
        paris("2026-04-03", "11:00"),
        {},
        ["holiday"],
    ),
    ("F11 [I] 26 Dec 2025 (Alsace-Moselle)", paris("2025-12-26", "11:00"), {}, ["holiday"]),
    (
        "F11 [I] slavery abolition, Guadeloupe, 15:00 local",
        local(ZoneInfo("America/Guadeloupe"), "2026-05-27", "15:00"),
        {"timezones": ("America/Guadeloupe",)},
        ["holiday"],
    ),
    ("F11 the same day is a working day in Paris", paris("2026-05-27", "15:00"), {}, []),
    (
        "F11 [I] the same day by subdivision GP",
        paris("2026-05-27", "15:00"),
        {"subdivision": "GP"},
        ["holiday"],
    ),
    (
        "F8 +590 at 10:30 Paris is 05:30 in Guadeloupe",
        paris(MONDAY, "10:30"),
        GUADELOUPE,
        ["outside_hours"],
    ),
    (
        "F8 +590 at 15:00 Paris is 10:00 in Guadeloupe",
        paris(MONDAY, "15:00"),
        GUADELOUPE,
        [],
    ),
    (
        "F8 two zones: 09:30 Paris is 12:30 Réunion, 11:30 Mayotte",
        paris(MONDAY, "09:30"),
        REUNION_MAYOTTE,
        [],
    ),
    (
        "F8 two zones: 10:30 Paris is 13:30 Réunion (lunch), 12:30 Mayotte",
        paris(MONDAY, "10:30"),
        REUNION_MAYOTTE,
        ["outside_hours"],
    ),
    (
        "F8 express consent to out-of-window calls lifts the hours",
        paris(MONDAY, "09:00"),
        {"hours_consent_at": JAN_5},
        [],
    ),
    (
        "F8 and the weekend",
        paris("2026-11-28", "09:00"),
        {"hours_consent_at": JAN_5},
        [],
    ),
    (
        "F8 a revocation newer than the hours consent ends it",
        paris(MONDAY, "09:00"),
        {
            "hours_consent_at": JAN_5,
            "consent_at": datetime(2026, 3, 1, tzinfo=UTC),
            "consent_revoked_at": datetime(2026, 2, 1, tzinfo=UTC),
        },
        ["outside_hours"],
    ),
]


@pytest.mark.parametrize(
    ("at", "changes", "expected"),
    [case[1:] for case in FR_CALENDAR],
    ids=[case[0] for case in FR_CALENDAR],
)
def test_french_calling_days_and_hours(
    at: datetime, changes: dict[str, Any], expected: list[str]
) -> None:
    assert codes(verdict(at, **changes)) == expected


def test_a_blocked_hour_says_which_zone_and_local_time() -> None:
    result = verdict(paris(MONDAY, "10:30"), **GUADELOUPE)
    (reason,) = result.reasons
    assert (reason.rule, reason.message) == (
        "F8",
        "05:30 on Mon 2026-11-23 in America/Guadeloupe is outside the calling hours 10:00-13:00, 14:00-20:00",
    )
    assert dict(reason.data) == {
        "zone": "America/Guadeloupe",
        "local_time": "2026-11-23T05:30-04:00",
        "windows": "10:00-13:00, 14:00-20:00",
    }


NEXT_ALLOWED = [
    ("lunch break: 14:00 the same day", paris(MONDAY, "13:30"), {}, paris(MONDAY, "14:00")),
    (
        "Friday evening: Monday 10:00",
        paris("2026-11-27", "20:00"),
        {},
        paris("2026-11-30", "10:00"),
    ),
    (
        "Christmas Eve evening: holiday, weekend, Monday",
        paris("2026-12-24", "20:30"),
        {},
        paris("2026-12-28", "10:00"),
    ),
    (
        "New Year's Eve: 1 Jan, weekend",
        paris("2026-12-31", "20:30"),
        {},
        paris("2027-01-04", "10:00"),
    ),
    (
        "Guadeloupe: 10:00 local is 15:00 Paris",
        paris(MONDAY, "10:30"),
        {"timezones": ("America/Guadeloupe",)},
        paris(MONDAY, "15:00"),
    ),
    (
        "Réunion and Mayotte: open in both from 12:00 Paris",
        paris(MONDAY, "10:30"),
        REUNION_MAYOTTE,
        paris(MONDAY, "12:00"),
    ),
    ("allowed now: at itself", paris(MONDAY, "10:30"), {}, paris(MONDAY, "10:30")),
]


@pytest.mark.parametrize(
    ("at", "changes", "expected"),
    [case[1:] for case in NEXT_ALLOWED],
    ids=[case[0] for case in NEXT_ALLOWED],
)
def test_next_allowed(at: datetime, changes: dict[str, Any], expected: datetime) -> None:
    assert verdict(at, **changes).next_allowed == expected


# --- France: frequency cap (F9) and cool-off (F10) ------------------------------------------------

CAP_AT = paris("2026-12-16", "10:30")  # a Wednesday; 30 days earlier is Monday 2026-11-16 10:30
THREE_RECENT = (
    paris("2026-11-20", "11:00"),
    paris("2026-11-27", "15:00"),
    paris("2026-12-04", "16:45"),
)

CAP = [
    ("F9 three attempts in 30 days: the 4th call is allowed", THREE_RECENT, {}, []),
    (
        "F9 four attempts in 30 days: the 5th is blocked",
        (paris("2026-11-16", "10:31"), *THREE_RECENT),
        {},
        ["cap_reached"],
    ),
    (
        "F9 an attempt exactly 30 days old no longer counts",
        (paris("2026-11-16", "10:30"), *THREE_RECENT),
        {},
        [],
    ),
    (
        "F9 unanswered attempts from every campaign count alike",
        (
            paris("2026-11-17", "10:00"),
            paris("2026-11-17", "10:05"),
            *THREE_RECENT[1:],
            paris("2026-12-15", "19:00"),
        ),
        {},
        ["cap_reached"],
    ),
    (
        "F9 open question 6: the cap applies with a contract in force",
        (paris("2026-11-16", "10:31"), *THREE_RECENT),
        {"consent_at": None, "contract_until": date(2027, 6, 30)},
        ["cap_reached"],
    ),
    (
        "F9 and with an express consent to out-of-window calls",
        (paris("2026-11-16", "10:31"), *THREE_RECENT),
        {"hours_consent_at": JAN_5},
        ["cap_reached"],
    ),
]


@pytest.mark.parametrize(
    ("attempts", "changes", "expected"), [case[1:] for case in CAP], ids=[case[0] for case in CAP]
)
def test_frequency_cap(
    attempts: tuple[datetime, ...], changes: dict[str, Any], expected: list[str]
) -> None:
    assert codes(verdict(CAP_AT, attempts=attempts, **changes)) == expected


def test_the_cap_frees_when_the_oldest_attempt_leaves_the_window() -> None:
    result = verdict(CAP_AT, attempts=(paris("2026-11-16", "10:31"), *THREE_RECENT))
    assert result.next_allowed == paris("2026-12-16", "10:31")
    assert data(result, "cap_reached") == {
        "attempts": "2026-11-16T10:31:00+01:00, 2026-11-20T11:00:00+01:00, 2026-11-27T15:00:00+01:00, 2026-12-04T16:45:00+01:00",
        "max_attempts": "4",
        "window_days": "30",
        "frees_at": "2026-12-16T10:31:00+01:00",
    }


REFUSED = paris("2026-09-25", "14:30")  # a Friday: D+59, D+60, D+61 are Monday to Wednesday

COOLOFF = [
    ("F10 59 days after the refusal", paris("2026-11-23", "10:30"), ["cooloff"]),
    ("F10 60 x 24 h later, during the 60th full day", paris("2026-11-24", "15:00"), ["cooloff"]),
    ("F10 60 full calendar days after: allowed", paris("2026-11-25", "10:00"), []),
]


@pytest.mark.parametrize(
    ("at", "expected"), [case[1:] for case in COOLOFF], ids=[case[0] for case in COOLOFF]
)
def test_cooloff_after_a_refusal(at: datetime, expected: list[str]) -> None:
    assert codes(verdict(at, refusals=(REFUSED,))) == expected


def test_cooloff_ends_at_local_midnight_after_the_60_full_days() -> None:
    result = verdict(paris("2026-11-23", "10:30"), refusals=(REFUSED,))
    assert data(result, "cooloff") == {
        "refused_at": "2026-09-25T14:30:00+02:00",
        "cooloff_days": "60",
        "until": "2026-11-25T00:00:00+01:00",
    }
    assert result.next_allowed == paris("2026-11-25", "10:00")


# --- France: the regime, the list, consent and exemptions (F2-F6, F15, F19-F23) -------------------

SWITCH_DAY_BEFORE = paris("2026-08-10", "11:00")
SWITCH_DAY = paris("2026-08-11", "11:00")
LIST_20_DAYS = ListFact("bloctel", 7, paris("2026-07-21", "11:00"), 30, False)


def test_the_regime_in_force_the_day_before_and_the_day_of_the_switch() -> None:
    facts = CallFacts(
        e164="+33612345678",
        timezones=("Europe/Paris",),
        lists=(LIST_20_DAYS,),
        caller_id="+33162000000",
    )
    before = judge(facts, profile_at(SWITCH_DAY_BEFORE), SWITCH_DAY_BEFORE)
    after = judge(facts, profile_at(SWITCH_DAY), SWITCH_DAY)
    assert (before.ok, before.profile) == (True, "FR/consumer/opt-out")
    assert (codes(after), after.profile, after.reasons[0].rule) == (
        ["no_consent"],
        "FR/consumer/opt-in",
        "F19",
    )
    assert after.next_allowed is None


def test_the_switch_happens_at_midnight_in_paris() -> None:
    assert profile_at(paris("2026-08-10", "23:59")).key == "FR/consumer/opt-out"
    assert profile_at(datetime(2026, 8, 10, 22, 0, tzinfo=UTC)).key == "FR/consumer/opt-in"


OPT_OUT_AT = paris("2026-06-15", "11:00")  # a Monday under the Bloctel regime
LISTED = (screened(OPT_OUT_AT, listed=True),)

FR_DUTY = [
    ("F1 F3 a fresh list, not listed", OPT_OUT_AT, {}, []),
    ("F3 listed on Bloctel", OPT_OUT_AT, {"lists": LISTED}, ["opposed"]),
    (
        "F2 a list exactly 30 days old is still fresh",
        OPT_OUT_AT,
        {"lists": (screened(OPT_OUT_AT, days_old=30),)},
        [],
    ),
    (
        "F2 a list older than 30 days is stale",
        OPT_OUT_AT,
        {"lists": (screened(OPT_OUT_AT, days_old=30.001),)},
        ["stale_list"],
    ),
    ("F2 no list at all under the opposition regime", OPT_OUT_AT, {"lists": ()}, ["stale_list"]),
    (
        "F3 a contract in force on a related subject",
        OPT_OUT_AT,
        {"lists": LISTED, "contract_until": date(2026, 6, 15)},
        [],
    ),
    (
        "F3 a contract that ended the day before",
        OPT_OUT_AT,
        {"lists": LISTED, "contract_until": date(2026, 6, 14)},
        ["opposed"],
    ),
    (
        "F3 a contract on another subject",
        OPT_OUT_AT,
        {"lists": LISTED, "contract_until": date(2027, 1, 1), "contract_related": False},
        ["opposed"],
    ),
    (
        "F3 a consent is no exception to Bloctel",
        OPT_OUT_AT,
        {"lists": LISTED, "consent_at": JAN_5},
        ["opposed"],
    ),
    (
        "F3 the contract lifts the duty, not the weekend",
        paris("2026-06-13", "11:00"),
        {"lists": LISTED, "contract_until": date(2027, 1, 1)},
        ["weekend"],
    ),
    (
        "F3 a contract makes even a stale list irrelevant",
        OPT_OUT_AT,
        {
            "lists": (screened(OPT_OUT_AT, days_old=45, listed=True),),
            "contract_until": date(2027, 1, 1),
        },
        [],
    ),
    (
        "F22 nor an opt-out",
        OPT_OUT_AT,
        {"lists": LISTED, "contract_until": date(2027, 1, 1), "opted_out": True},
        ["opted_out"],
    ),
    (
        "F5 press subscriptions are outside the list",
        OPT_OUT_AT,
        {"lists": LISTED, "purpose": "press_subscription"},
        [],
    ),
    (
        "F5 but not outside the hours (F8)",
        paris("2026-06-15", "13:30"),
        {"lists": LISTED, "purpose": "press_subscription"},
        ["outside_hours"],
    ),
    ("F6 a survey is outside the list", OPT_OUT_AT, {"lists": LISTED, "purpose": "survey"}, []),
    (
        "F15 energy renovation is banned, contract or not",
        OPT_OUT_AT,
        {"sector": "energy_renovation", "contract_until": date(2027, 1, 1)},
        ["sector_ban"],
    ),
    ("F15 CPF canvassing is banned", OPT_OUT_AT, {"sector": "cpf"}, ["sector_ban"]),
    (
        "F20 [I] housing adaptation, banned already (open question 8)",
        OPT_OUT_AT,
        {"sector": "home_adaptation"},
        ["sector_ban"],
    ),
    ("F13 no caller ID", OPT_OUT_AT, {"caller_id": None}, ["no_caller_id"]),
    ("F19 consent regime: no consent", SWITCH_DAY, {"consent_at": None}, ["no_consent"]),
    ("F19 consent regime: a consent on record", SWITCH_DAY, {}, []),
    (
        "F19 a revocation newer than the consent wins",
        SWITCH_DAY,
        {"consent_revoked_at": datetime(2026, 2, 1, tzinfo=UTC)},
        ["no_consent"],
    ),
    (
        "F19 a consent given again after a revocation",
        SWITCH_DAY,
        {
            "consent_at": datetime(2026, 3, 1, tzinfo=UTC),
            "consent_revoked_at": datetime(2026, 2, 1, tzinfo=UTC),
        },
        [],
    ),
    (
        "F19 a consent dated after the call does not count",
        SWITCH_DAY,
        {"consent_at": datetime(2026, 8, 12, tzinfo=UTC)},
        ["no_consent"],
    ),
    (
        "F19 a contract in force is the only exception",
        SWITCH_DAY,
        {"consent_at": None, "contract_until": date(2026, 12, 31)},
        [],
    ),
    (
        "F19 [I] the press exception (F5) is not carried over",
        SWITCH_DAY,
        {"consent_at": None, "purpose": "press_subscription"},
        ["no_consent"],
    ),
    (
        "F6 non-commercial calls stay outside the scheme",
        SWITCH_DAY,
        {"consent_at": None, "purpose": "political"},
        [],
    ),
    (
        "F23 consent regime: no list is relied on",
        SWITCH_DAY,
        {"lists": (screened(SWITCH_DAY, days_old=90, listed=True),)},
        [],
    ),
    ("not a valid number", OPT_OUT_AT, {"e164": None, "timezones": ()}, ["invalid_number"]),
    (
        "no known time zone: the hours cannot be checked",
        OPT_OUT_AT,
        {"timezones": ()},
        ["outside_hours"],
    ),
    (
        "phonenumbers' Etc/Unknown is no zone",
        OPT_OUT_AT,
        {"timezones": ("Etc/Unknown",)},
        ["outside_hours"],
    ),
]


@pytest.mark.parametrize(
    ("at", "changes", "expected"), [case[1:] for case in FR_DUTY], ids=[case[0] for case in FR_DUTY]
)
def test_french_duties_and_exemptions(
    at: datetime, changes: dict[str, Any], expected: list[str]
) -> None:
    assert codes(verdict(at, **changes)) == expected


@pytest.mark.parametrize(
    "changes",
    [
        {"lists": LISTED},
        {"lists": ()},
        {"sector": "cpf"},
        {"caller_id": None},
        {"opted_out": True},
        {"e164": None, "timezones": ()},
        {"timezones": ()},
    ],
)
def test_waiting_does_not_lift_a_non_time_reason(changes: dict[str, Any]) -> None:
    assert verdict(paris("2026-06-13", "11:00"), **changes).next_allowed is None


def test_every_reason_is_listed_with_its_rule_and_data() -> None:
    at = paris("2026-06-13", "11:00")  # a Saturday
    attempts = tuple(at - timedelta(days=days) for days in (1, 3, 5, 7))
    result = verdict(
        at,
        lists=LISTED,
        opted_out=True,
        opted_out_at=paris("2026-05-02", "12:00"),
        sector="home_adaptation",
        caller_id=None,
        attempts=attempts,
    )
    assert [(reason.code, reason.rule) for reason in result.reasons] == [
        ("opposed", "F3"),
        ("opted_out", "F22"),
        ("sector_ban", "F20"),
        ("no_caller_id", "F13"),
        ("weekend", "F8"),
        ("cap_reached", "F9"),
    ]
    assert data(result, "opposed") == {
        "list": "bloctel",
        "version": "3",
        "imported_at": "2026-05-26T11:00:00+02:00",
        "registered_at": "2024-03-01",
    }
    assert data(result, "opted_out") == {"opted_out_at": "2026-05-02T12:00:00+02:00"}
    assert (result.ok, result.next_allowed, result.profile) == (False, None, "FR/consumer/opt-out")


def test_a_stale_list_says_which_list_and_how_old() -> None:
    result = verdict(OPT_OUT_AT, lists=(screened(OPT_OUT_AT, days_old=31.5),))
    assert (
        result.reasons[0].message
        == "list bloctel v3 is 31.5 days old, more than its maximum age of 30 days"
    )
    assert data(result, "stale_list")["max_age_days"] == "30"


def test_a_list_that_goes_stale_before_the_next_window_gives_no_next_allowed() -> None:
    friday_evening = paris("2026-06-19", "20:30")
    assert (
        verdict(friday_evening, lists=(screened(friday_evening, days_old=29),)).next_allowed is None
    )
    assert verdict(
        friday_evening, lists=(screened(friday_evening, days_old=25),)
    ).next_allowed == paris("2026-06-22", "10:00")


def test_a_contract_that_ends_before_the_next_window_gives_no_next_allowed() -> None:
    friday_evening = paris("2026-06-19", "20:30")
    assert (
        verdict(friday_evening, lists=LISTED, contract_until=date(2026, 6, 21)).next_allowed is None
    )
    assert verdict(
        friday_evening, lists=LISTED, contract_until=date(2026, 6, 22)
    ).next_allowed == paris("2026-06-22", "10:00")


def test_f14_canvassing_ranges_can_be_enforced() -> None:
    profile = dataclasses.replace(profile_at(OPT_OUT_AT), caller_id_prefixes=("+33162", "+33163"))
    assert judge(facts_for(OPT_OUT_AT, profile, caller_id="+33162000000"), profile, OPT_OUT_AT).ok
    result = judge(facts_for(OPT_OUT_AT, profile, caller_id="+33612000000"), profile, OPT_OUT_AT)
    assert [(reason.code, reason.rule) for reason in result.reasons] == [("no_caller_id", "F14")]


FR_BUSINESS = [
    ("F4 a Bloctel listing does not concern B2B", OPT_OUT_AT, {"lists": LISTED}, []),
    ("F4 no statutory hours: Sunday 22:00", paris("2026-06-14", "22:00"), {}, []),
    (
        "F4 no cap",
        OPT_OUT_AT,
        {"attempts": tuple(OPT_OUT_AT - timedelta(hours=hours) for hours in range(1, 10))},
        [],
    ),
    ("F22 the company's own opt-outs always apply", OPT_OUT_AT, {"opted_out": True}, ["opted_out"]),
]


@pytest.mark.parametrize(
    ("at", "changes", "expected"),
    [case[1:] for case in FR_BUSINESS],
    ids=[case[0] for case in FR_BUSINESS],
)
def test_french_business_calls(at: datetime, changes: dict[str, Any], expected: list[str]) -> None:
    assert codes(verdict(at, "FR", "business", **changes)) == expected


# --- United States (U1, U4-U6, U9), United Kingdom (O1), Canada (O2) ------------------------------

US_MONDAY = "2026-11-23"
US_AT = local(LOS_ANGELES, US_MONDAY, "11:00")
US_LISTED = (ListFact("national", 12, US_AT - timedelta(days=10), 31, True),)

US = [
    ("U4 California 20:30 local", local(LOS_ANGELES, US_MONDAY, "20:30"), {}, []),
    (
        "U4 21:00 closes (end excluded)",
        local(LOS_ANGELES, US_MONDAY, "21:00"),
        {},
        ["outside_hours"],
    ),
    ("U4 21:01 local", local(LOS_ANGELES, US_MONDAY, "21:01"), {}, ["outside_hours"]),
    ("U4 07:59 local", local(LOS_ANGELES, US_MONDAY, "07:59"), {}, ["outside_hours"]),
    ("U4 every day of the week", local(LOS_ANGELES, "2026-11-29", "10:00"), {}, []),
    (
        "U4 two zones: 21:30 Chicago is 20:30 Denver",
        local(ZoneInfo("America/Chicago"), US_MONDAY, "21:30"),
        {"timezones": ("America/Chicago", "America/Denver")},
        ["outside_hours"],
    ),
    (
        "U1 a registry copy 31 days old",
        US_AT,
        {"lists": (ListFact("national", 12, US_AT - timedelta(days=31), 31, False),)},
        [],
    ),
    (
        "U1 older than 31 days",
        US_AT,
        {"lists": (ListFact("national", 12, US_AT - timedelta(days=32), 31, False),)},
        ["stale_list"],
    ),
    ("U1 on the National Registry", US_AT, {"lists": US_LISTED}, ["opposed"]),
    (
        "U5 a purchase 546 days ago (18 months)",
        US_AT,
        {"lists": US_LISTED, "last_purchase": date(2026, 11, 23) - timedelta(days=546)},
        [],
    ),
    (
        "U5 a purchase 547 days ago",
        US_AT,
        {"lists": US_LISTED, "last_purchase": date(2026, 11, 23) - timedelta(days=547)},
        ["opposed"],
    ),
    (
        "U5 an inquiry 89 days ago (3 months)",
        US_AT,
        {"lists": US_LISTED, "last_inquiry": date(2026, 11, 23) - timedelta(days=89)},
        [],
    ),
    (
        "U5 an inquiry 90 days ago",
        US_AT,
        {"lists": US_LISTED, "last_inquiry": date(2026, 11, 23) - timedelta(days=90)},
        ["opposed"],
    ),
    (
        "U5 signed written permission",
        US_AT,
        {"lists": US_LISTED, "consent_at": JAN_5},
        [],
    ),
    (
        "U5 charity calls are exempt from the registry",
        US_AT,
        {"lists": US_LISTED, "purpose": "charity"},
        [],
    ),
    (
        "U5 U6 an opt-out overrides the relationship",
        US_AT,
        {"lists": US_LISTED, "last_purchase": date(2026, 10, 1), "opted_out": True},
        ["opted_out"],
    ),
]


@pytest.mark.parametrize(
    ("at", "changes", "expected"), [case[1:] for case in US], ids=[case[0] for case in US]
)
def test_united_states(at: datetime, changes: dict[str, Any], expected: list[str]) -> None:
    assert codes(verdict(at, "US", "consumer", **changes)) == expected


FLORIDA = {"e164": "+13055550123", "timezones": ("America/New_York",), "subdivision": "FL"}
FL_AT = local(NEW_YORK, US_MONDAY, "12:00")

FL = [
    ("U9 Florida: 19:59", local(NEW_YORK, US_MONDAY, "19:59"), {}, []),
    ("U9 Florida: 20:30 is too late", local(NEW_YORK, US_MONDAY, "20:30"), {}, ["outside_hours"]),
    ("U9 New York: 20:30 is fine", local(NEW_YORK, US_MONDAY, "20:30"), {"subdivision": "NY"}, []),
    (
        "U9 two calls in 24 h: a third is allowed",
        FL_AT,
        {"attempts": (FL_AT - timedelta(hours=20), FL_AT - timedelta(hours=2))},
        [],
    ),
    (
        "U9 three calls in 24 h: the fourth is blocked",
        FL_AT,
        {
            "attempts": (
                FL_AT - timedelta(hours=23),
                FL_AT - timedelta(hours=20),
                FL_AT - timedelta(hours=2),
            )
        },
        ["cap_reached"],
    ),
]


@pytest.mark.parametrize(
    ("at", "changes", "expected"), [case[1:] for case in FL], ids=[case[0] for case in FL]
)
def test_florida_override(at: datetime, changes: dict[str, Any], expected: list[str]) -> None:
    result = verdict(at, "US", "consumer", **{**FLORIDA, **changes})
    assert codes(result) == expected
    assert all(reason.rule == "U9" for reason in result.reasons)


def test_florida_is_a_sub_profile_and_its_cap_frees_after_24_hours() -> None:
    attempts = (
        FL_AT - timedelta(hours=23),
        FL_AT - timedelta(hours=20),
        FL_AT - timedelta(hours=2),
    )
    result = verdict(FL_AT, "US", "consumer", **FLORIDA, attempts=attempts)
    assert result.profile == "US/FL"
    assert result.next_allowed == FL_AT + timedelta(hours=1)


UK_AT = local(LONDON, "2026-11-23", "03:00")

UK = [
    ("O1 [I] no statutory hours: 03:00", UK_AT, {}, []),
    (
        "O1 on the TPS",
        UK_AT,
        {"lists": (ListFact("tps", 2, UK_AT - timedelta(days=3), 28, True),)},
        ["opposed"],
    ),
    (
        "O1 the person told you they want your calls",
        UK_AT,
        {
            "lists": (ListFact("tps", 2, UK_AT - timedelta(days=3), 28, True),),
            "consent_at": JAN_5,
        },
        [],
    ),
    (
        "O1 [I] a TPS copy older than 28 days",
        UK_AT,
        {"lists": (ListFact("tps", 2, UK_AT - timedelta(days=29), 31, False),)},
        ["stale_list"],
    ),
]


@pytest.mark.parametrize(
    ("at", "changes", "expected"), [case[1:] for case in UK], ids=[case[0] for case in UK]
)
def test_united_kingdom(at: datetime, changes: dict[str, Any], expected: list[str]) -> None:
    assert codes(verdict(at, "UK", "consumer", **changes)) == expected


CA = [
    ("O2 Tuesday 21:29", local(TORONTO, "2026-11-24", "21:29"), "consumer", {}, []),
    ("O2 Tuesday 21:30", local(TORONTO, "2026-11-24", "21:30"), "consumer", {}, ["outside_hours"]),
    ("O2 Tuesday 08:59", local(TORONTO, "2026-11-24", "08:59"), "consumer", {}, ["outside_hours"]),
    ("O2 Saturday 10:00", local(TORONTO, "2026-11-28", "10:00"), "consumer", {}, []),
    ("O2 Saturday 17:59", local(TORONTO, "2026-11-28", "17:59"), "consumer", {}, []),
    ("O2 Saturday 18:00", local(TORONTO, "2026-11-28", "18:00"), "consumer", {}, ["outside_hours"]),
    (
        "O2 an inquiry 181 days ago (6 months)",
        local(TORONTO, "2026-11-24", "12:00"),
        "consumer",
        {
            "lists": (ListFact("dncl", 4, datetime(2026, 11, 20, tzinfo=UTC), 31, True),),
            "last_inquiry": date(2026, 11, 24) - timedelta(days=181),
        },
        [],
    ),
    (
        "O2 an inquiry 182 days ago",
        local(TORONTO, "2026-11-24", "12:00"),
        "consumer",
        {
            "lists": (ListFact("dncl", 4, datetime(2026, 11, 20, tzinfo=UTC), 31, True),),
            "last_inquiry": date(2026, 11, 24) - timedelta(days=182),
        },
        ["opposed"],
    ),
    (
        "O2 newspapers are exempt from the list",
        local(TORONTO, "2026-11-24", "12:00"),
        "consumer",
        {
            "lists": (ListFact("dncl", 4, datetime(2026, 11, 20, tzinfo=UTC), 31, True),),
            "purpose": "press_subscription",
        },
        [],
    ),
    (
        "O2 calls to businesses: no list",
        local(TORONTO, "2026-11-24", "12:00"),
        "business",
        {"lists": ()},
        [],
    ),
    (
        "O2 [I] calls to businesses keep the hours",
        local(TORONTO, "2026-11-24", "22:00"),
        "business",
        {},
        ["outside_hours"],
    ),
]


@pytest.mark.parametrize(
    ("at", "audience", "changes", "expected"),
    [case[1:] for case in CA],
    ids=[case[0] for case in CA],
)
def test_canada(at: datetime, audience: str, changes: dict[str, Any], expected: list[str]) -> None:
    assert codes(verdict(at, "CA", audience, **changes)) == expected


# --- Choosing a profile ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "audience", "at", "key"),
    [
        ("FR", "consumer", paris("2026-08-10", "20:00"), "FR/consumer/opt-out"),
        ("fr", "Consumer", paris("2026-08-11", "08:00"), "FR/consumer/opt-in"),
        ("FR", "business", paris("2026-08-11", "08:00"), "FR/business"),
        ("US", "consumer", US_AT, "US"),
        ("US", "business", US_AT, "US"),
        ("UK", "business", UK_AT, "UK"),
        ("CA", "consumer", US_AT, "CA"),
        ("CA", "business", US_AT, "CA/business"),
    ],
)
def test_select_profile(jurisdiction: str, audience: str, at: datetime, key: str) -> None:
    assert select_profile(PROFILES, jurisdiction, audience, at).key == key


@pytest.mark.parametrize(
    ("jurisdiction", "audience", "message"),
    [
        (
            "DE",
            "consumer",
            "no calling rules for the jurisdiction 'DE'. Use one of CA, FR, UK, US, or add a profile in a rules file",
        ),
        (
            "FR",
            "robots",
            "no calling rules for the audience 'robots' in FR. Use one of business, consumer",
        ),
    ],
)
def test_select_profile_refuses_what_it_does_not_know(
    jurisdiction: str, audience: str, message: str
) -> None:
    with pytest.raises(InvalidArgumentError) as raised:
        select_profile(PROFILES, jurisdiction, audience, US_AT)
    assert str(raised.value) == message


def test_times_must_carry_their_zone() -> None:
    with pytest.raises(InvalidArgumentError, match="at has no time zone"):
        verdict(datetime(2026, 11, 23, 10, 30))
    profile = profile_at(OPT_OUT_AT)
    with pytest.raises(InvalidArgumentError, match="attempts has no time zone"):
        judge(
            facts_for(OPT_OUT_AT, profile, attempts=(datetime(2026, 6, 1, 10),)),
            profile,
            OPT_OUT_AT,
        )


# --- Rules files ----------------------------------------------------------------------------------


def test_every_shipped_profile_cites_its_rules_and_uses_known_codes() -> None:
    for profile in PROFILES:
        assert {code.split(".")[0] for code in profile.rules} <= set(REASON_CODES)
    fr = profile_at(OPT_OUT_AT)
    assert (fr.max_attempts, fr.attempt_window_days, fr.cooloff_days, fr.list_max_age_days) == (
        4,
        30,
        60,
        30,
    )
    assert fr.windows is not None and fr.windows[0] == (
        Window(time(10), time(13)),
        Window(time(14), time(20)),
    )
    assert 5 not in fr.windows and 6 not in fr.windows


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my-rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_file_changes_one_parameter(tmp_path: Path) -> None:
    profiles = load_profiles(write(tmp_path, '[profiles."FR/consumer/opt-in"]\nmax_attempts = 3\n'))
    profile = select_profile(profiles, "FR", "consumer", CAP_AT)
    assert codes(judge(facts_for(CAP_AT, profile, attempts=THREE_RECENT), profile, CAP_AT)) == [
        "cap_reached"
    ]
    assert (profile.attempt_window_days, profile.cooloff_days) == (30, 60)
    assert select_profile(profiles, "FR", "consumer", OPT_OUT_AT).max_attempts == 4


def test_a_user_file_sets_a_courtesy_window_and_adds_a_profile(tmp_path: Path) -> None:
    text = """\
[profiles."FR/business"]
windows = { mon = ["09:00-18:00"], tue = ["09:00-18:00"] }

[profiles.DE]
jurisdiction = "DE"
legal_zone = "Europe/Berlin"
duty = "consent"
windows = "any"
rules = { no_consent = "O5" }

[profiles.US.states.TX]
windows = { mon = ["09:00-21:00"], tue = ["09:00-21:00"] }
"""
    profiles = load_profiles(write(tmp_path, text))
    business = select_profile(profiles, "FR", "business", OPT_OUT_AT)
    late = paris("2026-06-15", "18:30")
    assert [(r.code, r.rule) for r in judge(facts_for(late, business), business, late).reasons] == [
        ("outside_hours", "policy")
    ]
    germany = select_profile(profiles, "de", "consumer", OPT_OUT_AT)
    facts = CallFacts(e164="+4915112345678", timezones=("Europe/Berlin",))
    assert [(r.code, r.rule) for r in judge(facts, germany, OPT_OUT_AT).reasons] == [
        ("no_consent", "O5")
    ]
    us = select_profile(profiles, "US", "consumer", US_AT)
    assert sorted(us.state_overrides) == ["FL", "TX"]
    assert us.state_overrides["FL"].max_attempts == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[profiles."FR/business"]\nduty = "none"\nmax_attempts = 4 4\n',
            "the rules file is not valid TOML: Expected newline or end of document after a statement (file {file}, row 3, column 'max_attempts'). Fix the TOML syntax on that line",
        ),
        (
            '# my rules\n[profiles."FR/consumer/opt-in"]\ncooloff_days = 90\nmax_attempts = "four"\n',
            "profile 'FR/consumer/opt-in': max_attempts must be a whole number of at least 1, or false for none, not 'four' (file {file}, row 4, column 'max_attempts'). Fix the value in the rules file; the shipped files in suppression/profiles show every key",
        ),
        (
            '[profiles."FR/business".windows]\nmon = ["09:00-18:00"]\ntue = ["9h-18h"]\n',
            "profile 'FR/business': windows.tue must be windows HH:MM-HH:MM such as 10:00-13:00, not '9h-18h' (file {file}, row 3, column 'windows.tue'). Fix the value in the rules file; the shipped files in suppression/profiles show every key",
        ),
        (
            '[profiles."FR/business"]\nwindows = { mon = ["18:00-09:00"] }\n',
            "profile 'FR/business': windows.mon must be windows HH:MM-HH:MM such as 10:00-13:00, not '18:00-09:00' (file {file}, row 2, column 'windows.mon'). Fix the value in the rules file; the shipped files in suppression/profiles show every key",
        ),
        (
            "[profiles.US]\nmax_atempts = 4\n",
            "profile 'US': unknown key 'max_atempts' (file {file}, row 2, column 'max_atempts'). Use one of attempt_window_days, audience, caller_id_prefixes, consent_lifts_list, contract_exemption, cooloff_days, duty, ebr_inquiry_days, ebr_purchase_days, effective_from, effective_until, exempt_purposes, holiday_extras, holidays, hours_consent, inherits, jurisdiction, legal_zone, list_max_age_days, max_attempts, requires_caller_id, rules, sector_bans, windows, states",
        ),
        (
            "[profiles.US.states.FL]\nmax_attempts = 0\n",
            "profile 'US', state FL: max_attempts must be a whole number of at least 1, or false for none, not 0 (file {file}, row 2, column 'states.FL.max_attempts'). Fix the value in the rules file; the shipped files in suppression/profiles show every key",
        ),
        (
            '[profiles.DE]\njurisdiction = "DE"\nwindows = "any"\n',
            "profile 'DE' has no duty (file {file}, row 1). Add duty = ...",
        ),
        (
            '[profiles."FR/consumer/opt-in"]\nmax_attempts = false\n',
            "profile 'FR/consumer/opt-in': max_attempts and attempt_window_days go together (file {file}, row 2, column 'max_attempts'). Set both, or both to false",
        ),
        (
            '[profiles.DE]\ninherits = "FR/consumer"\n',
            "profile 'DE' inherits the unknown profile 'FR/consumer' (file {file}, row 2, column 'inherits'). Fix the value in the rules file; the shipped files in suppression/profiles show every key",
        ),
        (
            '[profiles.UK]\nholidays = "XX"\n',
            "profile 'UK': holidays must be a country code of the holidays package such as FR, or false, not 'XX' (file {file}, row 2, column 'holidays'). Fix the value in the rules file; the shipped files in suppression/profiles show every key",
        ),
    ],
    ids=[
        "syntax",
        "bad number",
        "bad window",
        "window backwards",
        "unknown key",
        "bad state value",
        "missing key",
        "cap half set",
        "unknown parent",
        "unknown holidays",
    ],
)
def test_a_malformed_rules_file_names_the_key_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InvalidArgumentError) as raised:
        load_profiles(path)
    assert str(raised.value) == message.format(file=path)


def test_a_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(
        InputFileError, match="cannot read the rules file: No such file or directory"
    ):
        load_profiles(tmp_path / "nope.toml")


# --- Property: next_allowed is the first allowed moment ------------------------------------------

ZONE_SETS = [
    ("Europe/Paris",),
    ("America/Guadeloupe",),
    ("Indian/Reunion", "Indian/Mayotte"),
    ("Europe/Paris", "America/Cayenne"),
    ("America/Los_Angeles",),
    ("America/Chicago", "America/Denver"),
    ("America/New_York",),
    ("America/Toronto",),
]
BY_KEY = {profile.key: profile for profile in PROFILES}


@st.composite
def time_blocked_calls(draw: st.DrawFn) -> tuple[CallFacts, Profile, datetime]:
    """Calls whose only possible blocks are the calendar, the cap and the cool-off, with the
    horizons that end a judgement (a list going stale, a contract ending)."""
    key = draw(st.sampled_from(["FR/consumer/opt-out", "FR/consumer/opt-in", "US", "US/FL", "CA"]))
    profile = BY_KEY["US"] if key == "US/FL" else BY_KEY[key]
    minutes = draw(st.integers(0, 2 * 365 * 24 * 60))
    at = datetime(2025, 12, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    attempts = tuple(
        at - timedelta(minutes=m) for m in draw(st.lists(st.integers(1, 40 * 24 * 60), max_size=6))
    )
    refusals = tuple(
        at - timedelta(minutes=m) for m in draw(st.lists(st.integers(1, 70 * 24 * 60), max_size=1))
    )
    listed = draw(st.booleans())
    lists = (
        ListFact("list", 1, at - timedelta(minutes=draw(st.integers(0, 30 * 24 * 60))), 31, listed),
    )
    contract = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 800))) if listed else None
    facts = CallFacts(
        e164="+33612345678",
        timezones=draw(st.sampled_from(ZONE_SETS)),
        subdivision="FL" if key == "US/FL" else None,
        lists=lists,
        consent_at=at - timedelta(days=1) if key == "FR/consumer/opt-in" else None,
        hours_consent_at=at - timedelta(days=1) if draw(st.integers(0, 9)) == 0 else None,
        contract_until=contract if key.startswith("FR") else None,
        last_purchase=contract - timedelta(days=546)
        if contract and not key.startswith("FR")
        else None,
        attempts=attempts,
        refusals=refusals,
        caller_id="+33162000000",
    )
    return facts, profile, at


def moments_to_check(facts: CallFacts, start: datetime, end: datetime) -> set[datetime]:
    """Every minute just after ``start`` and just before ``end``, and around every window edge,
    local midnight and cap release in between: where being allowed can change."""
    moments = {start + timedelta(minutes=m) for m in range(120)} | {
        end - timedelta(minutes=m) for m in range(1, 121)
    }
    moments |= {end - timedelta(microseconds=1)} | {
        a + timedelta(days=d) for a in facts.attempts for d in (1, 30)
    }
    for name in facts.timezones:
        zone = ZoneInfo(name)
        day = start.astimezone(zone).date() - timedelta(days=1)
        while day <= end.astimezone(zone).date():
            for edge in (
                "00:00",
                "08:00",
                "09:00",
                "10:00",
                "13:00",
                "14:00",
                "18:00",
                "20:00",
                "21:00",
                "21:30",
            ):
                moment = datetime.fromisoformat(f"{day}T{edge}").replace(tzinfo=zone)
                moments |= {moment, moment - timedelta(minutes=1)}
            day += timedelta(days=1)
    return {moment for moment in moments if start <= moment < end}


@settings(max_examples=120, deadline=None)
@given(time_blocked_calls())
def test_next_allowed_is_the_first_allowed_moment(
    call: tuple[CallFacts, Profile, datetime],
) -> None:
    facts, profile, at = call
    result = judge(facts, profile, at)
    if not set(result.codes) <= TIME_CODES:
        assert result.next_allowed is None
        return
    if result.ok:
        assert result.next_allowed == at
        return
    if result.next_allowed is None:
        return
    assert result.next_allowed > at
    assert judge(facts, profile, result.next_allowed).ok
    for moment in moments_to_check(facts, at, result.next_allowed):
        assert not judge(facts, profile, moment).ok, moment
