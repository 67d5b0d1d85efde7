"""Tables owned by the campaign package: campaigns, imported files, contacts, merges.

They live on ``suppression.models.Base`` so one metadata describes the whole database. A contact
absorbed by a merge is kept, marked ``merged_into_id``: a merge stores the records as they were,
so ``unmerge`` restores them exactly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
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
