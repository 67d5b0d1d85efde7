"""Commands on the database and its data: ``db upgrade``, ``db current``, ``db backup``,
``purge``, ``forget``."""

import click

from campaign import database, forget, retention
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


@cli.command("forget")
@click.argument("who", metavar="NUMBER|EMAIL")
@click.option("--region", default="FR", show_default=True, help="Country of national numbers.")
@click.option("--dry-run", is_flag=True, help="Count what would be erased; change nothing.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@json_option
@click.pass_context
def forget_command(
    ctx: click.Context, who: str, region: str, dry_run: bool, yes: bool, as_json: bool
) -> None:
    """Erase a person on request (GDPR) and keep their numbers and e-mail blocked.

    \b
    Deletes every contact record with that number or e-mail address, in every
    campaign, with the records merged with it; deletes their numbers from the
    opt-outs, consents, contracts and list copies, and blanks their calls'
    notes (the calls stay, anonymised, in the funnel). Each number and e-mail
    address stays blocked as a keyed hash: a file that brings a number back is
    still screened out, and an import skips the rows that bring an address back.
    The audit log records the erasure with counts and pseudonyms only.
    Cannot be undone: asks for confirmation unless --yes.
    Examples:
      campaign forget "06 12 34 56 78" --dry-run
      campaign forget jean.dupont@example.fr --yes
      campaign forget +15105550123 --yes --json
    """
    with session_for(ctx, write=False) as session:
        planned = forget.forget(session, who, region=region, dry_run=True, now=now())
    if dry_run:
        _show_erasure(planned, as_json)
        return
    if not yes:
        click.confirm(
            f"Erase {_what(planned)}, anonymise {_count(planned.calls, 'call')} and block "
            f"{_blocked(planned)}? This cannot be undone",
            abort=True,
            err=True,
        )
    with session_for(ctx) as session:
        result = forget.forget(session, who, region=region, now=now())
    if not database.checkpoint(_url(ctx)):
        say(ctx, "Warning: a reader kept the write-ahead log busy; it empties at its next use.")
    _show_erasure(result, as_json)


def _count(value: int, noun: str) -> str:
    return f"{value:,} {noun}{'' if value == 1 else 's'}"


def _blocked(result: forget.Erasure) -> str:
    return f"{_count(result.blocked, 'number')} and {_count(result.addresses, 'e-mail address')}"


def _what(result: forget.Erasure) -> str:
    return f"{_count(result.contacts, 'contact record')} and {_count(result.merges, 'merge')}"


def _show_erasure(result: forget.Erasure, as_json: bool) -> None:
    if as_json:
        emit_json(result.as_dict())
        return
    where = f" Campaigns: {', '.join(result.campaigns)}." if result.campaigns else ""
    blocked = _blocked(result)
    if result.dry_run:
        click.echo(
            f"Would erase {_what(result)}, anonymise {_count(result.calls, 'call')}, and block "
            f"{blocked} (kept as keyed hashes).{where}"
        )
    else:
        click.echo(
            f"Erased {_what(result)}, anonymised {_count(result.calls, 'call')}; blocked "
            f"{blocked} (kept as keyed hashes).{where}"
        )
    if result.target == "email" and not result.contacts:
        click.echo(
            "No contact has that address: nothing to erase; the address is blocked all the same."
        )
