"""The weekly report as people get it: from an installed wheel, opened in a real browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from campaign.database import make_engine, make_sessionmaker
from campaign.demo import run_demo
from campaign.report import render_report, weekly_report

ROOT = Path(__file__).parent.parent
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("report")
    engine = make_engine(f"sqlite:///{folder / 'demo.db'}")
    with make_sessionmaker(engine)() as session:
        truth = run_demo(session, seed=5, today=date(2026, 11, 23))
        report = weekly_report(session, "demo", truth.report_week, now=NOW)
        path = folder / "report.html"
        path.write_text(render_report(report, "html"), encoding="utf-8")
    engine.dispose()
    yield path


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CAMPAIGN_REQUIRE_CHROMIUM"):
        pytest.fail("CI requires Chromium (apt-get install chromium) and it is not installed")
    pytest.skip("Chromium is not installed here; .ci/run installs it and runs this test")


def headless(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_chromium_draws_the_report_and_its_charts(report_html: Path, tmp_path: Path) -> None:
    dom = headless("--dump-dom", report_html.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") == 4
    assert dom.stdout.count("<rect") >= 5 and dom.stdout.count("<polyline") == 3
    assert "Rapport hebdomadaire — demo" in dom.stdout
    shot = tmp_path / "report.png"
    taken = headless("--window-size=1200,2400", f"--screenshot={shot}", report_html.as_uri())
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000  # a page of tables and charts, not a blank one


def test_the_report_renders_from_an_installed_wheel(tmp_path: Path) -> None:
    """Templates ship inside the wheel: render every format and language from an install that
    is not the source tree."""
    dist, target, source = tmp_path / "dist", tmp_path / "site", tmp_path / "source"
    # Build from a copy: setuptools writes build/ and *.egg-info next to the sources.
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("campaign", "suppression", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(dist), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(dist.glob("campaign-*.whl"))
    installed = subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "CAMPAIGN_DB": f"sqlite:///{work / 'd.db'}"}

    def python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
        # Only the wheel: drop an editable install's finder, which would quietly fill any gap
        # in the wheel (a missing subpackage) from the source tree.
        isolate = (
            "import sys; sys.meta_path[:] = [f for f in sys.meta_path "
            "if 'editable' not in str(getattr(f, '__module__', ''))]; "
        )
        return subprocess.run(
            [sys.executable, "-c", isolate + code, *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    def campaign(*args: str) -> subprocess.CompletedProcess[str]:
        return python("from campaign.cli import main; sys.argv[0] = 'campaign'; main()", *args)

    where = python("import campaign.rendering as r, campaign.cli; print(r.template_dir())")
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip() == str(target / "campaign" / "templates")
    demo = campaign("demo", "--json")
    assert demo.returncode == 0, demo.stderr
    week = demo.stdout.split('"report_week": "', 1)[1].split('"', 1)[0]
    for fmt in ("html", "md", "txt"):
        for lang in ("fr", "en"):
            out = campaign("report", "demo", "--week", week, "--format", fmt, "--lang", lang)
            assert out.returncode == 0, out.stderr
            assert ("Rapport hebdomadaire" if lang == "fr" else "Weekly report") in out.stdout
    proof = campaign("report", "demo", "--proof")
    assert proof.returncode == 0 and "Proof of screening" in proof.stdout
