"""An import killed half-way leaves the previous list version complete and in use."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine

from campaign.database import make_sessionmaker
from suppression.lists import import_list, list_statuses
from suppression.screening import screen_file
from tests.conftest import NOW, write

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import UTC, datetime
    import suppression.lists as lists
    from campaign.database import make_engine, make_sessionmaker

    db_url, path, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    def dying(batches):
        # Rows reach the database in batches of 1,000; the process dies once kill_at have.
        written = 0
        for numbers, days in batches:
            for start in range(0, len(numbers), 1000):
                if written >= kill_at:
                    die()
                yield numbers[start : start + 1000], days[start : start + 1000]
                written += 1000

    def replace_entries(session, list_id, version_id, batches):
        return real(session, list_id, version_id, dying(batches))

    real, lists.bulk.replace_entries = lists.bulk.replace_entries, replace_entries
    if kill_at < 0:  # every row written, nothing committed yet
        lists.audit.record = die
    with make_sessionmaker(make_engine(db_url)).begin() as session:
        lists.import_list(session, path, list_name="bloctel", now=datetime.now(UTC))
    """
)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, None])
def test_killed_full_import_keeps_the_previous_version(
    db_url: str, engine: Engine, tmp_path: Path, fraction: float | None
) -> None:
    maker = make_sessionmaker(engine)
    with maker.begin() as session:
        import_list(
            session,
            write(tmp_path / "v1.txt", "0612345678\n0145678901\n"),
            list_name="bloctel",
            now=NOW,
        )
    lines = 20_000
    bigger = write(tmp_path / "v2.txt", "".join(f"06{i:08d}\n" for i in range(lines)))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, db_url, str(bigger), str(int(lines * (fraction or -1)))],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    with maker.begin() as session:
        [status] = list_statuses(session, now=NOW)
        assert (status.version_id, status.entries) == (1, 2)
        prospects = write(tmp_path / "p.csv", "tel\n0612345678\n0600000001\n")
        result = screen_file(session, prospects, now=NOW)
        assert (result.blocked, result.callable) == (1, 1)
    # Running the import again finishes the job.
    with maker.begin() as session:
        result2 = import_list(session, bigger, list_name="bloctel", now=NOW)
        assert result2.entries == lines
    if db_url.startswith("sqlite:///"):
        assert os.path.exists(db_url.removeprefix("sqlite:///"))
