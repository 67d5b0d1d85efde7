"""Import prospect files into a campaign as contacts.

Columns are recognised by their headers in French and English (``Nom``, ``Prénom``, ``Raison
sociale``, ``Portable``, ``E-mail``...); ``--map FIELD=COLUMN`` overrides; columns not mapped are
kept as attributes. Each contact remembers its source file (SHA-256) and row; importing the same
file again adds nothing. A row needs at least one usable number or an e-mail. A row whose e-mail
address was erased on request (``campaign forget``) is not imported: it is reported as erased,
and nothing of it is stored. The whole import is one transaction: an error leaves the campaign as
it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from campaign.campaigns import get_campaign, region_of
from campaign.errors import MappingError
from campaign.matching import split_full_name
from campaign.models import Contact, ContactNumber, SourceFile
from suppression import audit, bulk
from suppression.columns import normalize_header
from suppression.erasure import find_erased_addresses
from suppression.lists import list_statuses
from suppression.optouts import find_optouts
from suppression.phone import PhoneNumber, normalize
from suppression.tabular import open_table

NUMBER_FIELDS = ("phone", "mobile", "other_phone")
FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "company",
    *NUMBER_FIELDS,
    "email",
    "address",
    "postcode",
    "city",
    "siren",
    "audience",
)
# Header spellings per field, French and English, compared with normalize_header. Order matters
# for partial matches: "Téléphone portable" must be the mobile, "Nom de la société" the company.
HEADERS: dict[str, tuple[str, ...]] = {
    "mobile": (
        "portable",
        "mobile",
        "gsm",
        "cellulaire",
        "cell",
        "tel portable",
        "telephone portable",
        "tel mobile",
        "telephone mobile",
        "mobile phone",
    ),
    "other_phone": (
        "autre telephone",
        "telephone 2",
        "tel 2",
        "tel2",
        "other phone",
        "phone 2",
        "autre tel",
    ),
    "phone": (
        "telephone",
        "tel",
        "phone",
        "fixe",
        "tel fixe",
        "telephone fixe",
        "standard",
        "numero",
        "numero de telephone",
        "phone number",
        "n de telephone",
    ),
    "email": ("e mail", "email", "mail", "courriel", "adresse e mail", "adresse mail"),
    "company": (
        "raison sociale",
        "societe",
        "entreprise",
        "company",
        "organisation",
        "organization",
        "etablissement",
        "nom de la societe",
        "company name",
    ),
    "siren": ("siren", "siret", "n siret", "n siren", "numero siret"),
    "full_name": ("nom complet", "full name", "nom prenom", "nom et prenom", "contact", "name"),
    "first_name": ("prenom", "first name", "firstname", "given name"),
    "last_name": ("nom", "nom de famille", "last name", "lastname", "surname", "family name"),
    "postcode": ("code postal", "cp", "postcode", "zip", "zip code", "postal code"),
    "city": ("ville", "city", "commune", "localite", "town"),
    "address": ("adresse", "address", "rue", "adresse postale", "street"),
    "audience": ("audience", "type de client", "type client", "categorie"),
}
AUDIENCE_VALUES = {
    "consumer": "consumer",
    "particulier": "consumer",
    "b2c": "consumer",
    "individual": "consumer",
    "business": "business",
    "professionnel": "business",
    "entreprise": "business",
    "pro": "business",
    "b2b": "business",
    "company": "business",
}


@dataclass(frozen=True)
class RowReport:
    row: int
    status: str  # accepted | invalid | erased
    reason: str = ""
    duplicate_of: tuple[str, ...] = ()  # "contact 12", "row 7"
    opposed: tuple[str, ...] = ()  # list names, "optout"

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "status": self.status,
            "reason": self.reason,
            "duplicate_of": list(self.duplicate_of),
            "opposed": list(self.opposed),
        }


@dataclass(frozen=True)
class ImportReport:
    campaign: str
    file: str
    sha256: str
    dry_run: bool
    already_imported: bool
    mapping: dict[str, str]
    attributes: list[str]
    rows: int = 0
    accepted: int = 0
    invalid: int = 0
    erased: int = 0
    duplicates: int = 0
    opposed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    details: list[RowReport] = field(default_factory=list)

    def as_dict(self, *, details: bool = True) -> dict[str, Any]:
        document = {key: value for key, value in vars(self).items() if key != "details"}
        if details:
            document["details"] = [row.as_dict() for row in self.details]
        return document


def map_columns(
    header: Sequence[str], overrides: Mapping[str, str] | None = None, *, file: str | None = None
) -> dict[str, int]:
    """Field -> column index, from the headers and the ``--map FIELD=COLUMN`` overrides."""
    normalized = [normalize_header(h) for h in header]
    mapping: dict[str, int] = {}
    for name, column in (overrides or {}).items():
        if name not in FIELDS:
            raise MappingError(
                f"unknown field {name!r} in --map", hint=f"fields: {', '.join(FIELDS)}"
            )
        wanted = normalize_header(column)
        if wanted not in normalized:
            raise MappingError(
                f"--map {name}={column}: no column {column!r}",
                file=file,
                hint=f"columns found: {', '.join(header)}",
            )
        mapping[name] = normalized.index(wanted)
    used = set(mapping.values())
    # Exact header matches first, for every field; then headers containing a candidate word.
    for exact in (True, False):
        for name, candidates in HEADERS.items():
            if name in mapping:
                continue
            index = _match(normalized, candidates, used, exact=exact)
            if index is not None:
                mapping[name] = index
                used.add(index)
    if not any(name in mapping for name in (*NUMBER_FIELDS, "email")):
        raise MappingError(
            "no column holds phone numbers or e-mails: nothing to import",
            file=file,
            hint=f"columns found: {', '.join(header) or 'none'}; map one with --map phone=COLUMN",
        )
    if "full_name" in mapping and ("first_name" in mapping or "last_name" in mapping):
        # A separate first/last name wins; the full-name column stays an attribute.
        del mapping["full_name"]
    return mapping


def _match(
    normalized: Sequence[str], candidates: Iterable[str], used: set[int], *, exact: bool
) -> int | None:
    wanted = [normalize_header(c) for c in candidates]
    for index, text in enumerate(normalized):
        if index in used or not text:
            continue
        if exact and text in wanted:
            return index
        if not exact and any(f" {w} " in f" {text} " for w in wanted if len(w) > 2):
            return index
    return None


def _cell(cells: Sequence[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def import_contacts(
    session: Session,
    campaign_name: str,
    path: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    source: str | None = None,
    dry_run: bool = False,
    encoding: str | None = None,
    now: datetime,
) -> ImportReport:
    """Import the rows of ``path`` as contacts of the campaign (nothing written if ``dry_run``)."""
    campaign = get_campaign(session, campaign_name)
    region = region_of(campaign)
    with open_table(path, encoding=encoding) as table:
        info = table.info
        header = list(info.header)
        columns = map_columns(header, mapping, file=str(path))
        names = {name: header[index] for name, index in columns.items()}
        attribute_columns = [i for i in range(len(header)) if i not in columns.values()]
        existing = session.scalars(
            select(SourceFile).where(
                SourceFile.campaign_id == campaign.id, SourceFile.sha256 == info.sha256
            )
        ).first()
        empty = ImportReport(
            campaign=campaign.name,
            file=str(path),
            sha256=info.sha256,
            dry_run=dry_run,
            already_imported=False,
            mapping=names,
            attributes=[header[i] for i in attribute_columns],
        )
        if existing is not None:
            return replace(empty, already_imported=True, rows=existing.rows)
        parsed = [(row, cells, _numbers(cells, columns, region)) for row, cells in table]
    seen = _known_keys(session, campaign.id)
    opposed = _opposition(session, [n.e164 for *_, nums in parsed for n in nums if n.e164], now)
    erased = find_erased_addresses(session, [_cell(c, columns.get("email")) for _, c, _ in parsed])
    reports: list[RowReport] = []
    contacts: list[tuple[dict[str, Any], list[_Number]]] = []
    source_file = SourceFile(
        campaign_id=campaign.id,
        file_name=str(path),
        sha256=info.sha256,
        source=source,
        imported_at=now,
        rows=len(parsed),
        imported=0,
    )
    for row, cells, numbers in parsed:
        written = _cell(cells, columns.get("email"))
        if written in erased:
            # The person asked to be forgotten: nothing of the row is stored (GDPR art. 17).
            reports.append(RowReport(row, "erased", "email_erased"))
            continue
        email = written.casefold()
        usable = [n.e164 for n in numbers if n.e164]
        if not usable and not email:
            reason = "no_number_or_email"
            if numbers:
                reason = "invalid_number: " + ", ".join(
                    sorted({n.rejection or "" for n in numbers})
                )
            reports.append(RowReport(row, "invalid", reason))
            continue
        keys = [f"phone:{e164}" for e164 in usable] + ([f"email:{email}"] if email else [])
        duplicate_of = tuple(sorted({seen[key] for key in keys if key in seen}))
        for key in keys:
            seen.setdefault(key, f"row {row}")
        blocked = tuple(sorted({name for e164 in usable for name in opposed.get(e164, ())}))
        reports.append(RowReport(row, "accepted", "", duplicate_of, blocked))
        fields = _contact(campaign.id, row, cells, columns, attribute_columns, header, email, now)
        contacts.append((fields, numbers))
    reasons = Counter(r.reason.split(":")[0] for r in reports if r.status == "invalid")
    report = replace(
        empty,
        rows=len(parsed),
        accepted=len(contacts),
        invalid=sum(1 for r in reports if r.status == "invalid"),
        erased=sum(1 for r in reports if r.status == "erased"),
        duplicates=sum(1 for r in reports if r.duplicate_of),
        opposed=sum(1 for r in reports if r.opposed),
        reasons=dict(reasons),
        details=reports,
    )
    if dry_run:
        return report
    source_file.imported = len(contacts)
    session.add(source_file)
    session.flush()
    _insert(session, source_file.id, contacts)
    audit.record(session, "contact_import", report.as_dict(details=False), at=now)
    return report


@dataclass(frozen=True, slots=True)
class _Number:
    kind: str
    raw: str
    e164: str | None
    line_type: str | None
    rejection: str | None


def _insert(
    session: Session, source_file_id: int, contacts: list[tuple[dict[str, Any], list[_Number]]]
) -> None:
    """Bulk inserts: the ORM's unit of work costs ~150 us per object, too much for big files."""
    for batch_start in range(0, len(contacts), 5_000):
        batch = contacts[batch_start : batch_start + 5_000]
        rows = [{**fields, "source_file_id": source_file_id} for fields, _ in batch]
        ids = session.scalars(
            insert(Contact).returning(Contact.id, sort_by_parameter_order=True), rows
        ).all()
        numbers = [
            {"contact_id": contact_id, "position": position, **vars_of(number)}
            for contact_id, (_, numbers) in zip(ids, batch, strict=True)
            for position, number in enumerate(numbers)
        ]
        if numbers:
            session.execute(insert(ContactNumber), numbers)


def vars_of(number: _Number) -> dict[str, str | None]:
    return {
        "kind": number.kind,
        "raw": number.raw,
        "e164": number.e164,
        "line_type": number.line_type,
        "rejection": number.rejection,
    }


def _numbers(cells: Sequence[str], columns: Mapping[str, int], region: str) -> list[_Number]:
    numbers: list[_Number] = []
    for kind in NUMBER_FIELDS:
        raw = _cell(cells, columns.get(kind))
        if not raw:
            continue
        result = normalize(raw, region)
        if isinstance(result, PhoneNumber):
            numbers.append(_Number(kind, raw, result.e164, result.line_type, None))
        else:
            numbers.append(_Number(kind, raw, None, None, result.reason))
    return numbers


def _contact(
    campaign_id: int,
    row: int,
    cells: Sequence[str],
    columns: Mapping[str, int],
    attribute_columns: Sequence[int],
    header: Sequence[str],
    email: str,
    now: datetime,
) -> dict[str, Any]:
    first, last = _cell(cells, columns.get("first_name")), _cell(cells, columns.get("last_name"))
    if "full_name" in columns:
        first, last = split_full_name(_cell(cells, columns["full_name"]))
    audience = AUDIENCE_VALUES.get(normalize_header(_cell(cells, columns.get("audience"))))
    siren = "".join(ch for ch in _cell(cells, columns.get("siren")) if ch.isdigit())
    return {
        "campaign_id": campaign_id,
        "source_row": row,
        "first_name": first,
        "last_name": last,
        "company": _cell(cells, columns.get("company")),
        "email": email,
        "address": _cell(cells, columns.get("address")),
        "postcode": _cell(cells, columns.get("postcode")),
        "city": _cell(cells, columns.get("city")),
        "siren": siren,
        "audience": audience,
        "attributes": {
            header[i]: cells[i] for i in attribute_columns if i < len(cells) and cells[i]
        },
        "imported_at": now,
        "merged_into_id": None,
    }


def _known_keys(session: Session, campaign_id: int) -> dict[str, str]:
    """Exact keys (numbers, e-mails) of the campaign's current contacts -> "contact ID"."""
    keys: dict[str, str] = {}
    numbers = session.execute(
        select(ContactNumber.e164, Contact.id)
        .join(Contact)
        .where(
            Contact.campaign_id == campaign_id,
            Contact.merged_into_id.is_(None),
            ContactNumber.e164.is_not(None),
        )
    )
    for e164, contact_id in numbers:
        keys.setdefault(f"phone:{e164}", f"contact {contact_id}")
    emails = session.execute(
        select(Contact.email, Contact.id).where(
            Contact.campaign_id == campaign_id,
            Contact.merged_into_id.is_(None),
            Contact.email != "",
        )
    )
    for email, contact_id in emails:
        keys.setdefault(f"email:{email}", f"contact {contact_id}")
    return keys


def _opposition(session: Session, numbers: list[str], now: datetime) -> dict[str, list[str]]:
    """Which numbers the current lists and opt-outs block, by name. Stale lists still say what
    they know here: this is a report, not a call list (that one fails closed)."""
    unique = sorted(set(numbers))
    found: dict[str, list[str]] = {}
    statuses = [s for s in list_statuses(session, now=now) if s.version_id is not None]
    names = {s.list_id: s.name for s in statuses}
    for e164, hits in bulk.find_listed(session, unique, list(names)).items():
        found.setdefault(e164, []).extend(names[list_id] for list_id, _, _ in hits)
    for e164 in find_optouts(session, unique):
        found.setdefault(e164, []).append("optout")
    return found
