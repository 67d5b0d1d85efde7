"""Team mode under load, on both backends: agents logging calls while a new list version is
imported and call lists are exported; two agents logging the same number at the same moment.

Each worker is a separate process running the real command line (``campaign.cli.base.main``,
with its retries), as agents' workstations would.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from campaign.campaigns import new_campaign
from campaign.contacts import import_contacts
from campaign.database import make_engine, make_sessionmaker
from campaign.models import CallEvent
from campaign.outcomes import log_call
from suppression.consents import import_consents
from suppression.lists import import_list
from tests.conftest import write

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 11, 16, 10, 0, tzinfo=PARIS)
AGENTS = 8
CALLS_PER_AGENT = 12
CONTACTS = 60

# A worker: wait for the start signal, then run each command line of its script in turn.
WORKER = """
import io, json, os, sys, time
from contextlib import redirect_stdout, redirect_stderr
from campaign.cli.base import main
go, script, report = sys.argv[1], sys.argv[2], sys.argv[3]
commands = json.load(open(script))
while not os.path.exists(go):
    time.sleep(0.005)
results = []
for argv in commands:
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["campaign", *argv]
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = exc.code or 0
    results.append({"argv": argv, "code": code, "out": out.getvalue(), "err": err.getvalue()})
json.dump(results, open(report, "w"))
"""


def number(n: int) -> str:
    return f"06 12 34 {n // 100:02d} {n % 100:02d}"


def national(n: int) -> str:
    return number(n).replace(" ", "")


def next_weekday() -> date:
    day = datetime.now(PARIS).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def setup(db_url: str, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    engine = make_engine(db_url)
    with make_sessionmaker(engine).begin() as session:
        filler = "\n".join(f"01{n:08d}" for n in range(30_000))
        v1 = "\n".join(national(n) for n in range(10))
        import_list(
            session, write(tmp_path / "v1.txt", f"{v1}\n{filler}\n"), list_name="b", now=now
        )
        new_campaign(session, "c", caller_id="01 62 00 00 00", now=now)
        rows = "\n".join(f"Nom{n};{number(n)}" for n in range(CONTACTS))
        import_contacts(session, "c", write(tmp_path / "p.csv", f"Nom;Tel\n{rows}\n"), now=now)
        consents = "\n".join(f"{number(n)};2026-09-01T10:00:00+02:00;v1" for n in range(CONTACTS))
        import_consents(
            session, write(tmp_path / "consents.csv", f"number;date;wording\n{consents}\n"), now=now
        )
    engine.dispose()


def run_workers(tmp_path: Path, scripts: list[list[list[str]]]) -> list[list[dict[str, object]]]:
    go = tmp_path / "go"
    processes = []
    for index, commands in enumerate(scripts):
        script = write(tmp_path / f"script{index}.json", json.dumps(commands))
        report = tmp_path / f"report{index}.json"
        processes.append(
            (
                subprocess.Popen(
                    [sys.executable, "-c", WORKER, str(go), str(script), str(report)],
                    stderr=subprocess.PIPE,
                    text=True,
                ),
                report,
            )
        )
    time.sleep(1.5)  # every worker imported and waiting
    go.write_text("go")
    results = []
    for process, report in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr[-3000:]
        results.append(json.loads(report.read_text()))
    return results


def test_agents_log_while_a_list_is_imported_and_call_lists_are_exported(
    db_url: str, tmp_path: Path
) -> None:
    setup(db_url, tmp_path)
    filler = "\n".join(f"01{n:08d}" for n in range(30_000, 230_000))
    v2 = "\n".join(national(n) for n in range(10, 30))
    write(tmp_path / "v2.txt", f"{v2}\n{filler}\n")
    agents = [
        [
            [
                "--db", db_url, "log", "c", number((agent * CALLS_PER_AGENT + call) % CONTACTS),
                "no_answer", "--at", (MONDAY + timedelta(minutes=agent * 20 + call)).isoformat(),
                "--agent", f"agent{agent}",
            ]
            for call in range(CALLS_PER_AGENT)
        ]
        for agent in range(AGENTS)
    ]  # fmt: skip
    importer = [["--db", db_url, "lists", "import", str(tmp_path / "v2.txt"), "--list", "b"]]
    day = next_weekday().isoformat()
    exporter = [
        ["--db", db_url, "calllist", "c", "--day", day, "-o", str(tmp_path / f"l{k}.csv"), "--json"]
        for k in range(6)
    ]
    results = run_workers(tmp_path, [*agents, importer, exporter])
    failures = [r for worker in results for r in worker if r["code"] != 0]
    assert failures == []  # no "database is locked", no serialisation failure reached anyone
    # No call lost: every agent's every call is in the log.
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        assert (
            session.scalar(select(func.count()).select_from(CallEvent)) == AGENTS * CALLS_PER_AGENT
        )
    engine.dispose()
    # Each call list was screened against one whole version: v1 blocks 10 contacts, v2 20.
    for export in results[-1]:
        document = json.loads(str(export["out"]))
        [status] = document["lists"]
        expected = {1: 10, 2: 20}[status["version"]]
        assert document["left_out"].get("all_numbers_opposed") == expected, document
        assert document["rows"] == CONTACTS - expected


def test_two_agents_calling_one_number_at_once_cannot_both_pass_the_cap(
    db_url: str, tmp_path: Path
) -> None:
    setup(db_url, tmp_path)
    racing = range(40, 48)  # eight numbers, each raced for by two agents
    engine = make_engine(db_url)
    with make_sessionmaker(engine).begin() as session:
        for n in racing:
            for day in range(3):  # three attempts already: the fourth is the last allowed
                at = MONDAY + timedelta(days=day)
                log_call(session, "c", number(n), "no_answer", at=at, now=datetime.now(UTC))
    engine.dispose()
    at = (MONDAY + timedelta(days=3)).isoformat()
    both = [
        [
            ["--db", db_url, "log", "c", number(n), outcome, "--at", at, "--agent", agent, "--json"]
            for n in racing
        ]
        for outcome, agent in (("no_answer", "lea"), ("busy", "marc"))
    ]
    results = run_workers(tmp_path, both)
    for lea, marc in zip(*results, strict=True):
        codes = sorted(
            tuple(
                r["code"] for v in json.loads(str(run["out"]))["violations"] for r in v["reasons"]
            )
            for run in (lea, marc)
        )
        assert codes == [(), ("cap_reached",)], lea["argv"]  # one is the 4th call, one the 5th
