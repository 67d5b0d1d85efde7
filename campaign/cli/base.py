"""The ``campaign`` group, its global options and the helpers every command module shares.

Each command reads its options, opens one transaction, calls one library function and prints
the result (``--json`` for scripts). Library errors are turned into ``Error: ...`` and exit 1
in one place (``CampaignGroup.invoke``); usage errors exit 2.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import click
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from campaign import __version__
from campaign.database import is_transient, transaction
from suppression.errors import SuppressionError

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
        except DBAPIError as exc:
            if is_transient(exc):
                raise  # main() runs the command again: its transaction was rolled back
            raise _database_failure(exc) from exc
        except SQLAlchemyError as exc:
            raise click.ClickException(f"database failure: {exc}") from exc
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            raise click.ClickException(
                f"{exc.strerror or exc}{where}. Check the path, its permissions and free disk space"
            ) from exc


def _database_failure(exc: DBAPIError) -> click.ClickException:
    reason = str(exc.orig).strip()
    text = f"database failure: {reason.splitlines()[0] if reason else exc}"
    if "readonly database" in text or "read-only" in text:
        text += (
            ". The database cannot be written: check the file's permissions (and its folder's, "
            "where SQLite keeps its journal) or the --db URL"
        )
    elif "disk is full" in text or "No space left" in text:
        text += ". Free some disk space; nothing of this command was saved"
    elif "no such column" in text or "has no column" in text or "does not exist" in text:
        text += (
            ". The database's schema does not match this campaign: "
            "check it with campaign db current"
        )
    return click.ClickException(text)


def json_option(function: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(
        function
    )


def now() -> datetime:
    return datetime.now(UTC)


def emit_json(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False, default=str))


@contextmanager
def session_for(ctx: click.Context, *, write: bool = True) -> Iterator[Session]:
    """The command's one transaction; ``write=False`` for commands that only read."""
    settings: Settings = ctx.find_object(Settings)  # type: ignore[assignment]
    with transaction(settings.db, write=write) as session:
        yield session


def say(ctx: click.Context, text: str) -> None:
    """Human-readable messages go to stderr, unless --quiet."""
    settings: Settings = ctx.find_object(Settings)  # type: ignore[assignment]
    if not settings.quiet:
        click.echo(text, err=True)


def write_text(ctx: click.Context, text: str, output: str | None, done: str) -> None:
    """``text`` into the file ``output`` (UTF-8, LF line ends), then ``done`` on stderr; to
    stdout when no file is named."""
    if not output:
        click.echo(text, nl=False)
        return
    with open(output, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    say(ctx, done)


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


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date like 2026-11-23", param_hint=option
        ) from None


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


def parse_pairs(items: tuple[str, ...], option: str, shape: str = "FIELD=COLUMN") -> dict[str, str]:
    """``--map phone=Tel1``-style options, repeatable, as a dict."""
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise click.BadParameter(f"{item!r} is not {shape}", param_hint=option)
        pairs[key.strip()] = value.strip()
    return pairs


RETRIES = 6


def main() -> None:
    """The console script: runs the command, and runs it again (up to ``RETRIES`` times, with
    growing pauses) when the database reports a transient conflict: SQLite still busy after its
    timeout, a PostgreSQL serialisation failure or deadlock. Each run is one transaction that
    the conflict rolled back, so running it again is safe."""
    args = sys.argv[1:]
    for attempt in range(1, RETRIES + 1):
        try:
            code = cli.main(args=args, prog_name="campaign", standalone_mode=False)
        except DBAPIError as exc:
            if attempt == RETRIES:
                reason = str(exc.orig).strip().splitlines()[0]
                click.echo(
                    f"Error: the database stayed busy ({reason}) after {RETRIES} attempts. "
                    "Try again in a moment",
                    err=True,
                )
                sys.exit(1)
            time.sleep(min(10.0, 0.25 * 2**attempt) * random.uniform(0.5, 1.5))
            continue
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)
