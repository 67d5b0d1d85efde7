from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from campaign.campaigns import new_campaign
from campaign.checks import check_campaign
from campaign.contacts import import_contacts
from suppression.audit import list_records
from suppression.consents import add_consent
from suppression.lists import import_list
from tests.conftest import write

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def by_name(result: object) -> dict[str, tuple[bool, str]]:
    return {c.name: (c.passed, c.detail) for c in result.checks}  # type: ignore[attr-defined]


def test_a_consumer_campaign_without_consents_or_landline_fails(
    session: Session, tmp_path: Path
) -> None:
    new_campaign(session, "c", caller_id="06 12 34 56 78", sector="energy_renovation", now=AT)
    import_contacts(
        session, "c", write(tmp_path / "f.csv", "Nom;Tel\nA;0145678901\nB;0612345670\n"), now=AT
    )
    result = check_campaign(session, "c", at=AT)
    checks = by_name(result)
    assert not result.passed
    assert (
        checks["caller ID shown and allowed"][0] is False
        and "mobile" in checks["caller ID shown and allowed"][1]
    )
    assert checks["sector allowed"][0] is False
    assert checks["consent on record"] == (
        False,
        "2 exportable contacts have no consent (nor contract) on record: contacts 1, 2",
    )
    [record] = list_records(session, kind="check")
    assert record.id == result.run_id and record.payload["passed"] is False


def test_a_clean_campaign_passes_and_consents_count(session: Session, tmp_path: Path) -> None:
    new_campaign(session, "c", caller_id="01 62 00 00 00", now=AT)
    import_contacts(session, "c", write(tmp_path / "f.csv", "Nom;Tel\nA;0145678901\n"), now=AT)
    add_consent(
        session,
        "0145678901",
        source="paper",
        at=AT - timedelta(days=5),
        wording_version="v1",
        proof=write(tmp_path / "p.pdf", "%PDF"),
        now=AT,
    )
    assert check_campaign(session, "c", at=AT).passed


def test_lists_must_stay_fresh_until_the_end_date(session: Session, tmp_path: Path) -> None:
    before = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # the opposition-list regime
    import_list(session, write(tmp_path / "l.txt", "0612345678\n"), list_name="bloctel", now=before)
    new_campaign(session, "c", caller_id="01 62 00 00 00", ends=date(2026, 8, 5), now=before)
    checks = by_name(check_campaign(session, "c", at=before))
    assert checks["opposition lists fresh until the end"] == (
        False,
        "bloctel must be re-imported by 2026-07-31",
    )
