"""Commands on campaigns and contacts: ``new``, ``edit``, ``list``, ``show``, ``import``,
``dedupe``, ``merges``, ``unmerge``, ``calllist``."""

import click

from campaign import calllist, campaigns, contacts, dedupe
from campaign.cli.base import (
    cli,
    emit_json,
    json_option,
    now,
    parse_date,
    parse_pairs,
    say,
    session_for,
)
from campaign.rendering import render

# ---------------------------------------------------------------- campaigns & contacts

timezone_option = click.option(
    "--timezone",
    metavar="ZONE",
    help="Where reports count their weeks (default by jurisdiction: Europe/Paris for FR).",
)
label_option = click.option(
    "--label",
    "labels",
    multiple=True,
    metavar="STAGE=TEXT",
    help="Rename a funnel stage in reports (dialled, reached, responded, qualified, converted).",
)


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
@timezone_option
@label_option
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
    timezone: str | None,
    labels: tuple[str, ...],
    as_json: bool,
) -> None:
    """Create a campaign.

    \b
    Examples:
      campaign new rdv-pme --audience business --caller-id "01 62 00 00 00" --ends 2026-12-18
      campaign new rdv-pme --label converted="rendez-vous obtenu"
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
            timezone=timezone,
            labels=parse_pairs(labels, "--label", "STAGE=TEXT"),
            now=now(),
        )
        summary = campaigns.summarize(session, created)
    if as_json:
        emit_json(summary.as_dict())
    else:
        say(ctx, f"Created campaign {name!r} ({summary.jurisdiction}, {summary.audience}).")


@cli.command("edit")
@click.argument("name")
@timezone_option
@label_option
@json_option
@click.pass_context
def edit(
    ctx: click.Context, name: str, timezone: str | None, labels: tuple[str, ...], as_json: bool
) -> None:
    """Change how a campaign's reports count weeks and name the funnel's stages.

    \b
    Examples:
      campaign edit rdv-pme --label converted="rendez-vous obtenu" --label qualified="RDV qualifié"
      campaign edit us-leads --timezone America/Chicago
    """
    with session_for(ctx) as session:
        changed = campaigns.edit_campaign(
            session,
            name,
            timezone=timezone,
            labels=parse_pairs(labels, "--label", "STAGE=TEXT"),
            now=now(),
        )
        summary = campaigns.summarize(session, changed)
    if as_json:
        emit_json(summary.as_dict())
    else:
        click.echo(render("campaign.txt", summary=summary))


@cli.command("list")
@json_option
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List the campaigns with their contact counts."""
    with session_for(ctx, write=False) as session:
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
    with session_for(ctx, write=False) as session:
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
    mapping = parse_pairs(maps, "--map")
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
    with session_for(ctx, write=False) as session:
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
@click.option("--day", metavar="DATE", help="The call day (YYYY-MM-DD; default today).")
@json_option
@click.pass_context
def calllist_command(
    ctx: click.Context,
    name: str,
    output: str | None,
    limit: int | None,
    agents: str | None,
    prefer: str | None,
    day: str | None,
    as_json: bool,
) -> None:
    """Export the contacts to call on one day, screened at this very moment.

    \b
    Contacts the rules block for the whole day are left out (and counted by
    reason); each row carries the day's calling windows in the callee's zone.
    Examples:
      campaign calllist rdv-pme --agents lea,marc --prefer mobile -o today.csv
      campaign calllist rdv-pme --day 2026-11-30 -o monday.csv
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
            day=parse_date(day, "--day"),
            now=now(),
        )
    if as_json:
        emit_json(result.as_dict())
    else:
        say(ctx, render("calllist.txt", result=result))
