from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.campaigns import new_campaign
from campaign.contacts import import_contacts
from campaign.dedupe import dedupe, list_merges, snapshot, unmerge
from campaign.errors import ConflictError, NotFoundError
from campaign.models import Contact
from suppression.errors import InvalidArgumentError
from tests.conftest import NOW, write

FILE = (
    "Société;Nom;Prénom;Téléphone;Portable;E-mail;CP;Ville\n"
    "SARL Dupont Bâtiment;DUPONT;Jean-Pierre;01 45 67 89 01;;;75011;Paris\n"
    "Dupont Batiment;Dupont;J.-P.;;06 12 34 56 78;jp@dupont.fr;75011;Paris\n"
    "Martin Conseil;Martin;Léa;04 78 12 34 56;;lea@martin.fr;69003;Lyon\n"
    "Autre;Martin;Léa;;;LEA@martin.fr;69003;Lyon\n"
    "Petit SAS;Petit;Zoé;05 56 12 34 56;;;33000;Bordeaux\n"
)


def state(session: Session) -> list[dict[str, Any]]:
    session.expire_all()
    return [snapshot(c) for c in session.scalars(select(Contact).order_by(Contact.id))]


@pytest.fixture
def imported(session: Session, tmp_path: Path) -> Session:
    new_campaign(session, "c", audience="business", now=NOW)
    import_contacts(session, "c", write(tmp_path / "f.csv", FILE), now=NOW)
    session.flush()
    return session


def test_dry_run_finds_clusters_and_writes_nothing(imported: Session) -> None:
    before = state(imported)
    report = dedupe(imported, "c", now=NOW)
    assert [c.ids for c in report.clusters] == [(1, 2), (3, 4)]
    assert any("email:lea@martin.fr" in link.keys for link in report.clusters[1].links)
    assert state(imported) == before and list_merges(imported, "c") == []


def test_apply_merges_with_survivorship_and_unmerge_restores_exactly(imported: Session) -> None:
    before = state(imported)
    report = dedupe(imported, "c", apply=True, now=NOW)
    survivor = imported.get(Contact, 1)
    assert survivor is not None
    assert (
        survivor.first_name == "J.-P." and survivor.email == "jp@dupont.fr"
    )  # most recent non-empty
    assert [n.e164 for n in survivor.numbers] == [
        "+33145678901",
        "+33612345678",
    ]  # every number kept
    assert imported.get(Contact, 2).merged_into_id == 1  # type: ignore[union-attr]
    for cluster in report.clusters:
        assert cluster.merge_id is not None
        unmerge(imported, cluster.merge_id, now=NOW)
    assert state(imported) == before


def test_unmerge_refuses_unknown_and_undone_merges(imported: Session) -> None:
    report = dedupe(imported, "c", apply=True, now=NOW)
    merge_id = report.clusters[0].merge_id
    assert merge_id is not None
    unmerge(imported, merge_id, now=NOW)
    with pytest.raises(ConflictError, match=f"merge {merge_id} was already undone"):
        unmerge(imported, merge_id, now=NOW)
    with pytest.raises(NotFoundError, match="no merge 99"):
        unmerge(imported, 99, now=NOW)


def test_threshold_outside_0_100_is_refused(imported: Session) -> None:
    with pytest.raises(InvalidArgumentError, match="between 0 and 100"):
        dedupe(imported, "c", threshold=101, now=NOW)


rows = st.lists(
    st.tuples(
        st.sampled_from(["Dupont", "DUPONT", "Martin", "Petit", "Dupond"]),
        st.sampled_from(["Jean-Pierre", "J.-P.", "Léa", "Zoé", ""]),
        st.sampled_from(["06 12 34 56 78", "01 45 67 89 01", "", "04 78 12 34 56"]),
        st.sampled_from(["75011;Paris", "69003;Lyon"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows)
def test_unmerge_of_merge_is_identity(
    db_url: str, tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str, str]]
) -> None:
    from campaign.database import make_engine, make_sessionmaker

    folder = tmp_path_factory.mktemp("prop")
    text = "Nom;Prénom;Téléphone;E-mail;CP;Ville\n" + "".join(
        f"{last};{first};{number};x{i}@mail.fr;{place}\n"
        for i, (last, first, number, place) in enumerate(rows)
    )
    engine = make_engine(f"sqlite:///{folder / 'p.db'}")
    with make_sessionmaker(engine).begin() as session:
        new_campaign(session, "c", now=NOW)
        import_contacts(session, "c", write(folder / "f.csv", text), now=NOW)
        session.flush()
        before = state(session)
        report = dedupe(session, "c", apply=True, now=NOW)
        for cluster in reversed(report.clusters):
            assert cluster.merge_id is not None
            unmerge(session, cluster.merge_id, now=NOW)
        assert state(session) == before
    engine.dispose()


def test_the_address_and_a_date_of_birth_kept_as_attribute_reach_the_matcher(
    session: Session, tmp_path: Path
) -> None:
    # A postcode typo and a misspelt surname: only the street and the date of birth tell that
    # these two rows are one person.
    new_campaign(session, "dob", now=NOW)
    rows = (
        "Prénom;Nom;Téléphone;Adresse;Code postal;Ville;Date de naissance\n"
        "Jean;Dupont;0612345678;12 rue de la Paix;75011;Paris;1970-03-02\n"
        "Jean;Dupond;0698765432;12 rue de la Paix;75012;Paris;1970-03-02\n"
    )
    import_contacts(session, "dob", write(tmp_path / "dob.csv", rows), now=NOW)
    report = dedupe(session, "dob", now=NOW)
    everyone = sorted(contact.id for contact in session.scalars(select(Contact)))
    assert [sorted(cluster.ids) for cluster in report.clusters] == [everyone]
    without = rows.replace(";1970-03-02", ";").replace("12 rue de la Paix", "")
    new_campaign(session, "bare", now=NOW)
    import_contacts(session, "bare", write(tmp_path / "bare.csv", without), now=NOW)
    assert dedupe(session, "bare", now=NOW).clusters == []
