"""What a clinician may see of a clinic's engagement: small cells withheld.

Rules (CLINIC_MIN_CELL_SIZE = N, default 5):
- A count is published only when it is at least N.
- An active count and its share of enrolled are published only when at least
  N patients were active AND the patients left over (enrolled minus active)
  are none or at least N, so a small group can't be recovered by subtraction.
- Mean and median check-in days and the factor logging rates of a week are
  published only when at least N patients were active that week.
- Period figures pool only the weeks whose every figure is published, so no
  withheld week can be recovered from a total minus the published weeks.
- A retention cell follows the same rule as an active share (numerator at
  least N, remainder none or at least N); a cohort's size needs N joinings.
What remains visible by design: week-to-week changes of published counts
(for example enrolled 40 then 41) reveal that a few patients joined or
became active, never who, and never any value they logged.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from tracker.clinics.engagement import ClinicEngagement, WeekCounts, histogram_median
from tracker.models import FACTORS, RETENTION_WEEKS


@dataclass(frozen=True)
class Cell:
    """One figure as shown: its value, or withheld, or nothing to show."""

    value: float | None
    kind: str  # "count", "share" or "days"
    withheld_below: int | None = None  # set when withheld: the minimum cell size

    @property
    def withheld(self) -> bool:
        return self.withheld_below is not None

    @property
    def text(self) -> str:
        if self.withheld:
            return f"fewer than {self.withheld_below}"
        if self.value is None:
            return "–"
        if self.kind == "count":
            return f"{self.value:,.0f}"
        if self.kind == "share":
            return f"{self.value:.0%}"
        return f"{self.value:.1f}"

    @property
    def csv(self) -> str:
        if self.withheld or self.value is None:
            return ""
        if self.kind == "count":
            return str(int(self.value))
        if self.kind == "share":
            return f"{self.value * 100:.1f}"
        return f"{self.value:.2f}"


def _cell(value, kind, *, publish: bool, n: int) -> Cell:
    return Cell(value=value, kind=kind) if publish else Cell(value=None, kind=kind, withheld_below=n)


def share_publishable(part: int, whole: int, n: int) -> bool:
    rest = whole - part
    return part >= n and (rest == 0 or rest >= n)


@dataclass(frozen=True)
class WeekRow:
    week_start: dt.date
    in_progress: bool
    enrolled: Cell
    active: Cell
    active_share: Cell
    mean_days: Cell
    median_days: Cell
    factor_rates: list  # [(label, Cell)] in FACTORS order
    complete: bool  # every figure published: pooled into the period figures


@dataclass(frozen=True)
class RetentionRow:
    cohort_month: dt.date
    joined: Cell
    cells: list  # one Cell per RETENTION_WEEKS


@dataclass(frozen=True)
class EngagementReport:
    engagement: ClinicEngagement
    min_cell: int
    rows: list
    summary: dict
    summary_factor_rates: list
    retention: list
    text_summary: str

    @property
    def clinic(self):
        return self.engagement.clinic

    @property
    def period(self):
        return self.engagement.period


def _week_row(week: WeekCounts, *, n: int, today: dt.date) -> WeekRow:
    enrolled_ok = week.enrolled >= n
    active_ok = enrolled_ok and share_publishable(week.active, week.enrolled, n)
    detail_ok = week.active >= n
    return WeekRow(
        week_start=week.week_start,
        in_progress=week.week_start <= today < week.week_start + dt.timedelta(days=7),
        enrolled=_cell(week.enrolled, "count", publish=enrolled_ok, n=n),
        active=_cell(week.active, "count", publish=active_ok, n=n),
        active_share=_cell(week.active_share, "share", publish=active_ok, n=n),
        mean_days=_cell(week.mean_days, "days", publish=detail_ok, n=n),
        median_days=_cell(week.median_days, "days", publish=detail_ok, n=n),
        factor_rates=[(f.label, _cell(week.factor_rate(f.key), "share", publish=detail_ok, n=n)) for f in FACTORS],
        complete=enrolled_ok and active_ok and detail_ok,
    )


def engagement_report(*, engagement: ClinicEngagement, today: dt.date, min_cell: int | None = None):
    n = min_cell or settings.CLINIC_MIN_CELL_SIZE
    rows = [_week_row(week, n=n, today=today) for week in engagement.weeks]
    pooled = [week for week, row in zip(engagement.weeks, rows, strict=True) if row.complete]
    histogram = [sum(week.days_histogram[d] for week in pooled) for d in range(7)]
    checkins = sum(week.checkins for week in pooled)
    patient_weeks = sum(histogram)
    have = bool(pooled)
    summary = {
        "enrolled_now": rows[-1].enrolled,
        "weeks_published": len(pooled),
        "mean_active": Cell(sum(w.active for w in pooled) / len(pooled) if have else None, "days"),
        "mean_active_share": Cell(
            sum(w.active for w in pooled) / sum(w.enrolled for w in pooled) if have else None, "share"
        ),
        "mean_days": Cell(checkins / patient_weeks if have else None, "days"),
        "median_days": Cell(histogram_median(histogram) if have else None, "days"),
    }
    factor_rates = [
        (f.label, Cell(sum(w.factor_logged[f.key] for w in pooled) / checkins if have else None, "share"))
        for f in FACTORS
    ]
    retention = [
        RetentionRow(
            cohort_month=cohort.cohort_month,
            joined=_cell(cohort.joined, "count", publish=cohort.joined >= n, n=n)
            if cohort.joined
            else Cell(None, "count"),
            cells=[_retention_cell(cohort.retained[w], cohort.eligible[w], n=n) for w in RETENTION_WEEKS],
        )
        for cohort in engagement.retention
    ]
    summary.update(_notes_and_reminders(engagement, n=n))
    return EngagementReport(
        engagement=engagement,
        min_cell=n,
        rows=rows,
        summary=summary,
        summary_factor_rates=factor_rates,
        retention=retention,
        text_summary=_text_summary(rows, n=n),
    )


def _retention_cell(retained: int, eligible: int, *, n: int) -> Cell:
    if eligible == 0:
        return Cell(None, "share")
    return _cell(retained / eligible, "share", publish=share_publishable(retained, eligible, n), n=n)


def _text_summary(rows: list, *, n: int) -> str:
    shown = [row for row in rows if not row.active.withheld]
    first, last = rows[0].week_start, rows[-1].week_start
    span = f"Over the {len(rows)} weeks from the week of {first:%-d %B %Y} to the week of {last:%-d %B %Y}"
    if not shown:
        return f"{span}, every week had fewer than {n} active patients or too few enrolled to show."
    low = min(shown, key=lambda row: row.active.value)
    high = max(shown, key=lambda row: row.active.value)
    text = (
        f"{span}, weekly active patients ranged from {low.active.text} (week of {low.week_start:%-d %b}) "
        f"to {high.active.text} (week of {high.week_start:%-d %b})."
    )
    latest = shown[-1]
    text += (
        f" In the week of {latest.week_start:%-d %b}{' (still in progress)' if latest.in_progress else ''}, "
        f"{latest.active.text} of {latest.enrolled.text} enrolled patients checked in ({latest.active_share.text})."
    )
    hidden = len(rows) - len(shown)
    if hidden:
        text += f" {hidden} week{'s' if hidden != 1 else ''} not shown: fewer than {n} patients."
    return text


def engagement_csv_rows(report: EngagementReport) -> list:
    """The same aggregates as the page; withheld and unavailable figures are empty."""
    period = report.period
    factor_headers = [f"{label} logged (% of check-ins)" for label, _ in report.summary_factor_rates]
    rows = [
        ["Clinic", report.clinic.name],
        ["First week (Monday)", period.first_week.isoformat()],
        ["Last week (Monday)", period.last_week.isoformat()],
        ["Figures from fewer than this many patients are left empty", str(report.min_cell)],
        [],
        [
            "Week (Monday)",
            "Enrolled patients",
            "Active patients",
            "Active (% of enrolled)",
            "Mean check-in days per active patient",
            "Median check-in days per active patient",
            *factor_headers,
        ],
    ]
    for row in report.rows:
        rows.append(
            [
                row.week_start.isoformat(),
                row.enrolled.csv,
                row.active.csv,
                row.active_share.csv,
                row.mean_days.csv,
                row.median_days.csv,
                *[cell.csv for _, cell in row.factor_rates],
            ]
        )
    summary = report.summary
    rows += [
        [],
        ["Period summary (weeks with every figure shown)", str(summary["weeks_published"])],
        ["Enrolled patients (last week)", summary["enrolled_now"].csv],
        ["Mean weekly active patients", summary["mean_active"].csv],
        ["Mean weekly active (% of enrolled)", summary["mean_active_share"].csv],
        ["Mean check-in days per active patient per week", summary["mean_days"].csv],
        ["Median check-in days per active patient per week", summary["median_days"].csv],
        *[[header, cell.csv] for header, (_, cell) in zip(factor_headers, report.summary_factor_rates, strict=True)],
        ["Educational notes opened (patient-note-days)", summary["notes_opened"].csv],
        ["Patients who opened a note", summary["notes_patients"].csv],
        ["Reminder emails sent", summary["reminders_sent"].csv],
        ["Reminders followed by a check-in within 48 hours (%)", summary["reminders_followed_share"].csv],
        [],
        ["Enrolment month", "Joined", *[f"Active in week {n} (%)" for n in RETENTION_WEEKS]],
    ]
    for cohort in report.retention:
        rows.append([cohort.cohort_month.strftime("%Y-%m"), cohort.joined.csv, *[cell.csv for cell in cohort.cells]])
    return rows


def _notes_and_reminders(engagement: ClinicEngagement, *, n: int) -> dict:
    """Notes opened and reminder reach, each withheld when drawn from fewer than `n` patients."""
    notes, reach = engagement.notes_opened, engagement.reminder_reach
    cells = {
        "notes_opened": Cell(None, "count"),
        "notes_patients": Cell(None, "count"),
        "reminders_sent": Cell(None, "count"),
        "reminders_followed_share": Cell(None, "share"),
    }
    if notes is not None:
        cells["notes_opened"] = _cell(notes.openings, "count", publish=notes.patients >= n, n=n)
        cells["notes_patients"] = _cell(notes.patients, "count", publish=notes.patients >= n, n=n)
    if reach is not None:
        sent_ok = reach.patients >= n
        # Like every share here: both the followed and the unfollowed side must be big enough.
        share_ok = (
            sent_ok
            and reach.followed_patients >= n
            and (reach.unfollowed_patients == 0 or reach.unfollowed_patients >= n)
        )
        cells["reminders_sent"] = _cell(reach.sent, "count", publish=sent_ok, n=n)
        cells["reminders_followed_share"] = _cell(
            reach.followed / reach.sent if reach.sent else None, "share", publish=share_ok, n=n
        )
    return cells
