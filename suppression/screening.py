"""Screen a prospect file against opposition lists and the company's opt-outs.

Every input row lands in exactly one output: callable, blocked (which list, which version, the
entry's source) or rejected (the normalisation reason code). The file is streamed in chunks;
each chunk's numbers are looked up in the database with set-based queries, so memory stays flat
whatever the file's or the list's size. Every run is recorded in the audit log (F1, U7).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suppression import audit, bulk
from suppression.bulk import Listed
from suppression.columns import find_phone_column
from suppression.csvout import FORMULA_FIRST, SafeCsvWriter, neutralize_cell
from suppression.lists import ListStatus, select_lists
from suppression.models import ListVersion
from suppression.optouts import find_optouts, optout_count
from suppression.phone import Rejection
from suppression.pipeline import (
    Normalised,
    mapped_chunks,
    normalise_chunk,
    normalised_chunks,
    paused_gc,
    worth_parallel,
)
from suppression.tabular import TableReader, open_table

CHUNK_ROWS = 20_000
ADDED_COLUMNS = ("e164", "status", "reason")
OUTPUTS = ("callable", "blocked", "rejected")


@dataclass(frozen=True)
class OutputFile:
    path: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class ScreeningResult:
    run_id: int
    input: str
    input_sha256: str
    input_rows: int
    callable: int
    blocked: int
    rejected: int
    outputs: dict[str, OutputFile]
    lists: list[ListStatus]
    allow_stale: bool
    region: str
    column: str
    blocked_by_list: dict[str, int] = field(default_factory=dict)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def conserved(self) -> bool:
        return self.input_rows == self.callable + self.blocked + self.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "input": self.input,
            "input_sha256": self.input_sha256,
            "input_rows": self.input_rows,
            "callable": self.callable,
            "blocked": self.blocked,
            "rejected": self.rejected,
            "outputs": {name: vars(out) for name, out in self.outputs.items()},
            "lists": [status.as_dict() for status in self.lists],
            "allow_stale": self.allow_stale,
            "region": self.region,
            "column": self.column,
            "blocked_by_list": self.blocked_by_list,
            "rejected_by_reason": self.rejected_by_reason,
        }


def default_output(path: Path, kind: str) -> Path:
    return path.with_name(f"{path.stem}.{kind}.csv")


def screen_file(
    session: Session,
    path: str | Path,
    *,
    column: str | None = None,
    region: str = "FR",
    output: str | Path | None = None,
    blocked: str | Path | None = None,
    rejected: str | Path | None = None,
    lists: Sequence[str] | None = None,
    allow_stale: bool = False,
    encoding: str | None = None,
    now: datetime,
    progress: Callable[[float], None] | None = None,
    parallel: bool | None = None,
) -> ScreeningResult:
    """Screen ``path``; write the three outputs (defaults next to the input) and record the run.

    ``parallel`` normalises numbers in a helper process (default: for files of 16 MB and more
    on machines with two cores or more); the result is the same either way.
    """
    source = Path(path)
    chosen = select_lists(session, lists, now=now, allow_stale=allow_stale)
    names = {status.list_id: status.name for status in chosen}
    targets = {
        "callable": Path(output) if output else default_output(source, "callable"),
        "blocked": Path(blocked) if blocked else default_output(source, "blocked"),
        "rejected": Path(rejected) if rejected else default_output(source, "rejected"),
    }
    with open_table(source, encoding=encoding) as table:
        header = list(table.info.header)
        index = find_phone_column(header, column, file=str(source))
        out_header = header + list(ADDED_COLUMNS)
        writers = {kind: SafeCsvWriter(targets[kind], out_header) for kind in OUTPUTS}
        screen = _ChunkScreen(
            session, len(header), names, _version_numbers(session, names), writers
        )
        chunks = _chunks(table, index)
        helper = worth_parallel(source, parallel)
        database = _helper_source(session) if helper else None
        expected = {status.list_id: status.version_id for status in chosen}
        try:
            with paused_gc():
                if database is None:
                    for chunk, numbers in normalised_chunks(chunks, region, parallel=helper):
                        screen(chunk, numbers)
                        if progress is not None:
                            progress(table.progress())
                else:
                    args = (region, database, sorted(expected))
                    # A helper waiting for the server leaves its core idle: a second one
                    # normalises the next chunk meanwhile.
                    helpers = 2 if database.startswith("postgresql:") else 1
                    mapped = mapped_chunks(
                        lookup_chunk, chunks, args, parallel=True, helpers=helpers
                    )
                    for chunk, found in mapped:
                        numbers, listed, versions = found
                        # The helper reads committed data through its own connection: if it
                        # saw other list versions (an import committed meanwhile, or this
                        # transaction's own uncommitted one), this process looks up itself.
                        screen(chunk, numbers, listed if versions == expected else None)
                        if progress is not None:
                            progress(table.progress())
        except BaseException:
            # No output that looks complete may be left behind by a failed run.
            for writer in writers.values():
                writer.discard()
            raise
        hashes = {kind: writer.close() for kind, writer in writers.items()}
        counts, by_list, by_reason = screen.counts, screen.by_list, screen.by_reason
        if progress is not None:
            progress(1.0)
        info = table.info
    outputs = {kind: OutputFile(str(targets[kind]), counts[kind], hashes[kind]) for kind in OUTPUTS}
    payload = {
        "input": str(source),
        "input_sha256": info.sha256,
        "encoding": info.encoding,
        "input_rows": sum(counts.values()),
        "counts": {kind: counts[kind] for kind in OUTPUTS},
        "outputs": {kind: vars(out) for kind, out in outputs.items()},
        "lists": [status.as_dict() for status in chosen],
        "flags": {
            "allow_stale": allow_stale,
            "region": region,
            "column": header[index],
            "lists": list(lists) if lists is not None else None,
        },
    }
    run = audit.record(session, "screening", payload, at=now)
    return ScreeningResult(
        run_id=run.id,
        input=str(source),
        input_sha256=info.sha256,
        input_rows=sum(counts.values()),
        callable=counts["callable"],
        blocked=counts["blocked"],
        rejected=counts["rejected"],
        outputs=outputs,
        lists=chosen,
        allow_stale=allow_stale,
        region=region,
        column=header[index],
        blocked_by_list=dict(by_list),
        rejected_by_reason=dict(by_reason),
    )


_connections: dict[str, Any] = {}


def _helper_source(session: Session) -> str | None:
    """Where a helper process can read the lists with a connection of its own: a SQLite file
    (``sqlite:PATH``) or a PostgreSQL server (``postgresql:CONNINFO``); None for memory."""
    url = session.get_bind().engine.url
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return f"sqlite:{Path(url.database).resolve()}"
    if backend == "postgresql":
        return "postgresql:" + url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
    return None


def _helper_connection(source: str) -> Any:
    connection = _connections.get(source)
    if connection is None:
        kind, _, where = source.partition(":")
        if kind == "sqlite":
            connection = sqlite3.connect(f"file:{where}?mode=ro", uri=True)
            connection.isolation_level = None
        else:
            import psycopg  # only needed in team mode

            connection = psycopg.connect(where, autocommit=True)
        _connections[source] = connection
    return connection


def lookup_chunk(
    raws: list[str], region: str, source: str, list_ids: list[int]
) -> tuple[Normalised, Listed, dict[int, int | None]]:
    """In the helper process: normalise a chunk and look its numbers up in the lists, through a
    read-only connection of its own; also say which list versions it saw."""
    connection = _helper_connection(source)
    sqlite = source.startswith("sqlite:")
    numbers = normalise_chunk(raws, region)
    unique = sorted({n for n in numbers if isinstance(n, str)})
    ids = ",".join(str(int(i)) for i in list_ids)
    cursor = connection.cursor()
    # One snapshot for the versions and the entries.
    cursor.execute("BEGIN" if sqlite else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        cursor.execute(f"SELECT id, current_version_id FROM opposition_list WHERE id IN ({ids})")
        versions = dict(cursor.fetchall())
        listed = bulk.find_listed_with(cursor, unique, list_ids, sqlite=sqlite)
    finally:
        cursor.execute("COMMIT")
        cursor.close()
    return numbers, listed, versions


def _version_numbers(session: Session, list_ids: Iterable[int]) -> dict[int, int]:
    """Version id -> its number within its list, for the reasons written in the outputs."""
    query = select(ListVersion.id, ListVersion.number).where(ListVersion.list_id.in_(list_ids))
    return {version_id: number for version_id, number in session.execute(query)}


def _chunks(table: TableReader, index: int) -> Iterator[tuple[list[list[str]], list[str]]]:
    """The table's rows in chunks, each with the cells of its number column (every row has at
    least the header's width: the reader pads short ones)."""
    rows = iter(table)
    column = itemgetter(index)
    while chunk := [cells for _, cells in islice(rows, CHUNK_ROWS)]:
        yield chunk, list(map(column, chunk))


class _ChunkScreen:
    """Screens chunks of rows and writes each row to its output, counting as it goes."""

    def __init__(
        self,
        session: Session,
        width: int,
        names: dict[int, str],
        versions: dict[int, int],
        writers: dict[str, SafeCsvWriter],
    ) -> None:
        self.session, self.width, self.names, self.writers = session, width, names, writers
        self.versions = versions
        self.counts: Counter[str] = Counter()
        self.by_list: Counter[str] = Counter()
        self.by_reason: Counter[str] = Counter()
        self.pending: dict[str, list[list[str]]] = {kind: [] for kind in ("blocked", "rejected")}
        self.callable_rows: list[list[str] | str] = []  # neutralised cells, or plain lines
        self.delimiter = writers["callable"].delimiter
        self.any_optouts = optout_count(session) > 0

    def _write(self, kind: str, cells: list[str], e164: str, reason: str) -> None:
        # Cells beyond the header's width (ragged rows) stay after the added columns.
        width = self.width
        row = [*cells[:width], e164, kind, reason, *cells[width:]]
        if kind == "callable":  # with the fast path's rows, in order, neutralised likewise
            self.callable_rows.append([neutralize_cell(cell) for cell in row])
            return
        self.counts[kind] += 1
        self.pending[kind].append(row)

    def __call__(
        self, chunk: list[list[str]], numbers: Normalised, listed: Listed | None = None
    ) -> None:
        unique = list({n for n in numbers if isinstance(n, str)})
        if listed is None:
            listed = bulk.find_listed(self.session, unique, list(self.names))
        # Most companies' opt-out lists are empty or small: skip the lookup when there is none.
        opted = find_optouts(self.session, unique) if self.any_optouts else {}
        width, callable_rows, first = self.width, self.callable_rows, FORMULA_FIRST
        plain, delimiter = self.writers["callable"].plain_line, self.delimiter
        for cells, e164 in zip(chunk, numbers, strict=True):
            # The common case first, without method calls: most rows are callable and regular.
            # They are made ready to write here: a plain line when no cell needs neutralising
            # nor quoting, else their cells neutralised (the e164 always starts with "+").
            if e164.__class__ is str and e164 not in listed and e164 not in opted:
                if len(cells) == width:
                    line = plain(cells)
                    if line is not None:
                        callable_rows.append(
                            f"{line}{delimiter}'{e164}{delimiter}callable{delimiter}"
                        )
                        continue
                    row = ["'" + cell if cell[:1] in first else cell for cell in cells]
                    row += ("'" + e164, "callable", "")
                    callable_rows.append(row)
                    continue
                self._write("callable", cells, e164, "")
                continue
            if isinstance(e164, Rejection):
                self.by_reason[e164.reason] += 1
                self._write("rejected", cells, "", e164.reason)
                continue
            reasons = []
            optout = opted.get(e164)
            if optout is not None:
                since = optout.since.date().isoformat()
                if optout.source == "erasure":
                    self.by_list["erased"] += 1
                    reasons.append(f"erased on request (since {since})")
                else:
                    self.by_list["optout"] += 1
                    reasons.append(f"optout (since {since}, source {optout.source})")
            for list_id, version_id, registered_at in listed.get(e164, ()):
                self.by_list[self.names[list_id]] += 1
                number = self.versions[version_id]
                text = f"list {self.names[list_id]} (entry added by version {number}"
                if registered_at is not None:
                    text += f", registered {registered_at.isoformat()}"
                reasons.append(text + ")")
            if reasons:
                self._write("blocked", cells, e164, "; ".join(reasons))
            else:
                self._write("callable", cells, e164, "")
        self.counts["callable"] += len(callable_rows)
        self.writers["callable"].write_neutralised(callable_rows)
        callable_rows.clear()
        for kind, rows in self.pending.items():
            self.writers[kind].write_many(rows)
            rows.clear()
