"""State rules, relationship dates and the database's rules file, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from campaign.cli import cli
from tests.conftest import write


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


def us_list(db_url: str, tmp_path: Path) -> None:
    dnc = write(tmp_path / "dnc.txt", "5105550123\n")
    assert (
        run(db_url, "lists", "import", str(dnc), "--list", "usdnc", "--format", "us-dnc").exit_code
        == 0
    )


def test_florida_s_hours_apply_when_the_state_is_known(db_url: str, tmp_path: Path) -> None:
    us_list(db_url, tmp_path)
    evening = ["can-call", "+13055550123", "--at", "2026-11-23T20:30-05:00"]
    assert run(db_url, *evening).exit_code == 0  # U4: until 21:00
    florida = run(db_url, *evening, "--state", "FL", "--json")
    assert florida.exit_code == 1  # U9: until 20:00 in Florida
    document = json.loads(florida.stdout)
    assert document["profile"] == "US/FL"
    assert [(r["code"], r["rule"]) for r in document["reasons"]] == [("outside_hours", "U9")]


def test_a_purchase_lifts_the_registry_for_18_months(db_url: str, tmp_path: Path) -> None:
    us_list(db_url, tmp_path)
    call = ["can-call", "+15105550123", "--at", "2026-11-23T10:30-08:00", "--json"]
    assert [r["code"] for r in json.loads(run(db_url, *call).stdout)["reasons"]] == ["opposed"]
    assert run(db_url, "relationship", "set", "+15105550123").exit_code == 2
    recorded = run(db_url, "relationship", "set", "+15105550123", "--last-purchase", "2026-03-02")
    assert recorded.exit_code == 0, recorded.output
    assert run(db_url, *call).exit_code == 0
    late = ["can-call", "+15105550123", "--at", "2027-09-20T10:30-07:00"]
    assert run(db_url, *late).exit_code == 1  # more than 546 days after the purchase
    audit = json.loads(run(db_url, "audit", "--kind", "relationship_set", "--json").stdout)
    assert audit[0]["payload"]["last_purchase"] == "2026-03-02"


def test_the_database_s_rules_file_applies_until_set_back(db_url: str, tmp_path: Path) -> None:
    stricter = write(
        tmp_path / "mine.toml", '[profiles."FR/business"]\nrequires_caller_id = true\n'
    )
    call = ["can-call", "01 45 67 89 01", "--at", "2026-11-23T10:30+01:00"]
    run(db_url, "lists", "import", str(write(tmp_path / "b.txt", "0612345678\n")), "--list", "b")
    run(db_url, "new", "pme", "--audience", "business")
    as_pme = [*call, "--campaign", "pme", "--json"]
    assert run(db_url, *as_pme).exit_code == 0
    assert run(db_url, "rules", "use", str(stricter)).exit_code == 0
    shown = json.loads(run(db_url, "rules", "show", "--json").stdout)
    assert shown["rules_file"] == str(stricter.resolve())
    blocked = json.loads(run(db_url, *as_pme).stdout)
    assert [r["code"] for r in blocked["reasons"]] == ["no_caller_id"]
    bad = write(tmp_path / "bad.toml", '[profiles."FR/business"]\nrequires_caller_id = "yes"\n')
    refused = run(db_url, "rules", "use", str(bad))
    assert refused.exit_code == 1 and "requires_caller_id" in refused.output
    stricter.unlink()  # a named file that disappears fails closed, never falls back
    gone = run(db_url, *as_pme)
    assert gone.exit_code == 1 and "cannot read the rules file" in gone.output
    assert run(db_url, "rules", "use", "--shipped").exit_code == 0
    assert run(db_url, *as_pme).exit_code == 0
    assert run(db_url, "rules", "use").exit_code == 2
