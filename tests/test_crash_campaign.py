"""A contact import, a dedup --apply and an outcome import killed (SIGKILL) at 10 %, 50 % and
90 % of their database statements, or just before they commit: the previous state stays whole
and in use, and running the command again finishes the job. On both backends."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from campaign.cli import cli
from campaign.database import make_sessionmaker
from campaign.models import CallEvent, Contact, Merge, OutcomeFile, SourceFile
from tests.conftest import write

EXAMPLES = Path(__file__).parent.parent / "examples"
# The child runs one command line, counting SQL statements; it kills itself (SIGKILL: no
# cleanup, no rollback) when the count reaches kill_at, or right before committing (-1).
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from sqlalchemy import Engine, event
    from campaign.cli.base import main

    kill_at, argv = int(sys.argv[1]), sys.argv[2:]
    seen = 0

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    def count(*args, **kwargs):
        global seen
        seen += 1
        if seen == kill_at:
            die()

    event.listen(Engine, "before_cursor_execute", count)
    if kill_at < 0:
        event.listen(Engine, "commit", die)
    sys.argv = ["campaign", *argv]
    try:
        main()
    except SystemExit as exc:
        print(f"statements={seen}", file=sys.stderr)
        raise
    """
)
FRACTIONS = [0.1, 0.5, 0.9, None]  # None: every statement run, killed before the commit


def run(db_url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def child(kill_at: int, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(kill_at), *argv],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )


def kill_and_rerun(
    engine: Engine,
    db_url: str,
    argv: list[str],
    fraction: float | None,
    state: dict[str, int],
    total: int,
) -> None:
    kill_at = -1 if fraction is None else max(1, int(total * fraction))
    killed = child(kill_at, "--db", db_url, *argv)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert counts(engine) == state  # the previous state, whole and in use
    rerun = child(10**9, "--db", db_url, *argv)
    assert rerun.returncode == 0, rerun.stderr[-2000:]


def counts(engine: Engine) -> dict[str, int]:
    with make_sessionmaker(engine)() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (SourceFile, Contact, Merge, CallEvent, OutcomeFile)
        } | {
            "merged": int(
                session.scalar(
                    select(func.count())
                    .select_from(Contact)
                    .where(Contact.merged_into_id.is_not(None))
                )
                or 0
            )
        }


@pytest.fixture
def campaign_db(db_url: str, engine: Engine, tmp_path: Path) -> str:
    run(db_url, "lists", "import", str(EXAMPLES / "opposition.txt"), "--list", "bloctel")
    run(db_url, "new", "c", "--audience", "business")
    first = write(tmp_path / "first.csv", "Nom;Téléphone\nMartin;01 45 67 89 10\n")
    run(db_url, "import", "c", str(first))
    return db_url


def measured(db_url: str, argv: list[str]) -> int:
    """The statements the command runs, counted in a child killed just before its commit."""
    probe = subprocess.run(
        [sys.executable, "-c", COUNTER, *["--db", db_url, *argv]],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    return int(json.loads(probe.stdout.strip().splitlines()[-1])["statements"])


# Counts the statements of a run, then rolls it back instead of committing.
COUNTER = textwrap.dedent(
    """
    import json, sys
    from sqlalchemy import Engine, event
    from sqlalchemy.orm import Session
    import campaign.database as database
    from campaign.cli.base import main

    seen = 0

    def count(*args, **kwargs):
        global seen
        seen += 1

    class Abandon(Exception):
        pass

    def abandon(session):
        raise Abandon()

    event.listen(Engine, "before_cursor_execute", count)
    event.listen(Session, "before_commit", abandon)
    sys.argv = ["campaign", *sys.argv[1:]]
    try:
        main()
    except (Abandon, SystemExit):
        pass
    print(json.dumps({"statements": seen}))
    """
)


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_a_killed_contact_import(campaign_db: str, engine: Engine, fraction: float | None) -> None:
    argv = ["import", "c", str(EXAMPLES / "prospects.csv")]
    before = counts(engine)
    kill_and_rerun(engine, campaign_db, argv, fraction, before, measured(campaign_db, argv))
    after = counts(engine)
    assert after["source_file"] == before["source_file"] + 1
    assert after["contact"] == before["contact"] + 300


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_a_killed_dedup_apply(campaign_db: str, engine: Engine, fraction: float | None) -> None:
    run(campaign_db, "import", "c", str(EXAMPLES / "prospects.csv"))
    found = json.loads(run(campaign_db, "dedupe", "c", "--json"))
    argv = ["dedupe", "c", "--apply"]
    before = counts(engine)
    kill_and_rerun(engine, campaign_db, argv, fraction, before, measured(campaign_db, argv))
    after = counts(engine)
    assert after["merge"] == len(found["clusters"]) > 0
    assert after["merged"] == sum(len(c["ids"]) - 1 for c in found["clusters"])


@pytest.mark.parametrize("fraction", FRACTIONS)
def test_a_killed_outcome_import(
    campaign_db: str, engine: Engine, tmp_path: Path, fraction: float | None
) -> None:
    rows = "\n".join(
        f"01 45 67 89 10;16/11/2026;{10 + n // 60}:{n % 60:02d};no_answer;lea" for n in range(200)
    )
    export = write(tmp_path / "calls.csv", f"Téléphone;Date;Heure;Résultat;Agent\n{rows}\n")
    argv = ["outcomes", "import", "c", str(export)]
    before = counts(engine)
    kill_and_rerun(engine, campaign_db, argv, fraction, before, measured(campaign_db, argv))
    after = counts(engine)
    assert after["outcome_file"] == 1 and after["call_event"] == before["call_event"] + 200
