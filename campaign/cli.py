"""The ``campaign`` command: a thin skin over the ``suppression`` and ``campaign`` libraries.

Each command reads its options, opens one transaction, calls one library function and prints
the result (``--json`` for scripts). Library errors are turned into ``Error: ...`` and exit 1
in one place (``CampaignGroup.invoke``); usage errors exit 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import click
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from campaign import __version__, callcheck, calllist, campaigns, checks, contacts, dedupe
from campaign.database import transaction
from campaign.rendering import render
from suppression import audit, consents, lists, optouts, rules, screening
from suppression.errors import SuppressionError
from suppression.listfiles import FORMATS

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Settings:
    db: str | None
    quiet: bool


class CampaignGroup(click.Group):
    """Converts library errors to one ``Error:`` line and exit 1: never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SuppressionError as exc:
            raise click.ClickException(str(exc)) from exc
        except OperationalError as exc:
            text = f"database failure: {exc.orig}"
            if "no such column" in text or "has no column" in text:
                # Schema migrations (campaign db upgrade) are not there yet.
                text += (
                    ". This database was made by another version of campaign: "
                    "use a new --db file until schema upgrades exist"
                )
            raise click.ClickException(text) from exc
        except SQLAlchemyError as exc:
            raise click.ClickException(f"database failure: {exc}") from exc
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise click.ClickException(
                f"{exc.strerror or exc}{where}. Check the path, its permissions and free disk space"
            ) from exc


def json_option(function: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(
        function
    )


def now() -> datetime:
    return datetime.now(UTC)


def emit_json(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False, default=str))


@contextmanager
def session_for(ctx: click.Context) -> Iterator[Session]:
    settings: Settings = ctx.find_object(Settings)  # type: ignore[assignment]
    with transaction(settings.db) as session:
        yield session


def say(ctx: click.Context, text: str) -> None:
    """Human-readable messages go to stderr, unless --quiet."""
    settings: Settings = ctx.find_object(Settings)  # type: ignore[assignment]
    if not settings.quiet:
        click.echo(text, err=True)


@click.group(cls=CampaignGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="CAMPAIGN_DB",
    metavar="URL",
    help="Database URL (default sqlite:///campaign.db; env CAMPAIGN_DB).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary on stderr.")
@click.version_option(__version__, prog_name="campaign")
@click.pass_context
def cli(ctx: click.Context, db: str | None, quiet: bool) -> None:
    """Keep outbound calling legal: normalise numbers, screen do-not-call lists, prove it.

    \b
    Quick start:
      campaign lists import examples/opposition.txt --list bloctel
      campaign screen examples/prospects.csv
    A campaign:
      campaign new rdv-pme --audience business --caller-id "01 62 00 00 00"
      campaign import rdv-pme examples/prospects.csv
      campaign dedupe rdv-pme --apply
      campaign check rdv-pme
      campaign calllist rdv-pme --agents lea,marc -o today.csv
      campaign can-call "06 12 34 56 78" --campaign rdv-pme
      campaign audit
    """
    ctx.obj = Settings(db=db, quiet=quiet)


# ---------------------------------------------------------------- lists


@cli.group("lists")
def lists_group() -> None:
    """Opposition (do-not-call) lists: import versions, show freshness."""


@lists_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--list", "list_name", required=True, help="Name of the list (e.g. bloctel).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="File format; auto recognises each.",
)
@click.option(
    "--mode",
    type=click.Choice(lists.MODES),
    default="full",
    show_default=True,
    help="full replaces the list; delta applies ADD/DEL lines.",
)
@click.option("--region", help="Region for national numbers (default by format: FR, US, GB).")
@click.option(
    "--max-age-days",
    type=click.IntRange(min=1),
    help="Max age before screening refuses (default 30).",
)
@click.option("--column", help="Number column, for csv files.")
@json_option
@click.pass_context
def lists_import(
    ctx: click.Context,
    file: str,
    list_name: str,
    fmt: str,
    mode: str,
    region: str | None,
    max_age_days: int | None,
    column: str | None,
    as_json: bool,
) -> None:
    """Import FILE as a new version of a list.

    \b
    Examples:
      campaign lists import bloctel.txt --list bloctel
      campaign lists import dnc_201.txt --list us-dnc --format us-dnc --max-age-days 31
      campaign lists import changes.csv --list bloctel --mode delta
    """
    with session_for(ctx) as session:
        result = lists.import_list(
            session,
            file,
            list_name=list_name,
            format=fmt,
            mode=mode,
            region=region,
            max_age_days=max_age_days,
            column=column,
            now=now(),
        )
    if as_json:
        emit_json(result.as_dict())
        return
    if result.already_imported:
        say(
            ctx,
            f"{file} is already the current version of list {list_name!r} "
            f"(sha256 {result.sha256[:12]}): nothing changed.",
        )
        return
    say(ctx, render("list_import.txt", result=result))


@lists_group.command("show")
@json_option
@click.pass_context
def lists_show(ctx: click.Context, as_json: bool) -> None:
    """Each list with its entries, last import, age and freshness."""
    with session_for(ctx) as session:
        statuses = lists.list_statuses(session, now=now())
    if as_json:
        emit_json([status.as_dict() for status in statuses])
        return
    click.echo(render("lists.txt", statuses=statuses))


# ---------------------------------------------------------------- opt-outs


@cli.group("optout")
def optout_group() -> None:
    """The company's own do-not-call list. Opt-outs never expire."""


@optout_group.command("add")
@click.argument("numbers", nargs=-1, required=True)
@click.option("--reason", required=True, help="Why (e.g. 'asked on the phone').")
@click.option("--source", type=click.Choice(optouts.SOURCES), default="call", show_default=True)
@click.option("--region", default="FR", show_default=True, help="Region for national numbers.")
@json_option
@click.pass_context
def optout_add(
    ctx: click.Context,
    numbers: tuple[str, ...],
    reason: str,
    source: str,
    region: str,
    as_json: bool,
) -> None:
    """Add NUMBERS to the opt-out list.

    \b
    Example:
      campaign optout add "06 12 34 56 78" --reason "asked on the phone"
    """
    with session_for(ctx) as session:
        change = optouts.add_optouts(
            session, numbers, reason=reason, source=source, region=region, now=now()
        )
    report_change(ctx, change, "added", as_json)


@optout_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--reason", default="imported", show_default=True)
@click.option("--source", type=click.Choice(optouts.SOURCES), default="import", show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True)
@click.option("--region", help="Region for national numbers (default by format).")
@click.option("--column", help="Number column, for csv files.")
@json_option
@click.pass_context
def optout_import(
    ctx: click.Context,
    file: str,
    reason: str,
    source: str,
    fmt: str,
    region: str | None,
    column: str | None,
    as_json: bool,
) -> None:
    """Add every number of FILE (any list format) to the opt-out list."""
    with session_for(ctx) as session:
        change = optouts.import_optouts(
            session,
            file,
            reason=reason,
            source=source,
            format=fmt,
            region=region,
            column=column,
            now=now(),
        )
    report_change(ctx, change, "added", as_json)


@optout_group.command("remove")
@click.argument("numbers", nargs=-1, required=True)
@click.option("--reason", required=True, help="Why the opt-out no longer applies.")
@click.option("--region", default="FR", show_default=True)
@json_option
@click.pass_context
def optout_remove(
    ctx: click.Context, numbers: tuple[str, ...], reason: str, region: str, as_json: bool
) -> None:
    """Remove NUMBERS from the opt-out list (the history keeps them)."""
    with session_for(ctx) as session:
        change = optouts.remove_optouts(session, numbers, reason=reason, region=region, now=now())
    report_change(ctx, change, "removed", as_json)


def report_change(
    ctx: click.Context, change: optouts.OptOutChange, verb: str, as_json: bool
) -> None:
    if as_json:
        emit_json(change.as_dict())
    else:
        say(
            ctx,
            f"{len(change.changed)} {verb}, {len(change.unchanged)} unchanged, "
            f"{len(change.invalid)} invalid",
        )
        for raw, reason in change.invalid:
            say(ctx, f"  invalid: {raw!r} ({reason})")
    if change.invalid and not change.changed and not change.unchanged:
        raise click.ClickException("no valid number given")


# ---------------------------------------------------------------- screening


@cli.command("screen")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--column", help="Column holding the numbers (default: found by its header).")
@click.option("--region", default="FR", show_default=True, help="Region for national numbers.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Callable rows (default FILE.callable.csv).",
)
@click.option(
    "--blocked", type=click.Path(dir_okay=False), help="Blocked rows (default FILE.blocked.csv)."
)
@click.option(
    "--rejected", type=click.Path(dir_okay=False), help="Unusable rows (default FILE.rejected.csv)."
)
@click.option("--lists", "list_names", help="Comma-separated list names (default: all lists).")
@click.option(
    "--allow-stale", is_flag=True, help="Screen even with a list past its max age (recorded)."
)
@click.option("--encoding", help="Force the input encoding (e.g. cp1252).")
@json_option
@click.pass_context
def screen(
    ctx: click.Context,
    file: str,
    column: str | None,
    region: str,
    output: str | None,
    blocked: str | None,
    rejected: str | None,
    list_names: str | None,
    allow_stale: bool,
    encoding: str | None,
    as_json: bool,
) -> None:
    """Screen a prospect FILE against the opposition lists and the opt-outs.

    Every row lands in exactly one of three CSV files: callable, blocked (and why),
    rejected (the number is unusable, and why).

    \b
    Examples:
      campaign screen prospects.csv
      campaign screen salon.xlsx --column Mobile -o today.csv --lists bloctel
      campaign screen achat.csv --json | jq .callable
    """
    names = [n.strip() for n in list_names.split(",") if n.strip()] if list_names else None
    with session_for(ctx) as session, progress_bar(ctx) as progress:
        result = screening.screen_file(
            session,
            file,
            column=column,
            region=region,
            output=output,
            blocked=blocked,
            rejected=rejected,
            lists=names,
            allow_stale=allow_stale,
            encoding=encoding,
            now=now(),
            progress=progress,
        )
    if as_json:
        emit_json(result.as_dict())
    else:
        say(ctx, render("screening.txt", result=result))


@contextmanager
def progress_bar(ctx: click.Context) -> Iterator[Callable[[float], None] | None]:
    settings: Settings = ctx.find_object(Settings)  # type: ignore[assignment]
    if settings.quiet or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=1000, label="Screening", file=sys.stderr) as bar:
        done = 0

        def advance(fraction: float) -> None:
            nonlocal done
            target = int(fraction * 1000)
            if target > done:
                bar.update(target - done)
                done = target

        yield advance


# ---------------------------------------------------------------- campaigns & contacts


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date like 2026-11-23", param_hint=option
        ) from None


@cli.command("new")
@click.argument("name")
@click.option(
    "--jurisdiction",
    type=click.Choice(sorted(campaigns.JURISDICTIONS), case_sensitive=False),
    default="FR",
    show_default=True,
)
@click.option(
    "--audience", type=click.Choice(campaigns.AUDIENCES), default="consumer", show_default=True
)
@click.option("--caller-id", metavar="NUMBER", help="The number shown to the people called.")
@click.option(
    "--purpose",
    help="What the calls are for; press_subscription, survey, charity, political"
    " lift the list/consent duty.",
)
@click.option(
    "--sector", help="What is sold (energy_renovation, cpf, home_adaptation are banned in FR)."
)
@click.option("--starts", metavar="DATE", help="First day of calls (YYYY-MM-DD).")
@click.option("--ends", metavar="DATE", help="Last day of calls (YYYY-MM-DD).")
@json_option
@click.pass_context
def new(
    ctx: click.Context,
    name: str,
    jurisdiction: str,
    audience: str,
    caller_id: str | None,
    purpose: str | None,
    sector: str | None,
    starts: str | None,
    ends: str | None,
    as_json: bool,
) -> None:
    """Create a campaign.

    \b
    Example:
      campaign new rdv-pme --audience business --caller-id "01 62 00 00 00" --ends 2026-12-18
    """
    with session_for(ctx) as session:
        created = campaigns.new_campaign(
            session,
            name,
            jurisdiction=jurisdiction,
            audience=audience,
            caller_id=caller_id,
            purpose=purpose,
            sector=sector,
            starts=parse_date(starts, "--starts"),
            ends=parse_date(ends, "--ends"),
            now=now(),
        )
        summary = campaigns.summarize(session, created)
    if as_json:
        emit_json(summary.as_dict())
    else:
        say(ctx, f"Created campaign {name!r} ({summary.jurisdiction}, {summary.audience}).")


@cli.command("list")
@json_option
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List the campaigns with their contact counts."""
    with session_for(ctx) as session:
        summaries = campaigns.list_campaigns(session)
    if as_json:
        emit_json([summary.as_dict() for summary in summaries])
    else:
        click.echo(render("campaigns.txt", summaries=summaries))


@cli.command("show")
@click.argument("name")
@json_option
@click.pass_context
def show(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show a campaign: settings, contacts, merged duplicates, blocked contacts, lists, files."""
    with session_for(ctx) as session:
        summary = campaigns.describe(session, campaigns.get_campaign(session, name), now=now())
    if as_json:
        emit_json(summary.as_dict())
    else:
        click.echo(render("campaign.txt", summary=summary))


@cli.command("import")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Map a column onto a field (repeatable).",
)
@click.option("--source", help="Where the file comes from (e.g. 'salon 2026', 'achat').")
@click.option("--dry-run", is_flag=True, help="Write nothing; report every row.")
@click.option("--encoding", help="Force the input encoding (e.g. cp1252).")
@json_option
@click.pass_context
def import_command(
    ctx: click.Context,
    name: str,
    file: str,
    maps: tuple[str, ...],
    source: str | None,
    dry_run: bool,
    encoding: str | None,
    as_json: bool,
) -> None:
    """Import a prospect FILE (CSV, TSV, ;-separated or .xlsx) into campaign NAME.

    \b
    Fields: first_name last_name full_name company phone mobile other_phone
            email address postcode city siren audience
    Examples:
      campaign import rdv-pme salon.xlsx --source "salon 2026"
      campaign import rdv-pme achat.csv --map phone=Tel1 --map company="Nom entreprise"
      campaign import rdv-pme achat.csv --dry-run --json
    """
    mapping = {}
    for item in maps:
        field_name, sep, column = item.partition("=")
        if not sep or not field_name.strip() or not column.strip():
            raise click.BadParameter(f"{item!r} is not FIELD=COLUMN", param_hint="--map")
        mapping[field_name.strip()] = column.strip()
    with session_for(ctx) as session:
        report = contacts.import_contacts(
            session,
            name,
            file,
            mapping=mapping,
            source=source,
            dry_run=dry_run,
            encoding=encoding,
            now=now(),
        )
    if as_json:
        emit_json(report.as_dict(details=dry_run))
    else:
        click.echo(render("contact_import.txt", report=report))


@cli.command("dedupe")
@click.argument("name")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    default=85.0,
    show_default=True,
    help="Fuzzy score needed to link two contacts.",
)
@click.option(
    "--dry-run/--apply",
    "dry_run",
    default=True,
    help="Only report (default), or merge the clusters.",
)
@click.option("--explain", is_flag=True, help="Show the keys or scores that linked each pair.")
@json_option
@click.pass_context
def dedupe_command(
    ctx: click.Context, name: str, threshold: float, dry_run: bool, explain: bool, as_json: bool
) -> None:
    """Find the campaign's duplicate contacts; --apply merges them (reversibly).

    \b
    Examples:
      campaign dedupe rdv-pme --explain
      campaign dedupe rdv-pme --apply
      campaign unmerge 3
    """
    with session_for(ctx) as session:
        report = dedupe.dedupe(session, name, threshold=threshold, apply=not dry_run, now=now())
    if as_json:
        emit_json(report.as_dict())
    else:
        click.echo(render("dedupe.txt", report=report, explain=explain))


@cli.command("merges")
@click.argument("name")
@json_option
@click.pass_context
def merges_command(ctx: click.Context, name: str, as_json: bool) -> None:
    """List the merges of a campaign (undone ones included)."""
    with session_for(ctx) as session:
        rows = [
            {
                "id": m.id,
                "at": m.at.isoformat(),
                "survivor": m.survivor_id,
                "contacts": [c["id"] for c in m.before["contacts"]],
                "undone_at": m.undone_at.isoformat() if m.undone_at else None,
            }
            for m in dedupe.list_merges(session, name)
        ]
    if as_json:
        emit_json(rows)
    else:
        click.echo(render("merges.txt", merges=rows))


@cli.command("unmerge")
@click.argument("merge_id", type=int)
@click.pass_context
def unmerge_command(ctx: click.Context, merge_id: int) -> None:
    """Undo merge MERGE_ID: the contacts come back exactly as they were."""
    with session_for(ctx) as session:
        record = dedupe.unmerge(session, merge_id, now=now())
        count = len(record.before["contacts"])
    say(ctx, f"Merge {merge_id} undone: {count} contacts restored.")


@cli.command("calllist")
@click.argument("name")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="CSV file (default NAME.calllist.csv)."
)
@click.option("--limit", type=click.IntRange(min=1), help="At most N rows.")
@click.option("--agents", help="Comma-separated agents, dealt round-robin.")
@click.option(
    "--prefer", type=click.Choice(calllist.PREFERENCES), help="Which number to call first."
)
@json_option
@click.pass_context
def calllist_command(
    ctx: click.Context,
    name: str,
    output: str | None,
    limit: int | None,
    agents: str | None,
    prefer: str | None,
    as_json: bool,
) -> None:
    """Export the contacts to call, screened at this very moment.

    \b
    Example:
      campaign calllist rdv-pme --agents lea,marc --prefer mobile -o today.csv
    """
    names = [a.strip() for a in agents.split(",") if a.strip()] if agents else []
    with session_for(ctx) as session:
        result = calllist.export_calllist(
            session,
            name,
            output or f"{name}.calllist.csv",
            limit=limit,
            agents=names,
            prefer=prefer,
            now=now(),
        )
    if as_json:
        emit_json(result.as_dict())
    else:
        say(ctx, render("calllist.txt", result=result))


# ---------------------------------------------------------------- rules & consent


def parse_datetime(value: str | None, option: str = "--at") -> datetime:
    """ISO date-time; without an offset it is the machine's local time. Default: now."""
    if value is None:
        return now()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date-time like 2026-11-23T10:30 or 2026-11-23T10:30+01:00",
            param_hint=option,
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.astimezone()


def verdict_document(verdict: rules.Verdict) -> dict[str, Any]:
    return {
        "ok": verdict.ok,
        "profile": verdict.profile,
        "at": verdict.at.isoformat(),
        "next_allowed": verdict.next_allowed.isoformat() if verdict.next_allowed else None,
        "reasons": [
            {"code": r.code, "rule": r.rule, "message": r.message, "data": dict(r.data)}
            for r in verdict.reasons
        ],
    }


rules_option = click.option(
    "--rules",
    "rules_file",
    type=click.Path(dir_okay=False),
    help="A TOML file overriding the shipped rules.",
)


@cli.command("can-call")
@click.argument("number")
@click.option("--campaign", "campaign_name", help="Judge as a call of this campaign.")
@click.option(
    "--at", "at", metavar="DATETIME", help="When (ISO; default now; no offset = local time)."
)
@click.option("--caller-id", metavar="NUMBER", help="Without --campaign: the number shown.")
@rules_option
@json_option
@click.pass_context
def can_call(
    ctx: click.Context,
    number: str,
    campaign_name: str | None,
    at: str | None,
    caller_id: str | None,
    rules_file: str | None,
    as_json: bool,
) -> None:
    """Say whether NUMBER may be called now (exit 0), or every reason why not (exit 1).

    \b
    Examples:
      campaign can-call "06 12 34 56 78" --campaign rdv-pme
      campaign can-call +15105550123 --at 2026-11-23T20:30-08:00 --json
    """
    with session_for(ctx) as session:
        verdict = callcheck.check_call(
            session,
            number,
            campaign=campaign_name,
            at=parse_datetime(at),
            caller_id=caller_id,
            rules=rules_file,
        )
    if as_json:
        emit_json(verdict_document(verdict))
    else:
        click.echo(render("verdict.txt", verdict=verdict))
    ctx.exit(0 if verdict.ok else 1)


@cli.command("check")
@click.argument("name")
@click.option("--at", "at", metavar="DATETIME", help="As of when (ISO; default now).")
@rules_option
@json_option
@click.pass_context
def check_command(
    ctx: click.Context, name: str, at: str | None, rules_file: str | None, as_json: bool
) -> None:
    """Check the whole campaign before the first call; exit 0 only if every rule passes.

    \b
    Example:
      campaign check rdv-pme
    """
    with session_for(ctx) as session:
        result = checks.check_campaign(session, name, at=parse_datetime(at), rules=rules_file)
    if as_json:
        emit_json(result.as_dict())
    else:
        click.echo(render("check.txt", result=result))
    ctx.exit(0 if result.passed else 1)


@cli.group("consent")
def consent_group() -> None:
    """The consent ledger: prior consents with their proof, and revocations (F19)."""


@consent_group.command("add")
@click.argument("number")
@click.option("--source", type=click.Choice(consents.SOURCES), required=True)
@click.option("--at", "at", metavar="DATETIME", required=True, help="When the person consented.")
@click.option("--wording-version", required=True, help="Version of the consent text shown.")
@click.option(
    "--proof",
    type=click.Path(dir_okay=False),
    required=True,
    help="The artefact (its SHA-256 is kept).",
)
@click.option("--scope", help="What the consent covers.")
@click.option("--region", default="FR", show_default=True)
@click.pass_context
def consent_add(
    ctx: click.Context,
    number: str,
    source: str,
    at: str,
    wording_version: str,
    proof: str,
    scope: str | None,
    region: str,
) -> None:
    """Record a consent to be called, with its proof.

    \b
    Example:
      campaign consent add "06 12 34 56 78" --source web --at 2026-09-01T10:00+02:00 \\
          --wording-version v3 --proof form-1234.pdf
    """
    with session_for(ctx) as session:
        event = consents.add_consent(
            session,
            number,
            source=source,
            at=parse_datetime(at),
            wording_version=wording_version,
            proof=proof,
            scope=scope,
            region=region,
            now=now(),
        )
        say(
            ctx,
            f"Consent #{event.id} recorded for {event.e164} (proof sha256 {event.proof_sha256}).",
        )


@consent_group.command("revoke")
@click.argument("number")
@click.option("--at", "at", metavar="DATETIME", help="When the person withdrew it (default now).")
@click.option("--region", default="FR", show_default=True)
@click.pass_context
def consent_revoke(ctx: click.Context, number: str, at: str | None, region: str) -> None:
    """Record that the person withdrew their consent (it wins over older consents)."""
    with session_for(ctx) as session:
        event = consents.revoke_consent(
            session, number, at=parse_datetime(at), region=region, now=now()
        )
        say(ctx, f"Consent of {event.e164} revoked.")


@consent_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--proof", type=click.Path(dir_okay=False), help="Proof of the whole file (default: the file)."
)
@click.option("--wording-version", help="For rows without a wording version column.")
@click.option("--region", default="FR", show_default=True)
@click.pass_context
def consent_import(
    ctx: click.Context, file: str, proof: str | None, wording_version: str | None, region: str
) -> None:
    """Import consents from a table (number, ISO date-time with offset, wording version, scope)."""
    with session_for(ctx) as session:
        count = consents.import_consents(
            session, file, proof=proof, wording_version=wording_version, region=region, now=now()
        )
    say(ctx, f"{count} consents imported.")


@cli.group("contract")
def contract_group() -> None:
    """Contracts in force: calls related to them are exempt from the list and consent duties."""


@contract_group.command("add")
@click.argument("number")
@click.option("--until", required=True, metavar="DATE", help="Last day of the contract.")
@click.option("--subject", required=True, help="What the contract is about.")
@click.option("--region", default="FR", show_default=True)
@click.pass_context
def contract_add(ctx: click.Context, number: str, until: str, subject: str, region: str) -> None:
    """Record a contract in force with the person (F3)."""
    day = parse_date(until, "--until")
    assert day is not None
    with session_for(ctx) as session:
        contract = consents.add_contract(
            session, number, until=day, subject=subject, region=region, now=now()
        )
        say(ctx, f"Contract recorded for {contract.e164} until {contract.until}.")


# ---------------------------------------------------------------- audit


@cli.group("audit", invoke_without_command=True)
@click.option("--kind", help="Only records of this kind (screening, list_import, optout_add...).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the last N records.")
@json_option
@click.pass_context
def audit_group(ctx: click.Context, kind: str | None, limit: int | None, as_json: bool) -> None:
    """The audit log: imports, screenings, merges, checks, exports, hash-chained.

    \b
    Examples:
      campaign audit --kind screening
      campaign audit --json --limit 5
      campaign audit verify
    """
    if ctx.invoked_subcommand is not None:
        return
    with session_for(ctx) as session:
        records = audit.list_records(session, kind=kind, limit=limit)
        rows = [
            {
                "id": r.id,
                "at": r.at.isoformat(),
                "kind": r.kind,
                "hash": r.hash,
                "payload": r.payload,
            }
            for r in records
        ]
    if as_json:
        emit_json(rows)
    else:
        click.echo(render("audit.txt", records=rows))


@audit_group.command("verify")
@click.pass_context
def audit_verify(ctx: click.Context) -> None:
    """Recompute the hash chain; exit 1 at the first altered record."""
    with session_for(ctx) as session:
        check = audit.verify_chain(session)
    if not check.ok:
        raise click.ClickException(
            f"audit record {check.first_bad_id} does not match the chain: {check.problem}"
        )
    say(ctx, f"audit log intact: {check.records} records")


def main() -> None:
    cli(prog_name="campaign")
