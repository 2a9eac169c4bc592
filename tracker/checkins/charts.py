"""Server-side SVG charts for the dashboard.

Inline SVG needs no JavaScript and works under a strict Content Security
Policy: colours and fonts come from CSS classes in static/css/trends.css, the
geometry from presentation attributes, never `style=`. Each chart scales with
its `viewBox` to the width of a phone. A day that was not logged draws
nothing (a gap), never a zero; a logged zero draws a thin mark on the axis.
"""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tracker.checkins.trends import CalendarDay, DayValues

WIDTH = 300
HEIGHT = 150
LEFT = 24  # room for the y-axis numbers
RIGHT = 6
TOP = 8
BOTTOM = 22  # room for the dates under the x axis


@dataclass(frozen=True)
class Axis:
    low: float
    high: float
    ticks: tuple[float, ...]


def axis_up_to(largest, *, at_least: int, step: int) -> Axis:
    """0 to the first multiple of `step` at or above both `at_least` and the largest value."""
    high = max(at_least, step * math.ceil(float(largest or 0) / step))
    return Axis(0, high, tuple(range(0, high + 1, step)))


SLEEP_QUALITY_AXIS = Axis(1, 5, (1, 2, 3, 4, 5))
STRESS_AXIS = Axis(0, 10, (0, 2, 4, 6, 8, 10))


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


class _Plot:
    """Maps day indexes and values to SVG coordinates for one chart."""

    def __init__(self, *, days: Sequence[dt.date], axis: Axis, top: int = TOP, height: int = HEIGHT):
        self.days = days
        self.axis = axis
        self.top = top
        self.height = height
        self.bottom = height - BOTTOM
        self.step = (WIDTH - LEFT - RIGHT) / len(days)

    def x(self, index: int) -> float:
        return LEFT + (index + 0.5) * self.step

    def y(self, value) -> float:
        low, high = self.axis.low, self.axis.high
        return self.bottom - (float(value) - low) / (high - low) * (self.bottom - self.top)

    def frame(self) -> list[str]:
        parts = []
        for tick in self.axis.ticks:
            y = _num(self.y(tick))
            parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
            parts.append(
                f'<text class="chart-tick" x="{LEFT - 4}" y="{y}" dy="0.35em" text-anchor="end">{_num(tick)}</text>'
            )
        parts.append(
            f'<line class="chart-axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{self.bottom}" y2="{self.bottom}"/>'
        )
        parts.extend(self._date_labels())
        return parts

    def _date_labels(self) -> list[str]:
        n = len(self.days)
        if n <= 7:
            labelled = [(i, "middle", f"{day:%a}") for i, day in enumerate(self.days)]
        else:
            labelled = [(0, "start"), (n // 3, "middle"), (2 * n // 3, "middle"), (n - 1, "end")]
            labelled = [(i, anchor, f"{self.days[i]:%-d %b}") for i, anchor in labelled]
        y = self.height - 6
        parts = []
        for index, anchor, text in labelled:
            x = self.x(index)
            if anchor == "start":
                x -= self.step / 2
            elif anchor == "end":
                x += self.step / 2
            parts.append(f'<text class="chart-tick" x="{_num(x)}" y="{y}" text-anchor="{anchor}">{text}</text>')
        return parts


def _svg(parts: list[str], *, kind: str, height: int, labelled_by: str) -> SafeString:
    body = "".join(parts)
    return mark_safe(  # noqa: S308 - every piece is a number, a date or escaped text
        f'<svg class="chart chart-{kind}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{escape(labelled_by)}" focusable="false">{body}</svg>'
    )


def line_chart(days: Sequence[dt.date], values: Sequence, *, axis: Axis, series: str, labelled_by: str) -> SafeString:
    """A line through the logged days, broken where a day was not logged; a dot on every logged day."""
    plot = _Plot(days=days, axis=axis)
    parts = plot.frame()
    segments, current = [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((plot.x(index), plot.y(value)))
    if current:
        segments.append(current)
    radius = 2.5 if len(days) <= 30 else 1.6
    for segment in segments:
        if len(segment) > 1:
            path = " L".join(f"{_num(x)} {_num(y)}" for x, y in segment)
            parts.append(f'<path class="chart-line series-{series}" d="M{path}"/>')
        parts.extend(
            f'<circle class="chart-dot series-{series}" cx="{_num(x)}" cy="{_num(y)}" r="{radius}"/>'
            for x, y in segment
        )
    return _svg(parts, kind="line", height=HEIGHT, labelled_by=labelled_by)


def _bars(plot: _Plot, values: Sequence, *, series: str) -> list[str]:
    width = max(plot.step * 0.7, 1.0)
    parts = []
    for index, value in enumerate(values):
        if value is None:
            continue
        x = _num(plot.x(index) - width / 2)
        if value == 0:
            # A logged zero: a thin mark on the axis, so it differs from a day not logged.
            parts.append(f'<rect class="chart-zero" x="{x}" y="{plot.bottom - 2}" width="{_num(width)}" height="2"/>')
            continue
        y = plot.y(value)
        parts.append(
            f'<rect class="chart-bar series-{series}" x="{x}" y="{_num(y)}" '
            f'width="{_num(width)}" height="{_num(plot.bottom - y)}"/>'
        )
    return parts


def bar_chart(days: Sequence[dt.date], values: Sequence, *, axis: Axis, series: str, labelled_by: str) -> SafeString:
    plot = _Plot(days=days, axis=axis)
    return _svg(plot.frame() + _bars(plot, values, series=series), kind="bar", height=HEIGHT, labelled_by=labelled_by)


SUPPLEMENT_BAND = 30  # a "Supplement" label, then a row of marks, above the bars


def omega3_chart(rows: Sequence[DayValues], *, labelled_by: str) -> SafeString:
    """Bars of omega-3 food servings, under a row of supplement marks: a filled dot for yes, a ring for no."""
    days = [row.day for row in rows]
    servings = [row.omega3_servings for row in rows]
    height = HEIGHT + SUPPLEMENT_BAND
    plot = _Plot(days=days, axis=axis_up_to(max((s for s in servings if s), default=0), at_least=4, step=2),
                 top=TOP + SUPPLEMENT_BAND, height=height)  # fmt: skip
    parts = plot.frame()
    parts.append(f'<text class="chart-tick" x="{LEFT}" y="{TOP}" dy="0.7em">Supplement</text>')
    band_y = TOP + 19
    radius = min(3.0, max(plot.step * 0.35, 1.2))
    for index, row in enumerate(rows):
        if row.omega3_supplement is None:
            continue
        kind = "chart-dot series-omega3" if row.omega3_supplement else "chart-ring series-omega3"
        parts.append(f'<circle class="{kind}" cx="{_num(plot.x(index))}" cy="{band_y}" r="{_num(radius)}"/>')
    parts.extend(_bars(plot, servings, series="omega3"))
    return _svg(parts, kind="bar", height=height, labelled_by=labelled_by)


CELL = 11
GAP = 2
CAL_LEFT = 28
CAL_TOP = 14


def calendar_chart(weeks: Sequence[Sequence[CalendarDay]], *, labelled_by: str) -> SafeString:
    """Weeks as columns (oldest on the left), Monday to Sunday as rows.

    A check-in day is a filled square, any other day an empty outlined one, so
    the two differ in shape as well as colour; days after today are not drawn.
    """
    pitch = CELL + GAP
    width = CAL_LEFT + len(weeks) * pitch
    height = CAL_TOP + 7 * pitch
    parts = []
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")):
        y = CAL_TOP + row * pitch + CELL / 2
        parts.append(
            f'<text class="chart-tick" x="{CAL_LEFT - 4}" y="{_num(y)}" dy="0.35em" text-anchor="end">{name}</text>'
        )
    previous_month = None
    for column, week in enumerate(weeks):
        x = CAL_LEFT + column * pitch
        month = week[0].day.month
        if month != previous_month and column < len(weeks) - 1:
            parts.append(f'<text class="chart-tick" x="{x}" y="{CAL_TOP - 4}">{week[0].day:%b}</text>')
        previous_month = month
        for row, cell in enumerate(week):
            if cell.future:
                continue
            y = CAL_TOP + row * pitch
            kind, words = ("cal-yes", "checked in") if cell.checked_in else ("cal-no", "no check-in")
            parts.append(
                f'<rect class="{kind}" x="{x + 0.5}" y="{y + 0.5}" width="{CELL - 1}" height="{CELL - 1}" rx="2">'
                f"<title>{cell.day:%a %-d %b %Y}: {words}</title></rect>"
            )
    body = "".join(parts)
    return mark_safe(  # noqa: S308 - numbers, dates and fixed words only
        f'<svg class="chart chart-calendar" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{escape(labelled_by)}" focusable="false">{body}</svg>'
    )


def dashboard_charts(rows: Sequence[DayValues], calendar: Sequence[Sequence[CalendarDay]]) -> dict[str, SafeString]:
    """Every chart on the dashboard, keyed by the id of the text that describes it."""
    days = [row.day for row in rows]
    hours = [row.sleep_hours for row in rows]
    fruit_veg = [row.fruit_veg_servings for row in rows]
    return {
        "sleep_hours": line_chart(
            days,
            hours,
            axis=axis_up_to(max((h for h in hours if h is not None), default=0), at_least=12, step=4),
            series="sleep-hours",
            labelled_by="summary-sleep-hours",
        ),
        "sleep_quality": line_chart(
            days,
            [row.sleep_quality for row in rows],
            axis=SLEEP_QUALITY_AXIS,
            series="sleep-quality",
            labelled_by="summary-sleep-quality",
        ),
        "stress": line_chart(
            days, [row.stress for row in rows], axis=STRESS_AXIS, series="stress", labelled_by="summary-stress"
        ),
        "omega3_servings": omega3_chart(rows, labelled_by="summary-omega3"),
        "fruit_veg_servings": bar_chart(
            days,
            fruit_veg,
            axis=axis_up_to(max((v for v in fruit_veg if v is not None), default=0), at_least=10, step=5),
            series="fruit-veg",
            labelled_by="summary-fruit-veg",
        ),
        "calendar": calendar_chart(calendar, labelled_by="summary-calendar"),
    }
