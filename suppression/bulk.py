"""Set-based database paths for millions of numbers, one implementation per backend.

Per-row ORM inserts cannot load a 5,000,000-number list in seconds; these functions stream rows
straight to the driver (INSERTs of 400 rows on SQLite, ``COPY`` on PostgreSQL) and let the
database sort them and compute differences with joins. They run inside the caller's transaction
and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# e164 numbers and their registration dates as ISO text or None (the text SQLite stores for a
# date), side by side: two lists cost far less than millions of row tuples.
EntryColumns = tuple[list[str], list[str | None]]
BATCH = 5_000
PG_BATCH = 5_000  # one array parameter; more made the planner prefer a sequential scan
# 400 rows of 2 values: under the 999 variables per statement of SQLite before 3.32.
STAGED_ROWS = 400
SORT_CACHE = -2048  # KiB, see _sorting
NULL_FIELD = "\\N"  # COPY's text format for NULL


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _driver_cursor(session: Session) -> Any:
    return session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]


def insert_entries(
    session: Session, list_id: int, version_id: int, batches: Iterable[EntryColumns]
) -> int:
    """Insert the rows of ``batches`` into ``list_entry``, skipping numbers already there;
    return the count inserted."""
    # Appending to an unindexed table, then inserting in key order, is about twice as fast as
    # inserting millions of numbers in file order into the primary key's b-tree.
    _stage(session, batches)
    if _dialect(session) == "postgresql":
        # ON CONFLICT checks each row by itself (about 9 µs a row here): an anti-join on the
        # distinct rows, sorted once, costs a fraction of that.
        inserted = session.execute(
            text(
                "INSERT INTO list_entry (list_id, e164, registered_at, version_id) "
                "SELECT :list_id, s.e164, s.registered_at, :version_id FROM "
                "(SELECT DISTINCT ON (e164) e164, registered_at FROM entry_stage "
                "ORDER BY e164, ctid) AS s WHERE NOT EXISTS (SELECT 1 FROM list_entry e "
                "WHERE e.list_id = :list_id AND e.e164 = s.e164) ORDER BY s.e164"
            ),
            {"list_id": list_id, "version_id": version_id},
        ).rowcount  # type: ignore[attr-defined]
        session.execute(text("DROP TABLE entry_stage"))
        return int(inserted)
    with _sorting(session):
        inserted = _insert_ignoring(
            session,
            "list_entry (list_id, e164, registered_at, version_id) "
            "SELECT :list_id, e164, registered_at, :version_id FROM entry_stage ORDER BY e164",
            {"list_id": list_id, "version_id": version_id},
        )
    session.execute(text("DROP TABLE entry_stage"))
    return inserted


def _stage(session: Session, batches: Iterable[EntryColumns]) -> None:
    """Load the rows of ``batches`` into the unindexed temporary table ``entry_stage``."""
    session.execute(text("DROP TABLE IF EXISTS entry_stage"))
    # Bytewise on PostgreSQL, like list_entry.e164 (see suppression.models.E164_BYTES).
    collate = ' COLLATE "C"' if _dialect(session) == "postgresql" else ""
    session.execute(
        text(f"CREATE TEMPORARY TABLE entry_stage (e164 VARCHAR(16){collate}, registered_at DATE)")
    )
    cursor = _driver_cursor(session)
    if _dialect(session) == "sqlite":
        # One statement per STAGED_ROWS rows: a statement per row (executemany) costs three
        # times as much, its reset and step dominating the append itself.
        many = "INSERT INTO entry_stage (e164, registered_at) VALUES " + ",".join(
            ["(?, ?)"] * STAGED_ROWS
        )
        step = 2 * STAGED_ROWS
        for e164s, days in batches:
            values: list[str | None] = [None] * (2 * len(e164s))
            values[0::2] = e164s
            values[1::2] = days
            whole = len(values) - len(values) % step
            for start in range(0, whole, step):
                cursor.execute(many, values[start : start + step])
            cursor.executemany(
                "INSERT INTO entry_stage (e164, registered_at) VALUES (?, ?)",
                zip(values[whole::2], values[whole + 1 :: 2], strict=True),
            )
    else:  # PostgreSQL (psycopg 3): COPY, fed whole blocks of text (numbers hold no tab)
        with cursor.copy("COPY entry_stage (e164, registered_at) FROM STDIN") as copy:
            for e164s, days in batches:
                lines = [
                    f"{e164}\t{day or NULL_FIELD}" for e164, day in zip(e164s, days, strict=True)
                ]
                if lines:
                    copy.write("\n".join(lines) + "\n")
        cursor.execute("ANALYZE entry_stage")  # the planner knows a temporary table's size only so
    cursor.close()


@contextmanager
def _sorting(session: Session) -> Iterator[None]:
    """Let SQLite sort millions of rows in small runs. Its sorter keeps a run in memory up to
    the page cache's size (64 MiB in campaign.database), then merges runs from temporary files;
    one run of millions of rows is slow to sort (cache misses), 2 MiB runs take half the time."""
    if _dialect(session) != "sqlite":
        yield
        return
    cache = int(session.execute(text("PRAGMA cache_size")).scalar_one())
    session.execute(text(f"PRAGMA cache_size = {SORT_CACHE}"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA cache_size = {cache}"))


def _insert_ignoring(session: Session, into_select: str, params: dict[str, Any]) -> int:
    """``INSERT INTO <into_select>`` skipping rows whose key exists; return the rows inserted."""
    if _dialect(session) == "sqlite":
        statement = f"INSERT OR IGNORE INTO {into_select}"
    else:
        statement = f"INSERT INTO {into_select} ON CONFLICT DO NOTHING"
    return int(session.execute(text(statement), params).rowcount)  # type: ignore[attr-defined]


def replace_entries(
    session: Session, list_id: int, version_id: int, batches: Iterable[EntryColumns]
) -> tuple[int, int, int, int]:
    """Make the list hold exactly the rows of ``batches``; return (added, removed, unchanged,
    distinct rows).

    The new content is staged in a temporary table, reduced to its distinct numbers (the first
    of a number's lines in the file wins) and merged with set-based statements, so the old
    version stays whole until the caller commits.
    """
    _stage(session, batches)
    session.execute(text("DROP TABLE IF EXISTS entry_set"))
    params = {"list_id": list_id, "version_id": version_id}
    if _dialect(session) == "postgresql":
        session.execute(
            text(
                "CREATE TEMPORARY TABLE entry_set AS SELECT DISTINCT ON (e164) e164, "
                "registered_at FROM entry_stage ORDER BY e164, ctid"
            )
        )
        session.execute(text("ALTER TABLE entry_set ADD PRIMARY KEY (e164)"))
        session.execute(text("ANALYZE entry_set"))
    else:
        session.execute(
            text(
                "CREATE TEMPORARY TABLE entry_set (e164 VARCHAR(16) PRIMARY KEY, "
                "registered_at DATE)"
            )
        )
        with _sorting(session):
            _insert_ignoring(
                session, "entry_set SELECT e164, registered_at FROM entry_stage ORDER BY e164", {}
            )
    session.execute(text("DROP TABLE entry_stage"))
    distinct = int(session.execute(text("SELECT count(*) FROM entry_set")).scalar_one())
    added, removed = _merge_entry_set(session, params)
    session.execute(text("DROP TABLE entry_set"))
    return added, removed, distinct - added, distinct


def _merge_entry_set(session: Session, params: dict[str, int]) -> tuple[int, int]:
    """Make the list's entries those of ``entry_set``; return (added, removed)."""
    insert = (
        "INSERT INTO list_entry (list_id, e164, registered_at, version_id) "
        "SELECT :list_id, s.e164, s.registered_at, :version_id FROM entry_set s"
    )
    empty = (
        session.execute(
            text("SELECT 1 FROM list_entry WHERE list_id = :list_id LIMIT 1"), params
        ).first()
        is None
    )
    if empty:  # a list's first version: nothing to compare with
        added = session.execute(text(f"{insert} ORDER BY s.e164"), params).rowcount  # type: ignore[attr-defined]
        return int(added), 0
    removed = session.execute(
        text(
            "DELETE FROM list_entry WHERE list_id = :list_id AND NOT EXISTS "
            "(SELECT 1 FROM entry_set s WHERE s.e164 = list_entry.e164)"
        ),
        params,
    ).rowcount  # type: ignore[attr-defined]
    added = session.execute(
        text(
            f"{insert} WHERE NOT EXISTS (SELECT 1 FROM list_entry e "
            "WHERE e.list_id = :list_id AND e.e164 = s.e164) ORDER BY s.e164"
        ),
        params,
    ).rowcount  # type: ignore[attr-defined]
    # A newer file may carry a registration date the old one lacked or corrected.
    session.execute(
        text(
            "UPDATE list_entry SET registered_at = s.registered_at FROM entry_set s "
            "WHERE list_entry.list_id = :list_id AND list_entry.e164 = s.e164 "
            "AND s.registered_at IS NOT NULL "
            "AND (list_entry.registered_at IS NULL OR list_entry.registered_at <> s.registered_at)"
        ),
        params,
    )
    return int(added), int(removed)


def delete_entries(session: Session, list_id: int, numbers: Iterable[str]) -> int:
    """Remove ``numbers`` from the list; return how many were there."""
    removed = 0
    for batch in _batches(numbers, BATCH):
        result = session.execute(
            text("DELETE FROM list_entry WHERE list_id = :list_id AND e164 = :e164"),
            [{"list_id": list_id, "e164": e164} for e164 in batch],
        )
        removed += int(result.rowcount)  # type: ignore[attr-defined]
    return removed


Listed = dict[str, list[tuple[int, int, date | None]]]


def refresh_statistics(session: Session) -> None:
    """After a bulk change of the lists, on PostgreSQL: tell the planner what ``list_entry``
    now holds. Until autovacuum gets to it, a table just loaded with millions of rows has no
    statistics, and screening's lookups (``e164 = ANY(...)``) were planned as sequential scans,
    twice as slow as the index. (SQLite plans these lookups on the primary key regardless.)"""
    if _dialect(session) == "postgresql":
        session.execute(text("ANALYZE list_entry"))


def find_listed(session: Session, numbers: Sequence[str], list_ids: Sequence[int]) -> Listed:
    """Which of ``numbers`` are on the lists: e164 -> [(list_id, version_id, registered_at)]."""
    cursor = _driver_cursor(session)
    try:
        return find_listed_with(cursor, numbers, list_ids, sqlite=_dialect(session) == "sqlite")
    finally:
        cursor.close()


def find_listed_with(
    cursor: Any, numbers: Sequence[str], list_ids: Sequence[int], *, sqlite: bool
) -> Listed:
    """``find_listed`` on a driver cursor: also used by the screening helper process, which has a
    connection of its own."""
    found: Listed = {}
    if not numbers or not list_ids:
        return found
    id_list = ",".join(str(int(i)) for i in list_ids)
    query = (
        "SELECT e164, list_id, version_id, registered_at FROM list_entry "
        f"WHERE list_id IN ({id_list}) AND"
    )
    for e164, list_id, version_id, registered_at in _select_in_with(
        cursor, query, "e164", numbers, sqlite=sqlite
    ):
        if isinstance(registered_at, str):
            registered_at = date.fromisoformat(registered_at)
        found.setdefault(e164, []).append((list_id, version_id, registered_at))
    return found


def select_in(
    session: Session, query: str, column: str, values: Sequence[str]
) -> Iterator[tuple[Any, ...]]:
    """Run ``query`` + `` column IN (values)`` in batches, straight on the driver: compiling an
    SQLAlchemy statement with thousands of parameters costs more than the lookup itself."""
    cursor = _driver_cursor(session)
    try:
        sqlite = _dialect(session) == "sqlite"
        yield from _select_in_with(cursor, query, column, values, sqlite=sqlite)
    finally:
        cursor.close()


def _select_in_with(
    cursor: Any, query: str, column: str, values: Sequence[str], *, sqlite: bool
) -> Iterator[tuple[Any, ...]]:
    for batch in _batches(values, BATCH if sqlite else PG_BATCH):
        if sqlite:
            marks = ",".join("?" * len(batch))
            cursor.execute(f"{query} {column} IN ({marks})", batch)
        else:
            cursor.execute(f"{query} {column} = ANY(%s)", (batch,))
        yield from cursor.fetchall()


def lock_numbers(session: Session, numbers: Sequence[str]) -> None:
    """Serialise writers on the same numbers until the transaction ends: two agents logging a
    call to one number at the same moment must see each other's call (the attempt cap). On
    PostgreSQL, transaction-scoped advisory locks, taken in sorted order (no deadlock); SQLite
    needs nothing, its writers already hold the database's write lock (BEGIN IMMEDIATE)."""
    if _dialect(session) != "postgresql" or not numbers:
        return
    session.execute(
        text(
            "SELECT pg_advisory_xact_lock(hashtext(n)) "
            "FROM (SELECT n FROM unnest(CAST(:numbers AS text[])) AS n ORDER BY n) AS sorted"
        ),
        {"numbers": sorted(set(numbers))},
    )
