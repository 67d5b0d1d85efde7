"""Tables owned by the campaign package: campaigns, imported files, contacts, merges, calls.

They live on ``suppression.models.Base`` so one metadata describes the whole database. A contact
absorbed by a merge is kept, marked ``merged_into_id``: a merge stores the records as they were,
so ``unmerge`` restores them exactly. Call outcomes are append-only events: a contact's stage
in the funnel is derived from them, never stored.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from suppression.models import Base


class Campaign(Base):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    jurisdiction: Mapped[str] = mapped_column(String(4))  # FR, US, UK, CA
    audience: Mapped[str] = mapped_column(String(16))  # consumer, business
    caller_id: Mapped[str | None] = mapped_column(String(16))
    purpose: Mapped[str | None] = mapped_column(Text)
    sector: Mapped[str | None] = mapped_column(String(32))  # F15/F20 sector bans
    starts: Mapped[date | None] = mapped_column(Date)
    ends: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    # Reports count ISO weeks in this zone; stage labels renamed for this campaign's reports.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)

    def __repr__(self) -> str:
        return f"Campaign(name={self.name!r}, jurisdiction={self.jurisdiction!r})"


class SourceFile(Base):
    """A prospect file imported into a campaign: importing the same bytes again adds nothing."""

    __tablename__ = "source_file"
    __table_args__ = (UniqueConstraint("campaign_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[datetime]
    rows: Mapped[int]
    imported: Mapped[int]

    def __repr__(self) -> str:
        return f"SourceFile(file_name={self.file_name!r}, sha256={self.sha256[:8]!r})"


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_file.id"))
    source_row: Mapped[int]
    first_name: Mapped[str] = mapped_column(Text, default="")
    last_name: Mapped[str] = mapped_column(Text, default="")
    company: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    city: Mapped[str] = mapped_column(Text, default="")
    siren: Mapped[str] = mapped_column(String(14), default="")
    audience: Mapped[str | None] = mapped_column(String(16))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    imported_at: Mapped[datetime]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)

    numbers: Mapped[list[ContactNumber]] = relationship(
        back_populates="contact", order_by="ContactNumber.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"Contact(id={self.id}, name={self.first_name!r} {self.last_name!r})"


class ContactNumber(Base):
    """One number of a contact as written, with its E.164 form or why it is unusable."""

    __tablename__ = "contact_number"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))  # phone, mobile, other
    raw: Mapped[str] = mapped_column(Text)
    e164: Mapped[str | None] = mapped_column(String(16), index=True)
    line_type: Mapped[str | None] = mapped_column(String(24))
    rejection: Mapped[str | None] = mapped_column(String(24))

    contact: Mapped[Contact] = relationship(back_populates="numbers")

    def __repr__(self) -> str:
        return f"ContactNumber(kind={self.kind!r}, raw={self.raw!r}, e164={self.e164!r})"


class Merge(Base):
    """A cluster merged into one survivor, with the records as they were before."""

    __tablename__ = "merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    at: Mapped[datetime]
    undone_at: Mapped[datetime | None]
    before: Mapped[dict[str, Any]]  # {"contacts": [...], "numbers": [...]} as they were
    links: Mapped[dict[str, Any]]  # why: the pairs linked, with keys and scores

    def __repr__(self) -> str:
        return f"Merge(id={self.id}, survivor_id={self.survivor_id}, undone={self.undone_at})"


class OutcomeFile(Base):
    """A dialer export imported into a campaign: importing the same bytes again adds nothing."""

    __tablename__ = "outcome_file"
    __table_args__ = (UniqueConstraint("campaign_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime]
    rows: Mapped[int]
    imported: Mapped[int]

    def __repr__(self) -> str:
        return f"OutcomeFile(file_name={self.file_name!r}, sha256={self.sha256[:8]!r})"


class CallEvent(Base):
    """One call attempt and its outcome, never updated nor deleted (append-only).

    ``contact_id`` is None for a number that is in none of the campaign's contacts: the call
    happened, so it is kept and counts toward the caps. ``violations`` holds the reasons the
    rules engine would have blocked the call at that moment (empty when it was allowed).
    """

    __tablename__ = "call_event"
    __table_args__ = (UniqueConstraint("campaign_id", "e164", "at", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    e164: Mapped[str] = mapped_column(String(16), index=True)
    raw: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(index=True)
    agent: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    outcome_file_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_file.id"))
    source_row: Mapped[int | None]
    logged_at: Mapped[datetime]
    violations: Mapped[list[Any]] = mapped_column(JSON, default=list)

    def __repr__(self) -> str:
        return f"CallEvent(e164={self.e164!r}, outcome={self.outcome!r}, at={self.at!r})"
