"""A tiny run of each benchmark, so the benchmarks never rot."""

from __future__ import annotations

from pathlib import Path

from bench.generate import write_examples
from bench.screening import run
from tests.conftest import postgres_admin_url

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_examples_are_what_the_seeded_generator_makes(tmp_path: Path) -> None:
    write_examples(tmp_path)
    for name in ("prospects.csv", "opposition.txt"):
        assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes(), name


def test_tiny_screening_benchmark_agrees_with_the_baseline(tmp_path: Path) -> None:
    report = run(list_size=3000, prospects=2000, seed=3, data=tmp_path)
    assert report["import"]["entries"] == 3000
    screen = report["screen"]
    assert screen["callable"] + screen["blocked"] + screen["rejected"] == 2000
    agreement = report["agreement"]
    assert agreement["blocked_by_both"] > 0
    assert agreement["explained"], agreement
    assert report["speedup"] > 0


def test_the_import_alone_can_be_measured(tmp_path: Path) -> None:
    report = run(list_size=2000, prospects=100, seed=3, data=tmp_path, screen=False)
    assert report["import"]["entries"] == 2000
    assert "screen" not in report and "baseline" not in report


def test_tiny_benchmark_on_postgresql_gives_the_same_screening(tmp_path: Path) -> None:
    report = run(
        list_size=3000,
        prospects=2000,
        seed=3,
        data=tmp_path,
        baseline=False,
        postgres=postgres_admin_url(),
    )
    assert report["pg_import"]["entries"] == report["import"]["entries"] == 3000
    for key in ("callable", "blocked", "rejected"):
        assert report["pg_screen"][key] == report["screen"][key], key
