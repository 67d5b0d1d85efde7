"""Numbers, rates and dates written the way each language writes them (pure).

French: decimal comma, a narrow no-break space between thousands and before ``%`` and ``‰``
(``1 234``, ``2,1 %``, ``3,2 ‰``), dates ``23/11/2026``. English: ``1,234``, ``2.1%``,
``3.2‰``, dates ``2026-11-23`` (ISO, unambiguous on both sides of the Atlantic).
"""

from __future__ import annotations

import builtins
from datetime import date, datetime

from campaign.stages import Rate

LANGUAGES = ("fr", "en")
NNBSP = "\u202f"  # narrow no-break space: the French thousands separator and unit spacing
# The report's language when none is asked for: the campaign's jurisdiction decides.
DEFAULT_LANGUAGE = {"FR": "fr", "US": "en", "UK": "en", "CA": "en"}


def integer(value: int, lang: str) -> str:
    text = f"{value:,}"
    return text.replace(",", NNBSP) if lang == "fr" else text


def decimal(value: float, lang: str, digits: int = 1) -> str:
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        return text.replace(",", NNBSP).replace(".", ",")
    return text


def percent(fraction: float | None, lang: str, digits: int = 1) -> str:
    if fraction is None:
        return "–"
    number = decimal(100 * fraction, lang, digits)
    return f"{number}{NNBSP}%" if lang == "fr" else f"{number}%"


def per_mille(fraction: float | None, lang: str, digits: int = 1) -> str:
    if fraction is None:
        return "–"
    number = decimal(1000 * fraction, lang, digits)
    return f"{number}{NNBSP}‰" if lang == "fr" else f"{number}‰"


def rate(fraction: float | None, lang: str, unit: str) -> str:
    """A rate in ``unit`` ("percent" or "per_mille")."""
    return percent(fraction, lang) if unit == "percent" else per_mille(fraction, lang)


def interval(value: Rate, lang: str, unit: str) -> str:
    """The 95 % interval of a rate: ``1,0–8,8 ‰`` / ``1.0–8.8‰``."""
    if not value.trials:
        return "–"
    scale = 100 if unit == "percent" else 1000
    low = decimal(scale * value.low, lang)
    high = decimal(scale * value.high, lang)
    sign = "%" if unit == "percent" else "‰"
    return f"{low}–{high}{NNBSP if lang == 'fr' else ''}{sign}"


def best_unit(value: Rate) -> str:
    """Per mille below 1 %, where percentages lose their digits; percent above."""
    return "per_mille" if value.value is not None and value.value < 0.01 else "percent"


def day(value: date | datetime, lang: str) -> str:
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.strftime("%Y-%m-%d")


def moment(value: datetime, lang: str) -> str:
    return f"{day(value, lang)} {value.strftime('%H:%M')}"


def signed(change: float, lang: str, unit: str) -> str:
    """The change between two rates: ``+0,4 pt`` (percentage points) or ``−1,2 ‰``."""
    scale = 100 if unit == "percent" else 1000
    number = decimal(abs(scale * change), lang)
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    space = NNBSP if lang == "fr" else " "
    return f"{sign}{number}{space}{'pt' if unit == 'percent' else '‰'}"


class Formatter:
    """The functions above bound to one language, for templates: ``f.rate(x, "percent")``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def int(self, value: int) -> str:
        return integer(value, self.lang)

    def rate(self, fraction: float | None, unit: str) -> str:
        return rate(fraction, self.lang, unit)

    def decimal(self, value: float, digits: builtins.int = 1) -> str:
        return decimal(value, self.lang, digits)

    def interval(self, value: Rate, unit: str) -> str:
        return interval(value, self.lang, unit)

    def unit(self, value: Rate) -> str:
        return best_unit(value)

    def day(self, value: date | datetime) -> str:
        return day(value, self.lang)

    def moment(self, value: datetime) -> str:
        return moment(value, self.lang)

    def signed(self, change: float, unit: str) -> str:
        return signed(change, self.lang, unit)
