from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from campaign.calllist import export_calllist
from campaign.campaigns import new_campaign
from campaign.contacts import import_contacts
from suppression.audit import list_records
from suppression.errors import StaleListError
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
    new_campaign(session, "c", now=NOW)
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
