"""The appointment summary: what the patient chooses to bring to a clinician, as a printable page.

The patient picks the period and the factors; private notes and pause reasons are left out
unless they tick them. Everything here is what they logged, counted and averaged, with the same
sentences and charts as the dashboard; nothing is sent anywhere. A fixed number of queries
whatever the period: the patient's first check-in, the period's rows, its pauses, and (when
ticked) its notes.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from tracker.checkins.charts import factor_charts
from tracker.checkins.pauses import paused_days
from tracker.checkins.summaries import FactorPanel, factor_panels
from tracker.checkins.trends import Figures, chart_rows, figures_from_rows
from tracker.models import FACTOR_BY_KEY, CheckIn, Factor, Pause, User

HEADER = gettext_lazy("Self-reported by the patient in Wellness Tracker. Not a clinical measurement.")
NOTE_SHOWN_CHARACTERS = 300  # a long note is cut on the summary, so the page stays short


@dataclass(frozen=True)
class NoteShown:
    day: dt.date
    text: str


@dataclass(frozen=True)
class AppointmentSummary:
    first_day: dt.date
    last_day: dt.date
    figures: Figures
    counted: int  # days logged or missed: from the patient's first day, paused days not logged left out
    paused: int  # paused days with no check-in
    factors: list[Factor]
    panels: list[FactorPanel]
    pauses: list[Pause]  # those overlapping the period
    include_notes: bool
    notes: list[NoteShown]

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def patient_start_day(*, patient: User) -> dt.date:
    """The patient's first day: sign-up, or an earlier check-in backfilled from the edit window (one query)."""
    joined = patient.date_joined.astimezone(patient.tzinfo).date()
    first = CheckIn.objects.filter(patient=patient).order_by("day").values_list("day", flat=True).first()
    return min(joined, first or joined)


def _notes(*, patient: User, first_day: dt.date, last_day: dt.date) -> list[NoteShown]:
    rows = (
        CheckIn.objects.filter(patient=patient, day__gte=first_day, day__lte=last_day)
        .exclude(note="")
        .order_by("day")
        .values_list("day", "note")
    )
    return [
        NoteShown(day, note if len(note) <= NOTE_SHOWN_CHARACTERS else note[: NOTE_SHOWN_CHARACTERS - 1] + "…")
        for day, note in rows
    ]


def appointment_summary(
    *, patient: User, first_day: dt.date, last_day: dt.date, factor_keys: Sequence[str], include_notes: bool
) -> AppointmentSummary:
    factors = [FACTOR_BY_KEY[key] for key in FACTOR_BY_KEY if key in set(factor_keys)]
    start_day = patient_start_day(patient=patient)
    rows = chart_rows(patient=patient, first_day=first_day, last_day=last_day)
    figures = figures_from_rows(rows, first_day=first_day, last_day=last_day)
    pauses = list(
        Pause.objects.filter(patient=patient, first_day__lte=last_day, last_day__gte=first_day).order_by("first_day")
    )
    logged = {row.day for row in rows if row.checked_in}
    counted_from = max(first_day, start_day)
    skipped = {day for day in paused_days(pauses, first_day=counted_from, last_day=last_day) if day not in logged}
    counted = max((last_day - counted_from).days + 1, 0) - len(skipped)
    return AppointmentSummary(
        first_day=first_day,
        last_day=last_day,
        figures=figures,
        counted=counted,
        paused=len(skipped),
        factors=factors,
        panels=factor_panels(figures=figures, rows=rows, charts=factor_charts(rows, factors), factors=factors),
        pauses=pauses,
        include_notes=include_notes,
        notes=_notes(patient=patient, first_day=first_day, last_day=last_day) if include_notes else [],
    )
