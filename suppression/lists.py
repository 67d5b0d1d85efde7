"""Opposition lists: import a file as a new version, and tell whether each list is fresh.

A full import replaces the list's content in the caller's transaction: if anything fails the
previous version stays whole and in use. A delta import (``ADD,``/``DEL,`` lines) changes it.
Importing the same file as the current version again changes nothing and says so; it does not
make the list fresher either, since its content is no newer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suppression import audit, bulk
from suppression.errors import (
    InvalidArgumentError,
    ListFileError,
    StaleListError,
    UnknownListError,
)
from suppression.listfiles import (
    DEFAULT_REGION,
    FORMATS,
    BadLine,
    LineRun,
    ListLine,
    detect_format,
    read_list_runs,
)
from suppression.models import ListVersion, OppositionList
from suppression.phone import e164s_or_rejections
from suppression.pipeline import mapped_chunks, paused_gc
from suppression.tabular import file_sha256

# F2 (Bloctel files valid 30 days), U1 (US registry 31 days), O1 (TPS 28 days), O2 (DNCL 31):
# the default is the strictest common value; each list keeps its own, set with --max-age-days.
DEFAULT_MAX_AGE_DAYS = 30
MODES = ("full", "delta")
FIRST_LINES_KEPT = 10
CHUNK_LINES = 20_000
_ISO_DAYS_MAX = 100_000


@dataclass(frozen=True)
class ImportResult:
    list_name: str
    file_name: str
    sha256: str
    format: str
    mode: str
    region: str
    version_id: int | None
    version: int | None
    already_imported: bool
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    entries: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    first_rejected_lines: dict[str, list[int]] = field(default_factory=dict)
    undated: int = 0  # numbers kept although their registration date could not be read

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.list_name,
            "file": self.file_name,
            "sha256": self.sha256,
            "format": self.format,
            "mode": self.mode,
            "region": self.region,
            "version_id": self.version_id,
            "version": self.version,
            "already_imported": self.already_imported,
            "added": self.added,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "entries": self.entries,
            "rejected_by_reason": self.rejected_by_reason,
            "first_rejected_lines": self.first_rejected_lines,
            "undated": self.undated,
        }


@dataclass(frozen=True)
class ListStatus:
    list_id: int
    name: str
    entries: int
    max_age_days: int
    version_id: int | None
    version: int | None
    region: str | None  # the region its numbers were read in: which country's list it is
    last_import: datetime | None
    last_file: str | None
    last_sha256: str | None
    age_days: float | None

    @property
    def fresh(self) -> bool:
        return self.age_days is not None and self.age_days <= self.max_age_days

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "entries": self.entries,
            "max_age_days": self.max_age_days,
            "version_id": self.version_id,
            "version": self.version,
            "region": self.region,
            "last_import": None if self.last_import is None else self.last_import.isoformat(),
            "last_file": self.last_file,
            "last_sha256": self.last_sha256,
            "age_days": None if self.age_days is None else round(self.age_days, 2),
            "fresh": self.fresh,
        }


class _Tally:
    """Counts what a file's lines became while they stream to the database."""

    def __init__(self) -> None:
        self.valid = 0
        self.rejected: Counter[str] = Counter()
        self.first_lines: dict[str, list[int]] = {}
        # Numbers kept whose registration date could not be read ("bad_date" lines).
        self.undated = 0

    def reject(self, reason: str, line: int) -> None:
        if reason == "bad_date":
            self.undated += 1
            return
        self.rejected[reason] += 1
        lines = self.first_lines.setdefault(reason, [])
        if len(lines) < FIRST_LINES_KEPT:
            lines.append(line)


# A chunk for the normaliser: (line number and registration date of each raw, raws). Runs of
# clean lines come as ranges and lists already, so 5M lines cost no per-line work here.
_Chunk = tuple[tuple[Sequence[int], list[date | None]], list[str]]


def _chunks(
    items: Iterator[LineRun | ListLine | BadLine], tally: _Tally, action: str | None
) -> Iterator[_Chunk]:
    lines: list[int] = []
    raws: list[str] = []
    days: list[date | None] = []
    for item in items:
        if isinstance(item, LineRun):
            if action == "remove":  # a run holds lines to add
                continue
            if raws:  # in file order, so that the first of two duplicates stays first
                yield (lines, days), raws
                lines, raws, days = [], [], []
            first = item.first_line
            yield (range(first, first + len(item.raws)), item.registered_at), item.raws
        elif isinstance(item, BadLine):
            tally.reject(item.reason, item.line)
        elif action is None or item.action == action:
            lines.append(item.line)
            raws.append(item.raw)
            days.append(item.registered_at)
            if len(raws) == CHUNK_LINES:
                yield (lines, days), raws
                lines, raws, days = [], [], []
    if raws:
        yield (lines, days), raws


_iso_days: dict[date | None, str | None] = {None: None}


def _iso(days: list[date | None]) -> list[str | None]:
    """The ISO text of each day, as the database stores it: the few distinct days of a list are
    converted once."""
    if len(_iso_days) > _ISO_DAYS_MAX:
        _iso_days.clear()
        _iso_days[None] = None
    for day in set(days).difference(_iso_days):
        _iso_days[day] = day.isoformat()  # type: ignore[union-attr]
    return list(map(_iso_days.__getitem__, days))


def _entry_batches(
    items: Iterator[LineRun | ListLine | BadLine],
    region: str,
    tally: _Tally,
    action: str | None,
    parallel: bool,
) -> Iterator[bulk.EntryColumns]:
    """The e164 numbers of the file and their ISO registration dates, a chunk at a time; each
    refused number is counted with its line."""
    chunks = _chunks(items, tally, action)
    for (lines, days), (e164s, refused) in mapped_chunks(
        e164s_or_rejections, chunks, (region,), parallel=parallel
    ):
        registered = _iso(days)
        if refused:
            for index, rejection in refused:
                tally.reject(rejection.reason, lines[index])
            gone = {index for index, _ in refused}
            registered = [day for index, day in enumerate(registered) if index not in gone]
        tally.valid += len(e164s)
        yield e164s, registered


def _get_list(session: Session, name: str) -> OppositionList | None:
    return session.scalars(select(OppositionList).where(OppositionList.name == name)).first()


def import_list(
    session: Session,
    path: str | Path,
    *,
    list_name: str,
    format: str = "auto",
    mode: str = "full",
    region: str | None = None,
    max_age_days: int | None = None,
    column: str | None = None,
    now: datetime,
    parallel: bool | None = None,
) -> ImportResult:
    """Import ``path`` into the list ``list_name`` (created on first import) as a new version.

    Numbers are normalised in bulk in this process: that is about a tenth of the work of a big
    import, less than handing chunks to a helper process costs on a busy two-core machine.
    ``parallel=True`` still sends them to one (see ``suppression.pipeline``).
    """
    if format not in FORMATS:
        raise InvalidArgumentError(
            f"unknown list format {format!r}", hint=f"use one of {', '.join(FORMATS)}"
        )
    if mode not in MODES:
        raise InvalidArgumentError(f"unknown import mode {mode!r}", hint="use full or delta")
    if max_age_days is not None and max_age_days < 1:
        raise InvalidArgumentError("--max-age-days must be at least 1")
    if not list_name or len(list_name) > 64:
        raise InvalidArgumentError("a list name must be 1 to 64 characters")
    file_name = str(path)
    sha = file_sha256(path)
    if format == "auto":
        # A named column only makes sense for a delimited file.
        fmt = "csv" if column is not None else detect_format(path, mode=mode)
    else:
        fmt = format
    region = region or DEFAULT_REGION.get(fmt, "FR")

    opposition = _get_list(session, list_name)
    current = None
    if opposition is not None and opposition.current_version_id is not None:
        current = session.get(ListVersion, opposition.current_version_id)
    if current is not None and current.sha256 == sha:
        return ImportResult(
            list_name,
            file_name,
            sha,
            fmt,
            mode,
            region,
            current.id,
            current.number,
            True,
            entries=current.entries,
        )
    if mode == "delta" and current is None:
        raise ListFileError(
            f"list {list_name!r} has no full import yet, so a delta has nothing to apply to",
            file=file_name,
            hint="import a full file first (--mode full)",
        )
    if opposition is None:
        opposition = OppositionList(
            name=list_name, max_age_days=max_age_days or DEFAULT_MAX_AGE_DAYS, created_at=now
        )
        session.add(opposition)
        session.flush()
    elif max_age_days is not None:
        opposition.max_age_days = max_age_days

    version = ListVersion(
        list_id=opposition.id,
        number=(current.number if current is not None else 0) + 1,
        file_name=file_name,
        sha256=sha,
        format=fmt,
        mode=mode,
        region=region,
        imported_at=now,
    )
    session.add(version)
    session.flush()

    tally = _Tally()
    previous_entries = current.entries if current is not None else 0
    parallel = bool(parallel)
    with paused_gc():
        if mode == "full":
            items = read_list_runs(path, format=fmt, mode="full", column=column)
            rows = _entry_batches(items, region, tally, None, parallel)
            if previous_entries == 0:
                added = bulk.insert_entries(session, opposition.id, version.id, rows)
                removed, unchanged, distinct = 0, 0, added
            else:
                added, removed, unchanged, distinct = bulk.replace_entries(
                    session, opposition.id, version.id, rows
                )
            entries, duplicates, usable = distinct, tally.valid - distinct, tally.valid
        else:
            # Removals first, so a number both removed and re-added in one file ends up listed.
            removals = _Tally()
            items = read_list_runs(path, format=fmt, mode="delta")
            batches = _entry_batches(items, region, removals, "remove", parallel)
            gone = (e164 for e164s, _ in batches for e164 in e164s)
            removed = bulk.delete_entries(session, opposition.id, gone)
            items = read_list_runs(path, format=fmt, mode="delta")
            adds = _entry_batches(items, region, tally, "add", parallel)
            added = bulk.insert_entries(session, opposition.id, version.id, adds)
            unchanged, duplicates = tally.valid - added, 0
            entries = previous_entries - removed + added
            usable = tally.valid + removals.valid
        bulk.refresh_statistics(session)

    if usable == 0:
        raise ListFileError(
            f"no usable number in the list file ({sum(tally.rejected.values())} lines rejected: "
            + ", ".join(f"{reason} {count}" for reason, count in tally.rejected.most_common())
            + ")",
            file=file_name,
            hint="check --format and --region; the list was left as it was",
        )
    version.added, version.removed, version.unchanged = added, removed, unchanged
    version.duplicates, version.entries = duplicates, entries
    version.rejected = sum(tally.rejected.values())
    version.rejected_detail = {
        "by_reason": dict(tally.rejected),
        "first_lines": tally.first_lines,
        "undated": tally.undated,
    }
    opposition.current_version_id = version.id
    result = ImportResult(
        list_name,
        file_name,
        sha,
        fmt,
        mode,
        region,
        version.id,
        version.number,
        False,
        added=added,
        removed=removed,
        unchanged=unchanged,
        duplicates=duplicates,
        rejected=version.rejected,
        entries=entries,
        rejected_by_reason=dict(tally.rejected),
        first_rejected_lines=tally.first_lines,
        undated=tally.undated,
    )
    audit.record(session, "list_import", result.as_dict(), at=now)
    return result


def list_statuses(session: Session, *, now: datetime) -> list[ListStatus]:
    """Every list with its size, last import and age, by name."""
    statuses = []
    for opposition in session.scalars(select(OppositionList).order_by(OppositionList.name)):
        version = (
            session.get(ListVersion, opposition.current_version_id)
            if opposition.current_version_id is not None
            else None
        )
        statuses.append(
            ListStatus(
                list_id=opposition.id,
                name=opposition.name,
                entries=version.entries if version else 0,
                max_age_days=opposition.max_age_days,
                version_id=version.id if version else None,
                version=version.number if version else None,
                region=version.region if version else None,
                last_import=version.imported_at if version else None,
                last_file=version.file_name if version else None,
                last_sha256=version.sha256 if version else None,
                age_days=(now - version.imported_at).total_seconds() / 86400 if version else None,
            )
        )
    return statuses


def lists_of_region(session: Session, region: str, *, now: datetime) -> list[ListStatus]:
    """The imported lists whose numbers were read in ``region``: a country's lists. A French list
    says nothing about a US number and must never make it look screened."""
    return [
        s
        for s in list_statuses(session, now=now)
        if s.version_id is not None and s.region == region
    ]


def select_lists(
    session: Session, names: Sequence[str] | None, *, now: datetime, allow_stale: bool = False
) -> list[ListStatus]:
    """The lists a screening relies on (all when ``names`` is None), refused when stale."""
    statuses = list_statuses(session, now=now)
    by_name = {status.name: status for status in statuses}
    if names is None:
        chosen = [status for status in statuses if status.version_id is not None]
        if not chosen:
            raise UnknownListError(
                "no opposition list has been imported, so nothing can be screened",
                hint="import one first: campaign lists import FILE --list NAME",
            )
    else:
        missing = [name for name in names if name not in by_name]
        if missing:
            known = ", ".join(by_name) or "none"
            raise UnknownListError(
                f"unknown list {missing[0]!r} (known lists: {known})",
                hint="check --lists or import it with campaign lists import FILE --list NAME",
            )
        chosen = [by_name[name] for name in names]
    stale = [status for status in chosen if not status.fresh]
    if stale and not allow_stale:
        status = stale[0]
        age = "never" if status.age_days is None else f"{status.age_days:.0f} days ago"
        raise StaleListError(
            f"list {status.name!r} was last imported {age}, "
            f"more than its maximum age of {status.max_age_days} days",
            hint="import a fresh copy (campaign lists import), or pass --allow-stale "
            "to screen anyway (the run record keeps that)",
        )
    return chosen
