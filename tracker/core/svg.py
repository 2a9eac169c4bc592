"""One way to draw a chart: inline SVG built on the server, for the patient's and the clinic's charts.

Inline SVG needs no JavaScript and passes a strict Content Security Policy: colours and fonts come
from the classes in static/css/charts.css, the geometry from presentation attributes, never
`style=`. A chart scales with its `viewBox`; its width comes from CSS.

A plot puts one value in each slot along x (a day, a week). Every element is built by `_element`,
which escapes whatever is not a number, so the markup returned by `svg` is safe by construction.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tracker.core.l10n import number_text

LABEL_DROP = 16  # the x-axis labels' baseline, below the axis
TICK_GAP = 4  # between a y-tick label and the plot
ZERO_MARK = 2  # the height of a logged zero's mark on the axis
PLACEHOLDER_SHARE = 0.08  # a placeholder bar's height, as a share of the plot's
MARK_LABEL_GAP = 4  # between a mark and the label above it


def _classes(*names: str) -> str:
    return " ".join(name for name in names if name)


def num(value: float) -> str:
    """A coordinate to one decimal place: finer than a phone's pixel, and short."""
    return f"{value:.1f}".removesuffix(".0")


def tick_text(value: float) -> str:
    """A tick's label: its value as people write it in the active language (4, 12.5, 2,500; in
    Spanish 12,5 and 2 500)."""
    return number_text(Decimal(f"{value:.2f}").normalize(), grouping=True)


def _element(name: str, css: str | None = None, content: str = "", **attrs) -> str:
    """<name class=css ...attrs>content</name>; `content` is markup, attribute values are escaped here."""
    pairs = [("class", css), *((key.replace("_", "-"), value) for key, value in attrs.items())]
    attributes = "".join(
        f' {key}="{num(value) if isinstance(value, int | float) else escape(value)}"'
        for key, value in pairs
        if value is not None
    )
    return f"<{name}{attributes}>{content}</{name}>" if content else f"<{name}{attributes}/>"


def _title(words: str | None) -> str:
    # A <title> child is the tooltip and the accessible name of one mark.
    return _element("title", content=escape(words)) if words else ""


def text(
    x: float, y: float, words: str, *, css: str = "chart-tick", anchor: str | None = None, dy: str | None = None
) -> str:
    return _element("text", css, escape(words), x=x, y=y, dy=dy, text_anchor=anchor)


def rect(x: float, y: float, width: float, height: float, *, css: str, title: str | None = None, rx=None) -> str:
    return _element("rect", css, _title(title), x=x, y=y, width=width, height=height, rx=rx)


def circle(x: float, y: float, r: float, *, css: str) -> str:
    return _element("circle", css, cx=x, cy=y, r=r)


def svg(
    parts: Iterable[str],
    *,
    width: float,
    height: float,
    labelled_by: str,
    css: str = "chart",
    title: tuple[str, str] | None = None,
    desc: tuple[str, str] | None = None,
) -> SafeString:
    """The chart, named by the elements `labelled_by` lists (space-separated ids).

    A chart that carries its own name and description gets them as (id, words) in `title` and
    `desc`, first inside the svg where SVG expects them; the others are named by page text.
    """
    own = [
        _element(tag, None, escape(label[1]), id=label[0]) for tag, label in (("title", title), ("desc", desc)) if label
    ]
    body = "".join([*own, *parts])
    return mark_safe(  # noqa: S308 - every element came from _element, which escapes
        f'<svg class="{escape(css)}" viewBox="0 0 {num(width)} {num(height)}" role="img" '
        f'aria-labelledby="{escape(labelled_by)}" focusable="false">{body}</svg>'
    )


@dataclass(frozen=True)
class Frame:
    """A chart's viewBox and the margins around its plot: room for the tick labels."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    ticks: tuple[float, ...]


def axis_up_to(largest, *, at_least: int, step: int) -> Axis:
    """0 to the first multiple of `step` at or above both `at_least` and the largest value."""
    high = max(at_least, step * math.ceil(float(largest or 0) / step))
    return Axis(0, high, tuple(range(0, high + 1, step)))


def axis_rounded(largest, *, at_least: int, divisions: int = 4) -> Axis:
    """0 to a round number (1, 2 or 5 times a power of ten, at least `at_least`), in equal divisions.

    For counts whose scale is unknown in advance: a clinic may have five patients or ten thousand.
    """
    largest = float(largest or 0)
    high = at_least
    if largest > at_least:
        power = 10 ** math.floor(math.log10(largest))
        high = next(step * power for step in (1, 2, 5, 10) if step * power >= largest)
    return Axis(0, high, tuple(high * k / divisions for k in range(divisions + 1)))


def axis_whole(largest, *, at_least: int) -> Axis:
    """axis_rounded for whole things (patients): every tick a whole number, in steps of 1, 2 or 5
    times a power of ten (2.5 times for an axis up to 2, 20, 200...)."""
    high = int(axis_rounded(largest, at_least=at_least).high)
    leading = high // 10 ** math.floor(math.log10(high)) if high else 1
    divisions = min(4 if leading == 2 else 5, max(high, 1))
    return Axis(0, high, tuple(range(0, high + 1, max(high // divisions, 1))))


class Plot:
    """Maps slot indexes and values to SVG coordinates, and draws the marks of one chart."""

    def __init__(self, *, frame: Frame, axis: Axis, slots: int):
        self.axis = axis
        self.top = frame.top
        self.bottom = frame.height - frame.bottom
        self.left = frame.left
        self.right = frame.width - frame.right
        self.step = (self.right - self.left) / max(slots, 1)

    def x(self, index: int) -> float:
        """The middle of slot `index`."""
        return self.left + (index + 0.5) * self.step

    def y(self, value) -> float:
        low, high = self.axis.low, self.axis.high
        return self.bottom - (float(value) - low) / (high - low) * (self.bottom - self.top)

    def axes(self) -> list[str]:
        """A grid line and a label at every tick, then the x axis over the grid."""
        parts = []
        for tick in self.axis.ticks:
            y = self.y(tick)
            parts.append(_element("line", "chart-grid", x1=self.left, x2=self.right, y1=y, y2=y))
            parts.append(text(self.left - TICK_GAP, y, tick_text(tick), anchor="end", dy="0.35em"))
        parts.append(_element("line", "chart-axis", x1=self.left, x2=self.right, y1=self.bottom, y2=self.bottom))
        return parts

    def x_labels(self, labels: Iterable[tuple[int, str, str]]) -> list[str]:
        """(slot, words, anchor) under the axis. A "start" or "end" label aligns with its slot's
        outer edge, so the first and last labels of a long series stay inside the frame."""
        shift = {"start": -0.5, "middle": 0, "end": 0.5}
        y = self.bottom + LABEL_DROP
        return [text(self.x(i) + shift[anchor] * self.step, y, words, anchor=anchor) for i, words, anchor in labels]

    def _bar_box(self, index: int) -> tuple[float, float]:
        width = max(self.step * 0.7, 1.0)
        return self.x(index) - width / 2, width

    def bar(self, index: int, value, *, series: str, title: str | None = None, extra_css: str = "") -> str:
        """A bar from the axis; a zero is a thin mark on the axis, so it differs from no bar at all.
        `extra_css` sets one bar apart (say, a week still in progress)."""
        x, width = self._bar_box(index)
        if value == 0:
            return rect(
                x, self.bottom - ZERO_MARK, width, ZERO_MARK, css=_classes("chart-zero", extra_css), title=title
            )
        y = self.y(value)
        return rect(x, y, width, self.bottom - y, css=_classes(f"chart-bar series-{series}", extra_css), title=title)

    def placeholder(self, index: int, *, title: str, extra_css: str = "") -> str:
        """A short outlined bar for a value that exists but is not shown: neither a gap nor a zero."""
        x, width = self._bar_box(index)
        return rect(
            x,
            self.placeholder_top,
            width,
            self.bottom - self.placeholder_top,
            css=_classes("chart-withheld", extra_css),
            title=title,
        )

    @property
    def placeholder_top(self) -> float:
        return self.bottom - (self.bottom - self.top) * PLACEHOLDER_SHARE

    def mark_label(self, index: int, top: float, words: str, *, css: str) -> str:
        """A word or two just above the mark in slot `index` whose top is at `top`."""
        return text(self.x(index), top - MARK_LABEL_GAP, words, css=css, anchor="middle")

    def line(self, values: Sequence, *, series: str, radius: float, joined: bool = True) -> list[str]:
        """A line through the values, broken at every None, and a dot on every value (dots alone
        when not `joined`)."""
        points = [None if value is None else (self.x(i), self.y(value)) for i, value in enumerate(values)]
        parts = []
        for present, run in groupby(points, key=lambda point: point is not None):
            if not present:
                continue
            run = list(run)
            if joined:
                parts.extend(self._path(run, css=f"chart-line series-{series}"))
            parts.extend(circle(x, y, radius, css=f"chart-dot series-{series}") for x, y in run)
        return parts

    def path(self, points: Sequence[tuple[float, float] | None], *, css: str) -> list[str]:
        """A line through (slot position, value) points, broken at every None. A position may fall
        between slots: 3.0 is the middle of slot 3, 2.5 the edge between slots 2 and 3."""
        coordinates = [
            None if point is None else (self.left + (point[0] + 0.5) * self.step, self.y(point[1])) for point in points
        ]
        parts = []
        for present, run in groupby(coordinates, key=lambda point: point is not None):
            if present:
                parts.extend(self._path(list(run), css=css))
        return parts

    @staticmethod
    def _path(run: list[tuple[float, float]], *, css: str) -> list[str]:
        if len(run) < 2:
            return []
        path = " L".join(f"{num(x)} {num(y)}" for x, y in run)
        return [_element("path", css, d=f"M{path}")]

    def level(self, value, *, css: str) -> str:
        """A horizontal rule across the plot at `value`."""
        y = self.y(value)
        return _element("line", css, x1=self.left, x2=self.right, y1=y, y2=y)
