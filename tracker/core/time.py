"""Time as a patient means it: "today" and "this week" in their own time zone.

Every datetime here is aware. A day is a calendar date in someone's zone; a week is an ISO week,
Monday to Sunday.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone

ONE_DAY = dt.timedelta(days=1)


def patient_today(*, patient, now: dt.datetime | None = None) -> dt.date:
    """The calendar day it is where the patient lives."""
    now = now or timezone.now()
    return now.astimezone(patient.tzinfo).date()


def site_today(now: dt.datetime | None = None) -> dt.date:
    """The day in the site's zone, for counts that belong to no one person (anonymous readers have no zone)."""
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def monday_of(day: dt.date) -> dt.date:
    """The Monday that starts `day`'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The ISO week (Monday to Sunday) containing `day`."""
    monday = monday_of(day)
    return monday, monday + dt.timedelta(days=6)
