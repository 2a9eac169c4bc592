"""The dashboard's words and tables about each factor, built from the factor registry.

Every sentence here describes what the patient logged (counts and averages) and nothing else:
no target, no verdict on a value. One panel per factor feeds one template include
(templates/tracker/_factor_panel.html), so a new factor needs no new template code.
"""

import dataclasses
from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tracker.checkins.trends import (
    WEEKLY_FROM_DAYS,
    DayValues,
    FactorFigures,
    Figures,
    hours_text,
    weekly_averages,
)
from tracker.core.l10n import day_text, number_text
from tracker.models import FACTORS, Factor, Field


def days_text(count: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


def value_text(field: Field, value) -> str:
    """A logged value as the patient reads it: "–" when not logged, hours without trailing zeros,
    numbers as the language writes them ("7,5" in Spanish)."""
    if value is None:
        return "–"
    if field.kind == "yes_no":
        return _("Yes") if value else _("No")
    if field.name == "sleep_hours":
        return hours_text(value)
    return number_text(value)


def average_text(average) -> str:
    """An average as shown (one decimal, "7,5" in Spanish), "–" when there is none."""
    return "–" if average is None else number_text(average)


@dataclass(frozen=True)
class WeekLine:
    """One factor's line on the week card."""

    label: str
    text: str


NOT_LOGGED_THIS_WEEK = gettext_lazy("not logged this week")


def week_lines(figures: Figures, *, not_logged: str = NOT_LOGGED_THIS_WEEK) -> list[WeekLine]:
    """The week card: for each factor, its averages (or its days with some of it), or that it wasn't logged."""
    lines = []
    for factor in FACTORS:
        counts = figures.factors[factor.key]
        if not counts.logged_days:
            text = str(not_logged)
        elif factor.week_text:
            text = factor.week_text % {"positive": counts.positive_days, "count": counts.logged_days}
        else:
            text = "; ".join(
                _("%(average)s (%(days)s)")
                % {"average": field.week_text % {"avg": average_text(shown.average)}, "days": days_text(shown.days)}
                for field in factor.fields
                if (shown := counts.fields[field.name]).days and field.week_text
            )
        lines.append(WeekLine(label=str(factor.label), text=text))
    return lines


@dataclass(frozen=True)
class Sentence:
    id: str  # the charts' aria-labelledby points here
    text: str


@dataclass(frozen=True)
class ChartShown:
    field: Field
    svg: SafeString
    words: str = ""  # the chart's row of marks explained, with its counts


@dataclass(frozen=True)
class FactorPanel:
    factor: Factor
    anchor: str
    sentences: list[Sentence]
    charts: list[ChartShown]
    columns: list[str]
    rows: list[tuple[str, list[str]]]  # (day label, one cell per field)
    weekly: bool = False  # the charts draw weekly averages; `weekly_rows` tabulates them
    weekly_columns: list[str] = dataclasses.field(default_factory=list)
    weekly_rows: list[tuple[str, list[str]]] = dataclasses.field(default_factory=list)

    @property
    def logged(self) -> bool:
        return bool(self.charts) or bool(self.rows)


def summary_id(factor: Factor, field: Field) -> str:
    """The id of the sentence that describes `field`'s chart: the factor's own when one sentence
    covers the whole factor (stress, omega-3), else the field's (sleep hours, sleep quality)."""
    whole = factor.summary_text or len(factor.fields) == 1
    return "summary-" + (factor.key if whole else field.name).replace("_", "-")


def _logged_of(label, logged: int, window_days: int) -> str:
    return ngettext(
        "%(label)s: logged %(logged)s of %(count)s day.", "%(label)s: logged %(logged)s of %(count)s days.", window_days
    ) % {"label": label, "logged": logged, "count": window_days}


def _sentences(factor: Factor, counts: FactorFigures, window_days: int) -> list[Sentence]:
    if factor.summary_text:
        if counts.logged_days:
            text = factor.summary_text % {
                "label": factor.label,
                "logged": counts.logged_days,
                "count": window_days,
                "positive": counts.positive_days,
            }
        else:
            text = _logged_of(factor.label, 0, window_days)
        return [Sentence(summary_id(factor, factor.fields[0]), text)]
    sentences = []
    for field in factor.fields:
        shown = counts.fields[field.name]
        if shown.days:
            text = ngettext(
                "%(label)s: logged %(logged)s of %(count)s day, average %(average)s.",
                "%(label)s: logged %(logged)s of %(count)s days, average %(average)s.",
                window_days,
            ) % {
                "label": field.summary_label,
                "logged": shown.days,
                "count": window_days,
                "average": field.amount_text(average_text(shown.average), shown.average),
            }
        else:
            text = _logged_of(field.summary_label, 0, window_days)
        sentences.append(Sentence(summary_id(factor, field), text))
    return sentences


# Beyond this many days (a long appointment summary) a factor's table lists weeks, not days: a table
# of a year's days is no use to read, and rendering it was most of the page's time.
DAY_TABLE_MAX_DAYS = 92


def _marks_words(chart_field: Field, counts: FactorFigures) -> str:
    if not chart_field.chart.marks:
        return ""
    answers = counts.fields[chart_field.chart.marks]
    yes = ngettext(
        "Yes on %(yes)s of the %(count)s day answered.", "Yes on %(yes)s of the %(count)s days answered.", answers.days
    ) % {"yes": answers.yes_days, "count": answers.days}
    return f"{chart_field.chart.marks_text} {yes}"


def _weekly_table(factor: Factor, rows: list[DayValues]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    numbers = [f for f in factor.fields if f.kind == "number" and f.chart is not None]
    by_field = [weekly_averages(rows, f.name) for f in numbers]
    table = [
        (
            _("Week of %(day)s") % {"day": day_text(weeks[0].monday, "SHORT_DAY_FORMAT")},
            [average_text(week.average) for week in weeks],
        )
        for weeks in zip(*by_field, strict=True)
    ]
    return [str(f.column) for f in numbers], table


def factor_panels(
    *, figures: Figures, rows: list[DayValues], charts: dict[str, SafeString], factors=FACTORS
) -> list[FactorPanel]:
    """One panel per factor over the chart window: its sentences, its charts (for the fields
    logged at least once) and its day-by-day table (when the factor was logged at all, over at
    most DAY_TABLE_MAX_DAYS days); from WEEKLY_FROM_DAYS days on, also a table of its weekly
    averages."""
    panels = []
    weekly = len(rows) >= WEEKLY_FROM_DAYS
    day_tables = len(rows) <= DAY_TABLE_MAX_DAYS
    for factor in factors:
        counts = figures.factors[factor.key]
        shown_charts = [
            ChartShown(field=f, svg=charts[f.name], words=_marks_words(f, counts))
            for f in factor.fields
            if f.chart is not None and f.name in charts and _charted(f, factor, counts)
        ]
        table_rows = []
        weekly_columns, weekly_rows = [], []
        if counts.logged_days and day_tables:
            table_rows = [(row.label, [value_text(f, getattr(row, f.name)) for f in factor.fields]) for row in rows]
        if counts.logged_days and weekly:
            weekly_columns, weekly_rows = _weekly_table(factor, rows)
        panels.append(
            FactorPanel(
                factor=factor,
                anchor=slugify(factor.key.replace("_", "-")),
                sentences=_sentences(factor, counts, figures.days),
                charts=shown_charts,
                columns=[str(f.column) for f in factor.fields],
                rows=table_rows,
                weekly=weekly,
                weekly_columns=weekly_columns,
                weekly_rows=weekly_rows,
            )
        )
    return panels


def _charted(field: Field, factor: Factor, counts: FactorFigures) -> bool:
    # A chart that also draws another field's marks (omega-3's supplement row) shows when either was logged.
    if field.chart.marks:
        return counts.logged_days > 0
    return counts.fields[field.name].days > 0
