from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from campaign.campaigns import new_campaign
from campaign.contacts import import_contacts
from campaign.dedupe import dedupe
from campaign.funnel import funnel, iso_week, week_range
from campaign.outcomes import log_call
from suppression.errors import InvalidArgumentError
from suppression.lists import import_list
from tests.conftest import write

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 11, 16, 10, 30, tzinfo=PARIS)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
A, B, C, D = "06 12 34 56 78", "06 98 76 54 32", "06 11 11 11 11", "06 22 22 22 22"
STRANGER = "06 33 33 33 33"


@pytest.fixture
def pme(session: Session, tmp_path: Path) -> Session:
    """A business campaign (no consent duty) with four contacts from two files."""
    start = MONDAY - timedelta(days=60)
    import_list(session, write(tmp_path / "b.txt", "0145678901\n"), list_name="bloctel", now=start)
    new_campaign(session, "pme", audience="business", now=start)
    salon = write(
        tmp_path / "salon.csv", f"Nom;Société;Téléphone\nMartin;Alpha;{A}\nPetit;Beta;{B}\n"
    )
    achat = write(
        tmp_path / "achat.csv", f"Nom;Société;Téléphone\nDurand;Gamma;{C}\nRoux;Delta;{D}\n"
    )
    import_contacts(session, "pme", salon, now=start)
    import_contacts(session, "pme", achat, now=start)
    return session


def log(session: Session, number: str, outcome: str, at: datetime, agent: str = "lea") -> None:
    log_call(session, "pme", number, outcome, at=at, agent=agent, now=NOW)


def counts(row: object) -> list[int]:
    return [figure.count for figure in row.stages]  # type: ignore[attr-defined]


def test_each_person_counts_once_per_stage_at_the_furthest_stage(pme: Session) -> None:
    # A: called five times, reached on the fourth (callback), converted later.
    for day, outcome in enumerate(["no_answer", "busy", "voicemail", "callback"]):
        log(pme, A, outcome, MONDAY + timedelta(days=day))
    log(pme, A, "converted", MONDAY + timedelta(days=7))
    log(pme, B, "refused", MONDAY)
    log(pme, C, "no_answer", MONDAY)
    log(pme, STRANGER, "interested", MONDAY)  # not a contact: counts as its own person
    result = funnel(pme, "pme")
    assert counts(result.total) == [4, 3, 2, 1, 1]
    assert result.total.calls == 8
    converted = result.total.stage("converted")
    assert (converted.from_dialled.successes, converted.from_dialled.trials) == (1, 4)
    assert (converted.from_previous.successes, converted.from_previous.trials) == (1, 1)
    reached = result.total.stage("reached")
    assert reached.from_previous.trials == 4 and reached.from_dialled.value == 0.75


def test_a_period_counts_only_its_calls(pme: Session) -> None:
    log(pme, A, "no_answer", MONDAY)
    log(pme, A, "converted", MONDAY + timedelta(days=7))
    first_week = funnel(
        pme, "pme", since=MONDAY - timedelta(hours=1), until=MONDAY + timedelta(days=6)
    )
    assert counts(first_week.total) == [1, 0, 0, 0, 0]
    second_week = funnel(pme, "pme", since=MONDAY + timedelta(days=6))
    assert counts(second_week.total) == [1, 1, 1, 1, 1]


def test_calls_to_two_records_merged_later_count_as_one_person(
    pme: Session, tmp_path: Path
) -> None:
    twin = write(
        tmp_path / "twin.csv", f"Nom;Société;Téléphone;Mobile\nMartin;Alpha;{A};{STRANGER}\n"
    )
    import_contacts(pme, "pme", twin, now=NOW)
    log(pme, A, "no_answer", MONDAY)
    log(pme, STRANGER, "qualified", MONDAY + timedelta(days=1))
    assert dedupe(pme, "pme", apply=True, now=NOW).clusters
    result = funnel(pme, "pme")
    assert counts(result.total) == [1, 1, 1, 1, 0]


def test_breakdowns_by_agent_source_and_week(pme: Session) -> None:
    log(pme, A, "callback", MONDAY, agent="lea")
    log(pme, A, "converted", MONDAY + timedelta(days=7), agent="marc")
    log(pme, C, "refused", MONDAY, agent="marc")
    log(pme, STRANGER, "busy", MONDAY, agent="")
    by_agent = {row.key: counts(row) for row in funnel(pme, "pme", by="agent").rows}
    assert by_agent == {
        "(no agent)": [1, 0, 0, 0, 0],
        "lea": [1, 1, 1, 0, 0],
        "marc": [2, 2, 1, 1, 1],
    }
    by_source = {row.key: counts(row) for row in funnel(pme, "pme", by="source").rows}
    assert by_source == {
        "(unknown number)": [1, 0, 0, 0, 0],
        "achat.csv": [1, 1, 0, 0, 0],
        "salon.csv": [1, 1, 1, 1, 1],
    }
    by_week = {row.key: counts(row) for row in funnel(pme, "pme", by="week").rows}
    assert by_week == {"2026-W47": [3, 2, 1, 0, 0], "2026-W48": [1, 1, 1, 1, 1]}
    by_campaign = funnel(pme, None, by="campaign")
    assert [row.key for row in by_campaign.rows] == ["pme"]


def test_iso_weeks_follow_paris_time_across_the_daylight_saving_change(pme: Session) -> None:
    # 25 October 2026: clocks go back at 03:00, so week 43 lasts 169 hours and week 13
    # (29 March, clocks forward) 167.
    start, end = week_range("2026-W43", "Europe/Paris")
    assert end - start == timedelta(hours=169)
    assert start == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)
    spring_start, spring_end = week_range("2026-W13", "Europe/Paris")
    assert spring_end - spring_start == timedelta(hours=167)
    sunday_night = datetime(2026, 10, 25, 23, 30, tzinfo=PARIS)  # 22:30 UTC: still week 43
    monday_early = datetime(2026, 10, 26, 0, 30, tzinfo=PARIS)  # 23:30 UTC Sunday: week 44
    assert iso_week(sunday_night, PARIS) == "2026-W43"
    assert iso_week(monday_early, PARIS) == "2026-W44"
    log(pme, A, "no_answer", sunday_night)
    log(pme, B, "refused", monday_early)
    by_week = {row.key: counts(row) for row in funnel(pme, "pme", by="week").rows}
    assert by_week == {"2026-W43": [1, 0, 0, 0, 0], "2026-W44": [1, 1, 0, 0, 0]}
    since, until = week_range("2026-W44", "Europe/Paris")
    assert counts(funnel(pme, "pme", since=since, until=until).total) == [1, 1, 0, 0, 0]


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2025-W53", "week 53 of 2025 does not exist: 2025 has 52 ISO weeks"),
        ("2026-W54", "week 54 of 2026 does not exist: 2026 has 53 ISO weeks"),
        ("2026-W00", "week 0 of 2026 does not exist"),
        ("2026/47", "is not an ISO week"),
    ],
)
def test_a_week_that_does_not_exist_is_refused(week: str, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        week_range(week, "Europe/Paris")


def test_compliance_counters_sit_beside_the_sales_figures(pme: Session) -> None:
    log(pme, A, "opt_out", MONDAY)
    log(pme, A, "no_answer", MONDAY + timedelta(days=1))  # after the opt-out: a violation
    compliance = funnel(pme, "pme").compliance
    assert (compliance.opt_outs, compliance.violation_calls) == (1, 1)
    assert compliance.violations == {"opted_out": 1}
    [lea] = funnel(pme, "pme", by="agent").rows
    assert (lea.key, lea.calls, lea.violations) == ("lea", 2, 1)  # the report's agent column


def test_stage_labels_are_the_campaign_s(pme: Session) -> None:
    new_campaign(pme, "rdv", labels={"converted": "rendez-vous obtenu"}, now=NOW)
    result = funnel(pme, "rdv")
    assert result.total.stage("converted").label == "rendez-vous obtenu"
    assert result.total.stage("qualified").label == "qualified"
    with pytest.raises(InvalidArgumentError, match="unknown funnel stage 'sold'"):
        new_campaign(pme, "x", labels={"sold": "vendu"}, now=NOW)
