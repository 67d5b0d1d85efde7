"""Commands on the database and its data: ``db upgrade``, ``db current``, ``db backup``,
``purge``."""

import click

from campaign import database, retention
from campaign.cli.base import Settings, cli, emit_json, json_option, now, say, session_for


@cli.group("db")
def db_group() -> None:
    """The database's schema version (Alembic migrations)."""


def _url(ctx: click.Context) -> str:
    settings: Settings = ctx.find_object(Settings)  # type: ignore[assignment]
    return database.resolve_url(settings.db)


@db_group.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Bring the database to the schema of this version of campaign.

    \b
    Back the database up first. An empty database is created at the current
    schema; one already current is left as it is.
    Examples:
      campaign db upgrade
      campaign --db postgresql+psycopg://campaign@db.example/campaign db upgrade
    """
    before, after = database.upgrade(_url(ctx))
    if before == after:
        say(ctx, f"The schema is current ({after}): nothing to do.")
    else:
        say(ctx, f"Schema upgraded from {before or 'nothing'} to {after}.")


@db_group.command("current")
@json_option
@click.pass_context
def db_current(ctx: click.Context, as_json: bool) -> None:
    """Show the database's schema version and the one this campaign needs.

    \b
    Example:
      campaign db current
    """
    revision, head = database.current(_url(ctx))
    if as_json:
        emit_json({"current": revision, "head": head, "up_to_date": revision == head})
        return
    state = "up to date" if revision == head else "run campaign db upgrade"
    click.echo(f"database schema: {revision or 'none'}; this campaign needs: {head} ({state})")


@db_group.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def db_backup(ctx: click.Context, file: str) -> None:
    """Copy the SQLite database to FILE, safely while others use it.

    \b
    The copy is a consistent snapshot, readable by its owner only (0600). To
    restore, stop using the database and put the copy in its place (or point
    --db at it). On PostgreSQL use pg_dump -Fc and pg_restore.
    Example:
      campaign db backup backups/campaign-2026-11-23.db
    """
    size = database.backup(_url(ctx), file)
    say(ctx, f"Backed up to {file} ({size:,} bytes)")


@cli.command("purge")
@click.option(
    "--not-contacted-for",
    "period",
    required=True,
    metavar="PERIOD",
    help="3y, 18m or 90d: delete people with no import or call since.",
)
@click.option("--dry-run", is_flag=True, help="Count what would go; delete nothing.")
@json_option
@click.pass_context
def purge_command(ctx: click.Context, period: str, dry_run: bool, as_json: bool) -> None:
    """Delete the prospects nobody has been in contact with for PERIOD (CNIL: 3 years).

    \b
    Deletes their contacts, numbers, calls and merges in every campaign; keeps
    the opt-outs (the numbers stay blocked), the consents and the audit log,
    which records the purge with counts only.
    Examples:
      campaign purge --not-contacted-for 3y --dry-run
      campaign purge --not-contacted-for 3y
    """
    with session_for(ctx, write=not dry_run) as session:
        result = retention.purge(session, period, dry_run=dry_run, now=now())
    if as_json:
        emit_json(result.as_dict())
        return
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(
        f"{verb} {result.people:,} people not in contact since {result.cutoff:%Y-%m-%d}: "
        f"{result.contacts:,} contact records, {result.numbers:,} numbers, "
        f"{result.calls:,} calls, {result.merges:,} merges"
    )
