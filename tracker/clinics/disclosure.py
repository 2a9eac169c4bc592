"""What a clinician may see of a clinic's engagement: small cells withheld.

Rules (CLINIC_MIN_CELL_SIZE = N, default 5):
- A count is published only when it is at least N.
- An active count and its share of enrolled are published only when at least
  N patients were active AND the patients left over (enrolled minus active)
  are none or at least N, so a small group can't be recovered by subtraction.
- Every other figure drawn from a week's active patients (mean and median
  check-in days, the factor logging rates) is published only when the active
  count is: a mean shown beside a withheld count would tell that at least N
  were active, and with the enrolled count, how many.
- Notes opened and reminder reach count a patient only in the weeks they are
  enrolled, and follow the same rules week by week (notes: at least N patients
  opened one; reminders, of every cadence: at least N patients sent one, whose
  count of reminders is shown with it, and the followed share with both sides
  at least N or none).
- Patients with reminders on now: at least N, and the enrolled patients without
  none or at least N, like an active count.
- Period figures pool only the weeks whose every figure is published, so no
  withheld week can be recovered from a total minus the published weeks, nor
  from two periods a week apart.
- A retention cell follows the same rule as an active share (numerator at
  least N, remainder none or at least N); a cohort's size needs N joinings.
A withheld cell says why: "fewer than N" when fewer than N patients are
behind it, "withheld: protects a small group" when the figure is large
enough but would single out a small remainder.
What remains visible by design: week-to-week changes of published counts
(for example enrolled 40 then 41) reveal that a few patients joined or
became active, never who, and never any value they logged; a withheld cell's
reason tells that fewer than N were behind it, or that between 1 and N - 1
were left over, never how many.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tracker.clinics.engagement import ClinicEngagement, WeekCounts, histogram_median
from tracker.core.l10n import day_text, number_text
from tracker.models import FACTORS, RETENTION_WEEKS

# Why a cell is withheld.
SMALL = "small"  # fewer than N patients behind it
REMAINDER = "remainder"  # enough patients, but it would single out a small group left over
REMAINDER_TEXT = gettext_lazy("withheld: protects a small group")


@dataclass(frozen=True)
class Cell:
    """One figure as shown: its value, or withheld (and why), or nothing to show."""

    value: float | None
    kind: str  # "count", "share" or "days"
    withheld_below: int | None = None  # set when withheld: the minimum cell size
    reason: str = SMALL  # when withheld: SMALL or REMAINDER

    @property
    def withheld(self) -> bool:
        return self.withheld_below is not None

    @property
    def text(self) -> str:
        if self.withheld:
            if self.reason == REMAINDER:
                return str(REMAINDER_TEXT)
            return _("fewer than %(count)s") % {"count": self.withheld_below}
        # As the reader's language writes numbers (Spanish: "1 234", "2,5"); the CSV keeps machine numbers.
        if self.value is None:
            return "–"
        if self.kind == "count":
            return number_text(Decimal(f"{self.value:.0f}"), grouping=True)
        if self.kind == "share":
            return f"{self.value * 100:.0f}%"
        return number_text(Decimal(f"{self.value:.1f}"))

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


def _cell_unless(value, kind, *, reason: str | None, n: int) -> Cell:
    """The figure, or withheld for `reason` (None: publish)."""
    if reason is None:
        return Cell(value=value, kind=kind)
    return Cell(value=None, kind=kind, withheld_below=n, reason=reason)


def share_withheld_reason(part: int, whole: int, n: int) -> str | None:
    """Why `part` of `whole` can't be shown (SMALL or REMAINDER), or None when it can."""
    if part < n:
        return SMALL
    rest = whole - part
    if 0 < rest < n:
        return REMAINDER
    return None


def share_publishable(part: int, whole: int, n: int) -> bool:
    return share_withheld_reason(part, whole, n) is None


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
class ActivityRow:
    """One week's notes opened and reminder reach, as shown."""

    week_start: dt.date
    in_progress: bool
    notes_opened: Cell  # patient-note-days
    notes_patients: Cell
    reminders_sent: Cell  # patients sent at least one reminder
    reminders_count: Cell  # the reminders they were sent
    reminders_followed_share: Cell


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
    activity_rows: list  # ActivityRow per week; empty when not computed
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
    # Fewer than N enrolled means fewer than N active too. Every figure drawn from the active
    # patients (days, factor rates) is withheld with their count, for the same reason.
    active_reason = share_withheld_reason(week.active, week.enrolled, n) if enrolled_ok else SMALL
    return WeekRow(
        week_start=week.week_start,
        in_progress=week.week_start <= today < week.week_start + dt.timedelta(days=7),
        enrolled=_cell(week.enrolled, "count", publish=enrolled_ok, n=n),
        active=_cell_unless(week.active, "count", reason=active_reason, n=n),
        active_share=_cell_unless(week.active_share, "share", reason=active_reason, n=n),
        mean_days=_cell_unless(week.mean_days, "days", reason=active_reason, n=n),
        median_days=_cell_unless(week.median_days, "days", reason=active_reason, n=n),
        factor_rates=[
            (f.label, _cell_unless(week.factor_rate(f.key), "share", reason=active_reason, n=n)) for f in FACTORS
        ],
        complete=enrolled_ok and active_reason is None,
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
        if cohort.cohort_month <= today  # a period's last week may run into a month not begun
    ]
    activity_rows = _activity_rows(engagement, n=n, today=today)
    summary.update(_notes_and_reminders(engagement, activity_rows, n=n))
    enrolled_now = engagement.weeks[-1].enrolled
    summary["reminders_on"] = _cell_unless(
        engagement.reminders_on,
        "count",
        reason=share_withheld_reason(engagement.reminders_on, enrolled_now, n) if enrolled_now >= n else SMALL,
        n=n,
    )
    return EngagementReport(
        engagement=engagement,
        min_cell=n,
        rows=rows,
        activity_rows=activity_rows,
        summary=summary,
        summary_factor_rates=factor_rates,
        retention=retention,
        text_summary=_text_summary(rows, n=n),
    )


def _retention_cell(retained: int, eligible: int, *, n: int) -> Cell:
    if eligible == 0:
        return Cell(None, "share")
    return _cell_unless(retained / eligible, "share", reason=share_withheld_reason(retained, eligible, n), n=n)


def _text_summary(rows: list, *, n: int) -> str:
    """The chart's words. The week in progress is left out of the range: its count is still growing."""
    shown = [row for row in rows if not row.active.withheld]
    finished = [row for row in shown if not row.in_progress]
    first, last = rows[0].week_start, rows[-1].week_start
    span = {
        "count": len(rows),
        "first": day_text(first, "LONG_DATE_FORMAT"),
        "last": day_text(last, "LONG_DATE_FORMAT"),
    }
    if finished:
        low = min(finished, key=lambda row: row.active.value)
        high = max(finished, key=lambda row: row.active.value)
        text = ngettext(
            "Over the %(count)s week from the week of %(first)s to the week of %(last)s, weekly active patients "
            "ranged from %(low)s (week of %(low_week)s) to %(high)s (week of %(high_week)s).",
            "Over the %(count)s weeks from the week of %(first)s to the week of %(last)s, weekly active patients "
            "ranged from %(low)s (week of %(low_week)s) to %(high)s (week of %(high_week)s).",
            len(rows),
        ) % {
            **span,
            "low": low.active.text,
            "low_week": day_text(low.week_start, "SHORT_DAY_FORMAT"),
            "high": high.active.text,
            "high_week": day_text(high.week_start, "SHORT_DAY_FORMAT"),
        }
    else:
        text = (
            ngettext(
                "Over the %(count)s week from the week of %(first)s to the week of %(last)s, no finished week's count "
                "of active patients can be shown.",
                "Over the %(count)s weeks from the week of %(first)s to the week of %(last)s, no finished week's count "
                "of active patients can be shown.",
                len(rows),
            )
            % span
        )
    if shown:
        latest = shown[-1]
        figures = {
            "week": day_text(latest.week_start, "SHORT_DAY_FORMAT"),
            "active": latest.active.text,
            "enrolled": latest.enrolled.text,
            "share": latest.active_share.text,
        }
        if latest.in_progress:
            latest_text = _(
                "In the week of %(week)s (still in progress), %(active)s of %(enrolled)s enrolled patients have "
                "checked in so far (%(share)s)."
            )
        else:
            latest_text = _(
                "In the week of %(week)s, %(active)s of %(enrolled)s enrolled patients checked in (%(share)s)."
            )
        text += " " + latest_text % figures
    small = sum(1 for row in rows if row.active.withheld and row.active.reason == SMALL)
    remainder = sum(1 for row in rows if row.active.withheld and row.active.reason == REMAINDER)
    if small:
        text += " " + ngettext(
            "%(count)s week not shown: fewer than %(n)s active patients.",
            "%(count)s weeks not shown: fewer than %(n)s active patients.",
            small,
        ) % {"count": small, "n": n}
    if remainder:
        text += " " + ngettext(
            "%(count)s week withheld to protect a small group.",
            "%(count)s weeks withheld to protect a small group.",
            remainder,
        ) % {"count": remainder}
    return text


def _activity_rows(engagement: ClinicEngagement, *, n: int, today: dt.date) -> list:
    """Each week's notes opened and reminder reach, by the same rules as the other weekly figures."""
    rows = []
    for notes, reminders in zip(engagement.notes, engagement.reminders, strict=True):
        notes_reason = None if notes.patients >= n else SMALL
        sent_reason = None if reminders.sent >= n else SMALL
        # Like every share here: both the followed and the unfollowed side must be big enough.
        followed_reason = sent_reason or share_withheld_reason(reminders.followed, reminders.sent, n)
        week = notes.week_start
        rows.append(
            ActivityRow(
                week_start=week,
                in_progress=week <= today < week + dt.timedelta(days=7),
                notes_opened=_cell_unless(notes.openings, "count", reason=notes_reason, n=n),
                notes_patients=_cell_unless(notes.patients, "count", reason=notes_reason, n=n),
                reminders_sent=_cell_unless(reminders.sent, "count", reason=sent_reason, n=n),
                reminders_count=_cell_unless(reminders.reminders, "count", reason=sent_reason, n=n),
                reminders_followed_share=_cell_unless(
                    reminders.followed / reminders.sent if reminders.sent else None,
                    "share",
                    reason=followed_reason,
                    n=n,
                ),
            )
        )
    return rows


def _pooled(weeks: list, shown: list, *, n: int, kind: str, value) -> Cell:
    """value(shown) pooled over the weeks shown; withheld when there are weeks but none is shown."""
    if shown:
        return Cell(value(shown), kind)
    return Cell(None, kind, withheld_below=n) if weeks else Cell(None, kind)


def _notes_and_reminders(engagement: ClinicEngagement, rows: list, *, n: int) -> dict:
    """Notes opened and reminder reach over the period: pooled from the weeks where each is shown."""
    weeks = list(zip(engagement.notes, engagement.reminders, rows, strict=True))
    notes = [note for note, _, row in weeks if not row.notes_opened.withheld]
    sent = [reminder for _, reminder, row in weeks if not row.reminders_sent.withheld]
    followed = [reminder for _, reminder, row in weeks if not row.reminders_followed_share.withheld]
    return {
        "notes_weeks_published": len(notes),
        "notes_opened": _pooled(
            engagement.notes, notes, n=n, kind="count", value=lambda ws: sum(w.openings for w in ws)
        ),
        "notes_patients": _pooled(
            engagement.notes, notes, n=n, kind="days", value=lambda ws: sum(w.patients for w in ws) / len(ws)
        ),
        "reminders_weeks_published": len(sent),
        "reminders_sent": _pooled(
            engagement.reminders, sent, n=n, kind="count", value=lambda ws: sum(w.reminders for w in ws)
        ),
        "reminders_patients": _pooled(
            engagement.reminders, sent, n=n, kind="days", value=lambda ws: sum(w.sent for w in ws) / len(ws)
        ),
        "reminders_followed_share": _pooled(
            engagement.reminders,
            followed,
            n=n,
            kind="share",
            value=lambda ws: sum(w.followed for w in ws) / sum(w.sent for w in ws),
        ),
    }


def disclosure_trace(report: EngagementReport) -> dict:
    """What a view of the report showed, for its audit event, so a patient can later be told
    whether it showed anything that counted them (tracker/clinics/counted_views.py).

    weeks_shown: one character per week of the period, "1" when the week's enrolled count was
    published (so its figures may be shown), "0" when every figure of the week was withheld (fewer
    than N enrolled). cohorts_shown: the months of joining ("YYYY-MM") whose retention row was
    published. enrolled: the enrolled count of the period's last week (exact; the audit log is for
    staff, and the patient's page applies the small-cell rule to it).
    """
    return {
        "weeks_shown": "".join("0" if row.enrolled.withheld else "1" for row in report.rows),
        "cohorts_shown": " ".join(
            f"{row.cohort_month:%Y-%m}" for row in report.retention if row.joined.value and not row.joined.withheld
        ),
        "enrolled": report.engagement.weeks[-1].enrolled,
    }
