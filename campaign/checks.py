"""The pre-campaign check: every rule the whole campaign must pass before the first call.

Run by whoever answers for compliance: the lists the campaign relies on stay fresh until its end
date (or the date they must be re-imported), the caller ID is present, valid and not a mobile for
French consumer canvassing (F13, F14: 06/07 numbers are for person-to-person calls), the sector is
not banned (F15, F20), every contact that would be exported is screened with the current list
versions, and has a consent where the regime requires one (F19). The result is stored in the
audit log as the proof of the check; it passes only if every rule passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from campaign.callcheck import rule_profiles
from campaign.calllist import MOBILE_TYPES, screened_numbers
from campaign.campaigns import JURISDICTIONS, get_campaign
from campaign.dedupe import active_contacts
from suppression import audit, bulk
from suppression.consents import consent_states
from suppression.lists import lists_of_region
from suppression.optouts import find_optouts
from suppression.phone import PhoneNumber, normalize
from suppression.rules import select_profile


@dataclass(frozen=True)
class RuleCheck:
    rule: str
    name: str
    passed: bool
    count: int | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass(frozen=True)
class CampaignCheck:
    campaign: str
    profile: str
    at: datetime
    checks: list[RuleCheck] = field(default_factory=list)
    run_id: int = 0

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "profile": self.profile,
            "at": self.at.isoformat(),
            "passed": self.passed,
            "checks": [check.as_dict() for check in self.checks],
            "run_id": self.run_id,
        }


def check_campaign(
    session: Session, name: str, *, at: datetime, rules: str | Path | None = None
) -> CampaignCheck:
    """Check campaign ``name`` as of ``at``; record the result in the audit log."""
    campaign = get_campaign(session, name)
    profiles = rule_profiles(session, rules)
    profile = select_profile(profiles, campaign.jurisdiction, campaign.audience, at)
    region = JURISDICTIONS[campaign.jurisdiction]
    last_day = campaign.ends or at.date()
    checks: list[RuleCheck] = []

    statuses = lists_of_region(session, region, now=at)
    if profile.duty == "opposition_list":
        checks.append(
            _lists_fresh(statuses, profile.list_max_age_days, last_day, profile.rule("stale_list"))
        )
    if profile.requires_caller_id:
        checks.append(_caller_id(campaign.caller_id, region, profile, profile.rule("no_caller_id")))
    banned = campaign.sector is not None and campaign.sector in profile.sector_bans
    checks.append(
        RuleCheck(
            profile.rule("sector_ban") or "F15",
            "sector allowed",
            not banned,
            None,
            f"sector {campaign.sector!r} is banned"
            if banned
            else f"sector {campaign.sector or '-'}",
        )
    )

    contacts = active_contacts(session, campaign)
    numbers = sorted({n.e164 for c in contacts for n in c.numbers if n.e164})
    listed = set(bulk.find_listed(session, numbers, [s.list_id for s in statuses]))
    opted = set(find_optouts(session, numbers))
    exported = [c for c in contacts if screened_numbers(c, listed, opted)[0]]
    versions = ", ".join(f"{s.name} v{s.version}" for s in statuses) or "no list"
    checks.append(
        RuleCheck(
            profile.rule("opposed") or "F1",
            "contacts screened with the current lists",
            True,
            len(exported),
            f"{len(exported)} of {len(contacts)} contacts exportable after screening against "
            f"{versions} and the opt-outs",
        )
    )
    if profile.duty == "consent":
        states = consent_states(
            session, [n.e164 for c in exported for n in c.numbers if n.e164], at=at
        )
        missing = [
            c.id
            for c in exported
            if not any(
                states[n.e164].consented or states[n.e164].contract_until is not None
                for n in c.numbers
                if n.e164
            )
        ]
        checks.append(
            RuleCheck(
                profile.rule("no_consent"),
                "consent on record",
                not missing,
                len(missing),
                f"{len(missing)} exportable contacts have no consent (nor contract) on record"
                + (f": contacts {', '.join(map(str, missing[:10]))}" if missing else ""),
            )
        )
    result = CampaignCheck(campaign.name, profile.key, at, checks)
    record = audit.record(session, "check", result.as_dict(), at=at)
    return CampaignCheck(campaign.name, profile.key, at, checks, record.id)


def _lists_fresh(
    statuses: list[Any], profile_max: int | None, last_day: date, rule: str
) -> RuleCheck:
    if not statuses:
        return RuleCheck(
            rule,
            "opposition lists fresh until the end",
            False,
            0,
            "no opposition list of this jurisdiction has been imported",
        )
    late = []
    for status in statuses:
        max_age = min(status.max_age_days, profile_max or status.max_age_days)
        expires = status.last_import + timedelta(days=max_age)
        if expires.date() < last_day:
            late.append(f"{status.name} must be re-imported by {expires.date().isoformat()}")
    detail = "; ".join(late) if late else f"fresh until {last_day.isoformat()}"
    return RuleCheck(rule, "opposition lists fresh until the end", not late, len(statuses), detail)


def _caller_id(caller_id: str | None, region: str, profile: Any, rule: str) -> RuleCheck:
    name = "caller ID shown and allowed"
    if not caller_id:
        return RuleCheck(rule, name, False, None, "no caller ID: pass --caller-id to campaign new")
    parsed = normalize(caller_id, region)
    if not isinstance(parsed, PhoneNumber):
        return RuleCheck(rule, name, False, None, f"{caller_id} is not a valid number")
    if profile.jurisdiction == "FR" and profile.audience == "consumer":
        if parsed.line_type in MOBILE_TYPES:
            # F14: since 1 Jan 2023, 06/07 numbers are for person-to-person calls only.
            return RuleCheck(
                "F14",
                name,
                False,
                None,
                f"{parsed.national} is a mobile: canvassing must show a landline range",
            )
        prefixes = profile.caller_id_prefixes
        if prefixes and not parsed.e164.startswith(tuple(prefixes)):
            return RuleCheck(
                "F14", name, False, None, f"{parsed.national} is outside the canvassing ranges"
            )
    return RuleCheck(rule, name, True, None, parsed.national)
