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

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tracker.checkins.summaries import average_text, days_text, value_text
from tracker.checkins.trends import DayValues, chart_rows, mean
from tracker.core.l10n import day_text
from tracker.core.time import patient_today
from tracker.models import COMPARABLE_FIELDS, Field, User

PATTERN_WINDOWS = (30, 90)
DEFAULT_PAIR = ("sleep_hours", "stress")
MIN_SIDE_DAYS = 5
CAUTION = gettext_lazy("This describes what you logged. It doesn't show that one causes the other.")


def _were_above(count: int, words: str) -> str:
    """ "none were days you slept more...", "1 was a day you slept more...", "3 were days you..." """
    if not count:
        return _("none were days %(words)s") % {"words": words}
    return ngettext("%(count)s was a day %(words)s", "%(count)s were days %(words)s", count) % {
        "count": count,
        "words": words,
    }


def _were_other(count: int) -> str:
    """ "none were other days", "1 was an other day", "3 were other days" """
    if not count:
        return _("none were other days")
    return ngettext("%(count)s was an other day", "%(count)s were other days", count) % {"count": count}


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
        return day_text(self.day)


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
        return self.a.amount_text(value_text(self.a, self.usual), self.usual)

    @property
    def above_words(self) -> str:
        """ "you slept more than your usual 7 hours" """
        return self.a.compare_more % {"usual": self.usual_text}

    def sentences(self) -> list[str]:
        """What the page says about the pair: one plain sentence (or why there is none) and the caution."""
        if not self.paired:
            return [
                ngettext(
                    "There is no day in these %(count)s day with both logged yet.",
                    "There is no day in these %(count)s days with both logged yet.",
                    self.window_days,
                )
                % {"count": self.window_days}
            ]
        if not self.shows_averages:
            split = _("Of the %(days)s with both logged, %(above)s, and %(other)s.") % {
                "days": days_text(len(self.paired)),
                "above": _were_above(self.above.days, self.above_words),
                "other": _were_other(self.other.days),
            }
            until = _("Averages show once each side has at least %(count)s days; until then, here are the days.") % {
                "count": MIN_SIDE_DAYS
            }
            return [f"{split} {until}", str(CAUTION)]
        above = ngettext(
            "On the %(count)s day %(words)s, %(average)s;",
            "On the %(count)s days %(words)s, %(average)s;",
            self.above.days,
        ) % {
            "count": self.above.days,
            "words": self.above_words,
            "average": self.b.compare_average % {"average": average_text(self.above.average)},
        }
        other = ngettext(
            "on the %(count)s other day, %(average)s.", "on the %(count)s other days, %(average)s.", self.other.days
        ) % {"count": self.other.days, "average": average_text(self.other.average)}
        return [f"{above} {other}", str(CAUTION)]


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
