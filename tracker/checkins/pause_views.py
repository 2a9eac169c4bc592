"""Pause days: the patient's list of pauses, adding one, ending one early, removing one."""

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.checkins.insight_forms import PauseForm
from tracker.checkins.pauses import (
    PAUSE_AHEAD_DAYS,
    PauseRefused,
    pause_add,
    pause_end_early,
    pause_for_patient,
    pause_remove,
    pauses_for_patient,
)
from tracker.core.access import patient_required
from tracker.core.l10n import day_text
from tracker.core.time import patient_today
from tracker.models import PAUSE_MAX_DAYS


def _range_text(first: dt.date, last: dt.date) -> str:
    if first == last:
        return day_text(first, "LONG_DAY_FORMAT")
    return _("%(first)s to %(last)s") % {
        "first": day_text(first, "LONG_DAY_FORMAT"),
        "last": day_text(last, "LONG_DAY_FORMAT"),
    }


@patient_required
def pauses(request):
    patient = request.user
    today = patient_today(patient=patient)
    status = 200
    if request.method == "POST":
        form = PauseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pause = pause_add(
                    patient=patient, first_day=data["first_day"], last_day=data["last_day"], reason=data["reason"]
                )
            except PauseRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request, _("Paused %(days)s.") % {"days": _range_text(pause.first_day, pause.last_day)}
                )
                return redirect("pauses")
        status = 400
    else:
        form = PauseForm(initial={"first_day": today, "last_day": today + dt.timedelta(days=6)})
    context = {
        "form": form,
        "pauses": pauses_for_patient(patient=patient, today=today),
        "today": today,
        "max_days": PAUSE_MAX_DAYS,
        "ahead_days": PAUSE_AHEAD_DAYS,
    }
    return render(request, "tracker/pauses.html", context, status=status)


def _change_pause(request, pause_id: int, change, done) -> HttpResponse:
    """Apply `change` to one of the patient's own pauses (another's is a 404), then say `done(pause)`
    (a removed pause keeps its days in memory) or why not, back on the pause page."""
    pause = pause_for_patient(patient=request.user, pause_id=pause_id)
    if pause is None:
        raise Http404("No such pause.")
    try:
        change(patient=request.user, pause=pause)
    except PauseRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done(pause))
    return redirect("pauses")


@patient_required
@require_POST
def pause_end(request, pause_id: int):
    return _change_pause(
        request, pause_id, pause_end_early,
        lambda pause: _("Your pause now ends %(day)s: today counts again.")
        % {"day": day_text(pause.last_day, "LONG_DAY_FORMAT")},
    )  # fmt: skip


@patient_required
@require_POST
def pause_delete(request, pause_id: int):
    return _change_pause(
        request, pause_id, pause_remove,
        lambda pause: _("Removed the pause of %(days)s.") % {"days": _range_text(pause.first_day, pause.last_day)},
    )  # fmt: skip
