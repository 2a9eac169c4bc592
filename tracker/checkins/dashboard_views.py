"""The patient's home dashboard: this week, streaks, consistency and charts."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from tracker.checkins.charts import dashboard_charts
from tracker.checkins.summaries import factor_panels, week_lines
from tracker.checkins.trends import BUILDING_DAYS, WINDOW_CHOICES, patient_dashboard, window_from
from tracker.core.access import patient_required


@patient_required
def dashboard(request):
    window_days = window_from(request.GET.get("days"))
    data = patient_dashboard(patient=request.user, window_days=window_days)
    charts = dashboard_charts(data.rows, data.calendar)
    context = {
        "dash": data,
        "charts": charts,
        "week_lines": week_lines(data.week),
        "last_7_lines": week_lines(data.last_7.figures, not_logged=_("not logged in the last 7 days"))
        if data.last_7
        else None,
        "panels": factor_panels(figures=data.window, rows=data.rows, charts=charts),
        "window_choices": WINDOW_CHOICES,
        "building_days": BUILDING_DAYS,
    }
    return render(request, "tracker/dashboard.html", context)
