from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from campaign.campaigns import get_campaign, list_campaigns, new_campaign
from campaign.errors import ConflictError
from suppression.errors import InvalidArgumentError
from tests.conftest import NOW


def test_new_campaign_normalises_the_caller_id(session: Session) -> None:
    created = new_campaign(
        session,
        "rdv-pme",
        audience="business",
        caller_id="01 62 00 00 00",
        starts=date(2026, 11, 23),
        ends=date(2026, 12, 18),
        now=NOW,
    )
    assert created.caller_id == "+33162000000"
    assert get_campaign(session, "rdv-pme").id == created.id
    assert [s.name for s in list_campaigns(session)] == ["rdv-pme"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"jurisdiction": "DE"}, "unknown jurisdiction 'DE'"),
        ({"audience": "everyone"}, "unknown audience 'everyone'"),
        ({"caller_id": "12"}, "the caller ID '12' is not a valid number"),
        ({"starts": date(2026, 12, 1), "ends": date(2026, 11, 1)}, "ends .* before it starts"),
    ],
)
def test_bad_campaign_settings(session: Session, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        new_campaign(session, "c", now=NOW, **kwargs)  # type: ignore[arg-type]


def test_names_are_unique(session: Session) -> None:
    new_campaign(session, "c", now=NOW)
    with pytest.raises(ConflictError, match="already exists"):
        new_campaign(session, "c", now=NOW)


def test_describe_counts_blocked_contacts_with_the_lists_used(
    session: Session, tmp_path: Path
) -> None:
    from campaign.campaigns import describe
    from campaign.contacts import import_contacts
    from suppression.lists import import_list
    from tests.conftest import write

    new_campaign(session, "c", now=NOW)
    import_contacts(
        session, "c", write(tmp_path / "f.csv", "Nom;Tel\nA;0612345678\nB;0145678901\n"), now=NOW
    )
    import_list(session, write(tmp_path / "l.txt", "0612345678\n"), list_name="bloctel", now=NOW)
    summary = describe(session, get_campaign(session, "c"), now=NOW)
    assert (summary.contacts, summary.blocked) == (2, 1)
    assert summary.lists == ("bloctel v1 (0.0 days old)",)
