"""Schema versions: the first released schema upgrades with every row kept; the migrations build
exactly the models' schema; databases of another version or application are refused."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Engine, MetaData, insert, select, text

from campaign import database
from campaign.cli import cli
from campaign.errors import DatabaseError
from campaign.funnel import funnel
from campaign.outcomes import log_call
from suppression import erasure
from suppression.audit import GENESIS_HASH, list_records, record_hash, verify_chain
from suppression.models import Base
from tests.conftest import NOW

T = datetime(2026, 11, 2, 9, 30)  # naive UTC, as stored
# One or more rows in every table of the first released schema (0001_initial).
FIRST_SCHEMA_ROWS: dict[str, list[dict[str, Any]]] = {
    "opposition_list": [{"id": 1, "name": "bloctel", "max_age_days": 30, "created_at": T}],
    "list_version": [
        {
            "id": 1,
            "list_id": 1,
            "number": 1,
            "file_name": "b.txt",
            "sha256": "a" * 64,
            "format": "national",
            "mode": "full",
            "region": "FR",
            "imported_at": T,
            "added": 2,
            "removed": 0,
            "unchanged": 0,
            "duplicates": 0,
            "rejected": 0,
            "entries": 2,
            "rejected_detail": {"too_short": [3]},
        }
    ],
    "list_entry": [
        {"list_id": 1, "e164": "+33145678901", "registered_at": date(2025, 1, 2), "version_id": 1},
        {"list_id": 1, "e164": "+33612345679", "registered_at": None, "version_id": 1},
    ],
    "opt_out": [
        {"e164": "+33699999999", "since": T, "reason": "asked; 'quoted'", "source": "call"}
    ],
    "opt_out_event": [
        {
            "id": 1,
            "e164": "+33699999999",
            "action": "add",
            "at": T,
            "reason": "asked",
            "source": "call",
        }
    ],
    "consent_event": [
        {
            "id": 1,
            "e164": "+33612345678",
            "action": "give",
            "at": T,
            "recorded_at": T,
            "source": "web",
            "wording_version": "v1",
            "proof_sha256": "b" * 64,
            "proof_name": "form.pdf",
            "scope": None,
        }
    ],
    "contract": [
        {
            "id": 1,
            "e164": "+33612345678",
            "until": date(2027, 1, 31),
            "subject": "box",
            "recorded_at": T,
        }
    ],
    "relationship": [
        {
            "e164": "+15105550123",
            "last_purchase": date(2026, 3, 2),
            "last_inquiry": None,
            "recorded_at": T,
        }
    ],
    "campaign": [
        {
            "id": 1,
            "name": "rdv-pme",
            "jurisdiction": "FR",
            "audience": "business",
            "caller_id": "+33162000000",
            "purpose": None,
            "sector": None,
            "starts": date(2026, 11, 2),
            "ends": None,
            "created_at": T,
        }
    ],
    "source_file": [
        {
            "id": 1,
            "campaign_id": 1,
            "file_name": "salon.csv",
            "sha256": "c" * 64,
            "source": "salon",
            "imported_at": T,
            "rows": 2,
            "imported": 2,
        }
    ],
    "contact": [
        {
            "id": n,
            "campaign_id": 1,
            "source_file_id": 1,
            "source_row": n + 1,
            "first_name": first,
            "last_name": "Dupont",
            "company": "SARL Dupont Bâtiment",
            "email": "",
            "address": "",
            "postcode": "75011",
            "city": "Paris",
            "siren": "",
            "audience": None,
            "attributes": {"Réf": f"R{n}"},
            "imported_at": T,
            "merged_into_id": 1 if n == 2 else None,
        }
        for n, first in ((1, "Jean-Pierre"), (2, "J.-P."))
    ],
    "contact_number": [
        {
            "id": n,
            "contact_id": n,
            "position": 0,
            "kind": "phone",
            "raw": "06 12 34 56 78",
            "e164": "+33612345678",
            "line_type": "mobile",
            "rejection": None,
        }
        for n in (1, 2)
    ],
    "merge": [
        {
            "id": 1,
            "campaign_id": 1,
            "survivor_id": 1,
            "at": T,
            "undone_at": None,
            "before": {"contacts": [], "numbers": []},
            "links": {"links": []},
        }
    ],
}


# What 0002_outcomes added, filled in a database at that revision.
SECOND_SCHEMA_ROWS: dict[str, list[dict[str, Any]]] = {
    **FIRST_SCHEMA_ROWS,
    "campaign": [
        {
            **FIRST_SCHEMA_ROWS["campaign"][0],
            "timezone": "Europe/Paris",
            "labels": {"converted": "RDV"},
        }
    ],
    "setting": [{"key": "note", "value": "kept; 'quoted'", "updated_at": T}],
    "outcome_file": [
        {
            "id": 1,
            "campaign_id": 1,
            "file_name": "dialer.csv",
            "sha256": "d" * 64,
            "imported_at": T,
            "rows": 1,
            "imported": 1,
        }
    ],
    "call_event": [
        {
            "id": 1,
            "campaign_id": 1,
            "contact_id": 1,
            "e164": "+33612345678",
            "raw": "06 12 34 56 78",
            "outcome": "callback",
            "at": T,
            "agent": "lea",
            "note": "rappeler à 15h; l'après-midi",
            "outcome_file_id": 1,
            "source_row": 2,
            "logged_at": T,
            "violations": [],
        }
    ],
}
FILLS = {
    "0001_initial": FIRST_SCHEMA_ROWS,
    "0002_outcomes": SECOND_SCHEMA_ROWS,
    "0003_list_entry_no_fk": SECOND_SCHEMA_ROWS,  # 0003 only dropped a foreign key
    "0004_erasure": {**SECOND_SCHEMA_ROWS, "erased_number": [{"digest": "e" * 64, "erased_at": T}]},
}
FILLS["0005_list_entry_bytewise"] = FILLS["0004_erasure"]  # 0005 only changed a collation


def rows(engine: Engine, table: str) -> list[dict[str, Any]]:
    metadata = MetaData()
    metadata.reflect(engine, only=[table])
    with engine.connect() as connection:
        found = connection.execute(select(metadata.tables[table])).mappings().all()
    return [dict(row) for row in found]


def old_schema(db_url: str, revision: str = "0001_initial") -> Engine:
    """A database at ``revision``, with rows in every one of its tables."""
    engine = database.make_engine(db_url, check=False)
    with engine.begin() as connection:
        command.upgrade(database._alembic(connection), revision)
        metadata = MetaData()
        metadata.reflect(connection)
        for table, values in FILLS[revision].items():
            connection.execute(insert(metadata.tables[table]), values)
            if connection.dialect.name == "postgresql" and "id" in values[0]:
                # Rows written with their ids: move the sequence past them, as a restore does.
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {len(values)})")
                )
    return engine


@pytest.mark.parametrize("revision", list(FILLS))
def test_an_older_schema_upgrades_and_every_row_survives(db_url: str, revision: str) -> None:
    engine = old_schema(db_url, revision)
    head = database.head_revision()
    try:
        before = {table: rows(engine, table) for table in FILLS[revision]}
        with pytest.raises(DatabaseError, match=f"has schema {revision}; .*needs {head}"):
            database.make_engine(db_url)
        assert database.upgrade(db_url) == (revision, head)
        for table, old in before.items():
            new = rows(engine, table)
            assert [{k: row[k] for k in old[0]} for row in new] == old, table
        [campaign] = rows(engine, "campaign")
        expected = {} if revision == "0001_initial" else {"converted": "RDV"}
        assert (campaign["timezone"], campaign["labels"]) == ("Europe/Paris", expected)
    finally:
        engine.dispose()
    # The upgraded database works: calls are logged against the old contacts.
    upgraded = database.make_engine(db_url)
    try:
        with database.make_sessionmaker(upgraded).begin() as session:
            log_call(session, "rdv-pme", "06 12 34 56 78", "converted", at=NOW, now=NOW)
            assert funnel(session, "rdv-pme").total.stage("converted").count == 1
            assert verify_chain(session).ok
    finally:
        upgraded.dispose()


def test_the_migrations_build_exactly_the_models_schema(db_url: str) -> None:
    engine = database.make_engine(db_url, check=False)
    try:
        assert database.upgrade(db_url) == (None, database.head_revision())  # empty: created
        with engine.begin() as connection:
            command.downgrade(database._alembic(connection), "base")
            command.upgrade(database._alembic(connection), "head")
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            if connection.dialect.name == "postgresql":  # which autogenerate does not compare
                collation = connection.execute(
                    text(
                        "SELECT collation_name FROM information_schema.columns WHERE "
                        "table_schema = current_schema() AND table_name = 'list_entry' "
                        "AND column_name = 'e164'"
                    )
                ).scalar_one()
                assert collation == "C"
        assert diff == []
    finally:
        engine.dispose()


def test_a_newer_schema_or_another_application_is_refused(db_url: str) -> None:
    database.make_engine(db_url).dispose()  # created at the head
    engine = database.make_engine(db_url, check=False)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
        with pytest.raises(DatabaseError, match="newer than this campaign knows"):
            database.make_engine(db_url)
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(
                    text(
                        f"DROP TABLE {table.name} CASCADE"
                        if connection.dialect.name == "postgresql"
                        else f"DROP TABLE {table.name}"
                    )
                )
            connection.execute(text("DROP TABLE alembic_version"))
            connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
        with pytest.raises(
            DatabaseError, match="holds another application's tables \\(invoices\\)"
        ):
            database.make_engine(db_url)
    finally:
        engine.dispose()


def test_db_commands_and_unreachable_servers() -> None:
    runner = CliRunner()
    refused = runner.invoke(
        cli, ["--db", "postgresql+psycopg://campaign:secret@127.0.0.1:1/x", "list"]
    )
    assert refused.exit_code == 1
    assert refused.output.startswith(
        "Error: cannot connect to postgresql+psycopg://campaign:***@127.0.0.1:1/x: "
    )
    assert "secret" not in refused.output and "Traceback" not in refused.output


def test_db_current_and_upgrade_from_the_command_line(db_url: str) -> None:
    engine = old_schema(db_url)
    engine.dispose()
    runner = CliRunner()
    stale = runner.invoke(cli, ["--db", db_url, "list"])
    assert stale.exit_code == 1 and "campaign db upgrade" in stale.output
    current = runner.invoke(cli, ["--db", db_url, "db", "current", "--json"])
    assert current.exit_code == 0
    assert '"current": "0001_initial"' in current.output and '"up_to_date": false' in current.output
    upgraded = runner.invoke(cli, ["--db", db_url, "db", "upgrade"])
    assert upgraded.exit_code == 0
    assert f"from 0001_initial to {database.head_revision()}" in upgraded.output
    assert runner.invoke(cli, ["--db", db_url, "list"]).exit_code == 0
    again = runner.invoke(cli, ["--db", db_url, "db", "upgrade"])
    assert "nothing to do" in again.output


def _old_audit_log(engine: Engine, payloads: list[dict[str, Any]]) -> list[str]:
    """Audit records as builds before 0004 wrote them (numbers in clear); their hashes."""
    table = MetaData()
    table.reflect(engine, only=["audit_record"])
    prev, hashes = GENESIS_HASH, []
    with engine.begin() as connection:
        for payload in payloads:
            digest = record_hash(prev, "optout_add", T.replace(tzinfo=UTC), payload)
            connection.execute(
                insert(table.tables["audit_record"]),
                {"at": T, "kind": "optout_add", "payload": payload, "prev_hash": prev,
                 "hash": digest},
            )  # fmt: skip
            prev = digest
            hashes.append(digest)
    return hashes


PAYLOADS = [
    {"numbers": ["+33612345678"], "reason": "asked"},
    {"numbers": [], "reason": "nothing"},
    {"numbers": ["+15105550123"], "reason": "called +33699999999 back"},
]


def test_0004_pseudonymises_the_numbers_of_an_intact_audit_log(db_url: str) -> None:
    engine = old_schema(db_url, "0003_list_entry_no_fk")
    try:
        hashes = _old_audit_log(engine, PAYLOADS)
    finally:
        engine.dispose()
    database.upgrade(db_url)
    with database.transaction(db_url, write=False) as session:
        records = list(list_records(session))
        key = erasure.database_key(session, create=False)
        assert key is not None and verify_chain(session).ok
        text = str([r.payload for r in records])
        assert not erasure.E164_IN_TEXT.search(text)
        assert records[0].payload["numbers"] == [erasure.pseudonym(key, "+33612345678")]
        assert (
            records[2].payload["reason"] == f"called {erasure.pseudonym(key, '+33699999999')} back"
        )
        assert records[1].payload == PAYLOADS[1]
        last = records[-1]
        assert last.kind == "audit_pseudonymised"
        assert last.payload == {"first_record": 1, "records": 3, "previous_head": hashes[-1]}
        assert [r.kind for r in list_records(session, about="+15105550123")] == ["optout_add"]


def test_0004_leaves_an_already_broken_audit_log_reported_where_it_broke(db_url: str) -> None:
    engine = old_schema(db_url, "0003_list_entry_no_fk")
    try:
        _old_audit_log(engine, PAYLOADS)
        with engine.begin() as connection:  # someone edits the second record
            connection.execute(
                text("UPDATE audit_record SET payload = :p WHERE id = 2"),
                {"p": '{"numbers": [], "reason": "edited"}'},
            )
    finally:
        engine.dispose()
    database.upgrade(db_url)
    with database.transaction(db_url, write=False) as session:
        check = verify_chain(session)
        assert check.first_bad_id == 2
        records = list(list_records(session))
        assert records[2].payload == PAYLOADS[2]  # after the break: not rewritten
