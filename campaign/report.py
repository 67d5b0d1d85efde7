"""The weekly report and the proof of screening, rendered by jinja2 from ``templates/``.

``weekly_report`` gathers one ISO week of a campaign (in the campaign's time zone): the three
figures a manager must not confuse (responded, qualified, converted, each per person dialled
with its 95 % interval), the change from the week before, the funnel, an 8-week trend, a table
per agent, and the compliance section (lists used with their versions and ages, checks run,
contacts the call lists left out by reason, calls logged as violations by rule, opt-outs).
``render_report`` writes it as one self-contained HTML file (inline SVG charts, inline CSS, no
JavaScript, no network), Markdown or plain text, in French or English (French conventions:
``2,1 %``, ``3,2 ‰``, ``23/11/2026``). The language defaults from the jurisdiction.

``proof_report`` lists what a company shows when asked to prove it screened: every list import
(versions, file hashes), contact import, campaign check, call-list export and outcome import
of the campaign, from the hash-chained audit log, with the chain's verification.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from campaign import charts, formatting
from campaign.campaigns import get_campaign, region_of
from campaign.funnel import (
    NO_AGENT,
    Funnel,
    FunnelRow,
    StageFigure,
    funnel,
    iso_week,
    week_range,
)
from campaign.rendering import render
from campaign.stages import STAGES, Rate, wilson
from suppression import audit
from suppression.errors import InvalidArgumentError
from suppression.lists import ListStatus, list_statuses

FORMATS = ("html", "md", "txt")
PROOF_FORMATS = ("html", "json")
HEADLINE = ("responded", "qualified", "converted")
TREND_WEEKS = 8
# The audit records that belong to a campaign's proof, and those every campaign relies on.
CAMPAIGN_KINDS = (
    "campaign_new",
    "campaign_edit",
    "contact_import",
    "dedupe",
    "check",
    "calllist",
    "calls_logged",
)
SHARED_KINDS = ("list_import",)

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Weekly report",
        "week": "Week",
        "campaign": "Campaign",
        "generated": "Generated",
        "headline": "This week in three figures",
        "per_dialled": "of the people dialled",
        "change": "Change from the week before",
        "previous": "previous week",
        "this_week": "this week",
        "funnel": "Funnel",
        "stage": "Stage",
        "people": "People",
        "from_previous": "From previous stage",
        "from_dialled": "From dialled",
        "interval": "95 % interval",
        "trend": "Trend over 8 weeks",
        "agents": "By agent",
        "agent": "Agent",
        "calls": "Calls",
        "violations": "Violations",
        "compliance": "Compliance",
        "lists": "Opposition lists used",
        "list": "List",
        "version": "Version",
        "imported": "Imported",
        "age": "Age (days)",
        "fresh": "Fresh",
        "stale": "STALE",
        "no_list": "No opposition list imported.",
        "checks": "Campaign checks run",
        "failed": "failed",
        "calllists": "Call lists exported",
        "left_out": "Contacts left out of call lists",
        "reason": "Reason",
        "count": "Count",
        "rule": "Rule",
        "violation_calls": "Calls logged while the rules blocked them",
        "opt_outs": "Opt-outs received (added to the do-not-call list)",
        "none": "none",
        "no_calls": "No call was logged this week.",
        "method": (
            "Rates are per person dialled in the week; a person counts once, at the furthest "
            "stage their calls reached. Intervals are 95 % Wilson score intervals."
        ),
        "no_agent": "(no agent)",
        "colon": ":",
    },
    "fr": {
        "title": "Rapport hebdomadaire",
        "week": "Semaine",
        "campaign": "Campagne",
        "generated": "Produit le",
        "headline": "La semaine en trois chiffres",
        "per_dialled": "des personnes appelées",
        "change": "Évolution par rapport à la semaine précédente",
        "previous": "semaine précédente",
        "this_week": "cette semaine",
        "funnel": "Entonnoir",
        "stage": "Étape",
        "people": "Personnes",
        "from_previous": "Depuis l'étape précédente",
        "from_dialled": "Depuis les appelés",
        "interval": "intervalle à 95 %",
        "trend": "Tendance sur 8 semaines",
        "agents": "Par téléconseiller",
        "agent": "Téléconseiller",
        "calls": "Appels",
        "violations": "Infractions",
        "compliance": "Conformité",
        "lists": "Listes d'opposition utilisées",
        "list": "Liste",
        "version": "Version",
        "imported": "Importée le",
        "age": "Âge (jours)",
        "fresh": "À jour",
        "stale": "PÉRIMÉE",
        "no_list": "Aucune liste d'opposition importée.",
        "checks": "Contrôles de campagne effectués",
        "failed": "en échec",
        "calllists": "Listes d'appel exportées",
        "left_out": "Contacts écartés des listes d'appel",
        "reason": "Motif",
        "count": "Nombre",
        "rule": "Règle",
        "violation_calls": "Appels passés alors que les règles les bloquaient",
        "opt_outs": "Oppositions reçues (ajoutées à la liste interne)",
        "none": "aucun",
        "no_calls": "Aucun appel enregistré cette semaine.",
        "method": (
            "Taux rapportés aux personnes appelées dans la semaine ; une personne compte une "
            "fois, à l'étape la plus avancée atteinte. Intervalles de confiance à 95 % (score "
            "de Wilson)."
        ),
        "no_agent": "(sans téléconseiller)",
        "colon": "\u202f:",
    },
}
STAGE_NAMES = {
    "en": {s: s for s in STAGES},
    "fr": {
        "dialled": "appelés",
        "reached": "joints",
        "responded": "répondants",
        "qualified": "qualifiés",
        "converted": "convertis",
    },
}


@dataclass(frozen=True)
class Headline:
    stage: str
    label: str
    rate: Rate  # from dialled
    unit: str  # "percent" or "per_mille"
    previous: Rate  # the same rate the week before


@dataclass(frozen=True)
class AgentRow:
    row: FunnelRow
    unnamed: bool  # the calls logged without an agent's name (funnel.NO_AGENT)


@dataclass(frozen=True)
class WeeklyReport:
    campaign: str
    jurisdiction: str
    audience: str
    timezone: str
    lang: str
    week: str
    first_day: date
    last_day: date
    generated_at: datetime
    labels: dict[str, str]
    funnel: Funnel  # the week, by agent
    previous: Funnel  # the week before
    trend: tuple[tuple[str, FunnelRow], ...]  # the last 8 weeks, oldest first
    headline: tuple[Headline, ...]
    agents: tuple[AgentRow, ...]
    lists: tuple[ListStatus, ...]

    def label(self, stage: str) -> str:
        return self.labels.get(stage) or STAGE_NAMES[self.lang][stage]

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "week": self.week,
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "timezone": self.timezone,
            "lang": self.lang,
            "funnel": self.funnel.as_dict(),
            "previous": self.previous.total.as_dict(),
            "trend": [row.as_dict() for _, row in self.trend],
            "lists": [status.as_dict() for status in self.lists],
        }


def weekly_report(
    session: Session,
    campaign_name: str,
    week: str,
    *,
    lang: str | None = None,
    now: datetime,
) -> WeeklyReport:
    """Gather one ISO week of ``campaign_name`` (see the module docstring)."""
    if lang is not None and lang not in formatting.LANGUAGES:
        raise InvalidArgumentError(
            f"unknown language {lang!r}", hint=f"use one of {', '.join(formatting.LANGUAGES)}"
        )
    campaign = get_campaign(session, campaign_name)
    zone = ZoneInfo(campaign.timezone)
    since, until = week_range(week, zone)
    if since > now:
        raise InvalidArgumentError(
            f"week {week} has not started yet", hint="report on a week that has begun"
        )
    week_key = iso_week(since, zone)
    this = funnel(session, campaign.name, since=since, until=until, by="agent")
    previous = funnel(session, campaign.name, since=since - timedelta(days=7), until=since)
    trend_since = since - timedelta(days=7 * (TREND_WEEKS - 1))
    by_week = funnel(session, campaign.name, since=trend_since, until=until, by="week")
    rows = {row.key: row for row in by_week.rows}
    trend = []
    for index in range(TREND_WEEKS):
        key = iso_week(trend_since + timedelta(days=7 * index, hours=12), zone)
        trend.append((key, rows.get(key) or _empty_row(key, this)))
    language = lang or formatting.DEFAULT_LANGUAGE.get(campaign.jurisdiction, "en")
    headline = tuple(
        Headline(
            stage=stage,
            label=campaign.labels.get(stage) or STAGE_NAMES[language][stage],
            rate=this.total.stage(stage).from_dialled,
            unit=formatting.best_unit(this.total.stage(stage).from_dialled),
            previous=previous.total.stage(stage).from_dialled,
        )
        for stage in HEADLINE
    )
    agents = tuple(AgentRow(row, row.key == NO_AGENT) for row in this.rows)
    lists = tuple(
        s
        for s in list_statuses(session, now=min(until, now))
        if s.version_id is not None and s.region == region_of(campaign)
    )
    return WeeklyReport(
        campaign=campaign.name,
        jurisdiction=campaign.jurisdiction,
        audience=campaign.audience,
        timezone=campaign.timezone,
        lang=language,
        week=week_key,
        first_day=since.astimezone(zone).date(),
        last_day=(until.astimezone(zone) - timedelta(days=1)).date(),
        generated_at=now.astimezone(zone),
        labels=dict(campaign.labels),
        funnel=this,
        previous=previous,
        trend=tuple(trend),
        headline=headline,
        agents=agents,
        lists=lists,
    )


def render_report(report: WeeklyReport, fmt: str = "html") -> str:
    if fmt not in FORMATS:
        raise InvalidArgumentError(
            f"unknown report format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}"
        )
    f = formatting.Formatter(report.lang)
    text = TEXT[report.lang]
    context: dict[str, Any] = {
        "r": report,
        "f": f,
        "t": text,
        "stages": STAGES,
        "summary": summary_sentence(report),
        "compliance": report.funnel.compliance,
    }
    if fmt == "html":
        context["funnel_svg"] = charts.funnel_chart(
            [
                charts.Bar(
                    report.label(figure.stage),
                    figure.count,
                    f.int(figure.count)
                    + (
                        ""
                        if index == 0
                        else f" — {f.rate(figure.from_dialled.value, f.unit(figure.from_dialled))}"
                    ),
                )
                for index, figure in enumerate(report.funnel.total.stages)
            ],
            title=f"{text['funnel']} — {text['week'].lower()} {report.week}",
        )
        context["trend_svgs"] = [
            charts.trend_chart(
                [
                    charts.TrendPoint(week.split("-")[1], row.stage(headline.stage).from_dialled)
                    for week, row in report.trend
                ],
                title=headline.label,
                scale=100 if headline.unit == "percent" else 1000,
                unit="%" if headline.unit == "percent" else "‰",
                tick=functools.partial(f.rate, unit=headline.unit),
            )
            for headline in report.headline
        ]
    else:
        context["sparklines"] = {
            headline.stage: sparkline(
                [row.stage(headline.stage).from_dialled.value for _, row in report.trend]
            )
            for headline in report.headline
        }
    return render(f"report.{fmt}", **context)


def summary_sentence(report: WeeklyReport) -> str:
    """The sentence under the three figures: what separates a "response" from a sale."""
    f = formatting.Formatter(report.lang)
    total = report.funnel.total
    dialled = total.stage("dialled").count
    if not dialled:
        return TEXT[report.lang]["no_calls"]
    responded, qualified, converted = (total.stage(s).count for s in HEADLINE)
    conv = total.stage("converted").from_dialled
    ratio = f"{responded / converted:.0f}" if converted else None
    if report.lang == "fr":
        text = (
            f"Sur {f.int(dialled)} personnes appelées, {f.int(responded)} ont répondu "
            f"(rappel, intérêt ou mieux) : c'est le « taux de réponse » des plaquettes. "
            f"Seules {f.int(qualified)} ont été qualifiées et {f.int(converted)} converties, "
            f"soit {f.rate(conv.value, 'per_mille')} (intervalle à 95\u202f% : "
            f"{f.interval(conv, 'per_mille')})"
        )
        return text + (f", {ratio} fois moins que les réponses." if ratio else ".")
    text = (
        f"Of {f.int(dialled)} people dialled, {f.int(responded)} responded (callback, interest "
        f'or better): the "response rate" sales decks quote. Only {f.int(qualified)} were '
        f"qualified and {f.int(converted)} converted, {f.rate(conv.value, 'per_mille')} "
        f"(95 % interval {f.interval(conv, 'per_mille')})"
    )
    return text + (f", {ratio} times fewer than the responses." if ratio else ".")


def sparkline(values: list[float | None]) -> str:
    """``▁▃▅█`` for text reports; a week without calls is a space."""
    bars = "▁▂▃▄▅▆▇█"
    top = max((v for v in values if v is not None), default=0.0)
    return "".join(
        " " if v is None else bars[0 if not top else min(7, int(v / top * 7.999))] for v in values
    )


def _empty_row(key: str, like: Funnel) -> FunnelRow:
    """A week without calls: every stage at 0, every rate unknown."""
    return FunnelRow(
        key,
        0,
        tuple(
            StageFigure(figure.stage, figure.label, 0, wilson(0, 0), wilson(0, 0))
            for figure in like.total.stages
        ),
    )


# ------------------------------------------------------------------------ proof of screening


@dataclass(frozen=True)
class ProofEntry:
    id: int
    at: datetime
    kind: str
    hash: str
    summary: str
    payload: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "kind": self.kind,
            "hash": self.hash,
            "summary": self.summary,
            "payload": self.payload,
        }


@dataclass(frozen=True)
class Proof:
    campaign: str
    generated_at: datetime
    chain_ok: bool
    chain_records: int
    chain_problem: str | None
    entries: tuple[ProofEntry, ...]
    counts: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "generated_at": self.generated_at.isoformat(),
            "audit_chain": {
                "ok": self.chain_ok,
                "records": self.chain_records,
                "problem": self.chain_problem,
            },
            "counts": self.counts,
            "entries": [entry.as_dict() for entry in self.entries],
        }


def proof_report(session: Session, campaign_name: str, *, now: datetime) -> Proof:
    """Every record of the audit log that proves how ``campaign_name`` was screened."""
    campaign = get_campaign(session, campaign_name)
    check = audit.verify_chain(session)
    entries = []
    for record in audit.list_records(session):
        payload = record.payload
        mine = record.kind in CAMPAIGN_KINDS and payload.get("campaign") == campaign.name
        if not mine and record.kind not in SHARED_KINDS:
            continue
        entries.append(
            ProofEntry(
                record.id,
                record.at,
                record.kind,
                record.hash,
                _summary(record.kind, payload),
                payload,
            )
        )
    return Proof(
        campaign=campaign.name,
        generated_at=now,
        chain_ok=check.ok,
        chain_records=check.records,
        chain_problem=None if check.ok else f"record {check.first_bad_id}: {check.problem}",
        entries=tuple(entries),
        counts=dict(Counter(entry.kind for entry in entries)),
    )


def render_proof(proof: Proof, fmt: str = "html") -> str:
    if fmt not in PROOF_FORMATS:
        raise InvalidArgumentError(
            f"unknown proof format {fmt!r}", hint=f"use one of {', '.join(PROOF_FORMATS)}"
        )
    if fmt == "json":
        return json.dumps(proof.as_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
    return render("proof.html", proof=proof)


def _summary(kind: str, p: dict[str, Any]) -> str:
    """One line per record kind: the figures and hashes someone checking the proof looks for."""
    sha = str(p.get("sha256") or "")[:16]
    if kind == "list_import":
        return (
            f"list {p.get('list')} v{p.get('version')} from {p.get('file')} (sha256 {sha}…): "
            f"{p.get('entries')} entries, +{p.get('added')} −{p.get('removed')}, "
            f"{p.get('rejected')} rejected, mode {p.get('mode')}"
        )
    if kind == "contact_import":
        return (
            f"{p.get('file')} (sha256 {sha}…): {p.get('rows')} rows, {p.get('accepted')} "
            f"accepted, {p.get('invalid')} invalid, {p.get('opposed')} on a list or opted out"
        )
    if kind == "check":
        failed = [c.get("rule") for c in p.get("checks", []) if not c.get("passed")]
        verdict = "passed" if p.get("passed") else f"FAILED ({', '.join(map(str, failed))})"
        return f"campaign check with profile {p.get('profile')}: {verdict}"
    if kind == "calllist":
        lists = ", ".join(
            f"{s.get('name')} v{s.get('version')} ({s.get('age_days')} days old)"
            for s in p.get("lists", [])
        )
        left = ", ".join(f"{k} {v}" for k, v in (p.get("left_out") or {}).items()) or "none"
        return (
            f"call list {p.get('output')} (sha256 {sha}…): {p.get('rows')} rows; screened "
            f"against {lists or 'no list'}; left out: {left}"
        )
    if kind == "calls_logged":
        source = f"from {p.get('file')} (sha256 {sha}…)" if p.get("file") else "logged by hand"
        return (
            f"{p.get('logged')} calls {source}, {p.get('violations')} violations, "
            f"{p.get('opt_outs')} opt-outs"
        )
    if kind == "campaign_new":
        return f"campaign created ({p.get('jurisdiction')}, {p.get('audience')})"
    if kind == "dedupe":
        return f"duplicates merged: {len(p.get('merges') or [])} clusters"
    return json.dumps(p, ensure_ascii=False, default=str)[:160]
