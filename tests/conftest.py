from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from campaign.database import make_engine, make_sessionmaker

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


PG_ENV = "CAMPAIGN_TEST_PG"  # a PostgreSQL URL (.ci/postgres start prints one)
REQUIRE_PG_ENV = "CAMPAIGN_REQUIRE_PG"  # CI sets it: the PostgreSQL half must run


def postgres_admin_url() -> str:
    """The PostgreSQL server the tests use; skipped (visibly) without one, except in CI."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get(REQUIRE_PG_ENV):
        pytest.fail(f"{PG_ENV} is not set but {REQUIRE_PG_ENV} is: the PostgreSQL half must run")
    pytest.skip(f"no PostgreSQL server: set {PG_ENV} (.ci/postgres start prints a URL)")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend: a SQLite file, or a PostgreSQL schema of its own
    (selected through the connection's search_path) dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    admin = make_url(postgres_admin_url())
    schema = f"t_{uuid.uuid4().hex[:16]}"
    engine = create_engine(admin, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = admin.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        gc.collect()  # a connection a test forgot is reported against that test
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test's database, disposed afterwards (its connections closed)."""
    built = make_engine(db_url)
    yield built
    built.dispose()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session whose work is committed when the test body leaves it open: call commit()."""
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        yield session
    engine.dispose()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
