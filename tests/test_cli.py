from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from campaign.cli import cli
from tests.conftest import write

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


def test_quick_start_screens_the_examples(db_url: str, tmp_path: Path) -> None:
    imported = run(
        db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "bloctel", "--json"
    )
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["entries"] == 2000
    screened = run(
        db_url,
        "screen",
        str(EXAMPLES / "prospects.csv"),
        "--json",
        "-o",
        str(tmp_path / "c.csv"),
        "--blocked",
        str(tmp_path / "b.csv"),
        "--rejected",
        str(tmp_path / "r.csv"),
    )
    assert screened.exit_code == 0, screened.output
    document = json.loads(screened.stdout)
    assert (
        document["input_rows"]
        == document["callable"] + document["blocked"] + document["rejected"]
        == 300
    )
    audit = json.loads(run(db_url, "audit", "--json").stdout)
    assert [r["kind"] for r in audit] == ["list_import", "screening"]
    assert audit[1]["id"] == document["run_id"]


def test_importing_the_same_file_twice_says_so(db_url: str) -> None:
    run(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "bloctel")
    again = run(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "bloctel")
    assert again.exit_code == 0
    assert "is already the current version of list 'bloctel'" in again.stderr


def test_lists_show_reports_freshness(db_url: str) -> None:
    run(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "bloctel")
    shown = run(db_url, "lists", "show", "--json")
    [status] = json.loads(shown.stdout)
    assert (status["name"], status["entries"], status["fresh"], status["max_age_days"]) == (
        "bloctel",
        2000,
        True,
        30,
    )
    assert "bloctel" in run(db_url, "lists", "show").stdout


def test_optout_add_remove_and_screen(db_url: str, tmp_path: Path) -> None:
    run(
        db_url,
        "lists",
        "import",
        str(write(tmp_path / "l.txt", "0145678901\n")),
        "--list",
        "bloctel",
    )
    added = run(db_url, "optout", "add", "06 12 34 56 78", "--reason", "asked", "--json")
    assert json.loads(added.stdout)["numbers"] == ["+33612345678"]
    prospects = write(tmp_path / "p.csv", "tel\n0612345678\n")
    first = json.loads(run(db_url, "screen", str(prospects), "--json").stdout)
    assert first["blocked"] == 1
    removed = run(db_url, "optout", "remove", "+33612345678", "--reason", "added by mistake")
    assert removed.exit_code == 0
    second = json.loads(run(db_url, "screen", str(prospects), "--json").stdout)
    assert second["callable"] == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["screen", "missing.csv"], "Error: "),
        (["screen", "{empty}"], "Error: "),
        (["lists", "import", "{garbage}", "--list", "x"], "Error: "),
        (["screen", "{nocolumn}"], "Error: no phone number column"),
        (["screen", "{binary}"], "Error: "),
        (["screen", "{latin1}", "--encoding", "utf-8"], "Error: "),
        (["screen", "{nocolumn}", "--lists", "nope"], "Error: unknown list 'nope'"),
        (["lists", "import", "{empty}", "--list", "x"], "Error: "),
    ],
)
def test_bad_input_is_one_error_line_and_exit_1(
    db_url: str, tmp_path: Path, args: list[str], expected: str
) -> None:
    files = {
        "{empty}": write(tmp_path / "empty.csv", ""),
        "{garbage}": write(tmp_path / "garbage.txt", "hello\nworld\n"),
        "{nocolumn}": write(tmp_path / "nocol.csv", "Nom;Ville\nDupont;Lyon\n"),
        "{binary}": write(tmp_path / "photo.csv", "\x89PNG\x00\x00\x01", "latin-1"),
        "{latin1}": write(tmp_path / "latin.csv", "Nom;Tél\nHélène;0612345678\n", "cp1252"),
    }
    args = [str(files.get(a, a)) for a in args]
    run(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "bloctel")
    result = run(db_url, *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(expected)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_screen_without_any_list_fails_closed(db_url: str, tmp_path: Path) -> None:
    result = run(db_url, "screen", str(write(tmp_path / "p.csv", "tel\n0612345678\n")))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no opposition list has been imported, so nothing can be screened. "
        "Import one first: campaign lists import FILE --list NAME\n"
    )


def test_usage_error_exits_2(db_url: str) -> None:
    result = run(db_url, "lists", "import", "x.txt")
    assert result.exit_code == 2
    assert "Missing option '--list'" in result.stderr


def test_audit_verify_detects_an_edit(db_url: str) -> None:
    run(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "bloctel")
    run(db_url, "optout", "add", "0612345678", "--reason", "asked")
    assert run(db_url, "audit", "verify").exit_code == 0
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_record SET payload = '{}' WHERE id = 1"))
    engine.dispose()
    result = run(db_url, "audit", "verify")
    assert result.exit_code == 1
    assert (
        result.stderr == "Error: audit record 1 does not match the chain: its content was edited\n"
    )


def test_version_and_help() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--version"]).output.startswith("campaign, version ")
    assert "Quick start" in runner.invoke(cli, ["-h"]).output


def test_campaign_workflow_from_the_command_line(db_url: str, tmp_path: Path) -> None:
    run(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "bloctel")
    assert run(db_url, "new", "rdv-pme", "--audience", "business").exit_code == 0
    dry = json.loads(
        run(
            db_url, "import", "rdv-pme", str(EXAMPLES / "prospects.csv"), "--dry-run", "--json"
        ).stdout
    )
    assert len(dry["details"]) == dry["rows"] == 300
    imported = json.loads(
        run(db_url, "import", "rdv-pme", str(EXAMPLES / "prospects.csv"), "--json").stdout
    )
    assert imported["accepted"] == 300 and "details" not in imported
    found = json.loads(run(db_url, "dedupe", "rdv-pme", "--json").stdout)
    assert found["duplicates"] > 0 and not found["applied"]
    applied = json.loads(run(db_url, "dedupe", "rdv-pme", "--apply", "--json").stdout)
    shown = json.loads(run(db_url, "show", "rdv-pme", "--json").stdout)
    assert shown["contacts"] == 300 - applied["duplicates"] and shown["blocked"] > 0
    merges = json.loads(run(db_url, "merges", "rdv-pme", "--json").stdout)
    assert run(db_url, "unmerge", str(merges[0]["id"])).exit_code == 0
    again = run(db_url, "unmerge", str(merges[0]["id"]))
    assert again.exit_code == 1 and again.stderr.startswith(
        f"Error: merge {merges[0]['id']} was already undone"
    )
    out = tmp_path / "today.csv"
    listed = json.loads(
        run(db_url, "calllist", "rdv-pme", "--agents", "lea,marc", "-o", str(out), "--json").stdout
    )
    assert listed["rows"] > 0 and set(listed["agents"]) == {"lea", "marc"} and out.exists()


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["import", "nope", "{file}"], 1, "Error: no campaign named 'nope' (campaigns: c)"),
        (["import", "c", "{file}", "--map", "oops"], 2, "'oops' is not FIELD=COLUMN"),
        (["dedupe", "c", "--threshold", "120"], 2, "120.0 is not in the range 0<=x<=100"),
        (["unmerge", "42"], 1, "Error: no merge 42. See the merges with: campaign merges NAME"),
        (["new", "c"], 1, "Error: a campaign named 'c' already exists. Pick another name"),
        (["new", "d", "--starts", "23/11/2026"], 2, "'23/11/2026' is not a date like 2026-11-23"),
        (["calllist", "c"], 1, "Error: no opposition list has been imported"),
    ],
)
def test_campaign_command_errors(
    db_url: str, tmp_path: Path, args: list[str], code: int, expected: str
) -> None:
    run(db_url, "new", "c")
    file = write(tmp_path / "f.csv", "Nom;Tel\nA;0612345678\n")
    result = run(db_url, *[str(file) if a == "{file}" else a for a in args])
    assert result.exit_code == code
    assert expected in result.stderr
    assert "Traceback" not in result.output


def test_can_call_exit_codes_and_consent_commands(db_url: str, tmp_path: Path) -> None:
    run(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "bloctel")
    run(db_url, "new", "c", "--caller-id", "01 62 00 00 00")
    at = "2026-11-23T10:30+01:00"
    blocked = run(db_url, "can-call", "06 12 34 56 78", "--campaign", "c", "--at", at, "--json")
    assert blocked.exit_code == 1
    assert [r["code"] for r in json.loads(blocked.stdout)["reasons"]] == ["no_consent"]
    proof = write(tmp_path / "form.pdf", "%PDF")
    added = run(
        db_url,
        "consent",
        "add",
        "0612345678",
        "--source",
        "web",
        "--at",
        "2026-09-01T10:00+02:00",
        "--wording-version",
        "v3",
        "--proof",
        str(proof),
    )
    assert added.exit_code == 0, added.stderr
    allowed = run(db_url, "can-call", "06 12 34 56 78", "--campaign", "c", "--at", at)
    assert allowed.exit_code == 0 and allowed.stdout.startswith("ok")
    assert (
        run(db_url, "consent", "revoke", "0612345678", "--at", "2026-11-01T10:00+01:00").exit_code
        == 0
    )
    assert run(db_url, "can-call", "06 12 34 56 78", "--campaign", "c", "--at", at).exit_code == 1
    assert (
        run(
            db_url, "contract", "add", "0612345678", "--until", "2027-01-31", "--subject", "box"
        ).exit_code
        == 0
    )
    assert run(db_url, "can-call", "06 12 34 56 78", "--campaign", "c", "--at", at).exit_code == 0
    bad = run(db_url, "can-call", "0612345678", "--at", "lundi")
    assert bad.exit_code == 2 and "is not a date-time like" in bad.stderr
    missing = run(
        db_url,
        "consent",
        "add",
        "0612345678",
        "--source",
        "web",
        "--at",
        "2026-09-01T10:00+02:00",
        "--wording-version",
        "v3",
        "--proof",
        "nope.pdf",
    )
    assert missing.exit_code == 1 and missing.stderr.startswith("Error: cannot read the proof")


def test_a_database_from_another_version_says_so(db_url: str) -> None:
    from sqlalchemy import create_engine, text

    # A schema altered behind the migrations' back (the version says current): one clear line.
    run(db_url, "lists", "show")
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE list_version DROP COLUMN number"))
    engine.dispose()
    result = run(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "x")
    assert result.exit_code == 1
    assert "schema does not match this campaign: check it with campaign db current" in result.stderr
    assert "Traceback" not in result.output
