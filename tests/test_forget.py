"""GDPR erasure (``campaign forget``): the person's data leaves every table, their numbers stay
blocked as keyed hashes, the funnel still adds up, the audit log stays intact and says nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import MetaData, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from campaign import database
from campaign.campaigns import new_campaign
from campaign.cli import cli
from campaign.contacts import import_contacts
from campaign.forget import forget
from campaign.models import CallEvent
from campaign.outcomes import log_call
from suppression import erasure
from suppression.audit import list_records, verify_chain
from suppression.errors import InvalidArgumentError
from suppression.optouts import find_optouts
from tests.conftest import NOW, write

NUMBER = "06 12 34 56 78"
SECOND = "07 81 22 33 44"
OTHER = "06 98 76 54 32"
# What must be gone once Jean Martin is forgotten, in every form a table could hold it.
TRACES = ("612345678", "781223344", "Martin", "jean.martin", "rappeler Jean", "box 2019")
PEOPLE = (
    "Nom;Prénom;Email;Téléphone;Mobile;Remarque\n"
    "Martin;Jean;jean.martin@example.fr;06 12 34 56 78;;client Martin depuis 2019\n"
    "Martin;Jean;;+33 6 12 34 56 78;07 81 22 33 44;\n"
    "Petit;Paul;paul.petit@example.fr;06 98 76 54 32;;\n"
)


def run(db_url: str, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, *args], input=input, catch_exceptions=False)


def everything(db_url: str) -> str:
    """Every row of every table, as text."""
    engine = database.make_engine(db_url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return "\n".join(
                f"{table.name} {tuple(row)!r}"
                for table in sorted(metadata.tables.values(), key=lambda t: t.name)
                for row in connection.execute(select(table))
            )
    finally:
        engine.dispose()


def sqlite_bytes(db_url: str) -> bytes:
    path = Path(str(make_url(db_url).database))
    files = [path, Path(f"{path}-wal"), Path(f"{path}-journal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


@pytest.fixture
def martin(db_url: str, tmp_path: Path) -> str:
    """Jean Martin twice (merged), with a consent, a contract, an opt-out on his mobile, calls
    with notes, and his number on an opposition list; Paul Petit beside him."""
    steps = [
        ("lists", "import", str(write(tmp_path / "b.txt", "0612345678\n0145678901\n")), "--list",
         "bloctel"),
        ("new", "c", "--audience", "business"),
        ("import", "c", str(write(tmp_path / "people.csv", PEOPLE))),
        ("dedupe", "c", "--apply"),
        ("consent", "add", NUMBER, "--at", "2026-10-01T10:00", "--source", "web",
         "--wording-version", "v1", "--proof", str(write(tmp_path / "form.txt", "signed"))),
        ("contract", "add", NUMBER, "--until", "2027-01-31", "--subject", "box 2019 Martin"),
        ("log", "c", NUMBER, "callback", "--at", "2026-11-16T10:00", "--agent", "lea",
         "--note", "rappeler Jean à 15h"),
        ("log", "c", SECOND, "opt_out", "--at", "2026-11-17T10:00", "--agent", "lea"),
        ("log", "c", OTHER, "no_answer", "--at", "2026-11-17T11:00", "--agent", "max"),
    ]  # fmt: skip
    for step in steps:
        result = run(db_url, *step)
        assert result.exit_code == 0, (step, result.output)
    assert "Martin" in everything(db_url) and "+33781223344" in everything(db_url)
    return db_url


def test_forget_erases_the_person_everywhere_and_keeps_the_numbers_blocked(
    martin: str, tmp_path: Path
) -> None:
    db_url = martin
    before = json.loads(run(db_url, "funnel", "c", "--format", "json").stdout)
    preview = run(db_url, "forget", NUMBER, "--dry-run", "--json")
    assert preview.exit_code == 0
    assert everything(db_url).count("Martin") >= 2  # the dry run changed nothing

    done = run(db_url, "forget", NUMBER, "--yes", "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert (result["contacts"], result["merges"], result["calls"], result["blocked"]) == (
        2,
        1,
        2,
        2,
    )
    assert {k: v for k, v in json.loads(preview.stdout).items() if k != "dry_run"} == {
        k: v for k, v in result.items() if k != "dry_run"
    }

    dump = everything(db_url)
    for trace in TRACES:
        assert trace not in dump, trace
    assert "Petit" in dump and "+33698765432" in dump  # the other person is untouched
    if db_url.startswith("sqlite"):
        # Not even in free pages or the write-ahead log (secure_delete, then a checkpoint).
        raw = sqlite_bytes(db_url)
        for trace in TRACES:
            assert trace.encode() not in raw, trace

    # The calls stay in the counts, without anything that says who was called.
    assert json.loads(run(db_url, "funnel", "c", "--format", "json").stdout) == before

    # The numbers stay blocked: a purchased file that brings them back is screened out.
    bought = write(tmp_path / "bought.csv", f"nom;tel\nX;{NUMBER}\nY;{SECOND}\nZ;0645454545\n")
    screened = run(db_url, "screen", str(bought), "--json")
    assert screened.exit_code == 0, screened.output
    assert json.loads(screened.stdout)["blocked"] == 2
    blocked = (tmp_path / "bought.blocked.csv").read_text(encoding="utf-8-sig")
    assert blocked.count("erased on request (since ") == 2
    assert run(db_url, "import", "c", str(bought)).exit_code == 0
    verdict = run(db_url, "can-call", NUMBER, "--campaign", "c")
    assert verdict.exit_code == 1 and "opted_out" in verdict.output

    # The audit log is intact, records the erasure, and names nobody.
    assert run(db_url, "audit", "verify").exit_code == 0
    records = json.loads(run(db_url, "audit", "--kind", "forget", "--json").stdout)
    assert [r["payload"]["contacts"] for r in records] == [2]
    about = json.loads(run(db_url, "audit", "--number", NUMBER, "--json").stdout)
    assert "forget" in [r["kind"] for r in about] and "consent_add" in [r["kind"] for r in about]
    assert not erasure.E164_IN_TEXT.search(run(db_url, "audit", "export").stdout)


def test_forget_again_after_a_file_brought_the_person_back(martin: str, tmp_path: Path) -> None:
    db_url = martin
    assert run(db_url, "forget", NUMBER, "--yes").exit_code == 0
    back = write(tmp_path / "back.csv", "Nom;Téléphone\nMartin;06 12 34 56 78\n")
    assert run(db_url, "import", "c", str(back)).exit_code == 0
    # The same callback logged again from another export: the same call, once.
    again = run(db_url, "log", "c", NUMBER, "callback", "--at", "2026-11-16T10:00", "--json")
    assert again.exit_code == 0, again.output
    second = run(db_url, "forget", NUMBER, "--yes", "--json")
    assert second.exit_code == 0, second.output
    assert (json.loads(second.stdout)["contacts"], json.loads(second.stdout)["blocked"]) == (1, 1)
    dump = everything(db_url)
    assert "Martin" not in dump and "612345678" not in dump
    rows = dump.splitlines()
    assert sum(r.startswith("call_event") and "'callback'" in r for r in rows) == 1
    assert sum(r.startswith("erased_number") for r in rows) == 2  # the two numbers, each once


def test_forget_by_email(martin: str) -> None:
    done = run(martin, "forget", "Paul.Petit@Example.fr ", "--yes", "--json")
    assert done.exit_code == 0, done.output
    assert (json.loads(done.stdout)["contacts"], json.loads(done.stdout)["blocked"]) == (1, 1)
    dump = everything(martin)
    assert "Petit" not in dump and "698765432" not in dump and "Martin" in dump
    nobody = run(martin, "forget", "nobody@example.fr", "--yes")
    assert nobody.exit_code == 0 and "No contact has that address" in nobody.output
    assert "blocked 0 numbers and 1 e-mail address" in nobody.output


def test_an_import_skips_the_rows_that_bring_an_erased_address_back(
    martin: str, tmp_path: Path
) -> None:
    done = run(martin, "forget", NUMBER, "--yes", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["addresses"] == 1  # jean.martin@, found on his record
    back = write(
        tmp_path / "back.csv",
        "Nom;Prénom;Email;Téléphone\n"
        "Martin;Jean; JEAN.Martin@example.fr ;01 23 45 67 89\n"  # a new number, the same person
        "Durand;Léa;contact@example.fr;01 23 45 67 00\n"
        "Martin;J.;jean.martin@example.fr;01 23 45 67 88\n",  # the address in another case
    )
    preview = run(martin, "import", "c", str(back), "--dry-run", "--json")
    assert preview.exit_code == 0, preview.output
    report = json.loads(preview.stdout)
    assert (report["accepted"], report["erased"], report["invalid"]) == (1, 2, 0)
    assert [(r["row"], r["status"], r["reason"]) for r in report["details"]] == [
        (2, "erased", "email_erased"),
        (3, "accepted", ""),
        (4, "erased", "email_erased"),
    ]
    shown = run(martin, "import", "c", str(back))
    assert shown.exit_code == 0 and "erased             2" in shown.output, shown.output
    dump = everything(martin)
    assert "Martin" not in dump and "123456789" not in dump and "Durand" in dump
    assert sum(row.startswith("erased_email") for row in dump.splitlines()) == 1


def test_a_role_mailbox_is_not_blocked_with_the_person(session: Session, tmp_path: Path) -> None:
    new_campaign(session, "c", audience="business", now=NOW)
    people = "Nom;Email;Téléphone\nMartin;Contact@dupont.fr;06 12 34 56 78\n"
    import_contacts(session, "c", write(tmp_path / "a.csv", people), now=NOW)
    assert forget(session, NUMBER, now=NOW).addresses == 0
    colleague = "Nom;Email;Téléphone\nDurand;contact@dupont.fr;06 11 11 11 11\n"
    report = import_contacts(session, "c", write(tmp_path / "b.csv", colleague), now=NOW)
    assert (report.accepted, report.erased) == (1, 0)
    # Asked by name, the role mailbox is blocked: the user said so.
    assert forget(session, "contact@dupont.fr", now=NOW).addresses == 1
    assert erasure.find_erased_addresses(session, ["CONTACT@dupont.fr"]) == {
        "CONTACT@dupont.fr": NOW
    }


def test_forget_asks_first_and_refuses_what_it_cannot_read(martin: str) -> None:
    kept = everything(martin)
    declined = run(martin, "forget", NUMBER, input="n\n")
    assert declined.exit_code == 1 and "This cannot be undone" in declined.output
    assert everything(martin) == kept
    for bad, message in (
        ("06 12", "is neither a phone number nor an e-mail address (too_short)"),
        ("jean@", "is not an e-mail address"),
        ("", "is neither a phone number nor an e-mail address (empty)"),
    ):
        result = run(martin, "forget", bad, "--yes")
        assert result.exit_code == 1 and message in result.output, result.output
        assert result.output.startswith("Error: ")
    assert everything(martin) == kept


def test_a_number_nobody_had_is_blocked_all_the_same(session: Session) -> None:
    result = forget(session, "+15105550123", region="US", now=NOW)
    assert (result.contacts, result.blocked) == (0, 1)
    [opted] = find_optouts(session, ["+15105550123"]).values()
    assert opted.source == "erasure" and opted.since == NOW
    assert find_optouts(session, ["+15105550124"]) == {}
    assert verify_chain(session).ok


def test_audit_records_name_numbers_by_pseudonym_only(session: Session, tmp_path: Path) -> None:
    new_campaign(session, "c", audience="business", caller_id="01 62 00 00 00", now=NOW)
    import_contacts(session, "c", write(tmp_path / "p.csv", PEOPLE), now=NOW)
    log_call(session, "c", NUMBER, "opt_out", at=NOW - timedelta(days=1), now=NOW)
    key = erasure.database_key(session)
    assert key is not None
    text = json.dumps([r.payload for r in list_records(session)])
    assert not erasure.E164_IN_TEXT.search(text)
    assert erasure.pseudonym(key, "+33612345678") in text
    assert erasure.pseudonym(key, "+33162000000") in text  # the caller id too: every number
    assert [r.kind for r in list_records(session, about="+33612345678")] == ["optout_add"]
    assert verify_chain(session).ok


def test_a_second_database_has_its_own_key(session: Session, tmp_path: Path) -> None:
    first = erasure.database_key(session)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    with database.transaction(other) as elsewhere:
        second = erasure.database_key(elsewhere)
    assert first is not None and second is not None and first != second
    assert erasure.digest(first, "+33612345678") != erasure.digest(second, "+33612345678")


def test_bad_input_to_the_library_is_refused(session: Session) -> None:
    with pytest.raises(InvalidArgumentError, match="neither a phone number nor an e-mail"):
        forget(session, "not a number", now=NOW)
    count = session.scalar(select(func.count()).select_from(CallEvent))
    assert count == 0


def test_two_numbers_called_at_the_same_moment_stay_two_calls(
    session: Session, tmp_path: Path
) -> None:
    new_campaign(session, "c", audience="business", now=NOW)
    rows = "Nom;Email;Téléphone;Mobile\nÉlodie Durand;Élodie.Durand@Exemple.fr;01 45 67 89 01;06 12 34 56 78\n"
    import_contacts(session, "c", write(tmp_path / "p.csv", rows), now=NOW)
    moment = NOW - timedelta(days=1)
    for number in ("01 45 67 89 01", "06 12 34 56 78"):  # the dialer tried both at once
        log_call(session, "c", number, "no_answer", at=moment, now=NOW)
    # Found by address whatever the case, accents included (SQLite's lower() is ASCII-only).
    result = forget(session, "élodie.durand@exemple.FR", now=NOW)
    assert (result.contacts, result.calls, result.blocked) == (1, 2, 2)
    calls = list(session.scalars(select(CallEvent)))
    assert len(calls) == 2 and all(c.e164.startswith("#") and c.raw == "" for c in calls)
    assert len({c.e164 for c in calls}) == 2  # the second under its own number's pseudonym
