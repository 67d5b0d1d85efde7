from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from campaign.callcheck import check_call
from campaign.campaigns import new_campaign
from suppression.consents import add_consent, revoke_consent
from suppression.lists import import_list
from suppression.optouts import add_optouts
from tests.conftest import write

PARIS_1030 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # Monday 10:30 in Paris


@pytest.fixture
def fr(session: Session, tmp_path: Path) -> Session:
    import_list(
        session,
        write(tmp_path / "b.txt", "0145678901\n"),
        list_name="bloctel",
        now=PARIS_1030 - timedelta(days=1),
    )
    new_campaign(session, "c", caller_id="01 62 00 00 00", now=PARIS_1030)
    return session


def codes(session: Session, number: str, at: datetime, **kwargs: object) -> tuple[str, ...]:
    return tuple(r.code for r in check_call(session, number, at=at, **kwargs).reasons)  # type: ignore[arg-type]


def test_the_regime_switches_on_11_august_2026(session: Session, tmp_path: Path) -> None:
    before = datetime(2026, 8, 10, 8, 30, tzinfo=UTC)  # Monday 10:30 in Paris
    import_list(
        session,
        write(tmp_path / "b.txt", "0145678901\n"),
        list_name="bloctel",
        now=before - timedelta(days=20),
    )
    new_campaign(session, "c", caller_id="01 62 00 00 00", now=before - timedelta(days=20))
    assert check_call(session, "06 12 34 56 78", campaign="c", at=before).ok
    assert codes(session, "06 12 34 56 78", before + timedelta(days=1), campaign="c") == (
        "no_consent",
    )


def test_consent_with_proof_allows_and_revocation_blocks(fr: Session, tmp_path: Path) -> None:
    proof = write(tmp_path / "form.pdf", "%PDF signed")
    assert codes(fr, "0612345678", PARIS_1030, campaign="c") == ("no_consent",)
    add_consent(
        fr,
        "0612345678",
        source="web",
        at=PARIS_1030 - timedelta(days=30),
        wording_version="v1",
        proof=proof,
        now=PARIS_1030,
    )
    verdict = check_call(fr, "0612345678", campaign="c", at=PARIS_1030)
    assert verdict.ok and verdict.profile == "FR/consumer/opt-in"
    revoke_consent(fr, "0612345678", at=PARIS_1030 - timedelta(hours=1), now=PARIS_1030)
    assert codes(fr, "0612345678", PARIS_1030, campaign="c") == ("no_consent",)


def test_opt_out_and_invalid_numbers_block(fr: Session) -> None:
    add_optouts(fr, ["0612345678"], reason="asked", now=PARIS_1030)
    assert "opted_out" in codes(fr, "0612345678", PARIS_1030, campaign="c")
    assert codes(fr, "06 12", PARIS_1030, campaign="c")[0] == "invalid_number"
    assert "no_caller_id" not in codes(fr, "06 12", PARIS_1030, campaign="c")


def test_overseas_numbers_are_judged_in_their_own_time_zone(fr: Session) -> None:
    verdict = check_call(fr, "0690 12 34 56", campaign="c", at=PARIS_1030)
    outside = [r for r in verdict.reasons if r.code == "outside_hours"]
    assert outside and "America/Guadeloupe" in outside[0].message


def test_a_french_list_does_not_screen_a_us_number(fr: Session) -> None:
    at = datetime(2026, 11, 23, 20, 30, tzinfo=UTC)
    assert codes(fr, "+1 510 555 0123", at) == ("stale_list",)


def test_business_campaigns_need_no_list_nor_consent(session: Session) -> None:
    new_campaign(session, "b2b", audience="business", now=PARIS_1030)
    assert check_call(session, "0612345678", campaign="b2b", at=PARIS_1030).ok
