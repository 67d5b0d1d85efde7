"""Campaigns: create, list, describe."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from campaign.errors import ConflictError, NotFoundError
from campaign.models import Campaign, Contact, ContactNumber, SourceFile
from campaign.stages import STAGES
from suppression import audit, bulk
from suppression.errors import InvalidArgumentError
from suppression.lists import list_statuses
from suppression.optouts import find_optouts
from suppression.phone import PhoneNumber, normalize

# The region phonenumbers uses for national numbers in each jurisdiction.
JURISDICTIONS = {"FR": "FR", "US": "US", "UK": "GB", "CA": "CA"}
AUDIENCES = ("consumer", "business")
# The zone reports count ISO weeks in, unless the campaign says otherwise (--timezone).
DEFAULT_ZONES = {
    "FR": "Europe/Paris",
    "US": "America/New_York",
    "UK": "Europe/London",
    "CA": "America/Toronto",
}


@dataclass(frozen=True)
class CampaignSummary:
    name: str
    jurisdiction: str
    audience: str
    caller_id: str | None
    purpose: str | None
    starts: date | None
    ends: date | None
    created_at: datetime
    timezone: str
    labels: dict[str, str]
    contacts: int
    merged: int
    files: int
    blocked: int | None = None  # contacts with a number on a list or opted out (show only)
    lists: tuple[str, ...] = ()  # "bloctel v3 (2.0 days old)", the lists that decided "blocked"

    def as_dict(self) -> dict[str, Any]:
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in vars(self).items()
        } | {"lists": list(self.lists)}


def region_of(campaign: Campaign) -> str:
    return JURISDICTIONS[campaign.jurisdiction]


def new_campaign(
    session: Session,
    name: str,
    *,
    jurisdiction: str = "FR",
    audience: str = "consumer",
    caller_id: str | None = None,
    purpose: str | None = None,
    sector: str | None = None,
    starts: date | None = None,
    ends: date | None = None,
    timezone: str | None = None,
    labels: Mapping[str, str] | None = None,
    now: datetime,
) -> Campaign:
    """Create a campaign. The caller ID is stored normalised (E.164). ``timezone`` (default by
    jurisdiction: Europe/Paris for FR) is where reports count their ISO weeks; ``labels``
    renames funnel stages in reports (``{"converted": "rendez-vous obtenu"}``)."""
    if not name or len(name) > 64:
        raise InvalidArgumentError("a campaign name must be 1 to 64 characters")
    jurisdiction = jurisdiction.upper()
    if jurisdiction not in JURISDICTIONS:
        raise InvalidArgumentError(
            f"unknown jurisdiction {jurisdiction!r}",
            hint=f"use one of {', '.join(JURISDICTIONS)}",
        )
    if audience not in AUDIENCES:
        raise InvalidArgumentError(
            f"unknown audience {audience!r}", hint="use consumer or business"
        )
    if starts and ends and ends < starts:
        raise InvalidArgumentError(f"the campaign ends ({ends}) before it starts ({starts})")
    if session.scalar(select(Campaign.id).where(Campaign.name == name)) is not None:
        raise ConflictError(f"a campaign named {name!r} already exists", hint="pick another name")
    caller = None
    if caller_id:
        parsed = normalize(caller_id, JURISDICTIONS[jurisdiction])
        if not isinstance(parsed, PhoneNumber):
            raise InvalidArgumentError(
                f"the caller ID {caller_id!r} is not a valid number ({parsed.reason})"
            )
        caller = parsed.e164
    zone = check_timezone(timezone or DEFAULT_ZONES[jurisdiction])
    campaign = Campaign(
        name=name,
        timezone=zone,
        labels=check_labels(labels or {}),
        jurisdiction=jurisdiction,
        audience=audience,
        caller_id=caller,
        purpose=purpose,
        sector=sector,
        starts=starts,
        ends=ends,
        created_at=now,
    )
    session.add(campaign)
    session.flush()
    audit.record(
        session,
        "campaign_new",
        {"campaign": name, "jurisdiction": jurisdiction, "audience": audience, "caller_id": caller},
        at=now,
    )
    return campaign


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidArgumentError(
            f"unknown time zone {name!r}", hint="use an IANA name such as Europe/Paris"
        ) from None
    return name


def check_labels(labels: Mapping[str, str]) -> dict[str, str]:
    unknown = sorted(set(labels) - set(STAGES))
    if unknown:
        raise InvalidArgumentError(
            f"unknown funnel stage {unknown[0]!r}", hint=f"stages are {', '.join(STAGES)}"
        )
    empty = [stage for stage, text in labels.items() if not text.strip()]
    if empty:
        raise InvalidArgumentError(f"the label of stage {empty[0]!r} is empty")
    return {stage: text.strip() for stage, text in labels.items()}


def edit_campaign(
    session: Session,
    name: str,
    *,
    timezone: str | None = None,
    labels: Mapping[str, str] | None = None,
    now: datetime,
) -> Campaign:
    """Change a campaign's report settings: its time zone, and stage labels (merged with the
    ones it has)."""
    campaign = get_campaign(session, name)
    changes: dict[str, Any] = {}
    if timezone is not None:
        campaign.timezone = changes["timezone"] = check_timezone(timezone)
    if labels:
        campaign.labels = changes["labels"] = {**campaign.labels, **check_labels(labels)}
    if changes:
        session.flush()
        audit.record(session, "campaign_edit", {"campaign": name, **changes}, at=now)
    return campaign


def get_campaign(session: Session, name: str) -> Campaign:
    campaign = session.scalars(select(Campaign).where(Campaign.name == name)).first()
    if campaign is None:
        known = ", ".join(session.scalars(select(Campaign.name).order_by(Campaign.name))) or "none"
        raise NotFoundError(
            f"no campaign named {name!r} (campaigns: {known})",
            hint="create it with: campaign new NAME",
        )
    return campaign


def summarize(session: Session, campaign: Campaign) -> CampaignSummary:
    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    return CampaignSummary(
        name=campaign.name,
        jurisdiction=campaign.jurisdiction,
        audience=campaign.audience,
        caller_id=campaign.caller_id,
        purpose=campaign.purpose,
        starts=campaign.starts,
        ends=campaign.ends,
        created_at=campaign.created_at,
        timezone=campaign.timezone,
        labels=dict(campaign.labels),
        contacts=count(
            select(func.count())
            .select_from(Contact)
            .where(Contact.campaign_id == campaign.id, Contact.merged_into_id.is_(None))
        ),
        merged=count(
            select(func.count())
            .select_from(Contact)
            .where(Contact.campaign_id == campaign.id, Contact.merged_into_id.is_not(None))
        ),
        files=count(
            select(func.count())
            .select_from(SourceFile)
            .where(SourceFile.campaign_id == campaign.id)
        ),
    )


def list_campaigns(session: Session) -> list[CampaignSummary]:
    campaigns = session.scalars(select(Campaign).order_by(Campaign.name))
    return [summarize(session, campaign) for campaign in campaigns]


def describe(session: Session, campaign: Campaign, *, now: datetime) -> CampaignSummary:
    """``summarize`` plus how many contacts the current lists and opt-outs block."""
    summary = summarize(session, campaign)
    statuses = [s for s in list_statuses(session, now=now) if s.version_id is not None]
    rows = session.execute(
        select(ContactNumber.e164, Contact.id)
        .join(Contact)
        .where(
            Contact.campaign_id == campaign.id,
            Contact.merged_into_id.is_(None),
            ContactNumber.e164.is_not(None),
        )
    ).all()
    numbers = sorted({e164 for e164, _ in rows if e164 is not None})
    listed = set(bulk.find_listed(session, numbers, [s.list_id for s in statuses]))
    listed |= set(find_optouts(session, numbers))
    blocked = len({contact_id for e164, contact_id in rows if e164 in listed})
    names = tuple(
        f"{s.name} v{s.version} ({s.age_days:.1f} days old{'' if s.fresh else ', STALE'})"
        for s in statuses
    )
    return replace(summary, blocked=blocked, lists=names)
