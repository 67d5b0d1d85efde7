"""Commands on calls and what they add up to: ``log``, ``outcomes import``, ``funnel``,
``report``, ``demo``."""

import csv
import io
import sys
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import click

from campaign import campaigns, demo, formatting, funnel, outcomes, report
from campaign.cli.base import (
    Settings,
    cli,
    emit_json,
    json_option,
    now,
    parse_date,
    parse_pairs,
    say,
    session_for,
    write_text,
)
from campaign.rendering import render
from campaign.stages import OUTCOMES, Rate
from suppression.csvout import neutralize_cell


@cli.command("log")
@click.argument("name")
@click.argument("number")
@click.argument("outcome")
@click.option(
    "--at",
    "at",
    metavar="DATETIME",
    help="When the call was made (ISO; default now; "
    "without an offset, in the campaign's time zone).",
)
@click.option("--agent", default="", help="Who made the call.")
@click.option("--note", default="", help="A free note.")
@json_option
@click.pass_context
def log_command(
    ctx: click.Context,
    name: str,
    number: str,
    outcome: str,
    at: str | None,
    agent: str,
    note: str,
    as_json: bool,
) -> None:
    """Log one call of campaign NAME to NUMBER and its OUTCOME.

    \b
    Outcomes: no_answer busy voicemail wrong_number invalid refused opt_out
              callback interested qualified converted
    opt_out puts the number on the company's do-not-call list at once; refused
    starts the cool-off; every call counts toward the attempt caps. A call the
    rules would have blocked is logged anyway, as a violation (with the reason).
    Examples:
      campaign log rdv-pme "06 12 34 56 78" refused --agent lea
      campaign log rdv-pme "06 12 34 56 78" converted --at "2026-11-23 15:10"
    """
    with session_for(ctx) as session:
        record = campaigns.get_campaign(session, name)
        moment = _moment(at, record.timezone, "--at") if at else None
        result = outcomes.log_call(
            session, name, number, outcome, at=moment, agent=agent, note=note, now=now()
        )
    _report(ctx, result, as_json)


@cli.group("outcomes")
def outcomes_group() -> None:
    """Call outcomes from a dialer's export."""


@outcomes_group.command("import")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Map a column: number, at (date-time), date, time, outcome, agent, note.",
)
@click.option(
    "--codes",
    type=click.Path(dir_okay=False),
    help="Two-column file mapping the dialer's disposition codes to our outcomes.",
)
@click.option("--encoding", help="Force the input encoding (e.g. cp1252).")
@json_option
@click.pass_context
def outcomes_import(
    ctx: click.Context,
    name: str,
    file: str,
    maps: tuple[str, ...],
    codes: str | None,
    encoding: str | None,
    as_json: bool,
) -> None:
    """Log every call of a dialer export FILE (CSV, ;-separated or .xlsx).

    \b
    Columns are found by header (number, date-time or date + time, disposition,
    agent, note), --map overrides. Any bad row refuses the whole file; the same
    file twice, or a call already logged, adds nothing.
    Examples:
      campaign outcomes import rdv-pme dialer-2026-11-23.csv
      campaign outcomes import rdv-pme export.xlsx --codes codes.csv --map at="Début appel"
    """
    with session_for(ctx) as session:
        result = outcomes.import_outcomes(
            session,
            name,
            file,
            mapping=parse_pairs(maps, "--map"),
            codes=codes,
            encoding=encoding,
            now=now(),
        )
    _report(ctx, result, as_json)


def _moment(value: str, zone: str, option: str) -> datetime:
    try:
        return outcomes.parse_moment(value, ZoneInfo(zone))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date-time like 2026-11-23T10:30 or 23/11/2026 10:30",
            param_hint=option,
        ) from None


def _report(ctx: click.Context, result: outcomes.OutcomeLog, as_json: bool) -> None:
    if as_json:
        emit_json(result.as_dict())
    else:
        click.echo(render("calls_logged.txt", result=result, outcomes=OUTCOMES))


@cli.command("funnel")
@click.argument("name", required=False)
@click.option("--week", metavar="YYYY-Www", help="One ISO week, e.g. 2026-W47.")
@click.option("--since", metavar="DATE", help="First day (YYYY-MM-DD), campaign time zone.")
@click.option("--until", metavar="DATE", help="Last day included (YYYY-MM-DD).")
@click.option("--by", type=click.Choice(funnel.BREAKDOWNS), help="Break the funnel down.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--lang", type=click.Choice(formatting.LANGUAGES), help="Default: by the jurisdiction."
)
@click.pass_context
def funnel_command(
    ctx: click.Context,
    name: str | None,
    week: str | None,
    since: str | None,
    until: str | None,
    by: str | None,
    fmt: str,
    lang: str | None,
) -> None:
    """The funnel of campaign NAME (all campaigns when omitted): dialled, reached,
    responded, qualified, converted, with rates and 95 % Wilson intervals.

    \b
    Examples:
      campaign funnel rdv-pme
      campaign funnel rdv-pme --week 2026-W47 --by agent
      campaign funnel rdv-pme --by week --format csv > funnel.csv
      campaign funnel --by campaign --format json
    """
    if week and (since or until):
        raise click.UsageError("give --week or --since/--until, not both")
    with session_for(ctx, write=False) as session:
        names = [name] if name else None
        chosen = [campaigns.get_campaign(session, name)] if name else []
        zone = chosen[0].timezone if chosen else "Europe/Paris"
        start = end = None
        if week:
            start, end = funnel.week_range(week, zone)
        else:
            start = _day_start(since, zone, "--since", 0)
            end = _day_start(until, zone, "--until", 1)
        result = funnel.funnel(session, names, since=start, until=end, by=by)
        language = lang or formatting.DEFAULT_LANGUAGE.get(
            chosen[0].jurisdiction if chosen else "FR", "en"
        )
    if fmt == "json":
        emit_json(result.as_dict())
    elif fmt == "csv":
        _write_csv(result)
    else:
        click.echo(
            render(
                "funnel.txt",
                funnel=result,
                f=formatting.Formatter(language),
                period=week or _period(since, until),
            )
        )
        if not result.total.calls:
            say(
                ctx,
                "No call logged in this period: log calls with campaign log or outcomes import.",
            )


def _day_start(value: str | None, zone: str, option: str, plus: int) -> datetime | None:
    """Midnight starting the day ``value`` (``plus`` 1: the day after, for an inclusive end)."""
    day = parse_date(value, option)
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=plus), time(), ZoneInfo(zone))


def _period(since: str | None, until: str | None) -> str:
    if since or until:
        return f"{since or '…'} to {until or '…'}"
    return "all calls"


def _write_csv(result: funnel.Funnel) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "group",
            "stage",
            "label",
            "count",
            "rate_from_previous",
            "low_from_previous",
            "high_from_previous",
            "rate_from_dialled",
            "low_from_dialled",
            "high_from_dialled",
        ]
    )
    for row in (result.total, *result.rows):
        for figure in row.stages:
            writer.writerow(
                [
                    neutralize_cell(row.key),
                    figure.stage,
                    neutralize_cell(figure.label),
                    figure.count,
                    *_rate_cells(figure.from_previous),
                    *_rate_cells(figure.from_dialled),
                ]
            )
    sys.stdout.write(buffer.getvalue())


def _rate_cells(rate: Rate) -> list[str]:
    if not rate.trials:
        return ["", "", ""]
    return [f"{rate.value:.6f}", f"{rate.low:.6f}", f"{rate.high:.6f}"]


@cli.command("report")
@click.argument("name")
@click.option("--week", metavar="YYYY-Www", help="The ISO week (default: the current week).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md", "txt", "json"]),
    help="html (default), md or txt; with --proof: html (default) or json.",
)
@click.option(
    "--lang", type=click.Choice(formatting.LANGUAGES), help="Default: by the jurisdiction."
)
@click.option("--proof", is_flag=True, help="The proof of screening instead of the weekly report.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE.")
@click.pass_context
def report_command(
    ctx: click.Context,
    name: str,
    week: str | None,
    fmt: str | None,
    lang: str | None,
    proof: bool,
    output: str | None,
) -> None:
    """The weekly report of campaign NAME, or its proof of screening (--proof).

    \b
    The weekly report opens with three figures (responded, qualified, converted,
    with 95 % intervals), then the change from the week before, the funnel and an
    8-week trend (inline SVG charts in HTML), a table per agent and the compliance
    section. HTML is one self-contained file, fit to print.
    Examples:
      campaign report rdv-pme --week 2026-W47 -o semaine47.html
      campaign report rdv-pme --week 2026-W47 --format md --lang en
      campaign report rdv-pme --proof -o preuve.html
      campaign report rdv-pme --proof --format json
    """
    with session_for(ctx, write=False) as session:
        if proof:
            if week:
                raise click.UsageError("--proof covers the whole campaign: drop --week")
            if fmt not in (None, "html", "json"):
                raise click.UsageError("--proof is written as html or json")
            text = report.render_proof(report.proof_report(session, name, now=now()), fmt or "html")
        else:
            if fmt == "json":
                raise click.UsageError(
                    "the weekly report is html, md or txt (funnel --format json)"
                )
            record = campaigns.get_campaign(session, name)
            current = funnel.iso_week(now(), ZoneInfo(record.timezone))
            weekly = report.weekly_report(session, name, week or current, lang=lang, now=now())
            text = report.render_report(weekly, fmt or "html")
    write_text(ctx, text, output, f"Wrote {output}")


@cli.command("demo")
@click.option("--db", "db", metavar="URL", help="Database to build the demo in (a fresh one).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the simulation.")
@click.option("--lang", type=click.Choice(formatting.LANGUAGES), default="fr", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default="demo-report.html",
    show_default=True,
    help="Where to write the weekly report.",
)
@json_option
@click.pass_context
def demo_command(
    ctx: click.Context, db: str | None, seed: int, lang: str, output: str, as_json: bool
) -> None:
    """Build a complete example campaign and write its weekly report.

    \b
    A month of a team's work, simulated from --seed: an opposition list, two
    prospect files with duplicates, consents, a merge, Monday checks and call
    lists, four agents' calls (with a few planted rule violations), then the
    report of the last week. Use a fresh database.
    Examples:
      campaign demo
      campaign demo --db sqlite:///demo.db --seed 7 -o demo.html
      campaign --db sqlite:///demo.db report demo --week 2026-W47 --format txt
    """
    settings: Settings = ctx.find_object(Settings)  # type: ignore[assignment]
    if db:
        settings.db = db
    with session_for(ctx) as session:
        today = now().astimezone(demo.PARIS).date()
        truth = demo.run_demo(session, seed=seed, today=today)
        weekly = report.weekly_report(session, demo.NAME, truth.report_week, lang=lang, now=now())
        text = report.render_report(weekly, "html")
        caught = funnel.funnel(session, demo.NAME).compliance.violations
    with open(output, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    if as_json:
        emit_json({**vars(truth), "report": output, "violations_recorded": caught})
        return
    click.echo(render("demo.txt", truth=truth, output=output, db=settings.db, caught=caught))
