"""When a patient's reminder comes: is it on, its cadence, its period, and the gentle back-off.

Whether a patient's reminder is on is defined here once (`reminders_on`), and the dispatch, the
settings page and the clinic dashboard's reminder reach all read it. A channel other than email
(such as Web Push) joins by extending `channel_on`.

Cadences (User.reminder_cadence), all at the patient's local `reminder_hour`:
- weekly: one reminder per ISO week, on `reminder_weekday`. Its period is the ISO week; a dispatch
  that runs later in the week still sends it (a late week is better than a skipped one).
- daily: one reminder per local day. Its period is the day; it is not sent after local midnight.
- chosen days: as daily, on the ISO weekdays in `reminder_days` only.

The gentle back-off counts whole days without a check-in before the patient's local today, from
their last check-in, or from the day they turned reminders on (`reminders_since`) when that is
later (a patient who turns them on after a long break starts afresh):
- more than EASE_AFTER_DAYS (14): a daily or chosen-days reminder becomes weekly for now: it comes
  only on the first day of the patient's week that it would come on (Monday for daily), and says
  so, with a link to change it.
- more than PAUSE_AFTER_DAYS (56, eight weeks): the next reminder, of whatever cadence, is the last
  one and says so; after it is sent nothing more goes out.
Both end by themselves with the next check-in: the count starts again from its day.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import DateField, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate

from tracker.models import Cadence, CheckIn, PushSubscription, ReminderDelivery, User

EASE_AFTER_DAYS = 14
PAUSE_AFTER_DAYS = 56

Kind = ReminderDelivery.Kind
Variant = ReminderDelivery.Variant


# --- Is it on ---------------------------------------------------------------------


def email_on(prefix: str = "") -> Q:
    """The email channel: opted in, with a confirmed address."""
    return Q(**{f"{prefix}reminders_enabled": True, f"{prefix}email_verified_at__isnull": False})


def email_reminders_on(patient: User) -> bool:
    """email_on() for one patient already loaded: does this reminder go by email?"""
    return patient.reminders_enabled and patient.email_verified_at is not None


def push_on(prefix: str = "") -> Q:
    """The Web Push channel: at least one device subscribed, and push configured on this server."""
    if not settings.WEB_PUSH_ENABLED:
        return Q(pk__in=[])
    return Q(Exists(PushSubscription.objects.filter(user=OuterRef(f"{prefix}pk"))))


def channel_on(prefix: str = "") -> Q:
    """At least one channel can carry the patient's reminder: email, or Web Push on a device."""
    return email_on(prefix) | push_on(prefix)


def reminders_on(prefix: str = "") -> Q:
    """The one definition of "this patient's reminder is on". `prefix` reads it through a
    relation, as "patient__" from an enrolment."""
    return Q(**{f"{prefix}role": User.Role.PATIENT, f"{prefix}is_active": True}) & channel_on(prefix)


def reminded_patients():
    return User.objects.filter(reminders_on())


def delivered() -> Q:
    """A delivery that reached the patient on at least one channel (the clinic's reminder reach)."""
    return Q(status=ReminderDelivery.Status.SENT)


# --- The back-off -----------------------------------------------------------------


def last_checkin_day():
    """The day of the patient's latest check-in (None when they have none), for annotate()."""
    latest = CheckIn.objects.filter(patient_id=OuterRef("pk")).order_by("-day").values("day")[:1]
    return Subquery(latest, output_field=DateField())


def back_off_from():
    """The day the back-off counts from: the later of the last check-in and reminders_since."""
    since = Coalesce("reminders_since", TruncDate("date_joined"), output_field=DateField())
    return Greatest(Coalesce(last_checkin_day(), since), since, output_field=DateField())


def variant_for(*, cadence: str, anchor: dt.date, today: dt.date) -> str:
    """Which reminder a patient gets `today`, counting from `anchor` (see back_off_from)."""
    quiet_days = (today - anchor).days
    if quiet_days > PAUSE_AFTER_DAYS:
        return Variant.LAST
    if quiet_days > EASE_AFTER_DAYS and cadence != Cadence.WEEKLY:
        return Variant.WEEKLY_FOR_NOW
    return Variant.REGULAR


def first_weekday(*, cadence: str, days: str) -> int:
    """The ISO weekday an eased daily or chosen-days reminder keeps: the first of the week."""
    return int(days[0]) if cadence == Cadence.DAYS and days else 1


def paused_by_back_off(*, anchor):
    """Q: the last reminder before pausing went out after `anchor` (an expression or a date)."""
    return Exists(
        ReminderDelivery.objects.filter(
            patient_id=OuterRef("pk"),
            variant=Variant.LAST,
            status=ReminderDelivery.Status.SENT,
            period_start__gt=anchor,
        )
    )


@dataclass(frozen=True)
class ReminderState:
    """What the settings page says about a patient's reminders."""

    on: bool
    variant: str | None = None  # None when off, or paused by the back-off
    paused: bool = False


def reminder_state(*, patient: User, today: dt.date) -> ReminderState:
    """Whether `patient`'s reminder is on and where the back-off stands (none to two queries)."""
    if not patient.reminders_enabled:
        return ReminderState(on=False)
    anchor = reminded_patients().filter(pk=patient.pk).annotate(anchor=back_off_from()).values("anchor").first()
    if anchor is None:
        return ReminderState(on=False)
    anchor = anchor["anchor"]
    variant = variant_for(cadence=patient.reminder_cadence, anchor=anchor, today=today)
    if variant == Variant.LAST and (
        ReminderDelivery.objects.filter(
            patient=patient, variant=Variant.LAST, status=ReminderDelivery.Status.SENT, period_start__gt=anchor
        ).exists()
    ):
        return ReminderState(on=True, paused=True)
    return ReminderState(on=True, variant=variant)


# --- Periods and instants -----------------------------------------------------------


def local_instant(day: dt.date, hour: int, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """`hour`:00 on `day` in `tz`, in UTC. An hour skipped by a spring-forward night resolves to
    the instant the clocks jump (the earlier offset, fold=0), never to the day before; an hour
    that happens twice in the autumn is its first occurrence."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz).astimezone(dt.UTC)


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    due_at: dt.datetime
    expires_at: dt.datetime

    @property
    def iso(self) -> tuple[int, int]:
        iso_year, iso_week, _ = self.start.isocalendar()
        return iso_year, iso_week


def period_for(*, cadence: str, day: dt.date, weekday: int, hour: int, tz) -> Period:
    """The period a reminder due on the local `day` belongs to: the ISO week for a weekly cadence,
    else the day (an eased reminder too: it simply comes on fewer days)."""
    if cadence == Cadence.WEEKLY:
        monday = day - dt.timedelta(days=day.isoweekday() - 1)
        return Period(
            kind=Kind.WEEK,
            start=monday,
            due_at=local_instant(monday + dt.timedelta(days=weekday - 1), hour, tz),
            expires_at=local_instant(monday + dt.timedelta(days=7), 0, tz),
        )
    return Period(
        kind=Kind.DAY,
        start=day,
        due_at=local_instant(day, hour, tz),
        expires_at=local_instant(day + dt.timedelta(days=1), 0, tz),
    )
