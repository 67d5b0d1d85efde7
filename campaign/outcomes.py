"""The outcome log: every call attempt of a campaign, append-only.

``log_call`` records one call (``campaign log``); ``import_outcomes`` a dialer's export
(``campaign outcomes import``); both go through ``record_calls``, which:

- normalises each number and attaches the call to the campaign's contact holding it. A number
  in none of the campaign's contacts is logged anyway, as an unknown contact (``contact_id``
  None): the call was made, so it counts toward the caps and the funnel counts it on its own;
- refuses the whole batch on any bad row (an unknown outcome, a date in the future, an unusable
  number): nothing is half-written;
- skips a call already logged (same campaign, number, moment and outcome), so re-importing an
  overlapping export adds nothing; the same file twice is recognised by its SHA-256;
- judges each call with the rules engine as it stood at that moment (lists current when
  logged; opt-outs, consents and earlier calls dated), and records what would have blocked it
  as a violation, with the reasons;
- applies what an outcome implies: ``opt_out`` puts the number on the company's do-not-call
  list at once (F22, U6, O2); ``refused`` starts the cool-off where the profile has one (F10):
  the engine reads it from the log; every call counts toward the attempt caps (F9).

A naive date-time (no offset) is in the campaign's time zone. Dates in exports may be ISO
(``2026-11-23 10:30``) or with slashes, day first (``23/11/2026 10:30``), except for US
campaigns where slashes are month first (``11/23/2026 10:30``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaign.callcheck import base_facts, facts_at, gather, rule_profiles
from campaign.campaigns import get_campaign, region_of
from campaign.errors import MappingError
from campaign.models import CallEvent, Campaign, Contact, ContactNumber, OutcomeFile
from campaign.stages import OUTCOMES
from suppression import audit, bulk
from suppression.columns import find_column, find_phone_column, normalize_header
from suppression.errors import InputFileError, InvalidArgumentError
from suppression.models import OptOut
from suppression.optouts import add_optouts
from suppression.phone import PhoneNumber, normalize
from suppression.rules import judge, select_profile
from suppression.tabular import open_table

# A logged call may be dated a little ahead of this machine's clock (another machine's clock).
CLOCK_SKEW = timedelta(minutes=5)
FIELDS = ("number", "at", "date", "time", "outcome", "agent", "note")
HEADERS: dict[str, tuple[str, ...]] = {
    "at": ("at", "datetime", "date time", "date heure", "timestamp", "call time", "start time"),
    "date": ("date", "call date", "date appel", "jour"),
    "time": ("time", "heure", "hour"),
    "outcome": (
        "outcome",
        "disposition",
        "result",
        "resultat",
        "status",
        "statut",
        "qualification",
        "issue",
        "code",
        "disposition code",
        "code resultat",
    ),
    "agent": ("agent", "user", "conseiller", "operateur", "operator", "vendeur", "teleconseiller"),
    "note": ("note", "notes", "comment", "commentaire", "remarque"),
}
# Words dialers and people use for our outcomes (compared without accents, case or spacing).
ALIASES = {
    "na": "no_answer",
    "noanswer": "no_answer",
    "no_reply": "no_answer",
    "pas_de_reponse": "no_answer",
    "ne_repond_pas": "no_answer",
    "nrp": "no_answer",
    "nr": "no_answer",
    "occupe": "busy",
    "repondeur": "voicemail",
    "messagerie": "voicemail",
    "vm": "voicemail",
    "answering_machine": "voicemail",
    "faux_numero": "wrong_number",
    "mauvais_numero": "wrong_number",
    "numero_invalide": "invalid",
    "refus": "refused",
    "refuse": "refused",
    "not_interested": "refused",
    "pas_interesse": "refused",
    "dnc": "opt_out",
    "do_not_call": "opt_out",
    "optout": "opt_out",
    "opposition": "opt_out",
    "rappel": "callback",
    "a_rappeler": "callback",
    "call_back": "callback",
    "interesse": "interested",
    "qualifie": "qualified",
    "lead": "qualified",
    "vente": "converted",
    "sale": "converted",
    "rdv": "converted",
    "rendez_vous": "converted",
    "conversion": "converted",
}


@dataclass(frozen=True)
class NewCall:
    """One call to log: the number as written, what happened, when, by whom."""

    raw: str
    outcome: str
    at: datetime
    agent: str = ""
    note: str = ""
    row: int | None = None  # the row of the export it comes from


@dataclass(frozen=True)
class Violation:
    row: int | None
    e164: str
    at: datetime
    agent: str
    reasons: tuple[dict[str, str], ...]  # {"code", "rule", "message"}

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "number": self.e164,
            "at": self.at.isoformat(),
            "agent": self.agent,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class OutcomeLog:
    """What ``record_calls`` did."""

    campaign: str
    calls: int  # calls given
    logged: int  # new events stored
    already_logged: int  # the same call was in the log
    unknown_numbers: tuple[str, ...] = ()  # logged without a contact of the campaign
    opt_outs: int = 0  # numbers put on the company's do-not-call list
    violations: tuple[Violation, ...] = ()
    file: str | None = None
    sha256: str | None = None
    already_imported: bool = False
    by_outcome: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "file": self.file,
            "sha256": self.sha256,
            "already_imported": self.already_imported,
            "calls": self.calls,
            "logged": self.logged,
            "already_logged": self.already_logged,
            "by_outcome": self.by_outcome,
            "unknown_numbers": list(self.unknown_numbers),
            "opt_outs": self.opt_outs,
            "violations": [v.as_dict() for v in self.violations],
        }


def parse_outcome(text: str, codes: Mapping[str, str] | None = None) -> str | None:
    """Our outcome for a disposition as written: the ``codes`` table first, then our names and
    common aliases (accents, case and spacing ignored). None when unknown."""
    if codes:
        mapped = codes.get(text.strip()) or codes.get(_key(text))
        if mapped is not None:
            return mapped
    key = _key(text)
    if key in OUTCOMES:
        return key
    return ALIASES.get(key) or ALIASES.get(key.replace("_", ""))


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.strip().lower())
    bare = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", bare).strip("_")


def _unknown_outcome(text: str) -> str:
    return f"unknown outcome {text!r}; outcomes are {', '.join(OUTCOMES)}"


def log_call(
    session: Session,
    campaign_name: str,
    number: str,
    outcome: str,
    *,
    at: datetime | None = None,
    agent: str = "",
    note: str = "",
    now: datetime,
) -> OutcomeLog:
    """Log one call of ``campaign_name`` (``at`` defaults to ``now``)."""
    parsed = parse_outcome(outcome)
    if parsed is None:
        raise InvalidArgumentError(_unknown_outcome(outcome))
    call = NewCall(number, parsed, at or now, agent.strip(), note)
    return record_calls(session, get_campaign(session, campaign_name), [call], now=now)


def record_calls(
    session: Session,
    campaign: Campaign,
    calls: Sequence[NewCall],
    *,
    now: datetime,
    file: OutcomeFile | None = None,
    rules: str | Path | None = None,
    where: str | None = None,
    column_of: Mapping[str, str] | None = None,
) -> OutcomeLog:
    """Store ``calls`` for ``campaign`` (see the module docstring). Any bad call raises before
    anything is written; ``where`` and ``column_of`` (field -> header) locate it in a file."""
    region = region_of(campaign)
    numbers: list[PhoneNumber] = []
    columns = column_of or {}
    for call in calls:
        _check_call(call, now, where, columns.get("at"))
        parsed = normalize(call.raw, region)
        if not isinstance(parsed, PhoneNumber):
            raise _error(where)(
                f"{call.raw!r} is not a usable phone number ({parsed.reason})",
                file=where,
                row=call.row,
                column=columns.get("number"),
                hint="fix the number, or leave the row out",
            )
        numbers.append(parsed)
    ordered = sorted(zip(calls, numbers, strict=True), key=lambda pair: pair[0].at)
    unique = list({n.e164: n for n in numbers}.values())
    # Read the attempts and write the new ones atomically per number: two agents logging the
    # same number at the same moment must see each other's call (F9).
    bulk.lock_numbers(session, [n.e164 for n in unique])
    contacts = _contacts_by_number(session, campaign, [n.e164 for n in unique])
    known = _logged(session, campaign, [n.e164 for n in unique])
    gathered = gather(session, unique, region, now=now)
    base = base_facts(campaign, None)
    profile_set = rule_profiles(session, rules)

    new_calls: dict[str, list[tuple[datetime, str]]] = {}
    violations: list[Violation] = []
    unknown: dict[str, None] = {}
    opted: list[PhoneNumber] = []
    by_outcome: dict[str, int] = {}
    stored = already = 0
    for call, number in ordered:
        at = call.at
        key = (number.e164, at, call.outcome)
        if key in known:
            already += 1
            continue
        known.add(key)
        record = gathered.records[number.e164]
        profile = select_profile(profile_set, campaign.jurisdiction, campaign.audience, at)
        earlier = new_calls.setdefault(number.e164, [])
        verdict = judge(facts_at(record, gathered, base, at, earlier), profile, at)
        reasons = tuple(
            {"code": r.code, "rule": r.rule, "message": r.message} for r in verdict.reasons
        )
        if reasons:
            violations.append(Violation(call.row, number.e164, at, call.agent, reasons))
        contact_id = contacts.get(number.e164)
        if contact_id is None:
            unknown[number.e164] = None
        session.add(
            CallEvent(
                campaign_id=campaign.id,
                contact_id=contact_id,
                e164=number.e164,
                raw=call.raw,
                outcome=call.outcome,
                at=at,
                agent=call.agent,
                note=call.note,
                outcome_file_id=file.id if file is not None else None,
                source_row=call.row,
                logged_at=now,
                violations=list(reasons),
            )
        )
        earlier.append((at, call.outcome))
        by_outcome[call.outcome] = by_outcome.get(call.outcome, 0) + 1
        stored += 1
        if call.outcome == "opt_out":
            opted.append(number)
    session.flush()
    opt_outs = _apply_opt_outs(session, campaign, opted, ordered)
    result = OutcomeLog(
        campaign=campaign.name,
        calls=len(calls),
        logged=stored,
        already_logged=already,
        unknown_numbers=tuple(unknown),
        opt_outs=opt_outs,
        violations=tuple(violations),
        file=file.file_name if file is not None else None,
        sha256=file.sha256 if file is not None else None,
        by_outcome=by_outcome,
    )
    payload = result.as_dict()
    payload["violations"] = len(violations)
    audit.record(session, "calls_logged", payload, at=now)
    return result


def _check_call(call: NewCall, now: datetime, where: str | None, column: str | None) -> None:
    if call.outcome not in OUTCOMES:
        raise _error(where)(_unknown_outcome(call.outcome), file=where, row=call.row)
    if call.at.tzinfo is None:
        raise InvalidArgumentError("a call's date-time needs a time zone", row=call.row)
    if call.at > now + CLOCK_SKEW:
        raise _error(where)(
            f"the call is dated {call.at.isoformat(timespec='minutes')}, in the future",
            file=where,
            row=call.row,
            column=column,
            hint="log calls once they are made; check the date and its time zone",
        )


def _error(where: str | None) -> type[InvalidArgumentError | InputFileError]:
    """A bad row of a file is the file's error; a bad argument the caller's."""
    return InputFileError if where is not None else InvalidArgumentError


def _apply_opt_outs(
    session: Session,
    campaign: Campaign,
    opted: Sequence[PhoneNumber],
    ordered: Sequence[tuple[NewCall, PhoneNumber]],
) -> int:
    """Put the numbers of ``opt_out`` calls on the company's list, dated by the first such call."""
    count = 0
    for number in {n.e164: n for n in opted}.values():
        if session.get(OptOut, number.e164) is not None:
            continue
        first = min(c.at for c, n in ordered if n.e164 == number.e164 and c.outcome == "opt_out")
        add_optouts(
            session,
            [number.e164],
            reason=f"asked during a call of campaign {campaign.name}",
            source="call",
            region=number.region,
            now=first,
        )
        count += 1
    return count


def _contacts_by_number(
    session: Session, campaign: Campaign, e164s: Sequence[str]
) -> dict[str, int]:
    """The contact of the campaign holding each number: an active one first, else the survivor
    of the merge that absorbed it; the oldest when several hold it."""
    found: dict[str, int] = {}
    for start in range(0, len(e164s), 5_000):
        query = (
            select(ContactNumber.e164, Contact.id, Contact.merged_into_id)
            .join(Contact)
            .where(
                Contact.campaign_id == campaign.id,
                ContactNumber.e164.in_(e164s[start : start + 5_000]),
            )
            .order_by(Contact.merged_into_id.is_not(None), Contact.id)
        )
        for e164, contact_id, merged_into in session.execute(query):
            if e164 is not None and e164 not in found:
                found[e164] = merged_into if merged_into is not None else contact_id
    return found


def _logged(
    session: Session, campaign: Campaign, e164s: Sequence[str]
) -> set[tuple[str, datetime, str]]:
    found: set[tuple[str, datetime, str]] = set()
    for start in range(0, len(e164s), 5_000):
        query = select(CallEvent.e164, CallEvent.at, CallEvent.outcome).where(
            CallEvent.campaign_id == campaign.id, CallEvent.e164.in_(e164s[start : start + 5_000])
        )
        found.update((e164, at, outcome) for e164, at, outcome in session.execute(query))
    return found


# -------------------------------------------------------------------------------- dialer files


def import_outcomes(
    session: Session,
    campaign_name: str,
    path: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    codes: str | Path | None = None,
    encoding: str | None = None,
    now: datetime,
) -> OutcomeLog:
    """Log every call of a dialer export (columns number, date-time or date + time,
    disposition, agent, note; found by header or ``mapping``). ``codes`` is a two-column file
    (the dialer's code, our outcome) for dialers with their own disposition codes. The same
    file twice adds nothing; any bad row refuses the whole file."""
    campaign = get_campaign(session, campaign_name)
    table_codes = read_codes(codes) if codes is not None else {}
    zone = ZoneInfo(campaign.timezone)
    month_first = campaign.jurisdiction == "US"
    name = str(path)
    with open_table(path, encoding=encoding) as table:
        info = table.info
        columns = _map_columns(info.header, mapping, name)
        existing = session.scalars(
            select(OutcomeFile).where(
                OutcomeFile.campaign_id == campaign.id, OutcomeFile.sha256 == info.sha256
            )
        ).first()
        if existing is not None:
            return OutcomeLog(
                campaign=campaign.name,
                calls=0,
                logged=0,
                already_logged=0,
                file=name,
                sha256=info.sha256,
                already_imported=True,
            )
        calls = []
        for row, cells in table:
            if not any(cell.strip() for cell in cells):
                continue

            def cell(field_name: str, cells: list[str] = cells) -> str:
                index = columns.get(field_name)
                return cells[index].strip() if index is not None else ""

            def fail(
                field_name: str, what: str, hint: str | None = None, row: int = row
            ) -> NoReturn:
                raise InputFileError(
                    what, file=name, row=row, column=info.header[columns[field_name]], hint=hint
                )

            outcome = parse_outcome(cell("outcome"), table_codes)
            if outcome is None:
                fail(
                    "outcome",
                    _unknown_outcome(cell("outcome")),
                    "map the dialer's codes with --codes FILE (code;outcome per line)",
                )
            try:
                if "at" in columns:
                    at = parse_moment(cell("at"), zone, month_first=month_first)
                else:
                    at = parse_moment(
                        f"{cell('date')} {cell('time')}".strip(), zone, month_first=month_first
                    )
            except ValueError as exc:
                fail("at" if "at" in columns else "date", str(exc), _DATE_HINT)
            calls.append(
                NewCall(cell("number"), outcome or "", at, cell("agent"), cell("note"), row)
            )
        file = OutcomeFile(
            campaign_id=campaign.id,
            file_name=Path(name).name,
            sha256=info.sha256,
            imported_at=now,
            rows=len(calls),
            imported=0,
        )
    if not calls:
        raise InputFileError("no call in the file", file=name, hint="check the file and its header")
    session.add(file)
    session.flush()
    column_of = {field_name: info.header[index] for field_name, index in columns.items()}
    if "at" not in column_of:
        column_of["at"] = column_of["date"]
    result = record_calls(
        session, campaign, calls, now=now, file=file, where=name, column_of=column_of
    )
    file.imported = result.logged
    return result


_DATE_HINT = "write dates like 2026-11-23 10:30 or 23/11/2026 10:30 (campaign time zone)"
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$")


def parse_moment(text: str, zone: ZoneInfo, *, month_first: bool = False) -> datetime:
    """A call's date-time as written in an export; naive values are in ``zone``."""
    value = text.strip()
    if not value:
        raise ValueError("no date-time")
    match = _SLASHED.match(value)
    try:
        if match:
            first, second, year, hour, minute, second_s = match.groups()
            month, day = (first, second) if month_first else (second, first)
            moment = datetime.combine(
                date(int(year), int(month), int(day)),
                time(int(hour or 0), int(minute or 0), int(second_s or 0)),
            )
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date-time") from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def read_codes(path: str | Path) -> dict[str, str]:
    """A dialer's disposition codes: a two-column table (code, outcome), header optional."""
    codes: dict[str, str] = {}
    with open_table(path) as table:
        header = table.info.header
        rows: list[tuple[int, list[str]]] = []
        if len(header) >= 2 and parse_outcome(header[1]) is not None:
            rows.append((table.info.header_row, list(header)))  # no header: the first row is data
        rows.extend(table)
        for row, cells in rows:
            if len(cells) < 2 or not cells[0].strip():
                continue
            outcome = parse_outcome(cells[1])
            if outcome is None:
                raise InputFileError(
                    _unknown_outcome(cells[1]),
                    file=str(path),
                    row=row,
                    hint="the second column must hold one of our outcomes",
                )
            codes[cells[0].strip()] = outcome
            codes[_key(cells[0])] = outcome
    if not codes:
        raise InputFileError("no code in the file", file=str(path), hint="write code;outcome lines")
    return codes


def _map_columns(
    header: Sequence[str], overrides: Mapping[str, str] | None, name: str
) -> dict[str, int]:
    normalized = [normalize_header(h) for h in header]
    columns: dict[str, int] = {}
    for field_name, column in (overrides or {}).items():
        if field_name not in FIELDS:
            raise MappingError(
                f"unknown field {field_name!r} in --map", hint=f"fields: {', '.join(FIELDS)}"
            )
        if normalize_header(column) not in normalized:
            raise MappingError(
                f"--map {field_name}={column}: no column {column!r}",
                file=name,
                hint=f"columns found: {', '.join(header)}",
            )
        columns[field_name] = normalized.index(normalize_header(column))
    if "number" not in columns:
        columns["number"] = find_phone_column(header, file=name)
    for field_name, candidates in HEADERS.items():
        if field_name not in columns:
            taken = set(columns.values())
            index = find_column(header, candidates, partial=False)
            if index is None or index in taken:
                index = find_column(header, candidates, exclude=("postal", "postcode", "zip"))
            if index is not None and index not in taken:
                columns[field_name] = index
    if "at" in columns:
        columns.pop("date", None)
        columns.pop("time", None)
    missing = [f for f in ("outcome",) if f not in columns]
    if "at" not in columns and "date" not in columns:
        missing.append("at")
    if missing:
        raise MappingError(
            f"no column for the call's {' and '.join(missing)}",
            file=name,
            hint=f"columns found: {', '.join(header)}; map it with --map {missing[0]}=COLUMN",
        )
    return columns
