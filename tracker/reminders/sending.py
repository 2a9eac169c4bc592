"""Sending a batch of reminders, one claimed delivery at a time.

`send_batch` prepares what the batch shares (who is still on, pause days, streaks, the week's
note, one SMTP connection) and calls `send_delivery` for each row: claim it, then each channel's
step (email today), then mark it sent.

Every change to a delivery here is a conditional UPDATE whose row count says
whether it happened, so two workers can never both believe they hold a row.
Why that makes each reminder go out once, and the one window it leaves, are
described in tracker/reminders/dispatch.py.
"""

import datetime as dt
import logging
import smtplib
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection
from django.db import InterfaceError, OperationalError
from django.db import connection as database_connection
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from tracker.checkins.pauses import paused_patient_ids, pauses_by_patient
from tracker.checkins.streaks import streaks_for_patients
from tracker.core.emails import absolute_url
from tracker.core.i18n import language_of
from tracker.core.time import patient_today
from tracker.models import CheckIn, ReminderDelivery
from tracker.reminders.dispatch import CHECKED_IN
from tracker.reminders.emails import reminder_email, reminder_teaser
from tracker.reminders.push import send_reminder_pushes_for_batch
from tracker.reminders.schedule import email_reminders_on, reminded_patients
from tracker.reminders.unsubscribe import unsubscribe_url

logger = logging.getLogger(__name__)

Status = ReminderDelivery.Status
# When the SMTP server cannot be reached at all, try the batch again after this.
CONNECT_RETRY_SECONDS = 5 * 60
TURNED_OFF = "Reminders were turned off before it was sent."
PAUSED = "The patient paused the day it was due to go out."
# When the database connection is lost mid-batch, the rest of the batch is retried after this.
DATABASE_RETRY_SECONDS = 30
# Pauses between tries of a mark whose database connection failed; the last repeats until the lease ends.
MARK_RETRY_PAUSES = (0, 0.2, 1, 2, 5)
# What a lost or restarting database raises; anything else is a bug and is not retried.
DATABASE_GONE = (OperationalError, InterfaceError)
DATABASE_LOST = object()  # what a claim returns when the database connection failed


def claim(
    *, delivery_id: int, now: dt.datetime | None = None, unless_checked_in_on: dt.date | None = None
) -> str | None:
    """Take the lease on a pending delivery. Returns the claim token, or None
    when the row is sent, failed, skipped, past its period, or held by another
    sender (its lease has not run out), or when the patient has a check-in for
    the day `unless_checked_in_on` (their local today)."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    lease_end = now + dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    # A row whose attempts are used up (say, its worker kept dying) is never
    # claimed again; it is recorded as failed when its period ends.
    rows = ReminderDelivery.objects.filter(
        pk=delivery_id, status=Status.PENDING, expires_at__gt=now, attempts__lt=settings.REMINDER_MAX_ATTEMPTS
    ).filter(ReminderDelivery.unclaimed(now))
    if unless_checked_in_on is not None:
        # Checked in the same statement as the claim: a check-in saved any time before it counts.
        rows = rows.exclude(_checked_in(unless_checked_in_on))
    claimed = rows.update(claimed_until=lease_end, claim_token=token, attempts=F("attempts") + 1, updated_at=now)
    return token if claimed == 1 else None


def _checked_in(day: dt.date) -> Exists:
    return Exists(CheckIn.objects.filter(patient_id=OuterRef("patient_id"), day=day))


def skip_if_checked_in(*, delivery_id: int, day: dt.date, now: dt.datetime | None = None) -> bool:
    """Record an unclaimed pending delivery as skipped when the patient has checked in for `day`."""
    now = now or timezone.now()
    return bool(
        ReminderDelivery.objects.filter(pk=delivery_id, status=Status.PENDING)
        .filter(ReminderDelivery.unclaimed(now))
        .filter(_checked_in(day))
        .update(status=Status.SKIPPED, last_error=CHECKED_IN, updated_at=now)
    )


def mark_sent(*, delivery_id: int, token: str) -> bool:
    """Record that the SMTP server accepted the message (only the claim's holder can)."""
    now = timezone.now()
    marked = ReminderDelivery.objects.filter(pk=delivery_id, claim_token=token, status=Status.PENDING).update(
        status=Status.SENT, sent_at=now, claimed_until=None, last_error="", updated_at=now
    )
    if not marked:
        # Only possible if a send outlived its lease, which EMAIL_TIMEOUT prevents.
        logger.error("Reminder %s was sent after its lease ran out; it may go out twice", delivery_id)
    return bool(marked)


def backoff_seconds(attempts: int) -> int:
    """2, 8, then 30 minutes: beyond that the dispatch retries anyway.

    The dispatch finds the row again when its back-off ends; a wait longer than
    the broker's visibility timeout is left to it rather than to a delayed
    retry of the task (tracker/tasks.py)."""
    return min(120 * 4 ** max(attempts - 1, 0), 30 * 60)


def mark_failed(*, delivery_id: int, token: str, error: str, permanent: bool) -> int | None:
    """Record a failed send. A permanent failure, or the last allowed
    attempt, ends the row as failed; otherwise the lease becomes the back-off.
    Returns the seconds to wait before retrying, or None when it is final."""
    now = timezone.now()
    row = ReminderDelivery.objects.filter(pk=delivery_id, claim_token=token, status=Status.PENDING)
    attempts = row.values_list("attempts", flat=True).first()
    if attempts is None:
        return None
    final = permanent or attempts >= settings.REMINDER_MAX_ATTEMPTS
    wait = backoff_seconds(attempts)
    row.update(
        status=Status.FAILED if final else Status.PENDING,
        claimed_until=None if final else now + dt.timedelta(seconds=wait),
        last_error=error[:2000],
        updated_at=now,
    )
    return None if final else wait


@dataclass
class BatchOutcome:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retry_ids: list[int] = field(default_factory=list)
    retry_in: int | None = None

    def retry_later(self, ids: list[int], seconds: int) -> None:
        self.retry_ids.extend(ids)
        self.retry_in = seconds if self.retry_in is None else min(self.retry_in, seconds)

    def count(self, result, *, wait: int | None, delivery: ReminderDelivery, rest: list) -> bool:
        """Add what send_delivery did with `delivery` (the first of `rest`, the batch's unsent
        rows). False when the batch must stop, and the rest wait for a retry."""
        if result is DATABASE_LOST:
            # The rest of the batch waits for the task's retry (or the next dispatch);
            # a claim that did commit holds its row until its lease ends.
            logger.warning("Database connection lost; %d reminders left for a retry", len(rest))
            self.retry_later([d.pk for d in rest], DATABASE_RETRY_SECONDS)
            return False
        if result == SENT:
            self.sent += 1
        elif result == SKIPPED:
            self.skipped += 1
        elif wait is None and result in (FAILED, CONNECTION_LOST):
            self.failed += 1
        elif wait is not None:
            self.retry_later([delivery.pk], wait)
        if result == CONNECTION_LOST:
            self.retry_later([d.pk for d in rest[1:]], CONNECT_RETRY_SECONDS)
            return False
        return True


@dataclass
class BatchContext:
    """What every delivery of a batch shares: built once, before the first claim."""

    connection: object  # the open SMTP connection
    today_by_patient: dict
    streaks: dict
    logged: dict
    checkin_url: str
    teasers: dict = field(default_factory=dict)  # (iso_year, iso_week, language) -> Teaser

    def teaser(self, delivery: ReminderDelivery, language: str):
        week = (delivery.iso_year, delivery.iso_week, language)
        if week not in self.teasers:
            self.teasers[week] = reminder_teaser(iso_year=week[0], iso_week=week[1], language=language)
        return self.teasers[week]


# What send_delivery did with one row.
SENT, SKIPPED, HELD, FAILED, RETRY, CONNECTION_LOST = "sent", "skipped", "held", "failed", "retry", "connection lost"


def send_batch(*, delivery_ids: list[int]) -> BatchOutcome:
    """Send the reminders in `delivery_ids` over one SMTP connection.

    Each row is claimed right before its message and marked sent right after
    the server accepts it, so a crash loses at most the row in flight (see
    tracker/reminders/dispatch.py). Rows already sent or held elsewhere are skipped.
    The outcome lists the ids worth retrying soon, and when.
    """
    outcome = BatchOutcome()
    now = timezone.now()
    deliveries = list(
        ReminderDelivery.objects.filter(pk__in=delivery_ids, status=Status.PENDING, expires_at__gt=now)
        .filter(ReminderDelivery.unclaimed(now))
        .select_related("patient")
        .order_by("pk")
    )
    on = set(reminded_patients().filter(pk__in=[d.patient_id for d in deliveries]).values_list("pk", flat=True))
    # A reminder that comes due on a day the patient paused is skipped (Pause days).
    today_by_patient = {d.patient_id: patient_today(patient=d.patient, now=now) for d in deliveries}
    pauses = pauses_by_patient(today_by_patient=today_by_patient)
    paused = paused_patient_ids(today_by_patient=today_by_patient, pauses=pauses)
    ready = [d for d in deliveries if d.patient_id in on and d.patient_id not in paused]
    outcome.skipped = _skip([d.pk for d in deliveries if d.patient_id not in on], now=now)
    outcome.skipped += _skip(
        [d.pk for d in deliveries if d.patient_id in on and d.patient_id in paused], now=now, reason=PAUSED
    )
    if not ready:
        return outcome

    today_by_patient = {d.patient_id: today_by_patient[d.patient_id] for d in ready}
    checked_in = _checked_in_today(ready, today_by_patient=today_by_patient)
    # Checked in already (since the dispatch): settled for the period, on every channel.
    outcome.skipped += _skip([d.pk for d in ready if d.patient_id in checked_in], now=now, reason=CHECKED_IN)
    ready = [d for d in ready if d.patient_id not in checked_in]
    if not ready:
        return outcome
    connection = get_connection()
    by_email = _open_for_email(connection, ready=ready, outcome=outcome, now=now)
    ready = [d for d in ready if d.pk in by_email or not email_reminders_on(d.patient)]
    context = BatchContext(
        connection=connection,
        today_by_patient=today_by_patient,
        streaks=streaks_for_patients(today_by_patient=today_by_patient, pauses=pauses),
        logged=_days_logged_last_week(today_by_patient=today_by_patient),
        checkin_url=absolute_url(reverse("today")),
    )
    try:
        # Web Push first, for the whole batch: each device once per reminder; the reminders by
        # push alone are claimed and marked there (tracker/reminders/push.py).
        pushed = send_reminder_pushes_for_batch(deliveries=ready, email_ids=by_email)
        outcome.sent, outcome.failed = outcome.sent + pushed.sent, outcome.failed + pushed.failed
        if pushed.retry_ids:
            outcome.retry_later(pushed.retry_ids, pushed.retry_in)
        ready = [d for d in ready if d.pk in by_email]
        for index, delivery in enumerate(ready):
            result, wait = send_delivery(delivery=delivery, context=context)
            if not outcome.count(result, wait=wait, delivery=delivery, rest=ready[index:]):
                break
    finally:
        connection.close()
    return outcome


def send_delivery(*, delivery: ReminderDelivery, context: BatchContext) -> tuple:
    """Claim one delivery, send it on each channel, and mark it sent.

    Returns (what happened, seconds to wait before a retry or None). The claim fails when
    another sender holds the row or the patient has checked in for their local today since the
    dispatch; in that last case the row is recorded as skipped.
    """
    today = patient_today(patient=delivery.patient)
    token = _claim_unless_database_gone(delivery_id=delivery.pk, unless_checked_in_on=today)
    if token is DATABASE_LOST:
        return DATABASE_LOST, None
    if token is None:
        try:
            return (SKIPPED if skip_if_checked_in(delivery_id=delivery.pk, day=today) else HELD), None
        except DATABASE_GONE:
            _drop_database_connection()
            return DATABASE_LOST, None
    lease_ends = time.monotonic() + settings.REMINDER_LEASE_SECONDS
    failure = _email_step(delivery=delivery, token=token, context=context)
    if failure is not None:
        return failure
    # The server has accepted the message: record it before anything else, in a
    # transaction of its own (autocommit) so its commit is as short as it can be.
    # A crash before that UPDATE reaches the database is the one window left; it
    # resends (at-least-once), as tracker/reminders/dispatch.py explains.
    _mark_sent_retrying(delivery_id=delivery.pk, token=token, lease_ends=lease_ends)
    return SENT, None


def _email_step(*, delivery: ReminderDelivery, token: str, context: BatchContext) -> tuple | None:
    """Send the reminder email of a claimed delivery. None when the SMTP server accepted it; else
    the failure is recorded on the row and returned as send_delivery's answer."""
    language = language_of(delivery.patient)
    try:
        message = reminder_email(
            patient=delivery.patient,
            variant=delivery.variant,
            days_logged=context.logged.get(delivery.patient_id, 0),
            streak=context.streaks[delivery.patient_id].current,
            teaser=context.teaser(delivery, language),
            checkin_url=context.checkin_url,
            unsubscribe_url=unsubscribe_url(patient_id=delivery.patient_id),
            today=context.today_by_patient[delivery.patient_id],
        )
        context.connection.send_messages([message])
    except Exception as error:  # recorded on the row: one bad message must not stall the batch
        problem, permanent, connection_lost = _smtp_failure(error)
        wait = mark_failed(delivery_id=delivery.pk, token=token, error=problem, permanent=permanent)
        if connection_lost:
            return CONNECTION_LOST, wait
        return (FAILED, None) if wait is None else (RETRY, wait)
    return None


def _open_for_email(connection, *, ready: list[ReminderDelivery], outcome: BatchOutcome, now) -> set[int]:
    """Open the SMTP connection if a reminder in `ready` goes by email; the ids of those that do.

    None when the server can't be reached: nothing was claimed, so no attempt is used up, and
    those rows wait for a retry. Reminders by push alone still go."""
    by_email = {d.pk for d in ready if email_reminders_on(d.patient)}
    if not by_email:
        return by_email
    try:
        connection.open()
    except OSError as error:  # smtplib.SMTPException is an OSError too
        _note_unreachable(sorted(by_email), error=error, now=now)
        outcome.retry_later(sorted(by_email), CONNECT_RETRY_SECONDS)
        return set()
    return by_email


def _checked_in_today(ready: list[ReminderDelivery], *, today_by_patient: dict) -> set[int]:
    """The patients of `ready` with a check-in for their local today (one query per distinct today)."""
    by_day = defaultdict(list)
    for delivery in ready:
        by_day[today_by_patient[delivery.patient_id]].append(delivery.patient_id)
    found = set()
    for day, patient_ids in by_day.items():
        found.update(CheckIn.objects.filter(day=day, patient_id__in=patient_ids).values_list("patient_id", flat=True))
    return found


def _claim_unless_database_gone(*, delivery_id: int, unless_checked_in_on: dt.date | None = None):
    """claim(), or DATABASE_LOST when the database connection failed (and was closed)."""
    try:
        return claim(delivery_id=delivery_id, unless_checked_in_on=unless_checked_in_on)
    except DATABASE_GONE:
        _drop_database_connection()
        return DATABASE_LOST


def _mark_sent_retrying(*, delivery_id: int, token: str, lease_ends: float) -> None:
    """Mark an accepted message sent, reconnecting and trying again while the lease holds.

    A database that drops between the SMTP server's acceptance and the mark would
    otherwise leave the row claimed, and the next dispatch after the lease would send it
    again. Trying again is safe: only this claim's token can mark the row, and a mark whose
    commit landed but whose reply was lost with the connection is seen and not repeated.
    A database away until the lease ends is logged, and the row will go out again: the
    duplicate this avoids in every shorter outage. (The next claim then finds the database
    gone and leaves the rest of the batch for a retry.)
    """
    pauses = iter(MARK_RETRY_PAUSES)
    first = True
    while True:
        try:
            if (
                not first
                and ReminderDelivery.objects.filter(pk=delivery_id, claim_token=token, status=Status.SENT).exists()
            ):
                return
            mark_sent(delivery_id=delivery_id, token=token)
            return
        except DATABASE_GONE as error:
            _drop_database_connection()
            pause = next(pauses, MARK_RETRY_PAUSES[-1])
            if time.monotonic() + pause >= lease_ends:
                logger.error("Could not mark reminder %s sent before its lease ended; it may go out twice", delivery_id)
                return
            logger.warning("Marking reminder %s sent failed (%s); trying again in %ss", delivery_id, error, pause)
            time.sleep(pause)
            first = False


def _drop_database_connection() -> None:
    """Close a broken connection so the next query opens a new one (outside a transaction only:
    inside one, as in a test, Django keeps it until the transaction ends)."""
    if not database_connection.in_atomic_block:
        database_connection.close()


def _smtp_failure(error: Exception) -> tuple[str, bool, bool]:
    """(what to record, permanent?, is the connection gone?) for a failed send."""
    if not isinstance(error, OSError):
        # Building or encoding the message failed (a bad address, a bug):
        # record it and retry a few times, so a fix deployed meanwhile helps.
        logger.exception("Could not build or send a reminder")
        return f"Could not send: {error!r}", False, False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        details = "; ".join(f"{code} {_text(reply)}" for code, reply in error.recipients.values())
        return f"Recipient refused: {details}", bool(codes) and all(code >= 500 for code in codes), False
    if isinstance(error, smtplib.SMTPSenderRefused):
        # Our own From address: a configuration problem, not this patient's. Retry.
        return f"Sender refused: {error.smtp_code} {_text(error.smtp_error)}", False, False
    if isinstance(error, smtplib.SMTPResponseException):
        return f"SMTP error: {error.smtp_code} {_text(error.smtp_error)}", error.smtp_code >= 500, False
    return f"SMTP connection failed: {error!r}", False, True


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _skip(ids: list[int], *, now: dt.datetime, reason: str = TURNED_OFF) -> int:
    if not ids:
        return 0
    return (
        ReminderDelivery.objects.filter(pk__in=ids, status=Status.PENDING)
        .filter(ReminderDelivery.unclaimed(now))
        .update(status=Status.SKIPPED, last_error=reason, updated_at=now)
    )


def _note_unreachable(ids: list[int], *, error: OSError, now: dt.datetime) -> None:
    ReminderDelivery.objects.filter(pk__in=ids, status=Status.PENDING).filter(ReminderDelivery.unclaimed(now)).update(
        last_error=f"SMTP server unreachable: {error!r}"[:2000], updated_at=now
    )


def _days_logged_last_week(*, today_by_patient: dict[int, dt.date]) -> dict[int, int]:
    """Days with a check-in in the 7 days before each patient's today (one query)."""
    by_today = defaultdict(list)
    for patient_id, today in today_by_patient.items():
        by_today[today].append(patient_id)
    condition = Q()
    for today, patient_ids in by_today.items():
        condition |= Q(patient_id__in=patient_ids, day__gte=today - dt.timedelta(days=7), day__lt=today)
    rows = CheckIn.objects.filter(condition).order_by().values("patient_id").annotate(days=Count("pk"))
    return {row["patient_id"]: row["days"] for row in rows}
