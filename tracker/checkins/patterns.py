"""Patterns: two of the patient's own factors side by side, over 30 or 90 days.

Only days on which both were logged count. The split is the patient's own usual value of the
first factor (the median of their logged values, taken as a value they actually logged, so
"your usual 7 hours" is a real day's figure), never a health threshold: the days above it, and
the other days. When each side has at least MIN_SIDE_DAYS days, one sentence gives the second
factor's average on each side, followed by CAUTION; with fewer, the days are shown instead of
averages, as an average of three days says more about those days than about a pattern.

The words describe what was logged. No recommendation, no verdict on a value, no causal claim:
the sentence's parts come from the factor registry (Field.compare_more, Field.compare_average),
and tests run them through the content rules on the rendered page.
"""

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal

from tracker.checkins.summaries import value_text
from tracker.checkins.trends import DayValues, chart_rows, mean
from tracker.core.time import patient_today
from tracker.models import COMPARABLE_FIELDS, Field, User

PATTERN_WINDOWS = (30, 90)
DEFAULT_PAIR = ("sleep_hours", "stress")
MIN_SIDE_DAYS = 5
CAUTION = "This describes what you logged. It doesn't show that one causes the other."


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def _were(count: int, days: str) -> str:
    """ "none were days", "1 was a day", "3 were days" (or "other days")"""
    if count == 1:
        return f"1 was {'an' if days.startswith('o') else 'a'} {days.removesuffix('s')}"
    return f"{count or 'none'} were {days}"


@dataclass(frozen=True)
class PairedDay:
    day: dt.date
    a: object
    b: object
    above: bool  # the first factor above the patient's usual value that day
    a_text: str
    b_text: str

    @property
    def label(self) -> str:
        return f"{self.day:%a %-d %b}"


@dataclass(frozen=True)
class Side:
    days: int
    average: Decimal | None


@dataclass(frozen=True)
class Pattern:
    a: Field
    b: Field
    first_day: dt.date
    last_day: dt.date
    rows: list[DayValues]  # every day of the period, for the charts
    paired: list[PairedDay]  # the days with both logged, oldest first
    usual: object  # the first factor's usual value over the paired days, None without any
    above: Side
    other: Side

    @property
    def window_days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def shows_averages(self) -> bool:
        return self.above.days >= MIN_SIDE_DAYS and self.other.days >= MIN_SIDE_DAYS

    @property
    def usual_text(self) -> str:
        return self.a.amount_text(value_text(self.a, self.usual))

    @property
    def above_words(self) -> str:
        """ "you slept more than your usual 7 hours" """
        return self.a.compare_more.format(usual=self.usual_text)

    def sentences(self) -> list[str]:
        """What the page says about the pair: one plain sentence (or why there is none) and the caution."""
        if not self.paired:
            return [f"There is no day in these {self.window_days} days with both logged yet."]
        if not self.shows_averages:
            return [
                f"Of the {_days(len(self.paired))} with both logged, {_were(self.above.days, 'days')} "
                f"{self.above_words}, and {_were(self.other.days, 'other days')}. "
                f"Averages show once each side has at least {MIN_SIDE_DAYS} days; until then, here are the days.",
                CAUTION,
            ]
        average = self.b.compare_average.format(average=self.above.average)
        return [
            f"On the {_days(self.above.days)} {self.above_words}, {average}; "
            f"on the {self.other.days} other day{'' if self.other.days == 1 else 's'}, {self.other.average}.",
            CAUTION,
        ]


def usual_value(values: list):
    """The patient's usual value: the median, as one of the values logged (the lower middle one
    of an even count), so the split never sits at a figure nobody logged."""
    return statistics.median_low(values) if values else None


def _side(values: list) -> Side:
    return Side(days=len(values), average=mean(sum(values), len(values)) if values else None)


def pattern_from_rows(rows: list[DayValues], *, a: Field, b: Field) -> Pattern:
    """The pattern over `rows` (every day of the period), no query."""
    both = [(row.day, getattr(row, a.name), getattr(row, b.name)) for row in rows]
    both = [(day, x, y) for day, x, y in both if x is not None and y is not None]
    usual = usual_value([x for _, x, _ in both])
    paired = [
        PairedDay(day=day, a=x, b=y, above=x > usual, a_text=value_text(a, x), b_text=value_text(b, y))
        for day, x, y in both
    ]
    return Pattern(
        a=a,
        b=b,
        first_day=rows[0].day,
        last_day=rows[-1].day,
        rows=rows,
        paired=paired,
        usual=usual,
        above=_side([p.b for p in paired if p.above]),
        other=_side([p.b for p in paired if not p.above]),
    )


def patient_pattern(*, patient: User, a: Field, b: Field, days: int, now: dt.datetime | None = None) -> Pattern:
    """The pattern over the patient's last `days` days, today included (one query)."""
    today = patient_today(patient=patient, now=now)
    rows = chart_rows(patient=patient, first_day=today - dt.timedelta(days=days - 1), last_day=today)
    return pattern_from_rows(rows, a=a, b=b)


def comparable(name: str) -> Field | None:
    return next((field for field in COMPARABLE_FIELDS if field.name == name), None)
