"""The consent and exemption ledger: consents, revocations, contracts, US relationships.

Since 11 Aug 2026 a French consumer may only be called with a provable prior consent (F19): the
professional bears the proof. Each consent records when and how it was given, the version of the
wording shown, and the SHA-256 of the proof artefact (a signed form, a web log, a recording): the
artefact itself stays where the company keeps it. History is append-only; a revocation newer than
a consent wins.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suppression import audit
from suppression.columns import find_column
from suppression.errors import InputFileError, InvalidArgumentError
from suppression.models import ConsentEvent, Contract, Relationship
from suppression.phone import PhoneNumber, normalize
from suppression.tabular import open_table

SOURCES = ("web", "paper", "call", "import")
_BATCH = 5_000


@dataclass(frozen=True)
class ConsentState:
    """What the ledger says about a number at a moment."""

    e164: str
    consent_at: datetime | None
    revoked_at: datetime | None
    reference: str | None  # "consent #12 (web, wording v3, proof sha256 ab12...)"
    contract_until: date | None
    contract_subject: str | None
    last_purchase: date | None
    last_inquiry: date | None

    @property
    def consented(self) -> bool:
        return self.consent_at is not None and (
            self.revoked_at is None or self.revoked_at < self.consent_at
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in vars(self).items()
        } | {"consented": self.consented}


def e164_of(raw: str, region: str) -> str:
    result = normalize(raw, region)
    if not isinstance(result, PhoneNumber):
        raise InvalidArgumentError(f"{raw!r} is not a valid phone number ({result.reason})")
    return result.e164


def proof_digest(path: str | Path) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputFileError(
            f"cannot read the proof: {exc.strerror or exc}",
            file=str(path),
            hint="give the file that proves the consent (form, log, recording)",
        ) from None
    if not data:
        raise InputFileError("the proof file is empty", file=str(path), hint="give the real proof")
    return hashlib.sha256(data).hexdigest()


def add_consent(
    session: Session,
    number: str,
    *,
    source: str,
    at: datetime,
    wording_version: str,
    proof: str | Path,
    scope: str | None = None,
    region: str = "FR",
    now: datetime,
) -> ConsentEvent:
    """Record a consent given at ``at``; refused without a readable proof or in the future."""
    if source not in SOURCES:
        raise InvalidArgumentError(
            f"unknown consent source {source!r}", hint=f"use one of {', '.join(SOURCES)}"
        )
    if not wording_version.strip():
        raise InvalidArgumentError("a consent needs the version of the wording the person saw")
    if at > now:
        raise InvalidArgumentError(f"the consent date {at.isoformat()} is in the future")
    event = ConsentEvent(
        e164=e164_of(number, region),
        action="give",
        at=at,
        recorded_at=now,
        source=source,
        wording_version=wording_version,
        proof_sha256=proof_digest(proof),
        proof_name=Path(proof).name,
        scope=scope,
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        "consent_add",
        {
            "id": event.id,
            "e164": event.e164,
            "at": at,
            "source": source,
            "wording_version": wording_version,
            "proof_sha256": event.proof_sha256,
            "scope": scope,
        },
        at=now,
    )
    return event


def revoke_consent(
    session: Session, number: str, *, at: datetime, region: str = "FR", now: datetime
) -> ConsentEvent:
    """Record that the person withdrew their consent at ``at``."""
    if at > now:
        raise InvalidArgumentError(f"the revocation date {at.isoformat()} is in the future")
    event = ConsentEvent(e164=e164_of(number, region), action="revoke", at=at, recorded_at=now)
    session.add(event)
    session.flush()
    audit.record(session, "consent_revoke", {"id": event.id, "e164": event.e164, "at": at}, at=now)
    return event


def import_consents(
    session: Session,
    path: str | Path,
    *,
    proof: str | Path | None = None,
    wording_version: str | None = None,
    region: str = "FR",
    now: datetime,
) -> int:
    """Import consents from a table with columns number, date (ISO), and optionally wording
    version and scope. The proof of a bulk import is the file itself unless ``proof`` is given.
    Any bad row refuses the whole file (nothing half-written)."""
    events = []
    with open_table(path) as table:
        header = table.info.header
        number_col = find_column(header, ("phone", "telephone", "tel", "number", "numero", "e164"))
        date_col = find_column(header, ("date", "consent date", "date consentement", "at"))
        wording_col = find_column(header, ("wording version", "wording", "version"))
        scope_col = find_column(header, ("scope", "perimetre", "objet"))
        if number_col is None or date_col is None:
            raise InputFileError(
                "a consent file needs a number column and a date column",
                file=str(path),
                hint=f"columns found: {', '.join(header)}",
            )
        digest = proof_digest(proof if proof is not None else path)
        for row, cells in table:
            cell = _cells(cells)

            try:
                at = datetime.fromisoformat(cell(date_col))
            except ValueError:
                raise InputFileError(
                    f"{cell(date_col)!r} is not an ISO date-time",
                    file=str(path),
                    row=row,
                    column=header[date_col],
                    hint="write dates like 2026-09-01T10:30:00+02:00",
                ) from None
            if at.tzinfo is None:
                raise InputFileError(
                    f"{cell(date_col)!r} has no time zone",
                    file=str(path),
                    row=row,
                    column=header[date_col],
                    hint="add the offset, e.g. +02:00",
                )
            wording = cell(wording_col) or wording_version
            if not wording:
                raise InputFileError(
                    "no wording version",
                    file=str(path),
                    row=row,
                    hint="add a wording version column or pass --wording-version",
                )
            try:
                e164 = e164_of(cell(number_col), region)
            except InvalidArgumentError as exc:
                raise InputFileError(
                    exc.what, file=str(path), row=row, column=header[number_col]
                ) from None
            events.append(
                ConsentEvent(
                    e164=e164,
                    action="give",
                    at=at,
                    recorded_at=now,
                    source="import",
                    wording_version=wording,
                    proof_sha256=digest,
                    proof_name=Path(proof if proof is not None else path).name,
                    scope=cell(scope_col) or None,
                )
            )
    session.add_all(events)
    session.flush()
    audit.record(
        session,
        "consent_import",
        {"file": str(path), "consents": len(events), "proof_sha256": digest},
        at=now,
    )
    return len(events)


def _cells(cells: list[str]) -> Callable[[int | None], str]:
    def cell(index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    return cell


def add_contract(
    session: Session, number: str, *, until: date, subject: str, region: str = "FR", now: datetime
) -> Contract:
    """Record a contract in force with the person until ``until`` (F3)."""
    if not subject.strip():
        raise InvalidArgumentError("a contract needs its subject", hint="pass --subject TEXT")
    contract = Contract(e164=e164_of(number, region), until=until, subject=subject, recorded_at=now)
    session.add(contract)
    session.flush()
    # The subject is free text about the person: it stays in the table, which forget erases.
    audit.record(session, "contract_add", {"e164": contract.e164, "until": until}, at=now)
    return contract


def set_relationship(
    session: Session,
    number: str,
    *,
    last_purchase: date | None = None,
    last_inquiry: date | None = None,
    region: str = "US",
    now: datetime,
) -> Relationship:
    """Record the US established-business-relationship dates of a number (U5)."""
    e164 = e164_of(number, region)
    record = session.get(Relationship, e164) or Relationship(e164=e164, recorded_at=now)
    record.last_purchase = last_purchase or record.last_purchase
    record.last_inquiry = last_inquiry or record.last_inquiry
    record.recorded_at = now
    session.add(record)
    session.flush()
    audit.record(
        session,
        "relationship_set",
        {"e164": e164, "last_purchase": record.last_purchase, "last_inquiry": record.last_inquiry},
        at=now,
    )
    return record


def consent_state(session: Session, e164: str, *, at: datetime) -> ConsentState:
    """The ledger's view of ``e164`` at ``at``: latest consent and revocation up to then, the
    contract in force, the relationship dates."""
    return consent_states(session, [e164], at=at)[e164]


def consent_states(
    session: Session, numbers: Sequence[str], *, at: datetime
) -> dict[str, ConsentState]:
    """``consent_state`` of many numbers with a few set-based queries (a call list judges
    thousands)."""
    return {
        e164: history.state(at) for e164, history in consent_histories(session, numbers).items()
    }


@dataclass(frozen=True)
class ConsentHistory:
    """Everything the ledger holds on a number, to be asked about any moment (``state(at)``):
    judging a day of logged calls reads the ledger once, not once per call."""

    e164: str
    events: tuple[ConsentEvent, ...]  # by time
    contracts: tuple[Contract, ...]  # by end date
    relation: Relationship | None

    def state(self, at: datetime) -> ConsentState:
        in_force = [c for c in self.contracts if c.until >= at.date()]
        return _state(
            self.e164,
            [e for e in self.events if e.at <= at],
            in_force[-1] if in_force else None,  # the one lasting longest wins
            self.relation,
        )


def consent_histories(session: Session, numbers: Sequence[str]) -> dict[str, ConsentHistory]:
    """The whole ledger of each of ``numbers``, read with a few set-based queries."""
    unique = sorted(set(numbers))
    events: dict[str, list[ConsentEvent]] = {}
    contracts: dict[str, list[Contract]] = {}
    relations: dict[str, Relationship] = {}
    for start in range(0, len(unique), _BATCH):
        batch = unique[start : start + _BATCH]
        for event in session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.e164.in_(batch))
            .order_by(ConsentEvent.at, ConsentEvent.id)
        ):
            events.setdefault(event.e164, []).append(event)
        for contract in session.scalars(
            select(Contract).where(Contract.e164.in_(batch)).order_by(Contract.until, Contract.id)
        ):
            contracts.setdefault(contract.e164, []).append(contract)
        for relation in session.scalars(select(Relationship).where(Relationship.e164.in_(batch))):
            relations[relation.e164] = relation
    return {
        e164: ConsentHistory(
            e164,
            tuple(events.get(e164, ())),
            tuple(contracts.get(e164, ())),
            relations.get(e164),
        )
        for e164 in unique
    }


def _state(
    e164: str,
    events: list[ConsentEvent],
    contract: Contract | None,
    relation: Relationship | None,
) -> ConsentState:
    given = [e for e in events if e.action == "give"]
    revoked = [e for e in events if e.action == "revoke"]
    last = given[-1] if given else None
    reference = None
    if last is not None:
        reference = (
            f"consent #{last.id} ({last.source}, wording {last.wording_version}, "
            f"proof sha256 {(last.proof_sha256 or '')[:12]})"
        )
    return ConsentState(
        e164=e164,
        consent_at=last.at if last else None,
        revoked_at=revoked[-1].at if revoked else None,
        reference=reference,
        contract_until=contract.until if contract else None,
        contract_subject=contract.subject if contract else None,
        last_purchase=relation.last_purchase if relation else None,
        last_inquiry=relation.last_inquiry if relation else None,
    )
