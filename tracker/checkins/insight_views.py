"""Patterns (two of the patient's factors side by side) and the appointment summary.

Both are GET forms: the page shows the form and, once the choices are valid, what they ask for.
Bad choices get a message at the field and a 400, keeping what was picked. Each page reads only
the logged-in patient's own rows: no URL names a patient.
"""

from django.shortcuts import render

from tracker.checkins.appointment import HEADER, appointment_summary
from tracker.checkins.charts import pattern_charts
from tracker.checkins.insight_forms import PatternForm, SummaryForm
from tracker.checkins.patterns import DEFAULT_PAIR, MIN_SIDE_DAYS, PATTERN_WINDOWS, comparable, patient_pattern
from tracker.core.access import patient_required
from tracker.core.time import patient_today


@patient_required
def patterns(request):
    data = request.GET if request.GET else {"a": DEFAULT_PAIR[0], "b": DEFAULT_PAIR[1], "days": PATTERN_WINDOWS[0]}
    form = PatternForm(data)
    context = {"form": form, "min_side_days": MIN_SIDE_DAYS}
    if not form.is_valid():
        return render(request, "tracker/patterns.html", context, status=400)
    choice = form.cleaned_data
    pattern = patient_pattern(patient=request.user, a=comparable(choice["a"]), b=comparable(choice["b"]),
                              days=choice["days"])  # fmt: skip
    context.update(pattern=pattern, sentences=pattern.sentences(), charts=pattern_charts(pattern))
    return render(request, "tracker/patterns.html", context)


@patient_required
def summary(request):
    today = patient_today(patient=request.user)
    form = SummaryForm(request.GET if request.GET else SummaryForm.defaults(today), today=today)
    context = {"form": form, "header": HEADER, "patient": request.user}
    if not form.is_valid():
        return render(request, "tracker/summary.html", context, status=400)
    choice = form.cleaned_data
    context["summary"] = appointment_summary(
        patient=request.user,
        first_day=choice["first_day"],
        last_day=choice["last_day"],
        factor_keys=choice["factors"],
        include_notes=choice["include_notes"],
    )
    return render(request, "tracker/summary.html", context)
