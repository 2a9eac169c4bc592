"""Check-in streaks: runs of consecutive calendar days with a check-in.

A day counts when the patient checked in (a check-in always has at least one
factor). The current streak is still alive while today has not been logged
yet: it then ends yesterday.

Paused days (tracker/checkins/pauses.py) are taken out of the calendar: a run carries across
them without counting them, so a streak reads as it would had those days never been. (Loop
Habit Tracker's skip carries a streak too; its length also counts the skipped days, ours counts
only days logged, as a paused day is neither logged nor missed.) A paused day with a check-in is
an ordinary logged day.
"""

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from tracker.checkins.pauses import paused_days, pauses_by_patient
from tracker.core.time import patient_today
from tracker.models import CheckIn, Pause, User


@dataclass(frozen=True)
class Streaks:
    current: int
    best: int


def day_positions(skipped: Collection[dt.date]) -> Callable[[dt.date], int]:
    """A day's place on the calendar with the `skipped` days taken out: two days are consecutive
    when only skipped days lie between them. A skipped day takes the place of the next day kept."""
    if not skipped:
        return dt.date.toordinal
    ordinals = sorted(day.toordinal() for day in skipped)
    return lambda day: day.toordinal() - bisect_left(ordinals, day.toordinal())


def streaks_from_days(days: Iterable[dt.date], *, today: dt.date, paused: Collection[dt.date] = ()) -> Streaks:
    logged = sorted({d for d in days if d <= today})
    position = day_positions(set(paused).difference(logged))
    best = run = 0
    previous = None
    for day in logged:
        here = position(day)
        run = run + 1 if previous is not None and here - previous == 1 else 1
        best = max(best, run)
        previous = here
    alive = previous is not None and position(today) - previous <= 1
    return Streaks(current=run if alive else 0, best=best)


def patient_streaks(*, patient: User, today: dt.date | None = None) -> Streaks:
    today = today or patient_today(patient=patient)
    days = CheckIn.objects.filter(patient=patient, day__lte=today).values_list("day", flat=True)
    paused = paused_days(Pause.objects.filter(patient=patient, first_day__lte=today), last_day=today)
    return streaks_from_days(days, today=today, paused=paused)


def streaks_for_patients(
    *, today_by_patient: dict[int, dt.date], pauses: dict[int, list[Pause]] | None = None
) -> dict[int, Streaks]:
    """Streaks for many patients in two queries (check-ins, and pauses unless given as
    pauses_by_patient's), each against their own today.

    Rows are streamed in (patient, day) order, so memory holds one patient's
    days at a time whatever the batch size.
    """
    if not today_by_patient:
        return {}
    if pauses is None:
        pauses = pauses_by_patient(today_by_patient=today_by_patient)
    rows = (
        CheckIn.objects.filter(patient_id__in=list(today_by_patient), day__lte=max(today_by_patient.values()))
        .order_by("patient_id", "day")
        .values_list("patient_id", "day")
        .iterator(chunk_size=5000)
    )
    streaks = {patient_id: Streaks(current=0, best=0) for patient_id in today_by_patient}
    for patient_id, group in groupby(rows, key=itemgetter(0)):
        today = today_by_patient[patient_id]
        paused = paused_days(pauses.get(patient_id, ()), last_day=today)
        streaks[patient_id] = streaks_from_days((day for _, day in group), today=today, paused=paused)
    return streaks
