"""Check-in streaks: runs of consecutive calendar days with a check-in.

A day counts when the patient checked in (a check-in always has at least one
factor). The current streak is still alive while today has not been logged
yet: it then ends yesterday.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.checkins import patient_today
from tracker.models import CheckIn, User

ONE_DAY = dt.timedelta(days=1)


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
