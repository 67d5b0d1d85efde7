from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.callcheck import check_call
from campaign.campaigns import new_campaign
from campaign.contacts import import_contacts
from campaign.errors import MappingError
from campaign.models import CallEvent, OutcomeFile
from campaign.outcomes import import_outcomes, log_call, parse_outcome
from suppression.consents import add_consent
from suppression.errors import InputFileError, InvalidArgumentError
from suppression.lists import import_list
from suppression.models import OptOut
from tests.conftest import write

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 11, 16, 10, 30, tzinfo=PARIS)  # Monday 16 November 2026, 10:30
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ANNE, BRUNO, UNKNOWN = "06 12 34 56 78", "06 98 76 54 32", "07 81 22 33 44"


@pytest.fixture
def fr(session: Session, tmp_path: Path) -> Session:
    """A French consumer campaign with two contacts who both consented to be called."""
    start = MONDAY - timedelta(days=20)
    import_list(session, write(tmp_path / "b.txt", "0145678901\n"), list_name="bloctel", now=start)
    new_campaign(session, "c", caller_id="01 62 00 00 00", now=start)
    prospects = write(
        tmp_path / "p.csv", f"Prénom;Nom;Téléphone\nAnne;Martin;{ANNE}\nBruno;Petit;{BRUNO}\n"
    )
    import_contacts(session, "c", prospects, now=start)
    proof = write(tmp_path / "form.pdf", "%PDF signed")
    for number in (ANNE, BRUNO, UNKNOWN):
        add_consent(
            session, number, source="web", at=start, wording_version="v1", proof=proof, now=start
        )
    return session


def events(session: Session) -> list[CallEvent]:
    return list(session.scalars(select(CallEvent).order_by(CallEvent.at, CallEvent.id)))


def codes_of(result_violations: object) -> list[str]:
    return [r["code"] for v in result_violations for r in v.reasons]  # type: ignore[attr-defined]


def test_a_call_is_logged_against_the_contact_and_an_unknown_number_is_kept(fr: Session) -> None:
    log_call(fr, "c", ANNE, "no_answer", at=MONDAY, agent="lea", now=NOW)
    result = log_call(fr, "c", UNKNOWN, "refused", at=MONDAY, agent="lea", now=NOW)
    assert result.unknown_numbers == ("+33781223344",)
    anne, unknown = events(fr)
    assert anne.contact_id is not None and anne.e164 == "+33612345678" and anne.agent == "lea"
    assert unknown.contact_id is None and unknown.outcome == "refused"
    assert not anne.violations and not unknown.violations


def test_opt_out_goes_on_the_do_not_call_list_at_once_and_later_calls_are_violations(
    fr: Session,
) -> None:
    log_call(fr, "c", ANNE, "opt_out", at=MONDAY, now=NOW)
    optout = fr.get(OptOut, "+33612345678")
    assert optout is not None and optout.since == MONDAY.astimezone(UTC)
    assert not check_call(fr, ANNE, campaign="c", at=MONDAY + timedelta(days=1)).ok
    result = log_call(fr, "c", ANNE, "callback", at=MONDAY + timedelta(days=1), now=NOW)
    assert codes_of(result.violations) == ["opted_out"]
    # A call logged late but made before the opt-out was not a violation.
    earlier = log_call(fr, "c", ANNE, "busy", at=MONDAY - timedelta(minutes=20), now=NOW)
    assert earlier.violations == ()


def test_a_refusal_starts_the_60_day_cool_off(fr: Session) -> None:
    log_call(fr, "c", ANNE, "refused", at=MONDAY, now=NOW)
    verdict = check_call(fr, ANNE, campaign="c", at=MONDAY + timedelta(days=3))
    assert [r.code for r in verdict.reasons] == ["cooloff"]
    assert verdict.next_allowed is not None
    assert verdict.next_allowed.date() >= (MONDAY + timedelta(days=61)).date()
    result = log_call(fr, "c", ANNE, "interested", at=MONDAY + timedelta(days=3), now=NOW)
    assert codes_of(result.violations) == ["cooloff"]


def test_the_fifth_attempt_in_30_days_is_a_violation(fr: Session) -> None:
    for day in range(4):
        assert not log_call(
            fr, "c", BRUNO, "no_answer", at=MONDAY + timedelta(days=day), now=NOW
        ).violations
    fifth = MONDAY + timedelta(days=4)
    assert [r.code for r in check_call(fr, BRUNO, campaign="c", at=fifth).reasons] == [
        "cap_reached"
    ]
    assert codes_of(log_call(fr, "c", BRUNO, "busy", at=fifth, now=NOW).violations) == [
        "cap_reached"
    ]


def test_a_call_outside_the_legal_hours_is_logged_as_a_violation(fr: Session) -> None:
    result = log_call(fr, "c", ANNE, "no_answer", at=MONDAY.replace(hour=20, minute=30), now=NOW)
    assert codes_of(result.violations) == ["outside_hours"]
    assert events(fr)[0].violations[0]["rule"] == "F8"


def test_the_same_call_twice_is_logged_once(fr: Session) -> None:
    log_call(fr, "c", ANNE, "busy", at=MONDAY, now=NOW)
    again = log_call(fr, "c", "+33612345678", "busy", at=MONDAY, now=NOW)
    assert (again.logged, again.already_logged) == (0, 1)
    assert len(events(fr)) == 1


def test_bad_calls_are_refused_and_nothing_is_written(fr: Session) -> None:
    with pytest.raises(
        InvalidArgumentError, match="unknown outcome 'sold'; outcomes are no_answer"
    ):
        log_call(fr, "c", ANNE, "sold", at=MONDAY, now=NOW)
    with pytest.raises(InvalidArgumentError, match="in the future"):
        log_call(fr, "c", ANNE, "busy", at=NOW + timedelta(days=1), now=NOW)
    with pytest.raises(InvalidArgumentError, match="not a usable phone number"):
        log_call(fr, "c", "06 12", "busy", at=MONDAY, now=NOW)
    assert events(fr) == []


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("no_answer", "no_answer"),
        ("NO ANSWER", "no_answer"),
        ("Répondeur", "voicemail"),
        ("Occupé", "busy"),
        ("RDV", "converted"),
        ("Pas intéressé", "refused"),
        ("DNC", "opt_out"),
        ("sold", None),
    ],
)
def test_dispositions_are_recognised_without_accents_case_or_spacing(
    text: str, outcome: str | None
) -> None:
    assert parse_outcome(text) == outcome


def dialer_file(tmp_path: Path, name: str, rows: list[str]) -> Path:
    header = "Numéro;Date;Heure;Résultat;Conseiller\n"
    return write(tmp_path / name, header + "\n".join(rows) + "\n", "cp1252")


def test_a_dialer_export_is_imported_once_with_its_own_codes(fr: Session, tmp_path: Path) -> None:
    codes = write(tmp_path / "codes.csv", "code;outcome\nNR;no_answer\nRV;converted\nREF;refused\n")
    export = dialer_file(
        tmp_path,
        "export.csv",
        [
            f"{ANNE};16/11/2026;10:30;NR;Léa",
            f"{ANNE};17/11/2026;11:00;RV;Léa",
            f"{BRUNO};17/11/2026;14:15;REF;Marc",
        ],
    )
    result = import_outcomes(fr, "c", export, codes=codes, now=NOW)
    assert (result.logged, result.by_outcome) == (3, {"no_answer": 1, "converted": 1, "refused": 1})
    first = events(fr)[0]
    assert first.at == MONDAY.astimezone(UTC) and first.agent == "Léa" and first.source_row == 2
    again = import_outcomes(fr, "c", export, codes=codes, now=NOW)
    assert again.already_imported and again.logged == 0
    # An overlapping export: the calls already logged are skipped, the new one is added.
    overlap = dialer_file(
        tmp_path,
        "export2.csv",
        [f"{BRUNO};17/11/2026;14:15;REF;Marc", f"{BRUNO};18/11/2026;10:00;NR;Marc"],
    )
    later = import_outcomes(fr, "c", overlap, codes=codes, now=NOW)
    assert (later.logged, later.already_logged) == (1, 1)
    assert fr.scalar(select(func.count()).select_from(OutcomeFile)) == 2


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (f"{ANNE};16/11/2026;10:30;vendu;Léa", "Résultat", "unknown outcome 'vendu'"),
        (f"{ANNE};31/11/2026;10:30;NR;Léa", "Date", "is not a date-time"),
        (f"{ANNE};16/12/2026;10:30;NR;Léa", "Date", "in the future"),
        ("06 12;16/11/2026;10:30;NR;Léa", "Numéro", "not a usable phone number"),
    ],
)
def test_a_bad_row_refuses_the_whole_export(
    fr: Session, tmp_path: Path, row: str, column: str, message: str
) -> None:
    export = dialer_file(tmp_path, "bad.csv", [f"{BRUNO};16/11/2026;11:00;NR;Marc", row])
    with pytest.raises(InputFileError, match=message) as caught:
        import_outcomes(fr, "c", export, codes=None, now=NOW)
    assert (caught.value.row, caught.value.column) == (3, column)
    assert caught.value.file == str(export)
    fr.rollback()
    assert events(fr) == [] and fr.scalar(select(func.count()).select_from(OutcomeFile)) == 0


def test_an_export_without_an_outcome_column_says_what_is_missing(
    fr: Session, tmp_path: Path
) -> None:
    export = write(tmp_path / "x.csv", "Numéro;Date\n0612345678;2026-11-16 10:30\n")
    with pytest.raises(MappingError, match="no column for the call's outcome"):
        import_outcomes(fr, "c", export, now=NOW)
    with_map = write(tmp_path / "y.csv", "Numéro;Quand;Code\n0612345678;2026-11-16 10:30;busy\n")
    result = import_outcomes(fr, "c", with_map, mapping={"at": "Quand", "outcome": "Code"}, now=NOW)
    assert result.by_outcome == {"busy": 1}


def test_an_opt_out_earlier_in_the_same_export_makes_a_later_call_a_violation(
    fr: Session, tmp_path: Path
) -> None:
    export = dialer_file(
        tmp_path,
        "export.csv",
        [f"{ANNE};17/11/2026;11:00;NR;Marc", f"{ANNE};16/11/2026;10:30;DNC;Léa"],
    )
    result = import_outcomes(fr, "c", export, now=NOW)
    assert [(v.row, [r["code"] for r in v.reasons]) for v in result.violations] == [
        (2, ["opted_out"])
    ]
    assert fr.get(OptOut, "+33612345678") is not None
