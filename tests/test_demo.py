from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from campaign.database import make_engine, make_sessionmaker
from campaign.demo import DemoTruth, run_demo
from campaign.errors import ConflictError
from campaign.funnel import funnel, week_range
from campaign.report import render_report, weekly_report
from campaign.stages import STAGES

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=[1, 7])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Session, DemoTruth]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        truth = run_demo(session, seed=request.param, today=TODAY)
        session.commit()
        yield session, truth
    engine.dispose()


def counts(row: object) -> dict[str, int]:
    return {figure.stage: figure.count for figure in row.stages}  # type: ignore[attr-defined]


def test_the_month_is_the_four_weeks_before_today(demo: tuple[Session, DemoTruth]) -> None:
    _, truth = demo
    assert truth.weeks == ("2026-W44", "2026-W45", "2026-W46", "2026-W47")
    assert truth.report_week == "2026-W47"


def test_the_funnel_from_the_database_is_the_simulation_s_truth(
    demo: tuple[Session, DemoTruth],
) -> None:
    session, truth = demo
    whole = funnel(session, "demo", by="week")
    assert counts(whole.total) == truth.stages
    assert whole.total.calls == truth.calls
    assert {row.key: counts(row) for row in whole.rows} == truth.by_week
    since, until = week_range(truth.report_week, "Europe/Paris")
    week = funnel(session, "demo", since=since, until=until, by="agent")
    assert {row.key: counts(row) for row in week.rows} == truth.by_agent


def test_the_planted_violations_and_opt_outs_are_exactly_those_recorded(
    demo: tuple[Session, DemoTruth],
) -> None:
    session, truth = demo
    compliance = funnel(session, "demo").compliance
    assert truth.violations == {"cap_reached": 1, "cooloff": 2, "outside_hours": 3, "weekend": 1}
    assert compliance.violations == truth.violations
    assert compliance.rules == {
        "cap_reached": "F9",
        "cooloff": "F10",
        "outside_hours": "F8",
        "weekend": "F8",
    }
    assert compliance.opt_outs == truth.opt_outs
    assert compliance.checks == 4 and compliance.checks_failed == 0 and compliance.calllists == 4


def test_the_rates_are_realistic(demo: tuple[Session, DemoTruth]) -> None:
    _, truth = demo
    dialled = truth.stages["dialled"]
    assert 900 < dialled <= truth.people
    assert 0.01 < truth.stages["responded"] / dialled < 0.1  # the deck's "response rate"
    assert truth.stages["converted"] / dialled < 0.012  # a few per mille


def test_the_weekly_report_shows_the_true_figures(demo: tuple[Session, DemoTruth]) -> None:
    session, truth = demo
    week = truth.by_week[truth.report_week]
    report = weekly_report(session, "demo", truth.report_week, now=NOW)
    assert report.lang == "fr" and report.week == truth.report_week
    text = render_report(report, "txt")
    nnbsp = "\u202f"
    dialled = f"{week['dialled']:,}".replace(",", nnbsp)
    assert f"Sur {dialled} personnes appelées, {week['responded']} ont répondu" in text
    assert f"{week['converted']} / {dialled}" in text
    assert "rendez-vous obtenu" in text  # the campaign's own label for "converted"
    for stage in STAGES:
        assert report.funnel.total.stage(stage).count == week[stage]


def test_the_demo_wants_a_fresh_database(demo: tuple[Session, DemoTruth]) -> None:
    session, _ = demo
    with pytest.raises(ConflictError, match="already holds campaigns"):
        run_demo(session, today=TODAY)
