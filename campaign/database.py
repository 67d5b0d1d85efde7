"""The one place that builds engines and sessions.

The URL comes from ``--db``, else the ``CAMPAIGN_DB`` variable, else ``sqlite:///campaign.db``
in the working directory. A SQLite file the tool creates is readable by its owner only (0600): it
holds personal data. PostgreSQL is reached with ``postgresql+psycopg://USER:PASSWORD@HOST/DB``.

The schema is versioned with Alembic (``campaign/migrations``). An empty database gets the
current schema on first use; a database at an older revision is refused until ``campaign db
upgrade`` brings it up to date, one at a newer revision (a newer campaign wrote it) is refused
too, and so is a database holding another application's tables. ``upgrade`` and ``current`` are
the library side of ``campaign db upgrade / current``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import Session, sessionmaker

import campaign.models  # noqa: F401  (registers the campaign tables on the shared metadata)
from campaign.errors import DatabaseError
from suppression.models import Base

DEFAULT_URL = "sqlite:///campaign.db"
BUSY_TIMEOUT_MS = 300_000
ENV_VAR = "CAMPAIGN_DB"


def resolve_url(url: str | None = None) -> str:
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def _prepare_sqlite_file(database: str | None) -> None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        if not path.parent.exists():
            raise DatabaseError(
                f"cannot create the database {database}: folder {path.parent} does not exist",
                hint="create the folder or pass another --db",
            )
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # The driver's own implicit transactions are off: ``_sqlite_begin`` opens each one itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers see the old list version while an import writes the new one.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A writer waits for the one before it (a 5M-number list import holds the lock ~20 s).
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: list imports sort millions of rows
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """BEGIN DEFERRED for readers; BEGIN IMMEDIATE for writers (the ``write`` execution option),
    which take the write lock up front: two writers queue (busy_timeout) instead of failing when
    the second tries to upgrade its read lock, and "read the attempts, then log one" is atomic."""
    mode = "IMMEDIATE" if connection.get_execution_options().get("write") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


def is_transient(exc: BaseException) -> bool:
    """An error that running the same transaction again can cure: SQLite busy past its timeout,
    a PostgreSQL serialisation failure, deadlock or lock timeout."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None)
    if code in ("40001", "40P01", "55P03"):
        return True
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text


def make_engine(url: str | None = None, *, check: bool = True) -> Engine:
    """Build an engine for ``url`` (see module docstring); with ``check``, create the schema of
    an empty database and refuse one whose schema is not the code's."""
    text = resolve_url(url)
    try:
        parsed = make_url(text)
    except ArgumentError as exc:
        raise DatabaseError(
            f"not a database URL: {text!r}",
            hint="use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB",
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_file(parsed.database)
    try:
        engine = create_engine(parsed)
    except Exception as exc:  # unknown dialect or missing driver
        raise DatabaseError(f"cannot use the database {text!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    if check:
        try:
            _ensure_schema(engine)
        except OperationalError as exc:
            engine.dispose()
            raise DatabaseError(
                f"cannot connect to {_shown(parsed)}: {_reason(exc)}",
                hint="check the --db URL (host, port, user, password, database), that the "
                "server runs, or that the file is writable",
            ) from exc
        except DatabaseError:
            engine.dispose()
            raise
    return engine


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _reason(exc: OperationalError) -> str:
    """The driver's first line: 'connection refused', 'password authentication failed'..."""
    text = str(exc.orig).strip() or str(exc)
    return text.splitlines()[0]


# ------------------------------------------------------------------------------- schema versions


def _alembic(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", "campaign:migrations")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic(None)).get_current_head()  # type: ignore[arg-type]
    assert head is not None
    return head


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(_alembic(None))  # type: ignore[arg-type]
    return {revision.revision for revision in script.walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _ensure_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        if not tables:
            _create(engine)
            return
        revision = current_revision(connection)
    head = head_revision()
    if revision == head:
        return
    url = _shown(engine.url)
    if revision is None:
        ours = set(Base.metadata.tables)
        if not tables & ours:
            shown = ", ".join(sorted(tables)[:5])
            raise DatabaseError(
                f"the database {url} holds another application's tables ({shown})",
                hint="point --db (or CAMPAIGN_DB) at a database of its own for campaign",
            )
        raise DatabaseError(
            f"the database {url} was made by a pre-release of campaign (no schema version)",
            hint="export what you need and start a new database",
        )
    if revision in _known_revisions():
        raise DatabaseError(
            f"the database {url} has schema {revision}; this campaign needs {head}",
            hint="back it up, then run: campaign db upgrade",
        )
    raise DatabaseError(
        f"the database {url} has schema {revision}, newer than this campaign knows ({head})",
        hint="upgrade campaign on this machine (pip install -U ...) before using this database",
    )


def _create(engine: Engine) -> None:
    """The current schema, stamped at the head revision, in one transaction (two processes
    starting on one empty database: the second finds the schema made)."""
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
            if inspect(connection).get_table_names():
                return
            Base.metadata.create_all(connection)
            command.stamp(_alembic(connection), "head")
    except (OperationalError, ProgrammingError, IntegrityError):
        with engine.connect() as connection:  # another process made it meanwhile?
            if current_revision(connection) != head_revision():
                raise


def upgrade(url: str | None = None) -> tuple[str | None, str]:
    """Bring the database to the current schema; returns (revision before, revision after).
    An empty database is created at the head."""
    engine = make_engine(url, check=False)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            before = current_revision(connection)
        if not tables:
            _create(engine)
            return None, head_revision()
        if before is None:
            _ensure_schema(engine)  # raises the reason: another application, a pre-release
        with engine.begin() as connection:
            command.upgrade(_alembic(connection), "head")
        with engine.connect() as connection:
            after = current_revision(connection)
        return before, after or head_revision()
    except OperationalError as exc:
        raise DatabaseError(f"cannot connect to {_shown(engine.url)}: {_reason(exc)}") from exc
    finally:
        engine.dispose()


def current(url: str | None = None) -> tuple[str | None, str]:
    """(the database's schema revision, the revision this code needs)."""
    engine = make_engine(url, check=False)
    try:
        with engine.connect() as connection:
            return current_revision(connection), head_revision()
    except OperationalError as exc:
        raise DatabaseError(f"cannot connect to {_shown(engine.url)}: {_reason(exc)}") from exc
    finally:
        engine.dispose()


def make_sessionmaker(engine: Engine, *, write: bool = False) -> sessionmaker[Session]:
    """Sessions on ``engine``; ``write`` sessions take SQLite's write lock when they begin (see
    ``_sqlite_begin``); on PostgreSQL the option changes nothing."""
    bind = engine.execution_options(write=True) if write else engine
    return sessionmaker(bind, expire_on_commit=False)


@contextmanager
def transaction(url: str | None = None, *, write: bool = True) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on error.
    Pass ``write=False`` for a command that only reads (it never waits for a writer)."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine, write=write).begin() as session:
            yield session
    finally:
        engine.dispose()


def checkpoint(url: str | None = None) -> bool:
    """Copy SQLite's write-ahead log into the database file and empty it, so that the former
    pages of erased rows are gone from the log too. False when a reader kept it from finishing
    (the log is emptied at a later checkpoint). PostgreSQL: nothing to do here, True."""
    engine = make_engine(url)
    try:
        if engine.dialect.name != "sqlite":
            return True
        with engine.connect() as connection:
            busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
            return not busy
    finally:
        engine.dispose()


def backup(url: str | None, target: str | Path) -> int:
    """Copy a SQLite database to ``target`` while it is in use (SQLite's online backup: a
    consistent snapshot, WAL included); the copy is readable by its owner only. Returns its size.
    PostgreSQL databases are backed up with the server's tools (pg_dump)."""
    engine = make_engine(url)
    try:
        if engine.dialect.name != "sqlite":
            raise DatabaseError(
                "campaign db backup copies SQLite files; this database is on a server",
                hint="use pg_dump -Fc (and pg_restore) on the server",
            )
        path = Path(target)
        if path.exists():
            raise DatabaseError(
                f"{path} already exists", hint="give a new file name: a backup never overwrites"
            )
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        source = engine.raw_connection()
        try:
            destination = sqlite3.connect(path)
            try:
                source.driver_connection.backup(destination)  # type: ignore[union-attr]
            finally:
                destination.close()
        finally:
            source.close()
        return path.stat().st_size
    finally:
        engine.dispose()
