"""Weekly reminder emails: who is due, and sending each one exactly once.

An active patient who opted in and verified their address, or who turned on Web Push on a device
(tracker/reminders/push.py), is *due* once
their chosen local weekday and hour has come in the current ISO week of their
own time zone. Each week's reminder is one `ReminderDelivery` row, unique on
(patient, iso_year, iso_week).

Why no email goes out twice
---------------------------
`dispatch` (every REMINDER_DISPATCH_SECONDS, from beat or cron) creates the
missing rows for due patients (INSERT ... ON CONFLICT DO NOTHING) and enqueues
the ids of pending, unclaimed rows in batches. `send_batch` claims each row, just before sending it, with
one conditional UPDATE:

    UPDATE ... SET claimed_until = now + lease, claim_token = <new>
    WHERE id = ? AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= now)

The database runs these one at a time per row, so of two workers racing for a
row exactly one gets a row count of 1 and sends; the other skips it. The row
is marked sent (only by the claim's holder) as soon as the SMTP server has
accepted the message, in a transaction holding nothing else. So a second
dispatch, a redelivered task (acks_late, visibility timeout), two beat
processes or two cron runs only enqueue ids that are already claimed or sent,
and those are skipped.

Recovery is the next dispatch's job, not the broker's: whatever a fault left
unsent is still pending and unclaimed, and the next dispatch enqueues it again.
A worker killed mid-batch leaves its unsent rows unclaimed and at most its
current row claimed: that one goes out at the first dispatch after its lease
(REMINDER_LEASE_SECONDS, at least 4 x EMAIL_TIMEOUT). Batches lost with a
Redis restart, or a tick dropped while Redis was down, are found again the
same way. A database connection that drops after the SMTP server accepted a
message is reopened and the mark tried again while the lease holds (a repeat
is harmless: only the claim's token can mark the row).

The one window left: a crash (or a lost database) after the SMTP server
accepted a message and before the row is marked sent. The row then looks
exactly like one whose worker died before sending, so when its lease runs out
it is sent again: this window falls on the side of AT-LEAST-ONCE. That is a
choice: telling "accepted but unmarked" from "never sent" is impossible
without a second record written after acceptance, which has the same window;
treating both as sent would silently skip patients whose worker died before
sending, which the product forbids. The window is the time between the
server's "250 OK" and the commit of one UPDATE on an open connection, about a
millisecond; docs/operations.md gives its measured share of a send.
"""

import datetime as dt
import logging
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tracker.models import ReminderDelivery, User
from tracker.reminders.push import push_channel

logger = logging.getLogger(__name__)

Status = ReminderDelivery.Status
INSERT_CHUNK = 1000
WEEK_ENDED_ERROR = "The week ended before this reminder could be sent."


# --- Who is due -----------------------------------------------------------


# The email channel: opted in, with a confirmed address.
EMAIL_CHANNEL = Q(reminders_enabled=True, email_verified_at__isnull=False)


def email_reminders_on(patient: User) -> bool:
    return patient.reminders_enabled and patient.email_verified_at is not None


def eligible_patients():
    """Active patients with reminders on by email, or by Web Push on at least one device."""
    return User.objects.filter(role=User.Role.PATIENT, is_active=True).filter(EMAIL_CHANNEL | push_channel())


@dataclass(frozen=True)
class LocalWeek:
    iso_year: int
    iso_week: int
    monday: dt.date
    weekday: int  # ISO, of the local now
    hour: int  # of the local now


def local_week(*, now: dt.datetime, tz: zoneinfo.ZoneInfo) -> LocalWeek:
    local = now.astimezone(tz)
    iso_year, iso_week, weekday = local.isocalendar()
    return LocalWeek(iso_year, iso_week, local.date() - dt.timedelta(days=weekday - 1), weekday, local.hour)


def due_at(*, week: LocalWeek, tz: zoneinfo.ZoneInfo, weekday: int, hour: int) -> dt.datetime:
    """The instant of the chosen local weekday and hour in `week`.

    A local time skipped by a DST change (02:30 on a spring-forward night)
    resolves to the instant the clocks jump, never to the day before.
    """
    day = week.monday + dt.timedelta(days=weekday - 1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz).astimezone(dt.UTC)


def week_end(*, week: LocalWeek, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(week.monday + dt.timedelta(days=7), dt.time(0), tzinfo=tz).astimezone(dt.UTC)


def due_patients_by_week(*, now: dt.datetime) -> dict[tuple[int, int], "Q"]:
    """For each ISO week current somewhere, a filter for its due patients.

    Zones that share a local weekday and hour share one condition, so the
    query has a few dozen terms at most whatever the number of patients. A
    chosen (weekday, hour) has come when it is at or before the local
    (weekday, hour): comparing local wall times also handles DST nights.
    """
    zones = eligible_patients().values_list("time_zone", flat=True).distinct()
    by_week: dict[tuple[int, int], dict[tuple[int, int], list[str]]] = defaultdict(lambda: defaultdict(list))
    for name in zones:
        try:
            week = local_week(now=now, tz=zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            logger.error("Patients with unknown time zone %r get no reminders", name)
            continue
        by_week[(week.iso_year, week.iso_week)][(week.weekday, week.hour)].append(name)
    filters = {}
    for key, times in by_week.items():
        condition = Q()
        for (weekday, hour), names in times.items():
            condition |= Q(time_zone__in=names) & (
                Q(reminder_weekday__lt=weekday) | Q(reminder_weekday=weekday, reminder_hour__lte=hour)
            )
        filters[key] = condition
    return filters


# --- Dispatch ---------------------------------------------------------------


@dataclass
class DispatchSummary:
    created: int = 0
    expired: int = 0
    enqueued: int = 0
    batches: int = 0


def dispatch(*, enqueue: Callable[[list[int]], None], now: dt.datetime | None = None) -> DispatchSummary:
    """Create this week's missing deliveries for due patients, then enqueue
    every claimable pending delivery, `REMINDER_BATCH_SIZE` ids per call of
    `enqueue`. Safe to run twice, or twice at once: see the module docstring.
    """
    now = now or timezone.now()
    summary = DispatchSummary()
    # A pending row whose week is over is not sent late: it is recorded as failed, for staff to see.
    summary.expired = (
        ReminderDelivery.objects.filter(status=Status.PENDING, expires_at__lte=now)
        .filter(ReminderDelivery.unclaimed(now))
        .update(status=Status.FAILED, last_error=WEEK_ENDED_ERROR, updated_at=now)
    )
    for (iso_year, iso_week), condition in due_patients_by_week(now=now).items():
        summary.created += _create_deliveries(iso_year=iso_year, iso_week=iso_week, condition=condition, now=now)
    for batch in _claimable_batches(now=now):
        enqueue(batch)
        summary.enqueued += len(batch)
        summary.batches += 1
    return summary


def _create_deliveries(*, iso_year: int, iso_week: int, condition: Q, now: dt.datetime) -> int:
    already = ReminderDelivery.objects.filter(patient=OuterRef("pk"), iso_year=iso_year, iso_week=iso_week)
    rows = (
        eligible_patients()
        .filter(condition)
        .exclude(Exists(already))
        .order_by("pk")
        .values_list("pk", "time_zone", "reminder_weekday", "reminder_hour")
        .iterator(chunk_size=INSERT_CHUNK)
    )
    created = 0
    chunk = []
    for patient_id, zone, weekday, hour in rows:
        tz = zoneinfo.ZoneInfo(zone)
        week = local_week(now=now, tz=tz)
        chunk.append(
            ReminderDelivery(
                patient_id=patient_id,
                iso_year=iso_year,
                iso_week=iso_week,
                due_at=due_at(week=week, tz=tz, weekday=weekday, hour=hour),
                expires_at=week_end(week=week, tz=tz),
            )
        )
        if len(chunk) == INSERT_CHUNK:
            created += _insert(chunk)
            chunk = []
    return created + _insert(chunk)


def _insert(chunk: list[ReminderDelivery]) -> int:
    # A concurrent dispatcher may have inserted some: the unique constraint keeps one.
    ReminderDelivery.objects.bulk_create(chunk, ignore_conflicts=True)
    return len(chunk)


def _claimable_batches(*, now: dt.datetime) -> Iterator[list[int]]:
    ids = (
        ReminderDelivery.objects.filter(
            status=Status.PENDING, due_at__lte=now, expires_at__gt=now, attempts__lt=settings.REMINDER_MAX_ATTEMPTS
        )
        .filter(ReminderDelivery.unclaimed(now))
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=settings.REMINDER_BATCH_SIZE)
    )
    batch = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == settings.REMINDER_BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch
