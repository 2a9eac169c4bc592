"""A clinic's aggregate engagement, read from the rollup (tracker/checkins/rollup.py).

clinic_engagement() returns exact counts, before small-cell suppression
(engagement_report() in tracker/clinics/disclosure.py applies that). It issues five queries whatever
the clinic's size: enrolled patients per week (and, of the last week's, those
with reminders on now), the weekly rollup grouped by week and check-in days, the
retention cohorts, notes opened and reminder reach.

Definitions (tests/clinics/engagement_reference.py computes the same from raw rows):
- A patient counts for a clinic in ISO week W when an enrolment covers W
  (Enrolment.from_week <= W < until_week).
- Active in W: at least one check-in whose `day` (the patient's own date)
  falls in W.
- Factor logging rate: the share of the week's check-ins that include the factor.
- Notes opened, per week: notes opened (one per patient, note and day) on a day
  of a week the patient was enrolled in, and how many patients opened any.
- Reminder reach, per week: the patients sent at least one reminder (any cadence:
  daily, chosen days or weekly; by email, by Web Push or both, one reminder;
  tracker/reminders/schedule.py `delivered`) for a day or week in that ISO week
  while enrolled, how many of them checked in within 48 hours of one of those
  reminders, and how many reminders that was. Patients, not reminders, are what the
  small-cell rules count: a daily patient gets up to seven.
- Reminders on: the patients enrolled in the period's last week whose reminder is
  on now (tracker/reminders/schedule.py `reminders_on`).
- Retention: per month of joining (the patient's own date), of the joinings
  whose Nth week has been reached by the end of the period, the share that
  checked in during that Nth week while still enrolled. Week 1 is the week of
  joining.
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractIsoYear, ExtractWeek, TruncMonth, TruncWeek

from tracker.core.time import monday_of
from tracker.models import (
    FACTORS,
    RETENTION_WEEKS,
    CheckIn,
    Clinic,
    Enrolment,
    NoteOpened,
    PatientWeek,
    ReminderDelivery,
)
from tracker.reminders.schedule import delivered, reminders_on

FACTOR_KEYS = tuple(factor.key for factor in FACTORS)
DEFAULT_PERIOD_WEEKS = 12
PERIOD_WEEK_CHOICES = (4, 8, 12, 26, 52)
RETENTION_MONTHS = 12


@dataclass(frozen=True)
class Period:
    """Whole ISO weeks, from the Monday `first_week` to the week starting `last_week`."""

    first_week: dt.date
    last_week: dt.date

    @classmethod
    def ending(cls, *, last_week: dt.date, weeks: int) -> "Period":
        last_week = monday_of(last_week)
        return cls(first_week=last_week - dt.timedelta(weeks=weeks - 1), last_week=last_week)

    @property
    def weeks(self) -> list[dt.date]:
        count = (self.last_week - self.first_week).days // 7 + 1
        return [self.first_week + dt.timedelta(weeks=i) for i in range(count)]

    @property
    def last_day(self) -> dt.date:
        return self.last_week + dt.timedelta(days=6)


def default_period(*, today: dt.date) -> Period:
    """The last 12 ISO weeks, the current (unfinished) week last."""
    return Period.ending(last_week=today, weeks=DEFAULT_PERIOD_WEEKS)


@dataclass(frozen=True)
class WeekCounts:
    week_start: dt.date
    enrolled: int = 0
    # days_histogram[d - 1]: active patients who checked in on d days that week.
    days_histogram: tuple[int, ...] = (0,) * 7
    factor_logged: dict = field(default_factory=lambda: dict.fromkeys(FACTOR_KEYS, 0))

    @property
    def active(self) -> int:
        return sum(self.days_histogram)

    @property
    def checkins(self) -> int:
        return sum(days * patients for days, patients in enumerate(self.days_histogram, start=1))

    @property
    def active_share(self) -> float | None:
        return self.active / self.enrolled if self.enrolled else None

    @property
    def mean_days(self) -> float | None:
        return self.checkins / self.active if self.active else None

    @property
    def median_days(self) -> float | None:
        return histogram_median(self.days_histogram)

    def factor_rate(self, factor: str) -> float | None:
        return self.factor_logged[factor] / self.checkins if self.checkins else None


def histogram_median(histogram) -> float | None:
    """The median of check-in days, from counts of patients per number of days."""
    if not sum(histogram):
        return None
    return float(statistics.median(d for d, n in enumerate(histogram, start=1) for _ in range(n)))


@dataclass(frozen=True)
class RetentionCounts:
    cohort_month: dt.date
    joined: int
    eligible: dict  # week N -> joinings whose week N is within the period
    retained: dict  # week N -> of those, active in week N while enrolled


@dataclass(frozen=True)
class ClinicEngagement:
    clinic: Clinic
    period: Period
    weeks: list[WeekCounts]
    retention: list[RetentionCounts]
    notes: list["NotesWeek"] = field(default_factory=list)
    reminders: list["RemindersWeek"] = field(default_factory=list)
    reminders_on: int = 0  # enrolled in the period's last week, with reminders on now


def enrolled_in(week, prefix=""):
    """Q: an enrolment (or `prefix`-related enrolment) covering the week starting `week`."""
    return Q(**{f"{prefix}from_week__lte": week}) & (
        Q(**{f"{prefix}until_week__isnull": True}) | Q(**{f"{prefix}until_week__gt": week})
    )


def clinic_engagement(*, clinic: Clinic, period: Period) -> ClinicEngagement:
    weeks = period.weeks
    enrolled = _enrolled_per_week(clinic=clinic, period=period)
    histograms = {week: [0] * 7 for week in weeks}
    factors = {week: dict.fromkeys(FACTOR_KEYS, 0) for week in weeks}
    for row in _rollup_rows(clinic=clinic, period=period):
        histograms[row["week_start"]][row["checkin_days"] - 1] = row["patients"]
        for key in FACTOR_KEYS:
            factors[row["week_start"]][key] += row[key]
    return ClinicEngagement(
        clinic=clinic,
        period=period,
        weeks=[
            WeekCounts(
                week_start=week,
                enrolled=enrolled[week],
                days_histogram=tuple(histograms[week]),
                factor_logged=factors[week],
            )
            for week in weeks
        ],
        retention=_retention(clinic=clinic, period=period),
        notes=_notes_opened(clinic=clinic, period=period),
        reminders=_reminder_reach(clinic=clinic, period=period),
        reminders_on=enrolled["reminders_on"],
    )


def _enrolled_per_week(*, clinic: Clinic, period: Period) -> dict:
    # Distinct patients: a patient who left and rejoined counts once a week.
    weeks = period.weeks
    counts = _enrolled_during(clinic=clinic, period=period).aggregate(
        **{f"w{i}": Count("patient_id", distinct=True, filter=enrolled_in(week)) for i, week in enumerate(weeks)},
        # In the same query: of the last week's, the patients whose reminder is on now.
        reminders_on=Count(
            "patient_id", distinct=True, filter=enrolled_in(weeks[-1]) & reminders_on(prefix="patient__")
        ),
    )
    return {week: counts[f"w{i}"] for i, week in enumerate(weeks)} | {"reminders_on": counts["reminders_on"]}


def _rollup_rows(*, clinic: Clinic, period: Period):
    counted = Enrolment.objects.filter(clinic=clinic, patient_id=OuterRef("patient_id")).filter(
        enrolled_in(OuterRef("week_start"))
    )
    return (
        PatientWeek.objects.filter(week_start__gte=period.first_week, week_start__lte=period.last_week)
        .filter(Exists(counted))
        .values("week_start", "checkin_days")
        .annotate(
            patients=Count("id"),
            **{factor.key: Sum(factor.rollup_field) for factor in FACTORS},
        )
        .order_by()
    )


def retention_months(*, period: Period, first_month: dt.date | None) -> list[dt.date]:
    """The first days of the months, at most 12, up to the one the period ends in, from the month
    of the clinic's first enrolment (`first_month`; None: no enrolment yet, so no months)."""
    if first_month is None:
        return []
    month = period.last_day.replace(day=1)
    months = []
    while len(months) < RETENTION_MONTHS and month >= first_month:
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months[::-1]


def _retention(*, clinic: Clinic, period: Period) -> list[RetentionCounts]:
    aggregates = {"joined": Count("id")}
    for n in RETENTION_WEEKS:
        # Week N of an enrolment starts N - 1 weeks after its from_week.
        reached = Q(from_week__lte=period.last_week - dt.timedelta(weeks=n - 1))
        aggregates[f"eligible_{n}"] = Count("id", filter=reached)
        aggregates[f"retained_{n}"] = Count("id", filter=reached & Q(**{f"active_week_{n}": True}))
    # Every month up to the period's end, the earliest first: one row per month with a joining,
    # so the first row is the month of the clinic's first enrolment.
    rows = (
        Enrolment.objects.filter(clinic=clinic, joined_on__lte=period.last_day)
        .annotate(month=TruncMonth("joined_on"))
        .values("month")
        .annotate(**aggregates)
        .order_by("month")
    )
    by_month = {_as_date(row["month"]): row for row in rows}
    months = retention_months(period=period, first_month=min(by_month, default=None))
    result = []
    for month in months:
        row = by_month.get(month)
        result.append(
            RetentionCounts(
                cohort_month=month,
                joined=row["joined"] if row else 0,
                eligible={n: row[f"eligible_{n}"] if row else 0 for n in RETENTION_WEEKS},
                retained={n: row[f"retained_{n}"] if row else 0 for n in RETENTION_WEEKS},
            )
        )
    return result


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass(frozen=True)
class NotesWeek:
    week_start: dt.date
    openings: int = 0  # patient-note-days
    patients: int = 0


@dataclass(frozen=True)
class RemindersWeek:
    week_start: dt.date
    sent: int = 0  # patients sent at least one reminder for a day or week of this week
    followed: int = 0  # of them, patients who checked in within 48 hours of one
    reminders: int = 0  # how many reminders they were sent


FOLLOW_UP = dt.timedelta(hours=48)


def _enrolled_during(*, clinic: Clinic, period: Period):
    """Enrolments of `clinic` covering at least one week of the period."""
    return Enrolment.objects.filter(clinic=clinic, from_week__lte=period.last_week).exclude(
        until_week__lte=period.first_week
    )


def _notes_opened(*, clinic: Clinic, period: Period) -> list[NotesWeek]:
    # `day` is the patient's own date; enrolled on it when its week is covered (from_week and
    # until_week are Mondays, so comparing the day itself is the same as comparing its week).
    enrolled = Enrolment.objects.filter(
        clinic=clinic, patient_id=OuterRef("patient_id"), from_week__lte=OuterRef("day")
    ).filter(Q(until_week__isnull=True) | Q(until_week__gt=OuterRef("day")))
    rows = (
        NoteOpened.objects.filter(day__gte=period.first_week, day__lte=period.last_day)
        .filter(Exists(enrolled))
        .annotate(week=TruncWeek("day"))
        .values("week")
        .annotate(openings=Count("id"), patients=Count("patient_id", distinct=True))
        .order_by()
    )
    by_week = {_as_date(row["week"]): row for row in rows}
    return [
        NotesWeek(week_start=week, **{k: by_week[week][k] for k in ("openings", "patients")})
        if week in by_week
        else NotesWeek(week_start=week)
        for week in period.weeks
    ]


def _iso_key(field_name):
    """An ISO week as one number, YYYYWW, which orders like the weeks themselves."""
    return ExtractIsoYear(field_name) * 100 + ExtractWeek(field_name)


def _reminder_reach(*, clinic: Clinic, period: Period) -> list[RemindersWeek]:
    # A delivery belongs to the patient's ISO week it was sent for (iso_year, iso_week).
    first, last = period.first_week.isocalendar(), period.last_week.isocalendar()
    enrolled = (
        Enrolment.objects.filter(clinic=clinic, patient_id=OuterRef("patient_id"))
        .annotate(from_key=_iso_key("from_week"), until_key=_iso_key("until_week"))
        .filter(from_key__lte=OuterRef("week_key"))
        .filter(Q(until_week__isnull=True) | Q(until_key__gt=OuterRef("week_key")))
    )
    followed = Exists(
        CheckIn.objects.filter(
            patient_id=OuterRef("patient_id"),
            created_at__gte=OuterRef("sent_at"),
            created_at__lt=ExpressionWrapper(OuterRef("sent_at") + FOLLOW_UP, output_field=DateTimeField()),
        )
    )
    rows = (
        ReminderDelivery.objects.filter(delivered(), iso_year__gte=first.year, iso_year__lte=last.year)
        .annotate(week_key=F("iso_year") * 100 + F("iso_week"))
        .filter(
            week_key__gte=first.year * 100 + first.week,
            week_key__lte=last.year * 100 + last.week,
        )
        .filter(Exists(enrolled))
        .values("iso_year", "iso_week")
        .annotate(
            sent=Count("patient_id", distinct=True),
            followed=Count("patient_id", distinct=True, filter=followed),
            reminders=Count("id"),
        )
        .order_by()
    )
    by_week = {dt.date.fromisocalendar(row["iso_year"], row["iso_week"], 1): row for row in rows}
    return [
        RemindersWeek(week_start=week, **{key: by_week[week][key] for key in ("sent", "followed", "reminders")})
        if week in by_week
        else RemindersWeek(week_start=week)
        for week in period.weeks
    ]
