"""Find and merge duplicate contacts of a campaign, reversibly.

Matching (exact keys, French-aware fuzzy names, blocking) lives in ``campaign.matching``; this
module applies it to the database. Survivorship rules, per cluster:

* the survivor is the cluster's oldest contact (lowest id): its id stays the one people know;
* each field takes the most recent non-empty value (latest import, then latest row);
* every number of every record is kept (once per E.164, or per raw text when unusable);
* attributes are merged, the most recent value winning per key;
* opt-outs and list entries are per number, so the most restrictive state is kept by
  construction: no number leaves the campaign.

Each merge stores the records as they were, so ``unmerge`` restores them exactly. A merge whose
contacts were merged again later must be undone after that later one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from campaign.campaigns import get_campaign
from campaign.errors import ConflictError, NotFoundError
from campaign.matching import ContactRecord, Link, clusters, find_links
from campaign.models import Campaign, Contact, ContactNumber, Merge
from suppression import audit
from suppression.columns import normalize_header
from suppression.errors import InvalidArgumentError

CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "email",
    "address",
    "postcode",
    "city",
    "siren",
    "audience",
)
NUMBER_FIELDS = ("position", "kind", "raw", "e164", "line_type", "rejection")


@dataclass(frozen=True)
class Cluster:
    ids: tuple[int, ...]
    links: tuple[Link, ...]
    merge_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ids": list(self.ids),
            "merge_id": self.merge_id,
            "links": [
                {
                    "a": x.a,
                    "b": x.b,
                    "keys": list(x.keys),
                    "score": x.score,
                    "detail": dict(x.detail),
                }
                for x in self.links
            ],
        }


@dataclass(frozen=True)
class DedupeReport:
    campaign: str
    threshold: float
    applied: bool
    contacts: int
    clusters: list[Cluster] = field(default_factory=list)

    @property
    def duplicates(self) -> int:
        return sum(len(c.ids) - 1 for c in self.clusters)

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "threshold": self.threshold,
            "applied": self.applied,
            "contacts": self.contacts,
            "duplicates": self.duplicates,
            "clusters": [c.as_dict() for c in self.clusters],
        }


def active_contacts(session: Session, campaign: Campaign) -> list[Contact]:
    query = (
        select(Contact)
        .where(Contact.campaign_id == campaign.id, Contact.merged_into_id.is_(None))
        .options(selectinload(Contact.numbers))  # one query for all numbers, not one per contact
        .order_by(Contact.id)
    )
    return list(session.scalars(query))


# Attribute headers (normalised, spaces as "_") the matcher reads under another name.
_ATTRIBUTE_ALIASES = {"date_de_naissance": "date_of_birth", "ne_le": "date_of_birth"}


def active_records(session: Session, campaign: Campaign) -> list[ContactRecord]:
    """The campaign's contacts not merged into another, as the matcher sees them, by id.

    Read as plain rows, not ORM objects: 100,000 contacts with their numbers as objects took
    some 400 MB more than the matching itself."""
    active = (Contact.campaign_id == campaign.id, Contact.merged_into_id.is_(None))
    numbers: dict[int, list[str]] = defaultdict(list)
    query = (
        select(ContactNumber.contact_id, ContactNumber.e164)
        .join(Contact, Contact.id == ContactNumber.contact_id)
        .where(*active, ContactNumber.e164.is_not(None))
        .order_by(ContactNumber.contact_id, ContactNumber.position)
    )
    for contact_id, e164 in session.execute(query):
        if e164:
            numbers[contact_id].append(e164)
    columns = [getattr(Contact, name) for name in ("id", *RECORD_FIELDS, "address", "attributes")]
    rows = session.execute(select(*columns).where(*active).order_by(Contact.id)).mappings()
    return [as_record(row, numbers[row["id"]]) for row in rows]


# The contact fields a ContactRecord holds as they are.
RECORD_FIELDS = ("first_name", "last_name", "company", "email", "siren", "postcode", "city")


def as_record(fields: Mapping[Any, Any], numbers: Iterable[str]) -> ContactRecord:
    """A contact (a row of its columns by name: id, ``RECORD_FIELDS``, address, attributes) as
    the matcher sees it, with its ``numbers`` (E.164). The address and the attributes kept from
    the file (a date of birth, a street number, a region...) go in ``extra``, which the matcher
    reads by key (``campaign.matching.records.BIRTH_KEYS``, ``STREET_KEYS``...)."""
    extra = [("address", fields["address"])] if fields["address"] else []
    for header, value in (fields["attributes"] or {}).items():
        key = normalize_header(str(header)).replace(" ", "_")
        if isinstance(value, str) and value.strip():
            extra.append((_ATTRIBUTE_ALIASES.get(key, key), value))
    return ContactRecord(
        id=fields["id"],
        numbers=tuple(numbers),
        extra=tuple(extra),
        **{name: fields[name] for name in RECORD_FIELDS},
    )


def dedupe(
    session: Session,
    campaign_name: str,
    *,
    threshold: float = 85.0,
    apply: bool = False,
    now: datetime,
) -> DedupeReport:
    """Find the campaign's duplicate clusters; merge each one when ``apply``."""
    if not 0 <= threshold <= 100:
        raise InvalidArgumentError(f"the threshold must be between 0 and 100, not {threshold:g}")
    campaign = get_campaign(session, campaign_name)
    records = active_records(session, campaign)
    count = len(records)
    links = find_links(records, threshold=threshold)
    by_pair: dict[int, list[Link]] = {}
    for link in links:
        by_pair.setdefault(link.a, []).append(link)
    grouped = []
    for ids in clusters((r.id for r in records), links):
        members = set(ids)
        grouped.append((ids, tuple(x for a in ids for x in by_pair.get(a, []) if x.b in members)))
    del records
    if apply:
        by_id = _contacts(session, [i for ids, _ in grouped for i in ids])
        merges = [merge(session, [by_id[i] for i in ids], found, now=now) for ids, found in grouped]
        session.flush()  # once for all merges: their ids
        found = [
            Cluster(ids, links_, r.id) for (ids, links_), r in zip(grouped, merges, strict=True)
        ]
    else:
        found = [Cluster(ids, links_) for ids, links_ in grouped]
    report = DedupeReport(campaign.name, threshold, apply, count, found)
    if apply:
        audit.record(
            session,
            "dedupe",
            {
                "campaign": campaign.name,
                "threshold": threshold,
                "merges": [c.merge_id for c in found],
            },
            at=now,
        )
    return report


def _contacts(session: Session, ids: list[int]) -> dict[int, Contact]:
    """The contacts ``ids``, with their numbers, by id."""
    found: dict[int, Contact] = {}
    for start in range(0, len(ids), 1_000):
        query = (
            select(Contact)
            .where(Contact.id.in_(ids[start : start + 1_000]))
            .options(selectinload(Contact.numbers))
        )
        found.update((c.id, c) for c in session.scalars(query))
    return found


def snapshot(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "merged_into_id": contact.merged_into_id,
        "attributes": dict(contact.attributes),
        **{name: getattr(contact, name) for name in CONTACT_FIELDS},
        "numbers": [{name: getattr(n, name) for name in NUMBER_FIELDS} for n in contact.numbers],
    }


def merge(
    session: Session, contacts: list[Contact], links: tuple[Link, ...], *, now: datetime
) -> Merge:
    """Merge ``contacts`` into the oldest one (see the module docstring for the rules); the new
    ``Merge`` gets its id at the caller's next flush."""
    ordered = sorted(contacts, key=lambda c: c.id)
    survivor = ordered[0]
    before = {"contacts": [snapshot(c) for c in ordered]}
    recent_first = sorted(ordered, key=lambda c: (c.imported_at, c.source_row, c.id), reverse=True)
    for name in CONTACT_FIELDS:
        value = next((getattr(c, name) for c in recent_first if getattr(c, name)), None)
        if value is not None:
            setattr(survivor, name, value)
    attributes: dict[str, Any] = {}
    for contact in reversed(recent_first):
        attributes.update(contact.attributes)
    survivor.attributes = attributes
    seen = {n.e164 or f"raw:{n.raw}" for n in survivor.numbers}
    for contact in ordered[1:]:
        for number in contact.numbers:
            key = number.e164 or f"raw:{number.raw}"
            if key in seen:
                continue
            seen.add(key)
            survivor.numbers.append(
                ContactNumber(
                    position=len(survivor.numbers),
                    kind=number.kind,
                    raw=number.raw,
                    e164=number.e164,
                    line_type=number.line_type,
                    rejection=number.rejection,
                )
            )
        contact.merged_into_id = survivor.id
    record = Merge(
        campaign_id=survivor.campaign_id,
        survivor_id=survivor.id,
        at=now,
        undone_at=None,
        before=before,
        links={
            "links": [{"a": x.a, "b": x.b, "keys": list(x.keys), "score": x.score} for x in links]
        },
    )
    session.add(record)
    return record


def unmerge(session: Session, merge_id: int, *, now: datetime) -> Merge:
    """Restore the records of a merge exactly as they were before it."""
    record = session.get(Merge, merge_id)
    if record is None:
        raise NotFoundError(
            f"no merge {merge_id}", hint="see the merges with: campaign merges NAME"
        )
    if record.undone_at is not None:
        raise ConflictError(
            f"merge {merge_id} was already undone on {record.undone_at:%Y-%m-%d %H:%M}"
        )
    ids = {c["id"] for c in record.before["contacts"]}
    later = session.scalars(
        select(Merge).where(
            Merge.campaign_id == record.campaign_id, Merge.id > record.id, Merge.undone_at.is_(None)
        )
    )
    for other in later:
        if ids & {c["id"] for c in other.before["contacts"]}:
            raise ConflictError(
                f"merge {other.id} merged some of these contacts again",
                hint=f"undo it first: campaign unmerge {other.id}",
            )
    for state in record.before["contacts"]:
        contact = session.get(Contact, state["id"])
        if contact is None:
            raise NotFoundError(f"contact {state['id']} of merge {merge_id} no longer exists")
        for name in CONTACT_FIELDS:
            setattr(contact, name, state[name])
        contact.attributes = dict(state["attributes"])
        contact.merged_into_id = state["merged_into_id"]
        contact.numbers = [ContactNumber(**number) for number in state["numbers"]]
    record.undone_at = now
    session.flush()
    audit.record(session, "unmerge", {"merge": merge_id, "contacts": sorted(ids)}, at=now)
    return record


def list_merges(session: Session, campaign_name: str) -> list[Merge]:
    campaign = get_campaign(session, campaign_name)
    return list(
        session.scalars(select(Merge).where(Merge.campaign_id == campaign.id).order_by(Merge.id))
    )
