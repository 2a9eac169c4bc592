"""Patient pages: today's check-in, any day in the window, the confirmation after saving, history,
and the endpoint that sends a check-in kept on the phone while offline."""

import datetime as dt
import json

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tracker.checkins.forms import CheckInForm
from tracker.checkins.history import checkin_entry, merged, page_bounds, pauses_between
from tracker.checkins.services import (
    EMPTY_CHECKIN_MESSAGE,
    CheckInRefused,
    checkin_for_day,
    checkin_save,
    checkins_for_patient,
    checkins_in_window,
    day_refusal,
    editable_days,
    queue_owner,
)
from tracker.checkins.streaks import patient_streaks
from tracker.checkins.summaries import value_text
from tracker.core.access import patient_required
from tracker.core.l10n import day_text
from tracker.core.time import patient_today
from tracker.education.notes import note_after_checkin, note_card
from tracker.models import FIELDS

HISTORY_PAGE_SIZE = 20


def _day_label(day: dt.date, today: dt.date, *, in_sentence: bool = False) -> str:
    """ "Today", "Yesterday" or "Mon 3 Jan"; within a sentence "today" and "yesterday"."""
    if day == today:
        return _("today") if in_sentence else _("Today")
    if day == today - dt.timedelta(days=1):
        return _("yesterday") if in_sentence else _("Yesterday")
    return day_text(day)


def _checkin_url(day, today_):
    if day == today_:
        return reverse("today")
    return reverse("checkin_day", args=[day])


@patient_required
def today(request):
    return _checkin_page(request, patient_today(patient=request.user))


@patient_required
def checkin_day(request, day):
    return _checkin_page(request, day)


def _checkin_page(request, day):
    patient = request.user
    today_ = patient_today(patient=patient)
    refusal = day_refusal(patient=patient, day=day)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                checkin = checkin_save(patient=patient, day=day, values=form.cleaned_data)
            except CheckInRefused as refused:
                form.add_error(None, str(refused))
            else:
                return redirect(_saved_url(checkin))
        return _render_checkin(request, day, today_, form=form, refusal=refusal, status=400)
    return _render_checkin(request, day, today_, form=None, refusal=refusal, status=400 if refusal else 200)


def _render_checkin(request, day, today_, *, form, refusal, status):
    window = editable_days(patient=request.user)
    recent = checkins_in_window(patient=request.user, days=window)
    # "Same as yesterday": offered on a day still to log, from the last check-in before it.
    previous = None
    if not refusal and day not in recent:
        previous = next((recent[d] for d in sorted(recent, reverse=True) if d < day), None)
    fill = previous if request.GET.get("fill") == "previous" and form is None else None
    if form is None:
        form = CheckInForm(
            initial=CheckInForm.initial_from(fill, with_note=False)
            if fill
            else CheckInForm.initial_from(recent.get(day))
        )
    context = {
        "day": day,
        "day_label": _day_label(day, today_),
        "is_today": day == today_,
        "form": form,
        "refusal": refusal,
        "owner": queue_owner(user=request.user),
        "empty_message": EMPTY_CHECKIN_MESSAGE,
        "previous": _same_as(previous, today_) if previous else None,
        "fill": _same_as(fill, today_) if fill else None,
        "days": [
            {"day": d, "label": _day_label(d, today_), "logged": d in recent, "url": _checkin_url(d, today_)}
            for d in window
        ],
    }
    return render(request, "tracker/checkin.html", context, status=status)


def _same_as(checkin, today_):
    label = _day_label(checkin.day, today_, in_sentence=True)
    return {"label": label, "values_json": json.dumps(CheckInForm.control_values(checkin))}


def _saved_url(checkin):
    # The confirmation shows a note about something just logged; its slug rides on the redirect
    # (public content), which spares a session write on every save.
    note = note_after_checkin(checkin=checkin)
    url = reverse("checkin_saved", args=[checkin.day])
    return f"{url}?{urlencode({'learn': note.slug})}" if note else url


@patient_required
def checkin_saved(request, day):
    """After saving: the day, the streak, a note to read, and the ways on."""
    patient = request.user
    today_ = patient_today(patient=patient)
    if day_refusal(patient=patient, day=day) or checkin_for_day(patient=patient, day=day) is None:
        return redirect(_checkin_url(day, today_) if day <= today_ else reverse("today"))
    context = {
        "day": day,
        "day_label": _day_label(day, today_, in_sentence=True),
        "streaks": patient_streaks(patient=patient, today=today_),
        "learn_card": note_card(slug=request.GET.get("learn")),
        "edit_url": _checkin_url(day, today_),
    }
    return render(request, "tracker/checkin_saved.html", context)


@patient_required
@require_http_methods(["GET", "POST"])
def checkin_sync(request):
    """For static/js/app.js. GET: a fresh CSRF token and the queue-owner tag. POST: save one check-in
    kept on the phone while offline, for the day it was made on; the answer says what happened."""
    if request.method == "GET":
        return JsonResponse({"csrfToken": get_token(request), "owner": queue_owner(user=request.user)})
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        return JsonResponse({"saved": False, "message": _("This check-in has no valid day.")}, status=400)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            checkin = checkin_save(patient=request.user, day=day, values=form.cleaned_data)
        except CheckInRefused as refused:
            form.add_error(None, str(refused))
        else:
            label = _day_label(day, patient_today(patient=request.user), in_sentence=True)
            message = _("Sent the check-in saved on this phone for %(label)s, %(day)s.") % {
                "label": label,
                "day": day_text(day, "LONG_DAY_FORMAT"),
            }
            return JsonResponse({"saved": True, "message": message, "url": _saved_url(checkin)})
    errors = [error for field_errors in form.errors.values() for error in field_errors]
    return JsonResponse({"saved": False, "message": " ".join(errors), "answers": _answers(form)}, status=400)


def _answers(form) -> list[tuple[str, str]]:
    """What a refused check-in said, for the phone to keep showing it: each answer given, in words
    where it was understood and as sent where it wasn't."""
    cleaned = getattr(form, "cleaned_data", {})
    answers = []
    for field in FIELDS:
        if field.name in cleaned and cleaned[field.name] is not None:
            answers.append((field.heading, value_text(field, cleaned[field.name])))
        elif form.data.get(field.name):
            answers.append((field.heading, form.data[field.name][:100]))
    if form.data.get("note"):
        answers.append((_("Note"), form.data["note"][:1000]))
    return answers


@patient_required
def history(request):
    patient = request.user
    today_ = patient_today(patient=patient)
    checkins = checkins_for_patient(patient=patient)
    page = Paginator(checkins, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    window = set(editable_days(patient=patient))
    entries = [
        checkin_entry(c, edit_url=_checkin_url(c.day, today_) if c.day in window else None) for c in page.object_list
    ]
    newer, older = page_bounds(page, checkins) if entries else (None, None)
    entries = merged(entries, pauses_between(patient=patient, newer=newer, older=older))
    headings = [field.heading for field in FIELDS]
    return render(request, "tracker/history.html", {"page": page, "entries": entries, "headings": headings})
