"""Trends for the patient's dashboard: this week, streaks, consistency scores and chart data.

Everything is descriptive: counts and averages of what the patient logged,
never a judgement or a target. Days are calendar days in the patient's own
time zone. The dashboard costs a fixed number of queries whatever the length
of the history: one for per-day "was it logged" flags over all history
(streaks, scores, calendar), one aggregate for this week, and one row query
plus one aggregate for the chart window.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from itertools import groupby

from django.db.models import BooleanField, ExpressionWrapper

from tracker.checkins.pauses import patient_paused_days
from tracker.checkins.streaks import Streaks, streaks_from_days
from tracker.core.l10n import day_text, short_number_text
from tracker.core.time import ONE_DAY, monday_of, patient_today, week_of
from tracker.models import FACTOR_FIELDS, FACTOR_OF_FIELD, FACTORS, CheckIn, User

WINDOW_CHOICES = (7, 30, 90)
DEFAULT_WINDOW = 30
CALENDAR_WEEKS = 26  # the check-in calendar shows about six months

# Loop Habit Tracker's habit strength for a daily habit: a day's weight halves after 13 days.
SCORE_HALF_LIFE_DAYS = 13
SCORE_MULTIPLIER = 0.5 ** (1 / SCORE_HALF_LIFE_DAYS)
# Until a factor has this many days of history its score reads "building: N days so far": one
# logged day gives 5 out of 100 whatever follows, which reads as a verdict on a first day.
BUILDING_DAYS = 14
RECENT_DAYS = 30  # "days logged in the last 30", beside the streak


def window_from(raw) -> int:
    """The chart window asked for in the query string; anything else means the default."""
    try:
        days = int(raw)
    except (TypeError, ValueError):
        return DEFAULT_WINDOW
    return days if days in WINDOW_CHOICES else DEFAULT_WINDOW


# ---------------------------------------------------------------- figures


def mean(total, count: int) -> Decimal | None:
    """An average to one decimal, rounded half up; exact whatever the database's number types."""
    if not count:
        return None
    return (Decimal(str(total)) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class FieldFigures:
    """One check-in field over a span of days."""

    days: int  # days it was answered
    average: Decimal | None = None  # a number's average over those days
    yes_days: int = 0  # a yes/no question's days answered yes


@dataclass(frozen=True)
class FactorFigures:
    logged_days: int
    positive_days: int  # days with some of it: a number above zero or a yes (Factor.positive_on)
    fields: dict[str, FieldFigures]


@dataclass(frozen=True)
class Figures:
    """What was logged between two days (inclusive), factor by factor (tracker/models/factors.py)."""

    first_day: dt.date
    last_day: dt.date
    days_checked_in: int
    factors: dict[str, FactorFigures]

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def field(self, name: str) -> FieldFigures:
        return self.factors[FACTOR_OF_FIELD[name].key].fields[name]


def figures_from_rows(rows: Iterable["DayValues"], *, first_day: dt.date, last_day: dt.date) -> Figures:
    """Counts and averages over the days of `rows` from `first_day` to `last_day`, no query.

    The dashboard has the chart window's rows already, and its week lies inside that window.
    Averages come from exact sums (Decimal for hours) and counts, as an SQL aggregate would.
    """
    days = [row for row in rows if first_day <= row.day <= last_day and row.checked_in]

    def field_figures(field) -> FieldFigures:
        values = [value for row in days if (value := getattr(row, field.name)) is not None]
        if field.kind == "yes_no":
            return FieldFigures(days=len(values), yes_days=sum(1 for value in values if value))
        return FieldFigures(days=len(values), average=mean(sum(values), len(values)))

    return Figures(
        first_day=first_day,
        last_day=last_day,
        days_checked_in=len(days),
        factors={
            factor.key: FactorFigures(
                logged_days=sum(1 for row in days if factor.logged_on(row)),
                positive_days=sum(1 for row in days if factor.positive_on(row)),
                fields={field.name: field_figures(field) for field in factor.fields},
            )
            for factor in FACTORS
        },
    )


# ---------------------------------------------------------------- consistency


def consistency_series(
    logged: Collection[dt.date], *, first_day: dt.date, last_day: dt.date, paused: Collection[dt.date] = ()
) -> list[float]:
    """Habit strength (0 to 1) at the end of each day from `first_day` to `last_day`.

    score_t = score_(t-1) * m + c_t * (1 - m), starting from 0 the day before
    `first_day`. Written as a step up or down so that floating point can never
    make a logged day lower the score or a missed day raise it. On a paused day
    that was not logged the score holds still (Loop Habit Tracker's skip).
    """
    # Day numbers rather than dates: this loop runs over the whole history for each factor.
    logged_days = {day.toordinal() for day in logged}
    paused_days = {day.toordinal() for day in paused}
    score = 0.0
    series = []
    for day in range(first_day.toordinal(), last_day.toordinal() + 1):
        if day in logged_days:
            score += (1 - SCORE_MULTIPLIER) * (1 - score)
        elif day not in paused_days:
            score *= SCORE_MULTIPLIER
        series.append(score)
    return series


def consistency_score(
    logged: Collection[dt.date], *, first_day: dt.date | None, today: dt.date, paused: Collection[dt.date] = ()
) -> int:
    """The score from 0 to 100 for one factor.

    The series starts at the patient's first check-in (0 before it) and runs
    through yesterday, plus today once the factor is logged today: opening the
    app in the morning never lowers the score.
    """
    if first_day is None:
        return 0
    last_day = today if today in logged else today - ONE_DAY
    if last_day < first_day:
        return 0
    return round(100 * consistency_series(logged, first_day=first_day, last_day=last_day, paused=paused)[-1])


def days_so_far(logged: Collection[dt.date], *, today: dt.date, paused: Collection[dt.date] = ()) -> int:
    """A factor's history in days: from the first day it was logged through today, paused days
    that were not logged left out (they count for the score no more than for the streak)."""
    first = min(logged, default=None)
    if first is None or first > today:
        return 0
    skipped = sum(1 for day in paused if first <= day <= today and day not in logged)
    return (today - first).days + 1 - skipped


@dataclass(frozen=True)
class Score:
    factor: str
    label: str
    value: int
    days_so_far: int  # the factor's history (days_so_far); the score shows from BUILDING_DAYS on

    @property
    def building(self) -> bool:
        return self.days_so_far < BUILDING_DAYS


# ---------------------------------------------------------------- history flags


@dataclass(frozen=True)
class History:
    """Which days had a check-in, which factors were logged on each, and which were paused."""

    checked_in: frozenset[dt.date]
    by_factor: dict[str, frozenset[dt.date]]
    paused: frozenset[dt.date] = frozenset()  # paused days up to today, logged or not

    @property
    def first_day(self) -> dt.date | None:
        return min(self.checked_in, default=None)

    @cached_property
    def skipped(self) -> frozenset[dt.date]:
        """Paused days with no check-in: neither logged nor missed."""
        return self.paused - self.checked_in


def patient_history(*, patient: User, today: dt.date) -> History:
    """One query of (day, flag per factor) rows over the whole history up to today, and one of pauses."""
    flags = {factor.key: ExpressionWrapper(factor.logged, output_field=BooleanField()) for factor in FACTORS}
    rows = list(
        CheckIn.objects.filter(patient=patient, day__lte=today)
        .annotate(**{f"logged_{name}": expr for name, expr in flags.items()})
        .values_list("day", *(f"logged_{name}" for name in flags))
    )
    return History(
        checked_in=frozenset(row[0] for row in rows),
        by_factor={name: frozenset(row[0] for row in rows if row[i]) for i, name in enumerate(flags, start=1)},
        paused=patient_paused_days(patient=patient, until=today),
    )


def scores_from(history: History, *, today: dt.date) -> list[Score]:
    return [
        Score(
            factor=factor.key,
            label=factor.label,
            value=consistency_score(logged, first_day=history.first_day, today=today, paused=history.skipped),
            days_so_far=days_so_far(logged, today=today, paused=history.skipped),
        )
        for factor in FACTORS
        for logged in (history.by_factor[factor.key],)
    ]


# ---------------------------------------------------------------- calendar


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    checked_in: bool
    future: bool
    paused: bool = False  # paused and not logged
    before: bool = False  # before the patient's first day (sign-up, or an earlier backfilled check-in)

    @property
    def counted(self) -> bool:
        """A day that is either logged or missed."""
        return not (self.future or self.before or self.paused)


def calendar_weeks(
    checked_in: Collection[dt.date],
    *,
    today: dt.date,
    weeks: int = CALENDAR_WEEKS,
    start_day: dt.date | None = None,
    skipped: Collection[dt.date] = (),
):
    """Whole Monday-to-Sunday weeks ending with this week, oldest first, starting no earlier than
    the week of `start_day`; days after today are `future`, days before `start_day` are `before`."""
    monday = monday_of(today)
    start = monday - dt.timedelta(weeks=weeks - 1)
    if start_day is not None:
        start = max(start, monday_of(min(start_day, today)))
    return [
        [
            CalendarDay(
                day=day,
                checked_in=day in checked_in,
                future=day > today,
                paused=day in skipped,
                before=start_day is not None and day < start_day,
            )
            for day in (start + dt.timedelta(weeks=w, days=d) for d in range(7))
        ]
        for w in range((monday - start).days // 7 + 1)
    ]


# ---------------------------------------------------------------- chart rows


class DayValues:
    """One calendar day of the chart window: every factor field's value, None when not logged.

    The fields are the registry's (tracker/models/factors.py), read as attributes: row.stress.
    """

    def __init__(self, day: dt.date, **values):
        unknown = set(values) - set(FACTOR_FIELDS)
        if unknown:
            raise TypeError(f"Not check-in factor fields: {sorted(unknown)}")
        self.day = day
        self.values = {name: values.get(name) for name in FACTOR_FIELDS}

    def __getattr__(self, name):
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    def __repr__(self):
        return f"DayValues({self.day}, {self.values})"

    @property
    def checked_in(self) -> bool:
        # A stored check-in logs at least one factor (a database constraint); a gap logs none.
        return any(value is not None for value in self.values.values())

    @cached_property
    def label(self) -> str:
        # Formatted once per day rather than once per table cell: it is most of the page's rendering time.
        return day_text(self.day)

    @property
    def sleep_hours_text(self) -> str | None:
        """Quarter hours without trailing zeros: 7.50 is "7.5", 10.00 is "10"."""
        return hours_text(self.values["sleep_hours"])


def hours_text(hours) -> str | None:
    """Quarter hours without trailing zeros: 7.50 is "7.5" (Spanish "7,5"), 10.00 is "10"."""
    return None if hours is None else short_number_text(hours)


def chart_rows(*, patient: User, first_day: dt.date, last_day: dt.date) -> list[DayValues]:
    """Every day from `first_day` to `last_day`, with the stored values or gaps (one query)."""
    stored = {
        row["day"]: row
        for row in CheckIn.objects.filter(patient=patient, day__gte=first_day, day__lte=last_day).values(
            "day", *FACTOR_FIELDS
        )
    }
    days = (first_day + dt.timedelta(days=offset) for offset in range((last_day - first_day).days + 1))
    return [DayValues(**stored[day]) if day in stored else DayValues(day=day) for day in days]


# From this many days on, a chart draws each day as a dot (or bar) under a line of weekly averages:
# over 90 days a line joining every day is mostly noise.
WEEKLY_FROM_DAYS = 60


@dataclass(frozen=True)
class WeekAverage:
    monday: dt.date
    first: int  # the week's first and last row indexes within the rows (a period may cut a week)
    last: int
    days: int  # days logged
    average: Decimal | None

    @property
    def middle(self) -> float:
        return (self.first + self.last) / 2


def weekly_averages(rows: Sequence[DayValues], name: str) -> list[WeekAverage]:
    """Each ISO week's average of field `name` over its logged days among `rows`, no query."""
    weeks = []
    for monday, group in groupby(enumerate(rows), key=lambda item: monday_of(item[1].day)):
        group = list(group)
        values = [value for _, row in group if (value := getattr(row, name)) is not None]
        weeks.append(
            WeekAverage(
                monday=monday,
                first=group[0][0],
                last=group[-1][0],
                days=len(values),
                average=mean(sum(values), len(values)) if values else None,
            )
        )
    return weeks


# ---------------------------------------------------------------- the dashboard


def counted_days(history: History, *, first_day: dt.date, last_day: dt.date, start_day: dt.date) -> int:
    """Days from `first_day` to `last_day` that are logged or missed: none before the patient's first
    day, no paused day that was not logged."""
    first_day = max(first_day, start_day)
    if last_day < first_day:
        return 0
    skipped = sum(1 for day in history.skipped if first_day <= day <= last_day)
    return (last_day - first_day).days + 1 - skipped


@dataclass(frozen=True)
class Period:
    """A stretch of days on the week card: its figures, and how many of its days count."""

    figures: Figures
    counted: int  # logged or missed (counted_days)
    paused: int  # paused and not logged


@dataclass(frozen=True)
class Dashboard:
    today: dt.date
    start_day: dt.date  # the patient's first day: sign-up, or an earlier backfilled check-in
    checked_in_today: bool
    has_checkins: bool
    this_week: Period  # Monday to today
    week_last_day: dt.date  # Sunday; `week.last_day` stops at today
    last_7: Period | None  # early in a week (Monday to Wednesday), when there is a week before this one
    streaks: Streaks
    recent_logged: int  # days logged in the last RECENT_DAYS
    recent_paused: int
    scores: list[Score]
    window_days: int
    window: Figures
    rows: list[DayValues]
    calendar: list[list[CalendarDay]]
    calendar_checked_in: int
    calendar_days: int  # logged or missed
    calendar_paused: int
    paused_today: bool

    @property
    def week(self) -> Figures:
        return self.this_week.figures


EARLY_IN_WEEK = 3  # Monday to Wednesday: the week card also shows the last 7 days


def _period(rows, history: History, *, first_day: dt.date, last_day: dt.date, start_day: dt.date) -> Period:
    return Period(
        figures=figures_from_rows(rows, first_day=first_day, last_day=last_day),
        counted=counted_days(history, first_day=first_day, last_day=last_day, start_day=start_day),
        paused=sum(1 for day in history.skipped if max(first_day, start_day) <= day <= last_day),
    )


def patient_dashboard(*, patient: User, window_days: int, now: dt.datetime | None = None) -> Dashboard:
    today = patient_today(patient=patient, now=now)
    history = patient_history(patient=patient, today=today)
    joined = patient.date_joined.astimezone(patient.tzinfo).date()
    start_day = min(joined, history.first_day or joined)
    monday, sunday = week_of(today)
    window_first = today - dt.timedelta(days=window_days - 1)
    calendar = calendar_weeks(history.checked_in, today=today, start_day=start_day, skipped=history.skipped)
    cells = [cell for week in calendar for cell in week]
    rows = chart_rows(patient=patient, first_day=window_first, last_day=today)
    week_start = today - dt.timedelta(days=6)
    recent_first = today - dt.timedelta(days=RECENT_DAYS - 1)
    # The week (Monday to today) and the last 7 days lie inside every chart window (7 days or more).
    return Dashboard(
        today=today,
        start_day=start_day,
        checked_in_today=today in history.checked_in,
        has_checkins=bool(history.checked_in),
        this_week=_period(rows, history, first_day=monday, last_day=today, start_day=start_day),
        week_last_day=sunday,
        last_7=(
            _period(rows, history, first_day=week_start, last_day=today, start_day=start_day)
            if today.weekday() < EARLY_IN_WEEK and start_day < monday
            else None
        ),
        streaks=streaks_from_days(history.checked_in, today=today, paused=history.skipped),
        recent_logged=sum(1 for day in history.checked_in if day >= recent_first),
        recent_paused=sum(1 for day in history.skipped if day >= recent_first),
        scores=scores_from(history, today=today),
        window_days=window_days,
        window=figures_from_rows(rows, first_day=window_first, last_day=today),
        rows=rows,
        calendar=calendar,
        calendar_checked_in=sum(cell.checked_in for cell in cells if not cell.future),
        calendar_days=sum(cell.counted for cell in cells),
        calendar_paused=sum(cell.paused for cell in cells if not cell.future and not cell.before),
        paused_today=today in history.paused,
    )
