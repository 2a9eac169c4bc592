"""The patient's dashboard charts, drawn with tracker.core.svg.

Each chart shows one value per day of the chart window and fits the width of a phone. A day that
was not logged draws nothing (a gap), never a zero; a logged zero draws a thin mark on the axis.
"""

import dataclasses
import datetime as dt
from collections.abc import Sequence

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.checkins.summaries import summary_id
from tracker.checkins.trends import (
    CALENDAR_WEEKS,
    WEEKLY_FROM_DAYS,
    CalendarDay,
    DayValues,
    WeekAverage,
    weekly_averages,
)
from tracker.core.l10n import day_text
from tracker.core.svg import Axis, Frame, Plot, axis_up_to, circle, rect, svg, text
from tracker.models import FACTORS, FIELD_BY_NAME, Factor, Field
from tracker.models.factors import Chart

DAY_FRAME = Frame(width=300, height=150, left=24, right=6, top=8, bottom=22)


def _day_plot(days: Sequence[dt.date], axis: Axis, frame: Frame = DAY_FRAME) -> tuple[Plot, list[str]]:
    """A plot with a slot per day, and its axes and date labels: every weekday for a week, else
    four dates spread along the axis (a label per day would overlap on a phone)."""
    plot = Plot(frame=frame, axis=axis, slots=len(days))
    n = len(days)
    if n <= 7:
        labels = [(i, day_text(day, "WEEKDAY_FORMAT"), "middle") for i, day in enumerate(days)]
    else:
        spread = [(0, "start"), (n // 3, "middle"), (2 * n // 3, "middle"), (n - 1, "end")]
        labels = [(i, day_text(days[i], "SHORT_DAY_FORMAT"), anchor) for i, anchor in spread]
    return plot, plot.axes() + plot.x_labels(labels)


def _largest(values: Sequence) -> float:
    return max((value for value in values if value is not None), default=0)


def _svg(parts: list[str], frame: Frame, labelled_by: str) -> SafeString:
    return svg(parts, width=frame.width, height=frame.height, labelled_by=labelled_by)


Weekly = Sequence[WeekAverage] | None


def _weekly(plot: Plot, weekly: Weekly) -> list[str]:
    """The line of weekly averages, through the middle of each week's days, broken at a week not logged."""
    if not weekly:
        return []
    points = [None if week.average is None else (week.middle, week.average) for week in weekly]
    return plot.path(points, css="chart-weekly")


def line_chart(
    days: Sequence[dt.date], values: Sequence, *, axis: Axis, series: str, labelled_by: str, weekly: Weekly = None
) -> SafeString:
    """A line through the logged days, broken where a day was not logged; a dot on every logged day.
    With `weekly`, the days are dots alone under the line of weekly averages."""
    plot, parts = _day_plot(days, axis)
    parts += plot.line(values, series=series, radius=2.5 if len(days) <= 30 else 1.6, joined=not weekly)
    return _svg(parts + _weekly(plot, weekly), DAY_FRAME, labelled_by)


def _bars(plot: Plot, values: Sequence, *, series: str) -> list[str]:
    return [plot.bar(i, value, series=series) for i, value in enumerate(values) if value is not None]


def bar_chart(
    days: Sequence[dt.date], values: Sequence, *, axis: Axis, series: str, labelled_by: str, weekly: Weekly = None
) -> SafeString:
    plot, parts = _day_plot(days, axis)
    return _svg(parts + _bars(plot, values, series=series) + _weekly(plot, weekly), DAY_FRAME, labelled_by)


MARKS_BAND = 30  # a label, then a row of yes/no marks, above the bars
MARKED_FRAME = dataclasses.replace(DAY_FRAME, height=DAY_FRAME.height + MARKS_BAND, top=DAY_FRAME.top + MARKS_BAND)


def marked_bar_chart(
    rows: Sequence[DayValues], *, field: Field, axis: Axis, labelled_by: str, weekly: Weekly = None
) -> SafeString:
    """Bars of `field`, under a row of marks for its chart's yes/no field (omega-3 foods under the
    supplement): a filled dot for yes, a ring for no, nothing when not answered."""
    marks = FIELD_BY_NAME[field.chart.marks]
    series = field.chart.series
    plot, parts = _day_plot([row.day for row in rows], axis, MARKED_FRAME)
    parts.append(text(DAY_FRAME.left, DAY_FRAME.top, str(marks.column), dy="0.7em"))
    band_y = DAY_FRAME.top + 19
    radius = min(3.0, max(plot.step * 0.35, 1.2))
    parts.extend(
        circle(plot.x(i), band_y, radius, css=f"{'chart-dot' if answer else 'chart-ring'} series-{series}")
        for i, row in enumerate(rows)
        if (answer := getattr(row, marks.name)) is not None
    )
    parts.extend(_bars(plot, [getattr(row, field.name) for row in rows], series=series))
    return _svg(parts + _weekly(plot, weekly), MARKED_FRAME, labelled_by)


CELL = 11
GAP = 2
CAL_LEFT = 28
CAL_TOP = 14


CALENDAR_STATES = {  # (CSS class, words) of a day drawn on the calendar
    "logged": ("cal-yes", gettext_lazy("checked in")),
    "paused": ("cal-paused", gettext_lazy("paused")),
    "missed": ("cal-no", gettext_lazy("no check-in")),
}


def _calendar_state(cell: CalendarDay) -> str:
    if cell.checked_in:
        return "logged"
    return "paused" if cell.paused else "missed"


def calendar_chart(
    weeks: Sequence[Sequence[CalendarDay]], *, labelled_by: str, columns: int = CALENDAR_WEEKS
) -> SafeString:
    """Weeks as columns (oldest on the left), Monday to Sunday as rows.

    A check-in day is a filled square, a missed day an empty outlined one and a paused day a
    shaded one with a dashed outline, so they differ in shape as well as colour; days after today
    and before the patient's first day are not drawn. The frame is `columns` weeks wide however
    few weeks there are yet, so a new patient's calendar fills in from the left at the same size.
    """
    pitch = CELL + GAP
    # The rows' names from a real week, so each language names its own weekdays ("lun", "mié").
    week = weeks[0] if weeks else []
    parts = [
        text(CAL_LEFT - 4, CAL_TOP + row * pitch + CELL / 2, day_text(week[row].day, "WEEKDAY_FORMAT"), anchor="end",
             dy="0.35em")
        for row in (0, 2, 4, 6)
        if row < len(week)
    ]  # fmt: skip
    previous_month = None
    for column, week in enumerate(weeks):
        x = CAL_LEFT + column * pitch
        month = week[0].day.month
        if month != previous_month and column < max(len(weeks), columns) - 1:
            parts.append(text(x, CAL_TOP - 4, day_text(week[0].day, "MONTH_FORMAT")))
        previous_month = month
        for row, cell in enumerate(week):
            if cell.future or cell.before:
                continue
            kind, words = CALENDAR_STATES[_calendar_state(cell)]
            parts.append(
                rect(x + 0.5, CAL_TOP + row * pitch + 0.5, CELL - 1, CELL - 1, css=kind, rx=2,
                     title=_("%(day)s: %(state)s") % {"day": day_text(cell.day, "FULL_DAY_FORMAT"), "state": words})
            )  # fmt: skip
    width = CAL_LEFT + max(len(weeks), columns) * pitch
    return svg(parts, width=width, height=CAL_TOP + 7 * pitch, labelled_by=labelled_by)


def field_axis(chart: Chart, values: Sequence) -> Axis:
    """A fixed scale (a 1 to 5 rating) or one from 0 up to the largest value logged."""
    if chart.high is not None:
        return Axis(chart.low, chart.high, tuple(range(int(chart.low), int(chart.high) + 1, chart.step)))
    return axis_up_to(_largest(values), at_least=chart.at_least, step=chart.step)


def field_chart(
    rows: Sequence[DayValues], factor: Factor, field: Field, *, labelled_by: str | None = None, weekly: bool = False
) -> SafeString:
    """One field's chart over `rows`; with `weekly`, under a line of its weekly averages."""
    days = [row.day for row in rows]
    values = [getattr(row, field.name) for row in rows]
    axis, labelled_by = field_axis(field.chart, values), labelled_by or summary_id(factor, field)
    weeks = weekly_averages(rows, field.name) if weekly else None
    if field.chart.marks:
        return marked_bar_chart(rows, field=field, axis=axis, labelled_by=labelled_by, weekly=weeks)
    draw = line_chart if field.chart.kind == "line" else bar_chart
    return draw(days, values, axis=axis, series=field.chart.series, labelled_by=labelled_by, weekly=weeks)


def factor_charts(rows: Sequence[DayValues], factors: Sequence[Factor] = FACTORS) -> dict[str, SafeString]:
    """One chart per charted field of `factors`, keyed by the field's name; from WEEKLY_FROM_DAYS
    days on, each with its weekly averages."""
    weekly = len(rows) >= WEEKLY_FROM_DAYS
    return {
        field.name: field_chart(rows, factor, field, weekly=weekly)
        for factor in factors
        for field in factor.fields
        if field.chart is not None
    }


def dashboard_charts(rows: Sequence[DayValues], calendar: Sequence[Sequence[CalendarDay]]) -> dict[str, SafeString]:
    """Every chart on the dashboard: one per charted field of the factor registry, keyed by the
    field's name, and the check-in calendar."""
    charts = factor_charts(rows)
    charts["calendar"] = calendar_chart(calendar, labelled_by="summary-calendar")
    return charts


def pattern_charts(pattern) -> dict[str, SafeString]:
    """The two factors of a pattern (tracker/checkins/patterns.py), one above the other over the same
    days, the first with a dashed rule at the patient's usual value."""
    days = [row.day for row in pattern.rows]
    charts = {}
    for key, field in (("a", pattern.a), ("b", pattern.b)):
        values = [getattr(row, field.name) for row in pattern.rows]
        axis = field_axis(field.chart, values)
        plot, parts = _day_plot(days, axis)
        if key == "a" and pattern.usual is not None:
            parts.append(plot.level(pattern.usual, css="chart-usual"))
        if field.chart.kind == "line":
            parts += plot.line(values, series=field.chart.series, radius=2.5 if len(days) <= 30 else 1.6)
        else:
            parts += _bars(plot, values, series=field.chart.series)
        charts[key] = _svg(parts, DAY_FRAME, f"pattern-{key}-caption")
    return charts
