"""The outcome, funnel, report and demo commands, end to end through the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from campaign.cli import cli
from tests.conftest import write


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


@pytest.fixture
def pme(db_url: str, tmp_path: Path) -> str:
    write(tmp_path / "b.txt", "0145678901\n")
    assert (
        run(db_url, "lists", "import", str(tmp_path / "b.txt"), "--list", "bloctel").exit_code == 0
    )
    created = run(db_url, "new", "pme", "--audience", "business", "--label", "converted=RDV obtenu")
    assert created.exit_code == 0, created.output
    prospects = write(
        tmp_path / "p.csv", "Nom;Téléphone\nMartin;06 12 34 56 78\nPetit;06 98 76 54 32\n"
    )
    assert run(db_url, "import", "pme", str(prospects)).exit_code == 0
    return db_url


def test_log_a_call_and_refuse_bad_ones(pme: str) -> None:
    logged = run(
        pme,
        "log",
        "pme",
        "06 12 34 56 78",
        "callback",
        "--at",
        "2026-11-16 10:30",
        "--agent",
        "lea",
    )
    assert logged.exit_code == 0, logged.output
    assert "logged                1  callback 1" in logged.output
    document = json.loads(
        run(
            pme, "log", "pme", "06 12 34 56 78", "converted", "--at", "2026-11-17T11:00", "--json"
        ).stdout
    )
    assert document["logged"] == 1 and document["violations"] == []
    unknown = run(pme, "log", "pme", "06 12 34 56 78", "sold")
    assert unknown.exit_code == 1
    assert "Error: unknown outcome 'sold'; outcomes are no_answer, busy" in unknown.output
    future = run(pme, "log", "pme", "06 12 34 56 78", "busy", "--at", "2099-01-01 10:00")
    assert future.exit_code == 1 and "in the future" in future.output
    bad_date = run(pme, "log", "pme", "06 12 34 56 78", "busy", "--at", "yesterday")
    assert bad_date.exit_code == 2 and "is not a date-time" in bad_date.output
    stranger = run(pme, "log", "pme", "07 81 22 33 44", "refused", "--at", "2026-11-16 10:30")
    assert stranger.exit_code == 0 and "unknown numbers       1" in stranger.output


def test_a_call_after_an_opt_out_is_reported_as_a_violation(pme: str) -> None:
    run(pme, "log", "pme", "06 12 34 56 78", "opt_out", "--at", "2026-11-16 10:30")
    again = run(
        pme, "log", "pme", "06 12 34 56 78", "busy", "--at", "2026-11-17 10:30", "--agent", "marc"
    )
    assert again.exit_code == 0
    assert "VIOLATIONS" in again.output and "opted_out (F22)" in again.output


def test_outcomes_import_with_codes_and_reimport(pme: str, tmp_path: Path) -> None:
    codes = write(tmp_path / "codes.csv", "NR;no_answer\nRV;converted\n")
    export = write(
        tmp_path / "export.csv",
        "Téléphone,Début appel,Code,Agent\n0612345678,16/11/2026 10:30,NR,lea\n0698765432,16/11/2026 11:00,RV,marc\n",
    )
    args = [
        "outcomes",
        "import",
        "pme",
        str(export),
        "--codes",
        str(codes),
        "--map",
        "at=Début appel",
    ]
    first = run(pme, *args, "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["by_outcome"] == {"no_answer": 1, "converted": 1}
    again = run(pme, *args)
    assert again.exit_code == 0 and "was already imported" in again.output
    bad = write(
        tmp_path / "bad.csv", "Téléphone,Date,Résultat\n0612345678,2026-11-16 10:30,vendu\n"
    )
    failed = run(pme, "outcomes", "import", "pme", str(bad))
    assert failed.exit_code == 1
    assert (
        "unknown outcome 'vendu'" in failed.output and "row 2, column 'Résultat'" in failed.output
    )


def test_funnel_formats_and_errors(pme: str) -> None:
    run(
        pme,
        "log",
        "pme",
        "06 12 34 56 78",
        "no_answer",
        "--at",
        "2026-11-16 10:30",
        "--agent",
        "lea",
    )
    run(
        pme,
        "log",
        "pme",
        "06 12 34 56 78",
        "converted",
        "--at",
        "2026-11-18 10:30",
        "--agent",
        "marc",
    )
    run(
        pme, "log", "pme", "06 98 76 54 32", "refused", "--at", "2026-11-18 10:30", "--agent", "lea"
    )
    table = run(pme, "funnel", "pme", "--by", "agent", "--lang", "en")
    assert table.exit_code == 0, table.output
    assert "RDV obtenu" in table.output and "By agent:" in table.output
    document = json.loads(
        run(pme, "funnel", "pme", "--week", "2026-W47", "--format", "json").stdout
    )
    assert [s["count"] for s in document["total"]["stages"]] == [2, 2, 1, 1, 1]
    rows = list(
        csv.DictReader(
            io.StringIO(run(pme, "funnel", "pme", "--by", "week", "--format", "csv").stdout)
        )
    )
    converted = [r for r in rows if r["group"] == "2026-W47" and r["stage"] == "converted"]
    assert converted[0]["count"] == "1" and converted[0]["rate_from_dialled"] == "0.500000"
    assert run(pme, "funnel", "pme", "--week", "2025-W53").exit_code == 1
    assert run(pme, "funnel", "pme", "--week", "2026-W47", "--since", "2026-11-01").exit_code == 2
    since = json.loads(
        run(
            pme,
            "funnel",
            "pme",
            "--since",
            "2026-11-17",
            "--until",
            "2026-11-18",
            "--format",
            "json",
        ).stdout
    )
    assert since["total"]["calls"] == 2


def test_report_in_each_format_and_the_proof(pme: str, tmp_path: Path) -> None:
    run(
        pme,
        "log",
        "pme",
        "06 12 34 56 78",
        "interested",
        "--at",
        "2026-11-16 10:30",
        "--agent",
        "lea",
    )
    html = tmp_path / "w47.html"
    written = run(pme, "report", "pme", "--week", "2026-W47", "-o", str(html))
    assert written.exit_code == 0, written.output
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    markdown = run(pme, "report", "pme", "--week", "2026-W47", "--format", "md", "--lang", "en")
    assert markdown.exit_code == 0 and markdown.output.startswith("# Weekly report — pme")
    proof = json.loads(run(pme, "report", "pme", "--proof", "--format", "json").stdout)
    assert proof["audit_chain"]["ok"] and proof["counts"]["calls_logged"] == 1
    assert run(pme, "report", "pme", "--proof", "--week", "2026-W47").exit_code == 2
    assert run(pme, "report", "pme", "--week", "2026-W47", "--format", "json").exit_code == 2
    assert run(pme, "report", "nope", "--week", "2026-W47").exit_code == 1


def test_edit_renames_stages_and_changes_the_zone(pme: str) -> None:
    edited = run(
        pme, "edit", "pme", "--label", "qualified=Qualifié", "--timezone", "America/Guadeloupe"
    )
    assert edited.exit_code == 0, edited.output
    assert 'converted = "RDV obtenu", qualified = "Qualifié"' in edited.output
    assert "America/Guadeloupe" in edited.output
    assert run(pme, "edit", "pme", "--timezone", "Mars/Olympus").exit_code == 1
    assert run(pme, "edit", "pme", "--label", "sold=Vendu").exit_code == 1
    assert run(pme, "edit", "pme", "--label", "nolabel").exit_code == 2


def test_demo_then_report_on_a_fresh_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    built = CliRunner().invoke(
        cli, ["demo", "--db", url, "--seed", "3", "--json"], catch_exceptions=False
    )
    assert built.exit_code == 0, built.output
    truth = json.loads(built.stdout)
    assert truth["violations_recorded"] == truth["violations"]
    assert (tmp_path / "demo-report.html").read_text(encoding="utf-8").count("<svg") == 4
    week = truth["report_week"]
    text = run(url, "report", "demo", "--week", week, "--format", "txt", "--lang", "en")
    assert text.exit_code == 0 and f"Week {week}" in text.output
    again = CliRunner().invoke(cli, ["demo", "--db", url], catch_exceptions=False)
    assert again.exit_code == 1 and "already holds campaigns" in again.output
