"""Reminders (by email and Web Push): who is due, and sending each one exactly once per period.

A patient whose reminder is on (tracker/reminders/schedule.py: active, and opted in by email
with a verified address, or with Web Push turned on on a device, tracker/reminders/push.py) is
*due* once their chosen local hour has come on a day their cadence covers: any day (daily), one
of their chosen weekdays, or for weekly, their weekday or a later one in the current ISO week of
their own time zone. The gentle back-off (schedule.py) thins or ends that. Each
period's reminder is one `ReminderDelivery` row, unique on (patient, kind, period_start): the
period is the patient's local day (daily and chosen days) or their ISO week (weekly). A patient
who has already checked in for their local today gets the row too, recorded as skipped, so the
period is settled and nothing more is sent for it.

Why no email goes out twice
---------------------------
`dispatch` (every REMINDER_DISPATCH_SECONDS, from beat or cron) creates the
missing rows for due patients (INSERT ... ON CONFLICT DO NOTHING) and enqueues
the ids of pending, unclaimed rows in batches. `send_batch` claims each row, just before sending it, with
one conditional UPDATE:

    UPDATE ... SET claimed_until = now + lease, claim_token = <new>
    WHERE id = ? AND status = 'pending' AND (claimed_until IS NULL OR claimed_until <= now)
      AND NOT EXISTS (a check-in for the patient's local today)

The database runs these one at a time per row, so of two workers racing for a
row exactly one gets a row count of 1 and sends; the other skips it. The row
is marked sent (only by the claim's holder) as soon as the SMTP server has
accepted the message, in a transaction holding nothing else. So a second
dispatch, a redelivered task (acks_late, visibility timeout), two beat
processes or two cron runs only enqueue ids that are already claimed or sent,
and those are skipped. A check-in saved after the dispatch and before the claim
makes the claim fail, and the row is recorded as skipped.

Recovery is the next dispatch's job, not the broker's: whatever a fault left
unsent is still pending and unclaimed, and the next dispatch enqueues it again.
A worker killed mid-batch leaves its unsent rows unclaimed and at most its
current row claimed: that one goes out at the first dispatch after its lease
(REMINDER_LEASE_SECONDS, at least 4 x EMAIL_TIMEOUT). Batches lost with a
Redis restart, or a tick dropped while Redis was down, are found again the
same way, as long as the period has not ended: a row still pending at the end
of its day or week is recorded as failed, never sent late into the next.
A database connection that drops after the SMTP server accepted a
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

from tracker.models import Cadence, ReminderDelivery
from tracker.reminders.schedule import (
    EASE_AFTER_DAYS,
    PAUSE_AFTER_DAYS,
    back_off_from,
    last_checkin_day,
    paused_by_back_off,
    period_for,
    reminded_patients,
    variant_for,
)

logger = logging.getLogger(__name__)

Status = ReminderDelivery.Status
Kind = ReminderDelivery.Kind
INSERT_CHUNK = 1000
PERIOD_ENDED_ERROR = "Its day or week ended before this reminder could be sent."
CHECKED_IN = "The patient had already checked in that day."


# --- Who is due -----------------------------------------------------------


def due_patients_by_day(*, now: dt.datetime) -> dict[dt.date, Q]:
    """For each local date current somewhere, a filter for the patients due on it now.

    Zones that share a local date and hour share one condition, so the query has a few dozen
    terms at most whatever the number of patients. A chosen hour has come when it is at or
    before the local hour: comparing local wall times also handles DST nights.
    """
    zones = reminded_patients().values_list("time_zone", flat=True).distinct()
    by_day: dict[dt.date, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name in zones:
        try:
            local = now.astimezone(zoneinfo.ZoneInfo(name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            logger.error("Patients with unknown time zone %r get no reminders", name)
            continue
        by_day[local.date()][local.hour].append(name)
    return {day: _due_on(day=day, hours=hours) for day, hours in by_day.items()}


def _due_on(*, day: dt.date, hours: dict[int, list[str]]) -> Q:
    """Due on the local `day` (the queryset must annotate `anchor`, see schedule.back_off_from)."""
    weekday = day.isoweekday()
    monday = day - dt.timedelta(days=weekday - 1)
    hour_come, weekday_come = Q(pk__in=[]), Q(pk__in=[])
    for hour, names in hours.items():
        hour_come |= Q(time_zone__in=names, reminder_hour__lte=hour)
        weekday_come |= Q(time_zone__in=names) & (
            Q(reminder_weekday__lt=weekday) | Q(reminder_weekday=weekday, reminder_hour__lte=hour)
        )
    day_row = Exists(ReminderDelivery.objects.filter(patient_id=OuterRef("pk"), kind=Kind.DAY, period_start=day))
    week_row = Exists(ReminderDelivery.objects.filter(patient_id=OuterRef("pk"), kind=Kind.WEEK, period_start=monday))
    # Within the back-off's first 14 quiet days every covered day; past them, the week's first.
    recent = Q(anchor__gte=day - dt.timedelta(days=EASE_AFTER_DAYS))
    daily_days = Q() if weekday == 1 else recent
    chosen_days = (recent & Q(reminder_days__contains=str(weekday))) | Q(reminder_days__startswith=str(weekday))
    # The row's absence is tested before the back-off (PostgreSQL evaluates an AND's terms in
    # order): once the period's rows exist, as in most dispatches, no last check-in is looked up.
    due = (
        (Q(reminder_cadence=Cadence.WEEKLY) & weekday_come & ~week_row)
        | (Q(reminder_cadence=Cadence.DAILY) & hour_come & ~day_row & daily_days)
        | (Q(reminder_cadence=Cadence.DAYS) & hour_come & ~day_row & chosen_days)
    )
    # Eight quiet weeks, and the last reminder has gone out: paused until the next check-in.
    paused = Q(anchor__lt=day - dt.timedelta(days=PAUSE_AFTER_DAYS)) & paused_by_back_off(anchor=OuterRef("anchor"))
    return due & ~paused


# --- Dispatch ---------------------------------------------------------------


@dataclass
class DispatchSummary:
    created: int = 0
    expired: int = 0
    enqueued: int = 0
    batches: int = 0
    checked_in: int = 0  # of `created`: recorded as skipped, the patient had already checked in


def dispatch(*, enqueue: Callable[[list[int]], None], now: dt.datetime | None = None) -> DispatchSummary:
    """Create this period's missing deliveries for due patients, then enqueue
    every claimable pending delivery, `REMINDER_BATCH_SIZE` ids per call of
    `enqueue`. Safe to run twice, or twice at once: see the module docstring.
    """
    now = now or timezone.now()
    summary = DispatchSummary()
    # A pending row whose period is over is not sent late: it is recorded as failed, for staff to see.
    summary.expired = (
        ReminderDelivery.objects.filter(status=Status.PENDING, expires_at__lte=now)
        .filter(ReminderDelivery.unclaimed(now))
        .update(status=Status.FAILED, last_error=PERIOD_ENDED_ERROR, updated_at=now)
    )
    for day, condition in due_patients_by_day(now=now).items():
        _create_deliveries(day=day, condition=condition, now=now, summary=summary)
    for batch in _claimable_batches(now=now):
        enqueue(batch)
        summary.enqueued += len(batch)
        summary.batches += 1
    return summary


def _create_deliveries(*, day: dt.date, condition: Q, now: dt.datetime, summary: DispatchSummary) -> None:
    rows = (
        reminded_patients()
        .annotate(last_day=last_checkin_day(), anchor=back_off_from())
        .filter(condition)
        .order_by("pk")
        .values_list(
            "pk",
            "time_zone",
            "reminder_cadence",
            "reminder_weekday",
            "reminder_hour",
            "anchor",
            "last_day",
        )
        .iterator(chunk_size=INSERT_CHUNK)
    )
    chunk = []
    for patient_id, zone, cadence, weekday, hour, anchor, last_day in rows:
        variant = variant_for(cadence=cadence, anchor=anchor, today=day)
        period = period_for(cadence=cadence, day=day, weekday=weekday, hour=hour, tz=zoneinfo.ZoneInfo(zone))
        iso_year, iso_week = period.iso
        checked_in = last_day is not None and last_day >= day
        summary.checked_in += checked_in
        chunk.append(
            ReminderDelivery(
                patient_id=patient_id,
                kind=period.kind,
                period_start=period.start,
                iso_year=iso_year,
                iso_week=iso_week,
                variant=variant,
                due_at=period.due_at,
                expires_at=period.expires_at,
                **({"status": Status.SKIPPED, "last_error": CHECKED_IN} if checked_in else {}),
            )
        )
        if len(chunk) == INSERT_CHUNK:
            summary.created += _insert(chunk)
            chunk = []
    summary.created += _insert(chunk)


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
