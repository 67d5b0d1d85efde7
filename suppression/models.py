"""Database tables owned by the suppression library.

Numbers are stored once, normalised to E.164. An opposition list has versions (one per import,
with the file's SHA-256 and counts); each entry remembers the version that added it. The
company's own opt-outs keep their history as append-only events. The audit log is hash-chained
(see ``suppression.audit``).

``Base`` is shared with the ``campaign`` package, which adds its own tables to the same metadata.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


# E.164 numbers compared byte by byte. On PostgreSQL a database's default collation (fr_FR,
# en_US, even C.UTF-8) compares text through the C library: sorting and indexing the millions
# of numbers of a list import took twice as long as with "C" (migration 0005). SQLite's default
# is already bytewise.
E164_BYTES = String(16).with_variant(String(16, collation="C"), "postgresql")


class OppositionList(Base):
    """A do-not-call list from a registry (Bloctel, US DNC, TPS...) or a purchased file."""

    __tablename__ = "opposition_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # F2 / U1 / O1 / O2: how old the last import may be before screening refuses.
    max_age_days: Mapped[int]
    created_at: Mapped[datetime]
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("list_version.id", use_alter=True)
    )

    def __repr__(self) -> str:
        return f"OppositionList(name={self.name!r}, max_age_days={self.max_age_days})"


class ListVersion(Base):
    """One import of a list file: what was read, when, and what it changed."""

    __tablename__ = "list_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("opposition_list.id"), index=True)
    number: Mapped[int]  # 1, 2, 3... within its list: what users call "version 3"
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(8))
    region: Mapped[str] = mapped_column(String(8))
    imported_at: Mapped[datetime]
    added: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    rejected_detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    def __repr__(self) -> str:
        return f"ListVersion(list_id={self.list_id}, number={self.number}, sha={self.sha256[:8]})"


class ListEntry(Base):
    """A number on a list, with the version that added it."""

    __tablename__ = "list_entry"
    # Lookups always name the lists (list_id IN ... AND e164 IN ...), which the primary key
    # serves; a second index on e164 alone would double the cost of loading millions of rows.
    # No foreign key to opposition_list either: only the bulk paths write entries, with the id
    # of the list row they hold, and a per-row check made a 5M-number load 2.5x slower on
    # PostgreSQL (migration 0003).
    __table_args__ = {"sqlite_with_rowid": False}

    list_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    e164: Mapped[str] = mapped_column(E164_BYTES, primary_key=True)
    registered_at: Mapped[date | None] = mapped_column(Date)
    version_id: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"ListEntry(list_id={self.list_id}, e164={self.e164!r})"


class OptOut(Base):
    """A number currently on the company's own do-not-call list. Opt-outs never expire."""

    __tablename__ = "opt_out"

    e164: Mapped[str] = mapped_column(String(16), primary_key=True)
    since: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))

    def __repr__(self) -> str:
        return f"OptOut(e164={self.e164!r}, source={self.source!r})"


class OptOutEvent(Base):
    """Append-only history of the company's opt-out list: nothing is silently deleted."""

    __tablename__ = "opt_out_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    e164: Mapped[str] = mapped_column(String(16), index=True)
    action: Mapped[str] = mapped_column(String(8))  # "add" | "remove"
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))

    def __repr__(self) -> str:
        return f"OptOutEvent(e164={self.e164!r}, action={self.action!r}, at={self.at!r})"


class AuditRecord(Base):
    """One entry of the hash-chained audit log: list imports, screenings, opt-out changes."""

    __tablename__ = "audit_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32), index=True)
    payload: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def __repr__(self) -> str:
        return f"AuditRecord(id={self.id}, kind={self.kind!r}, at={self.at!r})"


class ConsentEvent(Base):
    """Append-only consent ledger: a consent given, or revoked (F19, O5). A revocation newer
    than a consent wins. The proof is kept as the SHA-256 of the artefact."""

    __tablename__ = "consent_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    e164: Mapped[str] = mapped_column(String(16), index=True)
    action: Mapped[str] = mapped_column(String(8))  # "give" | "revoke"
    at: Mapped[datetime]  # when the person gave or withdrew it
    recorded_at: Mapped[datetime]
    source: Mapped[str | None] = mapped_column(String(16))  # web, paper, call, import
    wording_version: Mapped[str | None] = mapped_column(Text)
    proof_sha256: Mapped[str | None] = mapped_column(String(64))
    proof_name: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"ConsentEvent(e164={self.e164!r}, action={self.action!r}, at={self.at!r})"


class Contract(Base):
    """A contract in force with the person: calls related to it are exempt from the list and
    consent duties (F3, F19), not from hours, caps or opt-outs."""

    __tablename__ = "contract"

    id: Mapped[int] = mapped_column(primary_key=True)
    e164: Mapped[str] = mapped_column(String(16), index=True)
    until: Mapped[date]
    subject: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"Contract(e164={self.e164!r}, until={self.until!r})"


class Relationship(Base):
    """US established business relationship dates (U5): last purchase and last inquiry."""

    __tablename__ = "relationship"

    e164: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_purchase: Mapped[date | None] = mapped_column(Date)
    last_inquiry: Mapped[date | None] = mapped_column(Date)
    recorded_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"Relationship(e164={self.e164!r})"


class _Erased:
    """What was erased on request (GDPR) and stays blocked, as its keyed hash only: the
    HMAC-SHA256 under this database's secret (``suppression.erasure``), never the value."""

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(digest={self.digest[:8]!r}..., erased_at={self.erased_at!r})"


class ErasedNumber(_Erased, Base):
    """An erased number, hashed in its E.164 form: screening and the rules block it."""

    __tablename__ = "erased_number"


class ErasedEmail(_Erased, Base):
    """An erased e-mail address, hashed stripped and casefolded: an import skips its rows."""

    __tablename__ = "erased_email"


class Setting(Base):
    """A database-wide setting (``rules_file``: the user's rules TOML applied by default;
    ``erasure_key``: the secret of the keyed hashes, see ``suppression.erasure``)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"Setting(key={self.key!r}, value={self.value!r})"
