"""The patient's home dashboard: this week, streaks, consistency and charts."""

from django.shortcuts import render

from tracker.access import patient_required
from tracker.charts import dashboard_charts
from tracker.trends import WINDOW_CHOICES, patient_dashboard, window_from


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
