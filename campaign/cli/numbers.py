"""Commands on numbers and lists: ``lists``, ``optout``, ``screen``, ``audit``."""

import click

from campaign.cli.base import (
    cli,
    emit_json,
    json_option,
    now,
    progress_bar,
    say,
    session_for,
    write_text,
)
from campaign.rendering import render
from suppression import audit, lists, optouts, screening
from suppression.consents import e164_of
from suppression.listfiles import FORMATS

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
    with session_for(ctx, write=False) as session:
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


# ---------------------------------------------------------------- audit


@cli.group("audit", invoke_without_command=True)
@click.option("--kind", help="Only records of this kind (screening, list_import, optout_add...).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the last N records.")
@click.option("--number", help="Only records about this number (named there by pseudonym).")
@click.option("--region", default="FR", show_default=True, help="Country of a national --number.")
@json_option
@click.pass_context
def audit_group(
    ctx: click.Context,
    kind: str | None,
    limit: int | None,
    number: str | None,
    region: str,
    as_json: bool,
) -> None:
    """The audit log: imports, screenings, merges, checks, exports, hash-chained.

    \b
    Records name phone numbers by pseudonym (# and 15 hex digits, a keyed
    hash): --number finds the records about one number.
    Examples:
      campaign audit --kind screening
      campaign audit --number "06 12 34 56 78"
      campaign audit --json --limit 5
      campaign audit verify
      campaign audit export -o audit.jsonl
    """
    if ctx.invoked_subcommand is not None:
        return
    with session_for(ctx, write=False) as session:
        about = e164_of(number, region) if number is not None else None
        records = audit.list_records(session, kind=kind, limit=limit, about=about)
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
    with session_for(ctx, write=False) as session:
        check = audit.verify_chain(session)
    if not check.ok:
        raise click.ClickException(
            f"audit record {check.first_bad_id} does not match the chain: {check.problem}"
        )
    say(ctx, f"audit log intact: {check.records} records")


@audit_group.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@click.pass_context
def audit_export(ctx: click.Context, output: str | None) -> None:
    """Write the whole audit log as JSON lines, with each record's hashes.

    \b
    Each line: id, at, kind, payload, prev_hash, hash. The hash of a record is
    the SHA-256 of prev_hash followed by the canonical JSON of {kind, at, payload}
    (sorted keys, no spaces), so anyone can check the chain without this tool.
    Example:
      campaign audit export -o audit-2026-11.jsonl
    """
    with session_for(ctx, write=False) as session:
        lines = list(audit.export_lines(session))
    text = "".join(line + "\n" for line in lines)
    write_text(ctx, text, output, f"Wrote {len(lines)} audit records to {output}")
