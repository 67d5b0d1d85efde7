"""Faults the tool must survive with one clear line: a read-only database, a full disk."""

from __future__ import annotations

import errno
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from campaign.cli import cli
from suppression import csvout

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


def test_a_read_only_database_says_so_and_still_answers_readers(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    assert (
        run(
            f"sqlite:///{path}", "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "b"
        ).exit_code
        == 0
    )
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    shown = run(read_only, "lists", "show", "--json")
    assert shown.exit_code == 0 and '"entries": 2000' in shown.output
    refused = run(read_only, "optout", "add", "0612345678", "--reason", "asked")
    assert refused.exit_code == 1
    assert refused.output.startswith(
        "Error: database failure: attempt to write a readonly database."
    )
    assert "check the file's permissions" in refused.output and "Traceback" not in refused.output


def test_a_full_disk_while_writing_outputs_is_one_line_and_leaves_no_partial_file(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "b")

    def full(self: object, data: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(csvout._HashingSink, "write", full)
    out = tmp_path / "out.csv"
    result = run(db_url, "screen", str(EXAMPLES / "prospects.csv"), "-o", str(out))
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert not out.exists() and not Path(f"{out}.part").exists()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 KiB file system (tmpfs), when this machine lets the tests mount one."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command here: the simulated full disk test covers the outputs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here ({done.stderr.decode().strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_database_on_a_full_disk_keeps_what_it_had(tiny_disk: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tiny_disk / 'c.db'}"
    assert (
        run(url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "b").exit_code == 0
    )
    big = tmp_path / "big.txt"
    big.write_text("".join(f"06{n:08d}\n" for n in range(100_000)))
    result = run(url, "lists", "import", str(big), "--list", "b")
    assert result.exit_code == 1
    assert "disk is full" in result.output and "nothing of this command was saved" in result.output
    assert "Traceback" not in result.output
    shown = run(url, "lists", "show", "--json")
    assert (
        shown.exit_code == 0
        and '"entries": 2000' in shown.output
        and '"version": 1' in shown.output
    )


def test_a_backup_round_trips_while_the_database_is_in_use(tmp_path: Path) -> None:
    import json
    import os
    import stat

    url = f"sqlite:///{tmp_path / 'c.db'}"
    run(url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "b")
    run(url, "new", "c", "--audience", "business")
    run(url, "import", "c", str(EXAMPLES / "prospects.csv"))
    run(url, "log", "c", "05 49 60 61 10", "interested", "--at", "2026-11-16 10:30")
    backup = tmp_path / "backup.db"
    done = run(url, "db", "backup", str(backup))
    assert done.exit_code == 0 and "Backed up to" in done.output
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    assert run(url, "db", "backup", str(backup)).exit_code == 1  # never overwrites
    run(url, "log", "c", "05 49 60 61 10", "converted", "--at", "2026-11-17 10:30")  # after it
    restored = f"sqlite:///{backup}"
    assert run(restored, "audit", "verify").exit_code == 0
    funnel = json.loads(run(restored, "funnel", "c", "--format", "json").output)
    assert funnel["total"]["calls"] == 1  # the state at the backup, not after
    shown = json.loads(run(restored, "show", "c", "--json").output)
    assert shown["contacts"] == json.loads(run(url, "show", "c", "--json").output)["contacts"]


def test_backup_copies_sqlite_files_and_sends_servers_to_pg_dump(
    db_url: str, tmp_path: Path
) -> None:
    result = run(db_url, "db", "backup", str(tmp_path / "x.db"))
    if db_url.startswith("postgresql"):
        assert result.exit_code == 1 and "Use pg_dump -Fc (and pg_restore)" in result.output
    else:
        assert result.exit_code == 0 and (tmp_path / "x.db").stat().st_size > 0


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: on the PATH, else beside the server's binaries."""
    found = shutil.which(name)
    if found is None:
        bindir = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
        found = str(Path(bindir) / name)
    return found


def test_a_postgresql_backup_round_trips_with_pg_dump_and_pg_restore(tmp_path: Path) -> None:
    """The README's PostgreSQL backup: pg_dump -Fc, then pg_restore into a new database, which
    campaign opens as it was: same rows in every table, the audit chain whole."""
    import json
    import uuid

    from sqlalchemy import MetaData, create_engine, func, select, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    from tests.conftest import postgres_admin_url

    admin = make_url(postgres_admin_url())
    schema, restored_db = f"t_{uuid.uuid4().hex[:16]}", f"restore_{uuid.uuid4().hex[:12]}"
    server = create_engine(admin, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = admin.update_query_dict({"options": f"-csearch_path={schema}"})
    restored = url.set(database=restored_db)
    try:
        live = url.render_as_string(hide_password=False)
        for step in (
            ("lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "b"),
            ("new", "c", "--audience", "business"),
            ("import", "c", str(EXAMPLES / "prospects.csv")),
            ("log", "c", "05 49 60 61 10", "opt_out", "--at", "2026-11-16 10:30"),
            ("forget", "0612345678", "--yes"),
        ):
            assert run(live, *step).exit_code == 0, step
        dump = tmp_path / "campaign.dump"
        libpq = admin.set(drivername="postgresql")
        subprocess.run(
            [_pg_tool("pg_dump"), "-Fc", "-n", schema, "-f", str(dump),
             libpq.render_as_string(hide_password=False)],
            check=True, capture_output=True,
        )  # fmt: skip
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{restored_db}"'))
        subprocess.run(
            [_pg_tool("pg_restore"), "--no-owner", "-d",
             libpq.set(database=restored_db).render_as_string(hide_password=False), str(dump)],
            check=True, capture_output=True,
        )  # fmt: skip

        def counts(where: str) -> dict[str, int]:
            engine = create_engine(where, poolclass=NullPool)
            try:
                metadata = MetaData()
                metadata.reflect(engine)
                with engine.connect() as connection:
                    return {
                        name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
                        for name, table in metadata.tables.items()
                    }
            finally:
                engine.dispose()

        back = restored.render_as_string(hide_password=False)
        assert counts(back) == counts(live)
        assert counts(back)["erased_number"] == 1 and counts(back)["contact"] > 0
        assert run(back, "audit", "verify").exit_code == 0
        screened = run(back, "can-call", "0612345678", "--json")
        assert screened.exit_code == 1 and "opted_out" in screened.output  # still blocked
        shown = json.loads(run(back, "show", "c", "--json").output)
        assert shown["contacts"] == json.loads(run(live, "show", "c", "--json").output)["contacts"]
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{restored_db}"'))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        server.dispose()
