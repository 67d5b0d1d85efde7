from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign import formatting
from campaign.stages import OUTCOMES, STAGES, depth, stage_of, wilson


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Newcombe (1998), Stat. Med. 17:857-872, table I, method 3 (Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
        # The examples: 0 of 10, 3 of 1,000 ("about 1 to 9 per mille"), 50 of 100.
        (0, 10, 0.0, 0.2775),
        (3, 1000, 0.0010, 0.0088),
        (50, 100, 0.4038, 0.5962),
    ],
)
def test_wilson_matches_published_values(
    successes: int, trials: int, low: float, high: float
) -> None:
    rate = wilson(successes, trials)
    assert rate.low == pytest.approx(low, abs=5e-5)
    assert rate.high == pytest.approx(high, abs=5e-5)


@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_holds_the_observed_rate_and_stays_in_0_1(pair: tuple[int, int]) -> None:
    successes, trials = pair
    rate = wilson(successes, trials)
    assert 0.0 <= rate.low <= successes / trials <= rate.high <= 1.0


def test_no_trial_says_nothing_and_bad_counts_are_refused() -> None:
    assert wilson(0, 0).value is None and (wilson(0, 0).low, wilson(0, 0).high) == (0.0, 1.0)
    with pytest.raises(ValueError):
        wilson(5, 3)


def test_a_person_counts_at_the_furthest_stage_of_their_calls() -> None:
    # Called five times, reached on the fourth, converted later: counts once per stage.
    calls = ["no_answer", "busy", "voicemail", "callback", "no_answer", "converted"]
    assert stage_of(calls) == "converted" and depth(calls) == len(STAGES) - 1
    assert stage_of(["no_answer", "refused"]) == "reached"
    assert stage_of(["opt_out"]) == "reached"
    assert stage_of(["interested", "refused"]) == "responded"
    assert stage_of(["qualified", "no_answer"]) == "qualified"
    assert stage_of(["wrong_number"]) == "dialled"
    assert stage_of([]) is None
    assert {stage_of([outcome]) for outcome in OUTCOMES} == set(STAGES)


@pytest.mark.parametrize(
    ("lang", "fraction", "unit", "text"),
    [
        ("fr", 0.0032, "per_mille", "3,2\u202f‰"),
        ("fr", 0.021, "percent", "2,1\u202f%"),
        ("en", 0.021, "percent", "2.1%"),
        ("en", 0.0032, "per_mille", "3.2‰"),
        ("fr", None, "percent", "–"),
    ],
)
def test_rates_are_written_the_way_each_language_writes_them(
    lang: str, fraction: float | None, unit: str, text: str
) -> None:
    assert formatting.rate(fraction, lang, unit) == text


def test_french_thousands_dates_and_intervals() -> None:
    from datetime import date

    assert formatting.integer(1234567, "fr") == "1\u202f234\u202f567"
    assert formatting.integer(1234567, "en") == "1,234,567"
    assert formatting.day(date(2026, 11, 23), "fr") == "23/11/2026"
    assert formatting.day(date(2026, 11, 23), "en") == "2026-11-23"
    assert formatting.interval(wilson(3, 1000), "fr", "per_mille") == "1,0–8,8\u202f‰"
    assert formatting.signed(-0.004, "fr", "percent") == "−0,4\u202fpt"
    assert formatting.best_unit(wilson(3, 1000)) == "per_mille"
    assert formatting.best_unit(wilson(21, 1000)) == "percent"
