"""Inline SVG charts for the HTML report (pure): no JavaScript, no network, readable in print.

Every text that comes from data is escaped here (``markupsafe.escape``), so a stage label or an
agent named ``<script>`` is drawn as text. The charts use only black, greys and one accent, and
repeat each figure as text, so they survive a black-and-white printer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from campaign.stages import Rate

ACCENT = "#1f5fa8"
BAND = "#c9d9ee"
GREY = "#888888"


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    text: str  # the figure printed beside the bar ("1 000", "21 — 2,1 %")


def funnel_chart(bars: Sequence[Bar], *, title: str, width: int = 640) -> Markup:
    """Horizontal bars, one per stage, widths proportional to the counts (a stage that is a
    thousandth of the first still shows a sliver, and its count is written beside it)."""
    row, label_width, top = 30, 170, 28
    height = top + row * len(bars) + 8
    top_count = max((bar.count for bar in bars), default=0) or 1
    span = width - label_width - 190
    parts = [_open(width, height, title), _text(8, 18, title, weight="bold")]
    for index, bar in enumerate(bars):
        y = top + index * row
        length = max(2.0, span * bar.count / top_count) if bar.count else 0.0
        parts.append(_text(8, y + 17, bar.label))
        parts.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 10}" '
            f'fill="{ACCENT}"><title>{escape(bar.label)}: {escape(bar.text)}</title></rect>'
        )
        parts.append(_text(label_width + length + 8, y + 17, bar.text))
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class TrendPoint:
    week: str  # "W47"
    rate: Rate


def trend_chart(
    points: Sequence[TrendPoint],
    *,
    title: str,
    scale: int,
    unit: str,
    tick: Callable[[float], str] | None = None,
    width: int = 300,
    height: int = 170,
) -> Markup:
    """One rate over the weeks: the line, its 95 % interval as a band, each week's value as a
    dot (an empty circle for a week without calls). ``scale`` 100 or 1000, ``unit`` "%" or "‰";
    ``tick`` writes an axis value (a fraction) in the report's language."""
    left, right, top, bottom = 44, 10, 26, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    highs = [p.rate.high for p in points if p.rate.trials]
    ceiling = _nice(max(highs, default=0.0) * scale) / scale or 1 / scale

    def x(index: int) -> float:
        return left + (plot_w * index / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - min(value, ceiling) / ceiling)

    parts = [_open(width, height, title), _text(4, 16, title, weight="bold")]
    for fraction in (0.0, 0.5, 1.0):
        level = ceiling * fraction
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
            f'stroke="#dddddd"/>'
        )
        label = tick(level) if tick is not None else f"{level * scale:.1f}{unit}"
        parts.append(_text(left - 4, y(level) + 4, label, anchor="end"))
    known = [(i, p) for i, p in enumerate(points) if p.rate.trials]
    if len(known) > 1:
        upper = " ".join(f"{x(i):.1f},{y(p.rate.high):.1f}" for i, p in known)
        lower = " ".join(f"{x(i):.1f},{y(p.rate.low):.1f}" for i, p in reversed(known))
        parts.append(f'<polygon points="{upper} {lower}" fill="{BAND}" stroke="none"/>')
        line = " ".join(f"{x(i):.1f},{y(p.rate.value or 0.0):.1f}" for i, p in known)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    for index, point in enumerate(points):
        value = point.rate.value
        if value is None:
            parts.append(
                f'<circle cx="{x(index):.1f}" cy="{y(0):.1f}" r="3" fill="white" '
                f'stroke="{GREY}"><title>{escape(point.week)}: no call</title></circle>'
            )
        else:
            parts.append(
                f'<circle cx="{x(index):.1f}" cy="{y(value):.1f}" r="3" fill="{ACCENT}">'
                f"<title>{escape(point.week)}: {value * scale:.1f}{unit} "
                f"({point.rate.successes}/{point.rate.trials})</title></circle>"
            )
        parts.append(_text(x(index), height - 8, point.week, anchor="middle", size=10))
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="sans-serif" font-size="12">'
    )


def _text(
    x: float, y: float, text: str, *, anchor: str = "start", weight: str = "normal", size: int = 12
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}" '
        f'font-size="{size}">{escape(text)}</text>'
    )


def _nice(value: float) -> float:
    """The next round number at or above ``value`` for an axis: 1, 2 or 5 x 10^n."""
    if value <= 0:
        return 0.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 5, 10) if value <= step * magnitude * 1.0000001)
