"""Patterns: two of the patient's factors side by side.

A GET form: the page shows the form and, once the choices are valid, what they ask for.
Bad choices get a message at the field and a 400, keeping what was picked. The page reads only
the logged-in patient's own rows: no URL names a patient.
"""

from django.shortcuts import render

from tracker.checkins.charts import pattern_charts
from tracker.checkins.insight_forms import PatternForm
from tracker.checkins.patterns import DEFAULT_PAIR, MIN_SIDE_DAYS, PATTERN_WINDOWS, comparable, patient_pattern
from tracker.core.access import patient_required


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
