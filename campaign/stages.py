"""The outcome vocabulary, the funnel's stages and their statistics (pure: no database).

Every logged call has one outcome. A person's stage is the furthest stage any of their calls
reached, so a contact called five times, reached on the fourth and converted later counts once
in each stage up to ``converted``:

    dialled     at least one attempt
    reached     a person answered: refused, opt_out, callback, interested, qualified, converted
    responded   callback, interested, qualified, converted (the "response" a sales deck quotes)
    qualified   qualified, converted
    converted   converted

Rates carry a 95 % Wilson score interval: with 3 conversions out of 1,000 calls, anything from
about 1 to 9 per mille is compatible with the data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

OUTCOMES = (
    "no_answer",
    "busy",
    "voicemail",
    "wrong_number",
    "invalid",
    "refused",
    "opt_out",
    "callback",
    "interested",
    "qualified",
    "converted",
)
STAGES = ("dialled", "reached", "responded", "qualified", "converted")

# The furthest stage each outcome proves (index into STAGES).
_DEPTH = {
    "no_answer": 0,
    "busy": 0,
    "voicemail": 0,
    "wrong_number": 0,
    "invalid": 0,
    "refused": 1,
    "opt_out": 1,
    "callback": 2,
    "interested": 2,
    "qualified": 3,
    "converted": 4,
}
Z_95 = 1.959963984540054  # the normal quantile of 0.975


def depth(outcomes: Iterable[str]) -> int:
    """The index in ``STAGES`` of the furthest stage these outcomes reach (-1: no call)."""
    return max((_DEPTH[outcome] for outcome in outcomes), default=-1)


def stage_of(outcomes: Iterable[str]) -> str | None:
    """The furthest stage reached by one person's calls (None when never dialled)."""
    index = depth(outcomes)
    return None if index < 0 else STAGES[index]


@dataclass(frozen=True)
class Rate:
    """``successes`` out of ``trials``, with its 95 % Wilson score interval (fractions)."""

    successes: int
    trials: int
    low: float
    high: float

    @property
    def value(self) -> float | None:
        return self.successes / self.trials if self.trials else None

    def as_dict(self) -> dict[str, float | int | None]:
        value = self.value
        return {
            "successes": self.successes,
            "trials": self.trials,
            "percent": None if value is None else 100 * value,
            "per_mille": None if value is None else 1000 * value,
            "low": self.low if self.trials else None,
            "high": self.high if self.trials else None,
        }


def wilson(successes: int, trials: int, z: float = Z_95) -> Rate:
    """The Wilson score interval of a proportion (Wilson 1927; Newcombe 1998, method 3).

    It stays inside [0, 1] and behaves at 0 or n successes, where the normal approximation
    gives nonsense (0 of 10 is 0 to 27.8 %, not 0 to 0). With no trial the interval is [0, 1].
    """
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return Rate(0, 0, 0.0, 1.0)
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Rate(successes, trials, low, high)
