"""The one place that builds engines and sessions.

The URL comes from ``--db``, else the ``CAMPAIGN_DB`` variable, else ``sqlite:///campaign.db``
in the working directory. The schema is created on first use. A SQLite file the tool creates
is readable by its owner only (0600): it holds personal data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

import campaign.models  # noqa: F401  (registers the campaign tables on the shared metadata)
from campaign.errors import DatabaseError
from suppression.models import Base

DEFAULT_URL = "sqlite:///campaign.db"
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
    cursor = dbapi_connection.cursor()
    # WAL lets readers see the old list version while an import writes the new one.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: list imports sort millions of rows
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """Build an engine for ``url`` (see module docstring) and make sure the schema exists."""
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
    try:
        Base.metadata.create_all(engine)
    except OperationalError as exc:
        raise DatabaseError(
            f"cannot open the database {parsed.render_as_string(hide_password=True)}: {exc.orig}",
            hint="check the --db URL, that the file is writable or the server reachable",
        ) from exc
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(url: str | None = None) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on error."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine).begin() as session:
            yield session
    finally:
        engine.dispose()
