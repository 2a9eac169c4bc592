"""The clinic dashboard's chart of weekly active patients, drawn with tracker.core.svg.

A withheld week (too few patients to show) draws a short dashed outline, never a gap or a bar of
zero: the week had patients, and the chart must not suggest it had none.
"""

import math

from django.utils.safestring import SafeString

from tracker.clinics.disclosure import EngagementReport
from tracker.core.svg import Frame, Plot, axis_rounded, svg

# Wider than the patient's charts: up to a year of weeks, read on a clinician's desktop.
WEEK_FRAME = Frame(width=640, height=240, left=44, right=8, top=12, bottom=36)
MAX_WEEK_LABELS = 12  # more would overlap; the bars' titles and the table name every week


def weekly_active_chart(report: EngagementReport) -> SafeString:
    """A bar per week of the report, each titled with its figure; named by its own title and desc."""
    rows = report.rows
    shown = [row.active.value for row in rows if not row.active.withheld]
    plot = Plot(frame=WEEK_FRAME, axis=axis_rounded(max(shown, default=0), at_least=5), slots=len(rows))
    parts = plot.axes()
    for index, row in enumerate(rows):
        title = f"Week of {row.week_start:%-d %b}: {row.active.text} active"
        if row.active.withheld:
            parts.append(plot.placeholder(index, title=title))
        else:
            parts.append(plot.bar(index, row.active.value, series="active", title=title))
    every = max(1, math.ceil(len(rows) / MAX_WEEK_LABELS))
    parts += plot.x_labels((i, f"{row.week_start:%-d %b}", "middle") for i, row in enumerate(rows) if i % every == 0)
    return svg(
        parts,
        width=WEEK_FRAME.width,
        height=WEEK_FRAME.height,
        labelled_by="trend-title trend-desc",
        css="chart chart-wide",
        title=("trend-title", f"Weekly active patients, {len(rows)} weeks"),
        desc=("trend-desc", report.text_summary),
    )
