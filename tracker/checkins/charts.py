"""The patient's dashboard charts, drawn with tracker.core.svg.

Each chart shows one value per day of the chart window and fits the width of a phone. A day that
was not logged draws nothing (a gap), never a zero; a logged zero draws a thin mark on the axis.
"""

import dataclasses
import datetime as dt
from collections.abc import Sequence

from django.utils.safestring import SafeString

from tracker.checkins.trends import CalendarDay, DayValues
from tracker.core.svg import Axis, Frame, Plot, axis_up_to, circle, rect, svg, text

DAY_FRAME = Frame(width=300, height=150, left=24, right=6, top=8, bottom=22)
SLEEP_QUALITY_AXIS = Axis(1, 5, (1, 2, 3, 4, 5))
STRESS_AXIS = Axis(0, 10, (0, 2, 4, 6, 8, 10))


def _day_plot(days: Sequence[dt.date], axis: Axis, frame: Frame = DAY_FRAME) -> tuple[Plot, list[str]]:
    """A plot with a slot per day, and its axes and date labels: every weekday for a week, else
    four dates spread along the axis (a label per day would overlap on a phone)."""
    plot = Plot(frame=frame, axis=axis, slots=len(days))
    n = len(days)
    if n <= 7:
        labels = [(i, f"{day:%a}", "middle") for i, day in enumerate(days)]
    else:
        spread = [(0, "start"), (n // 3, "middle"), (2 * n // 3, "middle"), (n - 1, "end")]
        labels = [(i, f"{days[i]:%-d %b}", anchor) for i, anchor in spread]
    return plot, plot.axes() + plot.x_labels(labels)


def _largest(values: Sequence) -> float:
    return max((value for value in values if value is not None), default=0)


def _svg(parts: list[str], frame: Frame, labelled_by: str) -> SafeString:
    return svg(parts, width=frame.width, height=frame.height, labelled_by=labelled_by)


def line_chart(days: Sequence[dt.date], values: Sequence, *, axis: Axis, series: str, labelled_by: str) -> SafeString:
    """A line through the logged days, broken where a day was not logged; a dot on every logged day."""
    plot, parts = _day_plot(days, axis)
    parts += plot.line(values, series=series, radius=2.5 if len(days) <= 30 else 1.6)
    return _svg(parts, DAY_FRAME, labelled_by)


def _bars(plot: Plot, values: Sequence, *, series: str) -> list[str]:
    return [plot.bar(i, value, series=series) for i, value in enumerate(values) if value is not None]


def bar_chart(days: Sequence[dt.date], values: Sequence, *, axis: Axis, series: str, labelled_by: str) -> SafeString:
    plot, parts = _day_plot(days, axis)
    return _svg(parts + _bars(plot, values, series=series), DAY_FRAME, labelled_by)


SUPPLEMENT_BAND = 30  # a "Supplement" label, then a row of marks, above the bars
OMEGA3_FRAME = dataclasses.replace(
    DAY_FRAME, height=DAY_FRAME.height + SUPPLEMENT_BAND, top=DAY_FRAME.top + SUPPLEMENT_BAND
)


def omega3_chart(rows: Sequence[DayValues], *, labelled_by: str) -> SafeString:
    """Bars of omega-3 food servings, under a row of supplement marks: a filled dot for yes, a ring for no."""
    servings = [row.omega3_servings for row in rows]
    axis = axis_up_to(_largest(servings), at_least=4, step=2)
    plot, parts = _day_plot([row.day for row in rows], axis, OMEGA3_FRAME)
    parts.append(text(DAY_FRAME.left, DAY_FRAME.top, "Supplement", dy="0.7em"))
    band_y = DAY_FRAME.top + 19
    radius = min(3.0, max(plot.step * 0.35, 1.2))
    parts.extend(
        circle(plot.x(i), band_y, radius, css=f"{'chart-dot' if row.omega3_supplement else 'chart-ring'} series-omega3")
        for i, row in enumerate(rows)
        if row.omega3_supplement is not None
    )
    parts.extend(_bars(plot, servings, series="omega3"))
    return _svg(parts, OMEGA3_FRAME, labelled_by)


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
    parts = [
        text(CAL_LEFT - 4, CAL_TOP + row * pitch + CELL / 2, name, anchor="end", dy="0.35em")
        for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun"))
    ]
    previous_month = None
    for column, week in enumerate(weeks):
        x = CAL_LEFT + column * pitch
        month = week[0].day.month
        if month != previous_month and column < len(weeks) - 1:
            parts.append(text(x, CAL_TOP - 4, f"{week[0].day:%b}"))
        previous_month = month
        for row, cell in enumerate(week):
            if cell.future:
                continue
            kind, words = ("cal-yes", "checked in") if cell.checked_in else ("cal-no", "no check-in")
            parts.append(
                rect(x + 0.5, CAL_TOP + row * pitch + 0.5, CELL - 1, CELL - 1, css=kind, rx=2,
                     title=f"{cell.day:%a %-d %b %Y}: {words}")
            )  # fmt: skip
    return svg(parts, width=CAL_LEFT + len(weeks) * pitch, height=CAL_TOP + 7 * pitch, labelled_by=labelled_by)


def dashboard_charts(rows: Sequence[DayValues], calendar: Sequence[Sequence[CalendarDay]]) -> dict[str, SafeString]:
    """Every chart on the dashboard, keyed by the id of the text that describes it."""
    days = [row.day for row in rows]
    hours = [row.sleep_hours for row in rows]
    fruit_veg = [row.fruit_veg_servings for row in rows]
    return {
        "sleep_hours": line_chart(
            days,
            hours,
            axis=axis_up_to(_largest(hours), at_least=12, step=4),
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
            axis=axis_up_to(_largest(fruit_veg), at_least=10, step=5),
            series="fruit-veg",
            labelled_by="summary-fruit-veg",
        ),
        "calendar": calendar_chart(calendar, labelled_by="summary-calendar"),
    }
