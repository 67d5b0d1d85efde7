from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from campaign.calllist import export_calllist
from campaign.campaigns import new_campaign
from campaign.contacts import import_contacts
from suppression.audit import list_records
from suppression.errors import InvalidArgumentError, StaleListError
from suppression.lists import import_list
from suppression.optouts import add_optouts
from tests.conftest import NOW, write

FILE = (
    "Nom;Prénom;Téléphone;Portable\n"
    "Dupont;Jean;01 45 67 89 01;06 12 34 56 78\n"  # mobile on the list: the fixed line remains
    "Martin;Léa;04 78 12 34 56;07 56 34 56 78\n"  # opted out on one number: left out
    "Petit;Zoé;05 56 12 34 56;06 11 22 33 44\n"
    "Roux;Inès;N/A;\n"  # no usable number: not imported at all
    "Blanc;Éric;;06 12 34 56 78\n"  # only number on the list
)


@pytest.fixture
def ready(session: Session, tmp_path: Path) -> Path:
    new_campaign(session, "c", audience="business", now=NOW)
    import_contacts(session, "c", write(tmp_path / "f.csv", FILE), now=NOW)
    import_list(session, write(tmp_path / "l.txt", "0612345678\n"), list_name="bloctel", now=NOW)
    add_optouts(session, ["0756345678"], reason="asked", now=NOW)
    return tmp_path / "out.csv"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def test_one_row_per_person_screened_now(session: Session, ready: Path) -> None:
    result = export_calllist(session, "c", ready, prefer="mobile", agents=["lea", "marc"], now=NOW)
    rows = read(ready)
    assert [(r["last_name"], r["number"], r["agent"]) for r in rows] == [
        ("Dupont", "'+33145678901", "lea"),
        ("Petit", "'+33611223344", "marc"),
    ]
    assert rows[1]["other_numbers"] == "'+33556123456"
    assert rows[0]["source_file"].endswith("f.csv")
    assert result.left_out == {"opted_out": 1, "all_numbers_opposed": 1}
    [record] = list_records(session, kind="calllist")
    assert record.payload["lists"][0]["name"] == "bloctel" and record.payload["rows"] == 2


def test_prefer_fixed_and_limit(session: Session, ready: Path) -> None:
    export_calllist(session, "c", ready, prefer="fixed", limit=1, now=NOW)
    rows = read(ready)
    assert [(r["last_name"], r["number"]) for r in rows] == [("Dupont", "'+33145678901")]


def test_a_stale_list_refuses_the_export(session: Session, ready: Path) -> None:
    with pytest.raises(StaleListError):
        export_calllist(session, "c", ready, now=NOW + timedelta(days=45))
    assert not ready.exists()


def test_the_rules_engine_leaves_out_consumers_without_consent(
    session: Session, tmp_path: Path
) -> None:
    from suppression.consents import add_consent

    new_campaign(session, "fr", caller_id="01 62 00 00 00", now=NOW)
    import_contacts(
        session, "fr", write(tmp_path / "g.csv", "Nom;Tel\nA;0145678901\nB;0556123456\n"), now=NOW
    )
    import_list(session, write(tmp_path / "l.txt", "0612345678\n"), list_name="bloctel", now=NOW)
    add_consent(
        session,
        "0145678901",
        source="paper",
        at=NOW - timedelta(days=3),
        wording_version="v1",
        proof=write(tmp_path / "p.pdf", "%PDF"),
        now=NOW,
    )
    out = tmp_path / "fr.csv"
    saturday = NOW + timedelta(days=5)
    # On a Saturday nobody may be called that day: left out, under the reason.
    assert export_calllist(session, "fr", out, now=saturday).left_out == {
        "no_consent": 1,
        "weekend": 1,
    }
    # Planned for Monday: the row, with its windows in the callee's zone.
    result = export_calllist(session, "fr", out, day=date(2026, 11, 30), now=saturday)
    assert result.left_out == {"no_consent": 1}
    [row] = read(out)
    assert (row["last_name"], row["not_before"]) == ("A", "2026-11-30T09:00+00:00")
    assert row["call_windows"] == "10:00-13:00 14:00-20:00 Europe/Paris"
    # Today at 09:00 UTC (10:00 Paris) the row is callable now; at 19:30 UTC hours are over.
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert export_calllist(session, "fr", out, now=monday).rows == 1
    assert read(out)[0]["not_before"] == ""
    evening = export_calllist(session, "fr", out, now=monday.replace(hour=19, minute=30))
    assert evening.left_out == {"no_consent": 1, "outside_hours": 1}
    with pytest.raises(InvalidArgumentError, match="in the past"):
        export_calllist(session, "fr", out, day=date(2026, 11, 29), now=monday)


def test_a_refusal_keeps_the_contact_off_the_list_for_the_cool_off(
    session: Session, tmp_path: Path
) -> None:
    from campaign.outcomes import log_call

    new_campaign(session, "fr", caller_id="01 62 00 00 00", purpose="survey", now=NOW)
    import_contacts(session, "fr", write(tmp_path / "g.csv", "Nom;Tel\nA;0145678901\n"), now=NOW)
    import_list(session, write(tmp_path / "l.txt", "0612345678\n"), list_name="bloctel", now=NOW)
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    log_call(session, "fr", "0145678901", "refused", at=monday - timedelta(days=3), now=monday)
    out = tmp_path / "fr.csv"
    assert export_calllist(session, "fr", out, now=monday).left_out == {"cooloff": 1}
