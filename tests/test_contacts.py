from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.campaigns import get_campaign, new_campaign, summarize
from campaign.contacts import import_contacts, map_columns
from campaign.errors import MappingError, NotFoundError
from campaign.models import Contact
from suppression.lists import import_list
from suppression.optouts import add_optouts
from tests.conftest import NOW, write

SALON = (
    "Raison sociale;Nom;Prénom;Téléphone;Portable;E-mail;Code postal;Ville;Intérêt\n"
    "SARL Dupont Bâtiment;DUPONT;Jean-Pierre;01 45 67 89 01;06 12 34 56 78;jp@dupont.fr;75011;Paris;toiture\n"
    "Dupont Batiment;Dupont;J.-P.;;+33 6 12 34 56 78;;75011;Paris;\n"
    "Martin Conseil;Martin;Léa;N/A;;;69003;Lyon;audit\n"
    "Sans numéro;Petit;Zoé;inconnu;;zoe@petit.fr;33000;Bordeaux;\n"
    "Bloqué;Roux;Inès;07 56 34 56 78;;;35000;Rennes;\n"
)


@pytest.fixture
def salon(session: Session, tmp_path: Path) -> Path:
    new_campaign(session, "rdv-pme", audience="business", now=NOW)
    return write(tmp_path / "salon.csv", SALON, "cp1252")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Nom", "Prénom", "Tél."], {"last_name": 0, "first_name": 1, "phone": 2}),
        (["Société", "Téléphone portable", "Tel fixe"], {"company": 0, "mobile": 1, "phone": 2}),
        (
            ["Name", "Phone", "Email", "Zip"],
            {"full_name": 0, "phone": 1, "email": 2, "postcode": 3},
        ),
        (
            ["Raison sociale", "SIRET", "GSM", "Courriel", "CP", "Commune"],
            {"company": 0, "siren": 1, "mobile": 2, "email": 3, "postcode": 4, "city": 5},
        ),
    ],
)
def test_columns_are_recognised_in_french_and_english(
    header: list[str], expected: dict[str, int]
) -> None:
    assert map_columns(header) == expected


def test_map_overrides_and_bad_maps() -> None:
    assert map_columns(["Tel1", "Tel2"], {"mobile": "Tel2"})["mobile"] == 1
    with pytest.raises(MappingError, match="unknown field 'fax'"):
        map_columns(["Tel"], {"fax": "Tel"})
    with pytest.raises(MappingError, match="no column 'Portable'"):
        map_columns(["Tel"], {"mobile": "Portable"})
    with pytest.raises(MappingError, match="Columns found: Nom, Ville"):
        map_columns(["Nom", "Ville"])


def test_import_keeps_every_field_numbers_and_attributes(session: Session, salon: Path) -> None:
    report = import_contacts(session, "rdv-pme", salon, source="salon 2026", now=NOW)
    assert (report.rows, report.accepted, report.invalid) == (5, 4, 1)
    assert report.reasons == {"invalid_number": 1}
    first = session.scalars(select(Contact).order_by(Contact.id)).first()
    assert first is not None
    assert (first.first_name, first.last_name, first.company, first.email) == (
        "Jean-Pierre",
        "DUPONT",
        "SARL Dupont Bâtiment",
        "jp@dupont.fr",
    )
    assert [(n.kind, n.e164) for n in first.numbers] == [
        ("phone", "+33145678901"),
        ("mobile", "+33612345678"),
    ]
    assert first.attributes == {"Intérêt": "toiture"}
    assert first.source_row == 2


def test_dry_run_reports_every_row_and_writes_nothing(
    session: Session, salon: Path, tmp_path: Path
) -> None:
    import_list(session, write(tmp_path / "l.txt", "0756345678\n"), list_name="bloctel", now=NOW)
    add_optouts(session, ["0145678901"], reason="asked", now=NOW)
    report = import_contacts(session, "rdv-pme", salon, dry_run=True, now=NOW)
    by_row = {r.row: r for r in report.details}
    assert by_row[3].duplicate_of == ("row 2",)
    assert by_row[2].opposed == ("optout",)
    assert by_row[6].opposed == ("bloctel",)
    assert (by_row[5].status, by_row[5].reason) == ("accepted", "")  # e-mail only is enough
    assert (by_row[4].status, by_row[4].reason) == ("invalid", "invalid_number: not_a_number")
    assert session.scalars(select(Contact)).all() == []


def test_the_same_file_twice_adds_nothing(session: Session, salon: Path) -> None:
    import_contacts(session, "rdv-pme", salon, now=NOW)
    again = import_contacts(session, "rdv-pme", salon, now=NOW)
    assert again.already_imported
    assert summarize(session, get_campaign(session, "rdv-pme")).contacts == 4


def test_unknown_campaign_names_the_known_ones(session: Session, salon: Path) -> None:
    with pytest.raises(NotFoundError, match=r"no campaign named 'x' \(campaigns: rdv-pme\)"):
        import_contacts(session, "x", salon, now=NOW)
