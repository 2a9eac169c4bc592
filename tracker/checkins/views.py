"""Patient pages: today's check-in, any day in the edit window, and history."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from tracker.checkins.forms import CheckInForm
from tracker.checkins.history import checkin_entry, merged, page_bounds, pauses_between
from tracker.checkins.services import (
    CheckInRefused,
    checkin_for_day,
    checkin_save,
    checkins_for_patient,
    day_refusal,
    days_logged,
    editable_days,
)
from tracker.core.access import patient_required
from tracker.core.time import patient_today
from tracker.education.notes import note_after_checkin, note_card
from tracker.models import FIELDS

HISTORY_PAGE_SIZE = 20


def _day_label(day: dt.date, today: dt.date) -> str:
    if day == today:
        return "Today"
    if day == today - dt.timedelta(days=1):
        return "Yesterday"
    return f"{day:%a %-d %b}"


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
    status = 200
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                checkin = checkin_save(patient=patient, day=day, values=form.cleaned_data)
            except CheckInRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"Saved your check-in for {_day_label(day, today_).lower()}, {day:%-d %B}.")
                # The confirmation shows a note about something just logged; its slug rides on the
                # redirect (public content), which spares a session write on every save.
                note = note_after_checkin(checkin=checkin)
                url = _checkin_url(day, today_)
                return redirect(f"{url}?{urlencode({'learn': note.slug})}" if note else url)
        status = 400
    else:
        existing = None if refusal else checkin_for_day(patient=patient, day=day)
        form = CheckInForm(initial=CheckInForm.initial_from(existing))
        if refusal:
            status = 400

    window = editable_days(patient=patient)
    logged = days_logged(patient=patient, days=window)
    context = {
        "day": day,
        "day_label": _day_label(day, today_),
        "is_today": day == today_,
        "form": form,
        "refusal": refusal,
        "learn_card": note_card(slug=request.GET.get("learn")) if request.method == "GET" else None,
        "days": [
            {"day": d, "label": _day_label(d, today_), "logged": d in logged, "url": _checkin_url(d, today_)}
            for d in window
        ],
    }
    return render(request, "tracker/checkin.html", context, status=status)


def _checkin_url(day, today_):
    if day == today_:
        return reverse("today")
    return reverse("checkin_day", args=[day])


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
