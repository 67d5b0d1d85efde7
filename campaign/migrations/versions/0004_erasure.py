"""GDPR erasure: erased numbers kept as keyed hashes; no number left readable in the audit log.

Adds ``erased_number`` (the HMAC-SHA256 of each erased number under the database's secret,
``setting.erasure_key``, made here if the log needs it, else at first use). From this version
on, audit payloads name numbers by pseudonym (``suppression.erasure``); this migration rewrites
the older records the same way and recomputes their hashes, so that erasing a number never has
to touch the chain.
Only the part of the chain that verifies is rewritten: a record that was already edited,
deleted or reordered is still reported by ``campaign audit verify``. A last record,
``audit_pseudonymised``, names the first rewritten record and the former head hash, so an
export taken before the upgrade can still be matched. The rewrite cannot be undone (downgrade
only drops the table).

The hashing below is a frozen copy of ``suppression.audit`` and ``suppression.erasure`` as of
this revision: later changes to those modules must not change what this migration did.

Revision ID: 0004_erasure
Revises: 0003_list_entry_no_fk
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004_erasure"
down_revision = "0003_list_entry_no_fk"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
E164_IN_TEXT = re.compile(r"(?<![\d+])\+[1-9]\d{5,14}(?!\d)")

setting = sa.table(
    "setting",
    sa.column("key", sa.String),
    sa.column("value", sa.Text),
    sa.column("updated_at", sa.DateTime),
)
audit_record = sa.table(
    "audit_record",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("kind", sa.String),
    sa.column("payload", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _hash(prev_hash: str, kind: str, at: datetime, payload: Any) -> str:
    canonical = json.dumps(
        {"kind": kind, "at": at.isoformat(), "payload": payload},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    ).encode("utf-8")
    return hashlib.sha256(prev_hash.encode("ascii") + canonical).hexdigest()


def _pseudonymise(key: bytes, payload: Any) -> Any:
    if isinstance(payload, str):
        return E164_IN_TEXT.sub(
            lambda m: "#" + hmac.digest(key, m.group().encode(), hashlib.sha256).hex()[:15],
            payload,
        )
    if isinstance(payload, dict):
        return {_pseudonymise(key, k): _pseudonymise(key, v) for k, v in payload.items()}
    if isinstance(payload, list):
        return [_pseudonymise(key, item) for item in payload]
    return payload


def _key(connection: sa.Connection, now: datetime) -> bytes:
    found = connection.scalar(sa.select(setting.c.value).where(setting.c.key == "erasure_key"))
    if found is None:
        found = secrets.token_hex(32)
        connection.execute(
            sa.insert(setting).values(key="erasure_key", value=found, updated_at=now)
        )
    return bytes.fromhex(found)


def upgrade() -> None:
    op.create_table(
        "erased_number",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_erased_number")),
    )
    connection = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    records = connection.execute(sa.select(audit_record).order_by(audit_record.c.id)).all()
    if not any(E164_IN_TEXT.search(json.dumps(record.payload)) for record in records):
        return  # nothing to rewrite; the key is created at first use
    key = _key(connection, now)
    old_prev, new_prev = GENESIS_HASH, GENESIS_HASH
    rewritten: list[int] = []
    for record in records:
        at = record.at.replace(tzinfo=UTC)
        if record.prev_hash != old_prev or record.hash != _hash(
            old_prev, record.kind, at, record.payload
        ):
            break  # already broken: left as it is, so verify still reports it
        payload = _pseudonymise(key, record.payload)
        new_hash = _hash(new_prev, record.kind, at, payload)
        if rewritten or payload != record.payload:
            connection.execute(
                sa.update(audit_record)
                .where(audit_record.c.id == record.id)
                .values(payload=payload, prev_hash=new_prev, hash=new_hash)
            )
            rewritten.append(record.id)
        old_prev, new_prev = record.hash, new_hash
    if not rewritten:
        return
    last = connection.execute(
        sa.select(audit_record.c.hash).order_by(audit_record.c.id.desc()).limit(1)
    ).scalar_one()
    payload = {"first_record": rewritten[0], "records": len(rewritten), "previous_head": old_prev}
    at = now.replace(tzinfo=UTC)
    connection.execute(
        sa.insert(audit_record).values(
            at=now,
            kind="audit_pseudonymised",
            payload=payload,
            prev_hash=last,
            hash=_hash(last, "audit_pseudonymised", at, payload),
        )
    )


def downgrade() -> None:
    op.drop_table("erased_number")
