"""Check-in streaks: runs of consecutive calendar days with a check-in.

A day counts when the patient checked in (a check-in always has at least one
factor). The current streak is still alive while today has not been logged
yet: it then ends yesterday.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from tracker.core.time import ONE_DAY, patient_today
from tracker.models import CheckIn, User


@dataclass(frozen=True)
class Streaks:
    current: int
    best: int


def streaks_from_days(days: Iterable[dt.date], *, today: dt.date) -> Streaks:
    logged = sorted({d for d in days if d <= today})
    best = run = 0
    previous = None
    for day in logged:
        run = run + 1 if previous is not None and day - previous == ONE_DAY else 1
        best = max(best, run)
        previous = day
    alive = previous is not None and today - previous <= ONE_DAY
    return Streaks(current=run if alive else 0, best=best)


def patient_streaks(*, patient: User, today: dt.date | None = None) -> Streaks:
    today = today or patient_today(patient=patient)
    days = CheckIn.objects.filter(patient=patient, day__lte=today).values_list("day", flat=True)
    return streaks_from_days(days, today=today)


def streaks_for_patients(*, today_by_patient: dict[int, dt.date]) -> dict[int, Streaks]:
    """Streaks for many patients in one query, each against their own today.

    Rows are streamed in (patient, day) order, so memory holds one patient's
    days at a time whatever the batch size.
    """
    if not today_by_patient:
        return {}
    rows = (
        CheckIn.objects.filter(patient_id__in=list(today_by_patient), day__lte=max(today_by_patient.values()))
        .order_by("patient_id", "day")
        .values_list("patient_id", "day")
        .iterator(chunk_size=5000)
    )
    streaks = {patient_id: Streaks(current=0, best=0) for patient_id in today_by_patient}
    for patient_id, group in groupby(rows, key=itemgetter(0)):
        streaks[patient_id] = streaks_from_days((day for _, day in group), today=today_by_patient[patient_id])
    return streaks
