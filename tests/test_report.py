from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from campaign.calllist import export_calllist
from campaign.campaigns import new_campaign
from campaign.checks import check_campaign
from campaign.contacts import import_contacts
from campaign.outcomes import log_call
from campaign.report import proof_report, render_proof, render_report, sparkline, weekly_report
from suppression.errors import InvalidArgumentError
from suppression.lists import import_list
from tests.conftest import write

PARIS = ZoneInfo("Europe/Paris")
W46 = datetime(2026, 11, 9, 10, 30, tzinfo=PARIS)  # Monday of 2026-W46
W47 = datetime(2026, 11, 16, 10, 30, tzinfo=PARIS)  # Monday of 2026-W47
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def pme(session: Session, tmp_path: Path) -> Session:
    start = W46 - timedelta(days=3)
    import_list(session, write(tmp_path / "b.txt", "0145678901\n"), list_name="bloctel", now=start)
    new_campaign(
        session,
        "pme",
        audience="business",
        caller_id="01 62 00 00 00",
        labels={"converted": "<b>RDV</b> obtenu"},
        now=start,
    )
    rows = "\n".join(f"{HOSTILE};Société {n};06 12 34 56 {n:02d}" for n in range(20))
    import_contacts(
        session, "pme", write(tmp_path / "p.csv", f"Nom;Société;Téléphone\n{rows}\n"), now=start
    )
    check_campaign(session, "pme", at=W47)
    export_calllist(session, "pme", tmp_path / "list.csv", now=W47)
    for n in range(10):  # week 46: ten dialled, two respond, one converts
        outcome = "converted" if n == 0 else ("callback" if n == 1 else "no_answer")
        log_call(session, "pme", f"06 12 34 56 {n:02d}", outcome, at=W46, agent="lea", now=NOW)
    for n in range(20):  # week 47: twenty dialled, one responds, one opts out
        outcome = {0: "interested", 1: "opt_out"}.get(n, "voicemail")
        agent = HOSTILE if n % 2 else "marc"
        log_call(
            session,
            "pme",
            f"06 12 34 56 {n:02d}",
            outcome,
            at=W47 + timedelta(hours=1),
            agent=agent,
            now=NOW,
        )
    return session


@pytest.mark.parametrize("fmt", ["html", "md", "txt"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_format_and_language_renders_the_week(pme: Session, fmt: str, lang: str) -> None:
    report = weekly_report(pme, "pme", "2026-W47", lang=lang, now=NOW)
    out = render_report(report, fmt)
    assert report.funnel.total.stage("dialled").count == 20
    assert report.previous.total.stage("dialled").count == 10
    if lang == "fr":
        assert "Rapport hebdomadaire" in out and "16/11/2026" in out
        assert "5,0\u202f%" in out  # responded: 1 of 20
        assert "Sur 20 personnes appelées, 1 ont répondu" in out
    else:
        assert "Weekly report" in out and "2026-11-16" in out
        assert "5.0%" in out
        assert "Of 20 people dialled, 1 responded" in out
    assert "2026-W47" in out


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_values_from_data_are_escaped(pme: Session, fmt: str) -> None:
    out = render_report(weekly_report(pme, "pme", "2026-W47", now=NOW), fmt)
    assert "<script" not in out and "<b>RDV" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;b&gt;RDV&lt;/b&gt; obtenu" in out


def test_the_html_report_is_one_self_contained_file_with_its_charts(pme: Session) -> None:
    out = render_report(weekly_report(pme, "pme", "2026-W47", now=NOW), "html")
    assert out.count("<svg") == 4  # the funnel and three trends
    assert "<rect" in out and "<polyline" in out
    urls = set(re.findall(r"https?://[^\"' )]+", out))
    assert urls <= {"http://www.w3.org/2000/svg"}  # a namespace, never fetched
    assert "<link" not in out and "src=" not in out


def test_week_over_week_change_and_compliance(pme: Session) -> None:
    report = weekly_report(pme, "pme", "2026-W47", lang="en", now=NOW)
    responded = report.headline[0]
    assert (responded.rate.successes, responded.rate.trials) == (1, 20)
    assert (responded.previous.successes, responded.previous.trials) == (2, 10)
    out = render_report(report, "txt")
    assert "−15.0 pt" in out  # 5 % against 20 %
    compliance = report.funnel.compliance
    assert (compliance.opt_outs, compliance.checks, compliance.calllists) == (1, 1, 1)
    assert [status.name for status in report.lists] == ["bloctel"]
    agents = {row.row.key: row for row in report.agents}
    assert agents["marc"].row.calls == 10 and agents[HOSTILE].row.calls == 10


def test_a_week_without_calls_says_so(pme: Session) -> None:
    report = weekly_report(pme, "pme", "2026-W40", lang="en", now=NOW)
    assert "No call was logged this week." in render_report(report, "txt")


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2026-W49", "week 2026-W49 has not started yet"),
        ("2025-W53", "does not exist"),
        ("47", "is not an ISO week"),
    ],
)
def test_bad_weeks_are_refused(pme: Session, week: str, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        weekly_report(pme, "pme", week, now=NOW)


def test_sparklines_scale_to_the_best_week() -> None:
    assert sparkline([0.0, 0.5, 1.0, None]) == "▁▄█ "
    assert sparkline([None, None]) == "  "


def test_the_proof_lists_lists_checks_exports_and_calls_with_their_hashes(pme: Session) -> None:
    proof = proof_report(pme, "pme", now=NOW)
    kinds = [entry.kind for entry in proof.entries]
    assert kinds[:4] == ["list_import", "campaign_new", "contact_import", "check"]
    assert proof.counts["calllist"] == 1 and proof.counts["calls_logged"] == 30
    assert proof.chain_ok
    document = json.loads(render_proof(proof, "json"))
    assert document["audit_chain"] == {"ok": True, "records": proof.chain_records, "problem": None}
    listed = document["entries"][0]
    assert listed["payload"]["list"] == "bloctel" and len(listed["payload"]["sha256"]) == 64
    html = render_proof(proof, "html")
    assert "intact" in html and "bloctel v1" in html and "<script" not in html


def test_a_tampered_audit_log_shows_in_the_proof(pme: Session) -> None:
    pme.execute(text('UPDATE audit_record SET payload = \'{"campaign": "pme"}\' WHERE id = 3'))
    proof = proof_report(pme, "pme", now=NOW)
    assert not proof.chain_ok and proof.chain_problem == "record 3: its content was edited"
    assert "BROKEN" in render_proof(proof, "html")
