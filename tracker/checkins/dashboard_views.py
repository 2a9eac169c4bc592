"""The patient's home dashboard: this week, streaks, consistency and charts."""

from django.shortcuts import render

from tracker.checkins.charts import dashboard_charts
from tracker.checkins.trends import WINDOW_CHOICES, patient_dashboard, window_from
from tracker.core.access import patient_required


@patient_required
def dashboard(request):
    window_days = window_from(request.GET.get("days"))
    data = patient_dashboard(patient=request.user, window_days=window_days)
    context = {
        "dash": data,
        "charts": dashboard_charts(data.rows, data.calendar),
        "window_choices": WINDOW_CHOICES,
    }
    return render(request, "tracker/dashboard.html", context)
