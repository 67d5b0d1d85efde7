from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.campaigns import new_campaign
from campaign.contacts import import_contacts
from campaign.dedupe import dedupe
from campaign.models import CallEvent, Contact, ContactNumber, Merge
from campaign.outcomes import log_call
from campaign.retention import parse_period, purge
from suppression.audit import list_records, verify_chain
from suppression.errors import InvalidArgumentError
from suppression.models import OptOut
from tests.conftest import write

LONG_AGO = datetime(2022, 3, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def old_campaign(session: Session, tmp_path: Path) -> Session:
    """Imported in 2022: Martin (twice, merged), Petit, Durand, Roux."""
    new_campaign(session, "c", audience="business", now=LONG_AGO)
    rows = (
        "Nom;Société;Téléphone\nMartin;Alpha;06 12 34 56 78\nMartin;Alpha;06 12 34 56 78\n"
        "Petit;Beta;06 98 76 54 32\nDurand;Gamma;06 11 11 11 11\nRoux;Delta;06 22 22 22 22\n"
    )
    import_contacts(session, "c", write(tmp_path / "p.csv", rows), now=LONG_AGO)
    assert dedupe(session, "c", apply=True, now=LONG_AGO).clusters
    log_call(session, "c", "06 12 34 56 78", "no_answer", at=LONG_AGO + timedelta(days=2), now=NOW)
    log_call(session, "c", "06 98 76 54 32", "opt_out", at=LONG_AGO + timedelta(days=2), now=NOW)
    # Durand was called last month: in contact, kept.
    log_call(session, "c", "06 11 11 11 11", "callback", at=NOW - timedelta(days=30), now=NOW)
    return session


def test_purge_deletes_people_out_of_contact_and_keeps_opt_outs(old_campaign: Session) -> None:
    session = old_campaign
    preview = purge(session, "3y", dry_run=True, now=NOW)
    assert (preview.people, preview.contacts, preview.calls, preview.merges) == (3, 4, 2, 1)
    assert count(session, Contact) == 5  # the dry run deleted nothing
    done = purge(session, "3y", now=NOW)
    assert done.people == 3 and done.numbers == 4
    assert [c.last_name for c in session.scalars(select(Contact))] == ["Durand"]
    assert count(session, ContactNumber) == 1 and count(session, Merge) == 0
    assert [e.outcome for e in session.scalars(select(CallEvent))] == ["callback"]
    assert session.get(OptOut, "+33698765432") is not None  # still blocked
    [record] = list_records(session, kind="purge")
    assert record.payload["contacts"] == 4 and "+336" not in str(record.payload)
    assert verify_chain(session).ok
    assert purge(session, "3y", now=NOW).contacts == 0  # nothing left to purge


def test_a_recent_call_to_a_merged_record_keeps_the_whole_person(old_campaign: Session) -> None:
    absorbed = old_campaign.scalars(
        select(Contact).where(Contact.merged_into_id.is_not(None))
    ).one()
    old_campaign.add(
        CallEvent(
            campaign_id=absorbed.campaign_id,
            contact_id=absorbed.id,
            e164="+33612345678",
            raw="06 12 34 56 78",
            outcome="busy",
            at=NOW - timedelta(days=3),
            agent="",
            note="",
            logged_at=NOW,
            violations=[],
        )
    )
    old_campaign.flush()
    assert purge(old_campaign, "3y", dry_run=True, now=NOW).people == 2  # Petit and Roux


@pytest.mark.parametrize(("text", "days"), [("3y", 1095), ("18m", 540), ("90d", 90), ("2Y", 730)])
def test_periods(text: str, days: int) -> None:
    assert parse_period(text) == timedelta(days=days)


@pytest.mark.parametrize("text", ["3", "three years", "0y", "-1y", "3w"])
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(InvalidArgumentError, match="is not a period"):
        parse_period(text)


def test_purge_from_the_command_line(db_url: str) -> None:
    import json

    from click.testing import CliRunner

    from campaign.cli import cli

    runner = CliRunner()
    preview = runner.invoke(
        cli, ["--db", db_url, "purge", "--not-contacted-for", "3y", "--dry-run", "--json"]
    )
    assert preview.exit_code == 0 and json.loads(preview.stdout)["contacts"] == 0
    done = runner.invoke(cli, ["--db", db_url, "purge", "--not-contacted-for", "3y"])
    assert done.exit_code == 0 and done.output.startswith("Deleted 0 people not in contact since ")
    bad = runner.invoke(cli, ["--db", db_url, "purge", "--not-contacted-for", "soon"])
    assert bad.exit_code == 1 and "is not a period" in bad.output
