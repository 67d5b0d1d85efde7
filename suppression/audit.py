"""The audit log: every list import, screening and opt-out change, hash-chained.

Each record stores the SHA-256 of the previous record's hash and of its own canonical content,
so editing, deleting or reordering a record breaks the chain (``verify_chain`` finds where).
This is the proof a company shows when asked whether it screened (F1, U7).

Payloads never hold a readable phone number: ``record`` writes each one as its pseudonym (a
keyed hash, see ``suppression.erasure``), so erasing a person never has to edit the chain, and an
export handed to an auditor carries no customer's number. ``list_records(about=...)`` finds the
records that name a given number.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suppression import erasure
from suppression.models import AuditRecord

GENESIS_HASH = "0" * 64


def _canonical(kind: str, at: datetime, payload: dict[str, Any]) -> bytes:
    return json.dumps(
        {"kind": kind, "at": at.isoformat(), "payload": payload},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    ).encode("utf-8")


def record_hash(prev_hash: str, kind: str, at: datetime, payload: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + _canonical(kind, at, payload)).hexdigest()


def record(session: Session, kind: str, payload: dict[str, Any], *, at: datetime) -> AuditRecord:
    """Append one record to the log and return it (flushed, so its id is known)."""
    # The database keeps UTC: hash the moment as it will be read back, whatever its zone.
    at = at.astimezone(UTC)
    # Round-trip through JSON so the stored payload and the hashed payload are the same thing.
    key = erasure.database_key(session)
    assert key is not None
    payload = erasure.pseudonymise(key, json.loads(json.dumps(payload, default=str)))
    last = session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).first()
    prev_hash = last.hash if last is not None else GENESIS_HASH
    entry = AuditRecord(
        at=at,
        kind=kind,
        payload=payload,
        prev_hash=prev_hash,
        hash=record_hash(prev_hash, kind, at, payload),
    )
    session.add(entry)
    session.flush()
    return entry


def list_records(
    session: Session,
    *,
    kind: str | None = None,
    limit: int | None = None,
    about: str | None = None,
) -> Sequence[AuditRecord]:
    """The records, oldest first: of one ``kind``, naming the number ``about`` (E.164, found
    by its pseudonym), only the last ``limit``."""
    query = select(AuditRecord).order_by(AuditRecord.id)
    if kind is not None:
        query = query.where(AuditRecord.kind == kind)
    if about is not None:
        key = erasure.database_key(session, create=False)
        wanted = erasure.pseudonym(key, about) if key is not None else None
        found = [
            entry
            for entry in session.scalars(query)
            if wanted is not None and wanted in json.dumps(entry.payload)
        ]
        return found[-limit:] if limit is not None else found
    if limit is not None:
        query = query.order_by(None).order_by(AuditRecord.id.desc()).limit(limit)
        return list(reversed(session.scalars(query).all()))
    return session.scalars(query).all()


@dataclass(frozen=True)
class ChainCheck:
    records: int
    first_bad_id: int | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain(session: Session) -> ChainCheck:
    """Recompute every hash; report the first record that was edited, deleted or reordered."""
    prev_hash = GENESIS_HASH
    count = 0
    for entry in session.scalars(select(AuditRecord).order_by(AuditRecord.id)):
        count += 1
        if entry.prev_hash != prev_hash:
            return ChainCheck(count, entry.id, "a record before it was deleted or reordered")
        if entry.hash != record_hash(prev_hash, entry.kind, entry.at, entry.payload):
            return ChainCheck(count, entry.id, "its content was edited")
        prev_hash = entry.hash
    return ChainCheck(count, None, None)


def export_lines(session: Session) -> Iterator[str]:
    """The whole log as JSON lines, oldest first, each with its hashes: enough for anyone to
    recompute the chain (``record_hash``) without this tool."""
    for entry in session.scalars(select(AuditRecord).order_by(AuditRecord.id)):
        yield json.dumps(
            {
                "id": entry.id,
                "at": entry.at.isoformat(),
                "kind": entry.kind,
                "payload": entry.payload,
                "prev_hash": entry.prev_hash,
                "hash": entry.hash,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
