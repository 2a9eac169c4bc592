"""When a patient's clinic looked at figures that counted them: per clinic and month, how many
times its clinicians opened the dashboard or downloaded its CSV. Never which clinician, never
anything about another patient beyond the enrolled count the dashboard itself publishes.

A view (DASHBOARD_VIEWED or DASHBOARD_EXPORTED of clinic C, with the period it showed in its
metadata) counted patient P when both hold:
- it happened while P was enrolled in C (an enrolment with joined_at <= at < left_at);
- P was counted by C in at least one week of the period it showed (an enrolment's counted weeks,
  from_week up to but not including until_week, overlap first_week..last_week).
Views after P left are left out, although a period that reaches back into P's enrolled weeks still
counts P there (docs/privacy.md says so).

Whether the view showed anything about P: the dashboard records, with each view, which weeks of its
period had their figures shown (weeks_shown: "1" for a week with at least CLINIC_MIN_CELL_SIZE
enrolled, whose figures may be shown; "0" for a week where every figure was withheld) and which
retention cohorts (months of joining) had at least that many joinings (cohorts_shown). A view
showed nothing about P when every week P was counted in was a "0" week and none of P's months of
joining was a cohort shown: small-cell rules withheld every figure P was in. Views recorded before
this was kept say nothing either way and count as showing.

Two queries whatever the number of views: the patient's enrolments, and the views grouped by
clinic, month (in the patient's time zone), kind and what they showed.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import TruncMonth

from tracker.clinics.disclosure import Cell
from tracker.models import AuditEvent, Enrolment, User

VIEWED, EXPORTED = AuditEvent.Action.DASHBOARD_VIEWED, AuditEvent.Action.DASHBOARD_EXPORTED


@dataclass
class MonthViews:
    month: dt.date
    opened: int = 0  # dashboard views
    downloaded: int = 0  # CSV downloads
    nothing_shown: int = 0  # of both, those where every figure that counted the patient was withheld
    enrolled: Cell | None = None  # the enrolled count of the latest one's last week, small cells withheld
    _latest: dt.datetime | None = None

    @property
    def total(self) -> int:
        return self.opened + self.downloaded


@dataclass
class ClinicViews:
    clinic_name: str
    enrolments: list  # the patient's enrolments in this clinic, oldest first
    months: list = field(default_factory=list)  # MonthViews, newest first

    @property
    def current(self) -> bool:
        return any(e.left_at is None for e in self.enrolments)


def patient_counted_views(*, patient: User) -> list[ClinicViews]:
    """For each clinic the patient is or was enrolled in, the views that counted them, by month."""
    enrolments = list(Enrolment.objects.filter(patient=patient).select_related("clinic").order_by("joined_at"))
    if not enrolments:
        return []
    clinics: dict[int, ClinicViews] = {}
    for enrolment in enrolments:
        clinics.setdefault(enrolment.clinic_id, ClinicViews(enrolment.clinic.name, [])).enrolments.append(enrolment)
    months: dict[tuple, MonthViews] = {}
    for row in _view_rows(patient=patient, clinic_ids=list(clinics)):
        mine = clinics[row["clinic_id"]].enrolments
        if not _counted(row, mine):
            continue
        month = _as_date(row["month"])
        entry = months.setdefault((row["clinic_id"], month), MonthViews(month=month))
        if row["action"] == VIEWED:
            entry.opened += row["views"]
        else:
            entry.downloaded += row["views"]
        if not _showed_patient(row, mine):
            entry.nothing_shown += row["views"]
        if entry._latest is None or row["latest"] > entry._latest:
            entry._latest = row["latest"]
            entry.enrolled = _enrolled_cell(row["enrolled"])
    for (clinic_id, _month), entry in sorted(months.items(), key=lambda item: item[0][1], reverse=True):
        clinics[clinic_id].months.append(entry)
    return sorted(clinics.values(), key=lambda c: (not c.current, -c.enrolments[-1].joined_at.timestamp()))


def _view_rows(*, patient: User, clinic_ids: list[int]):
    """The views of these clinics made while the patient was enrolled, grouped by clinic, month,
    kind, period and what they showed."""
    enrolled_then = Enrolment.objects.filter(
        patient=patient, clinic_id=OuterRef("clinic_id"), joined_at__lte=OuterRef("at")
    ).filter(Q(left_at__isnull=True) | Q(left_at__gt=OuterRef("at")))
    return (
        AuditEvent.objects.filter(action__in=(VIEWED, EXPORTED), clinic_id__in=clinic_ids)
        .filter(Exists(enrolled_then))
        .annotate(
            month=TruncMonth("at", tzinfo=patient.tzinfo),
            first_week=KT("metadata__first_week"),
            last_week=KT("metadata__last_week"),
            weeks_shown=KT("metadata__weeks_shown"),
            cohorts_shown=KT("metadata__cohorts_shown"),
            enrolled=KT("metadata__enrolled"),
        )
        .values("clinic_id", "month", "action", "first_week", "last_week", "weeks_shown", "cohorts_shown", "enrolled")
        .annotate(views=Count("id"), latest=Max("at"))
        .order_by()
    )


def _counted(row, enrolments) -> bool:
    """The period the view showed overlaps a week the patient was counted in."""
    if not (row["first_week"] and row["last_week"]):
        return False
    first, last = dt.date.fromisoformat(row["first_week"]), dt.date.fromisoformat(row["last_week"])
    return any(e.from_week <= last and (e.until_week is None or e.until_week > first) for e in enrolments)


def _counted_in(week: dt.date, enrolments) -> bool:
    return any(e.from_week <= week and (e.until_week is None or week < e.until_week) for e in enrolments)


def _showed_patient(row, enrolments) -> bool:
    """Whether any figure of the view counted the patient (see the module's docstring)."""
    if row["weeks_shown"] is None:
        return True  # recorded before views kept what they showed: counted as showing
    first = dt.date.fromisoformat(row["first_week"])
    for index, flag in enumerate(row["weeks_shown"]):
        week = first + dt.timedelta(weeks=index)
        if flag == "1" and _counted_in(week, enrolments):
            return True
    cohorts = set((row["cohorts_shown"] or "").split())
    return any(f"{e.joined_on:%Y-%m}" in cohorts for e in enrolments)


def _enrolled_cell(value) -> Cell | None:
    if value in (None, ""):
        return None
    n = settings.CLINIC_MIN_CELL_SIZE
    count = int(value)
    return Cell(count, "count") if count >= n else Cell(None, "count", withheld_below=n)


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
