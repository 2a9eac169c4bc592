"""Geometry for small server-side SVG charts: no JavaScript, styled from app.css."""

import math
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 240
LEFT = 44  # room for the y-axis labels
RIGHT = 8
TOP = 12
BOTTOM = 36  # room for the week labels


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str
    withheld: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list
    y_ticks: list  # [(y, label)]
    x_labels: list  # [(x, label)]
    plot_left: int
    plot_right: int
    baseline: float


def _nice_ceiling(value: float) -> int:
    """1, 2, 5 or 10 times a power of ten, at least `value`."""
    if value <= 5:
        return 5
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover


def bar_chart(points: list) -> Chart:
    """points: [(label, value or None if withheld, title)] in order."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    top_value = _nice_ceiling(max([v for _, v, _ in points if v is not None], default=0))
    slot = plot_width / max(len(points), 1)
    bar_width = slot * 0.7
    bars, x_labels = [], []
    every = max(1, math.ceil(len(points) / 12))  # at most ~12 week labels
    for i, (label, value, title) in enumerate(points):
        x = LEFT + i * slot + (slot - bar_width) / 2
        if value is None:
            # A short placeholder so the gap reads as "withheld", not "zero".
            height = plot_height * 0.08
            bars.append(
                Bar(round(x, 1), round(baseline - height, 1), round(bar_width, 1), round(height, 1), title, True)
            )
        else:
            height = plot_height * value / top_value
            bars.append(
                Bar(round(x, 1), round(baseline - height, 1), round(bar_width, 1), round(height, 1), title, False)
            )
        if i % every == 0:
            x_labels.append((round(x + bar_width / 2, 1), label))
    y_ticks = [(round(baseline - plot_height * k / 4, 1), f"{top_value * k / 4:g}") for k in range(5)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        y_ticks=y_ticks,
        x_labels=x_labels,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        baseline=baseline,
    )
