"""The clinic dashboard's chart of weekly active patients, drawn with tracker.core.svg.

A withheld week (too few patients to show) draws a short dashed outline, never a gap or a bar of
zero: the week had patients, and the chart must not suggest it had none. The week in progress is
drawn apart (an outline in the bar's colour, labelled "so far"): its count is still growing, and
must not read as a drop. The y-axis counts whole patients.
"""

import math

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.clinics.disclosure import EngagementReport
from tracker.core.l10n import day_text
from tracker.core.svg import Frame, Plot, axis_whole, svg

# Wider than the patient's charts: up to a year of weeks, read on a clinician's desktop.
WEEK_FRAME = Frame(width=640, height=240, left=44, right=8, top=16, bottom=36)
MAX_WEEK_LABELS = 12  # more would overlap; the bars' titles and the table name every week
IN_PROGRESS = "chart-in-progress"


def weekly_active_chart(report: EngagementReport) -> SafeString:
    """A bar per week of the report, each titled with its figure; named by its own title and desc."""
    rows = report.rows
    shown = [row.active.value for row in rows if not row.active.withheld]
    plot = Plot(frame=WEEK_FRAME, axis=axis_whole(max(shown, default=0), at_least=5), slots=len(rows))
    parts = plot.axes()
    for index, row in enumerate(rows):
        extra = IN_PROGRESS if row.in_progress else ""
        week = day_text(row.week_start, "SHORT_DAY_FORMAT")
        if row.in_progress:
            title = _("Week of %(week)s (in progress): %(count)s active so far") % {
                "week": week,
                "count": row.active.text,
            }
        else:
            title = _("Week of %(week)s: %(count)s active") % {"week": week, "count": row.active.text}
        if row.active.withheld:
            parts.append(plot.placeholder(index, title=title, extra_css=extra))
            top = plot.placeholder_top
        else:
            parts.append(plot.bar(index, row.active.value, series="active", title=title, extra_css=extra))
            top = plot.y(row.active.value)
        if row.in_progress:
            parts.append(plot.mark_label(index, top, _("so far"), css=IN_PROGRESS))
    every = max(1, math.ceil(len(rows) / MAX_WEEK_LABELS))
    parts += plot.x_labels(
        (i, day_text(row.week_start, "SHORT_DAY_FORMAT"), "middle") for i, row in enumerate(rows) if i % every == 0
    )
    return svg(
        parts,
        width=WEEK_FRAME.width,
        height=WEEK_FRAME.height,
        labelled_by="trend-title trend-desc",
        css="chart chart-wide",
        title=(
            "trend-title",
            ngettext("Weekly active patients, %(count)s week", "Weekly active patients, %(count)s weeks", len(rows))
            % {"count": len(rows)},
        ),
        desc=("trend-desc", report.text_summary),
    )
