from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from suppression.audit import list_records
from suppression.consents import (
    add_consent,
    add_contract,
    consent_state,
    import_consents,
    revoke_consent,
)
from suppression.errors import InputFileError, InvalidArgumentError
from tests.conftest import NOW, write


@pytest.fixture
def proof(tmp_path: Path) -> Path:
    return write(tmp_path / "form.pdf", "%PDF signed form")


def test_consent_then_revocation_wins(session: Session, proof: Path) -> None:
    given = add_consent(
        session,
        "06 12 34 56 78",
        source="web",
        at=NOW - timedelta(days=10),
        wording_version="v3",
        proof=proof,
        now=NOW,
    )
    assert len(given.proof_sha256 or "") == 64
    state = consent_state(session, "+33612345678", at=NOW)
    assert state.consented and state.reference and "wording v3" in state.reference
    revoke_consent(session, "0612345678", at=NOW - timedelta(days=1), now=NOW)
    assert not consent_state(session, "+33612345678", at=NOW).consented
    # Before the revocation, the consent held.
    assert consent_state(session, "+33612345678", at=NOW - timedelta(days=2)).consented
    assert [r.kind for r in list_records(session)] == ["consent_add", "consent_revoke"]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"source": "fax"}, InvalidArgumentError, "unknown consent source 'fax'"),
        ({"wording_version": " "}, InvalidArgumentError, "needs the version of the wording"),
        ({"proof": "missing.pdf"}, InputFileError, "cannot read the proof"),
        ({"at": NOW + timedelta(days=1)}, InvalidArgumentError, "is in the future"),
    ],
)
def test_a_consent_needs_its_proof(
    session: Session, proof: Path, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    arguments: dict[str, object] = {
        "source": "web",
        "at": NOW,
        "wording_version": "v1",
        "proof": proof,
    }
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        add_consent(session, "0612345678", now=NOW, **arguments)  # type: ignore[arg-type]


def test_contracts_in_force(session: Session) -> None:
    add_contract(session, "0612345678", until=date(2026, 12, 31), subject="box internet", now=NOW)
    assert consent_state(session, "+33612345678", at=NOW).contract_subject == "box internet"
    later = NOW.replace(year=2027)
    assert consent_state(session, "+33612345678", at=later).contract_until is None


def test_import_consents_all_or_nothing(session: Session, tmp_path: Path) -> None:
    good = write(
        tmp_path / "c.csv", "telephone;date;version\n0612345678;2026-09-01T10:00:00+02:00;v2\n"
    )
    assert import_consents(session, good, now=NOW) == 1
    assert consent_state(session, "+33612345678", at=NOW).consented
    bad = write(
        tmp_path / "d.csv",
        "telephone;date\n0145678901;2026-09-01T10:00:00+02:00\n0612;01/09/2026\n",
    )
    with pytest.raises(InputFileError, match="row 3"):
        import_consents(session, bad, wording_version="v2", now=NOW)
    assert not consent_state(session, "+33145678901", at=NOW).consented
