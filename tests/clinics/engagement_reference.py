"""The dashboard's figures computed the slow, obvious way: from raw check-ins
and enrolment times, in Python. The property test compares the rollup with this."""

import datetime as dt

from tracker.clinics.engagement import FACTOR_KEYS, RetentionCounts, WeekCounts, retention_months
from tracker.models import RETENTION_WEEKS, CheckIn, Enrolment


def _monday(day):
    return day - dt.timedelta(days=day.weekday())


def _interval(enrolment):
    tz = enrolment.patient.tzinfo
    start = _monday(enrolment.joined_at.astimezone(tz).date())
    end = None if enrolment.left_at is None else max(_monday(enrolment.left_at.astimezone(tz).date()), start)
    return start, end


def _covers(interval, week):
    start, end = interval
    return start <= week and (end is None or end > week)


def reference_engagement(*, clinic, period):  # noqa: C901 - an oracle reads best as one plain loop
    enrolments = list(Enrolment.objects.filter(clinic=clinic).select_related("patient"))
    intervals = {}
    for enrolment in enrolments:
        intervals.setdefault(enrolment.patient_id, []).append(_interval(enrolment))
    checkins = {}
    for checkin in CheckIn.objects.all():
        checkins.setdefault((checkin.patient_id, _monday(checkin.day)), []).append(checkin)

    weeks = []
    for week in period.weeks:
        counted = [p for p, spans in intervals.items() if any(_covers(span, week) for span in spans)]
        histogram = [0] * 7
        factors = dict.fromkeys(FACTOR_KEYS, 0)
        for patient_id in counted:
            days = checkins.get((patient_id, week), [])
            if days:
                histogram[len(days) - 1] += 1
            for c in days:
                # Written out field by field, not read from the factor registry: an independent oracle.
                factors["sleep"] += c.sleep_hours is not None or c.sleep_quality is not None
                factors["stress"] += c.stress is not None
                factors["omega3"] += c.omega3_servings is not None or c.omega3_supplement is not None
                factors["fruit_veg"] += c.fruit_veg_servings is not None
        weeks.append(
            WeekCounts(week_start=week, enrolled=len(counted), days_histogram=tuple(histogram), factor_logged=factors)
        )

    joined_months = [
        e.joined_at.astimezone(e.patient.tzinfo).date().replace(day=1)
        for e in enrolments
        if e.joined_at.astimezone(e.patient.tzinfo).date() <= period.last_day
    ]
    months = retention_months(period=period, first_month=min(joined_months, default=None))
    retention = []
    for month in months:
        joined, eligible, retained = 0, dict.fromkeys(RETENTION_WEEKS, 0), dict.fromkeys(RETENTION_WEEKS, 0)
        for enrolment in enrolments:
            joined_on = enrolment.joined_at.astimezone(enrolment.patient.tzinfo).date()
            if joined_on.replace(day=1) != month or joined_on > period.last_day:
                continue
            joined += 1
            start, end = _interval(enrolment)
            for n in RETENTION_WEEKS:
                week = start + dt.timedelta(weeks=n - 1)
                if week > period.last_week:
                    continue
                eligible[n] += 1
                if (end is None or end > week) and (enrolment.patient_id, week) in checkins:
                    retained[n] += 1
        retention.append(RetentionCounts(cohort_month=month, joined=joined, eligible=eligible, retained=retained))
    return weeks, retention
