"""Web Push reminders: the same reminder as the email, to each device that asked for it.

A reminder (one `ReminderDelivery`: tracker/reminders/dispatch.py) is pushed to each of the
patient's devices at most once: one `PushDelivery` row per (reminder, device), claimed with a
lease before the push and marked sent when the push service has accepted it (2xx). So a reminder
retried for its email finds its pushes sent and skips them, and a push retried after a 429 or 5xx
(by `send_push_batch`, from the dispatch) never sends the email again.

The work is per batch, not per push (`send_reminder_pushes_for_batch`, called once by the batch
sender): one commit claims the batch's push-only reminders and all its pushes, the pushes go a
few at a time over one HTTP session (tracker/reminders/push_client.py), their answers are recorded
PUSH_RECORD_EVERY at a time in one commit each, and the push-only reminders are marked in one
more. The one window left: a crash after pushes were accepted and before their answers' commit;
those pushes go again after the lease (docs/reminders.md, "Web Push"). Answers:

- 2xx: sent; the device's `last_success_at` is noted.
- 404 or 410: the browser dropped the subscription; the device's row goes (and its pushes).
- 429, 5xx, a timeout or a refused connection: tried again after Retry-After (capped) or the
  back-off, up to REMINDER_MAX_ATTEMPTS, and never after the reminder's own period ends.
- any other 4xx (a payload too large, a VAPID key the service refuses): failed, recorded.

The payload carries no health value: the localised "Time for today's check-in" and the link
to Today, nothing else (the push services see only ciphertext, RFC 8291, but the device shows it on
a lock screen).
"""

import datetime as dt
import json
import logging
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db import connection as database_connection
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tracker.core.emails import absolute_url
from tracker.core.i18n import language_of
from tracker.models import PushDelivery, PushSubscription, ReminderDelivery
from tracker.reminders.push_client import NOT_TRIED, Answer, PushClient

logger = logging.getLogger(__name__)

Status = PushDelivery.Status
# A Retry-After longer than this is cut to it; without one, the back-off below.
MAX_RETRY_AFTER_SECONDS = 3600
GONE = (404, 410)
PUSH_BATCH_SIZE = 500
# Answers recorded in one commit. A crash after the push service accepted pushes and before their
# commit repeats at most this many (docs/reminders.md); fewer means more commits per batch.
PUSH_RECORD_EVERY = 100
# Time kept at the end of a batch's lease to record the last answers: no push starts later.
RECORD_MARGIN_SECONDS = 60
NO_DEVICE = "Push only, and no device took the push (each answered gone or refused it)."
# As in tracker/reminders/sending.py: what a lost or restarting database raises, how long the
# reminders a lost claim left wait, and the pauses between tries of a record after a lost connection.
DATABASE_GONE = (OperationalError, InterfaceError)
DATABASE_RETRY_SECONDS = 30
MARK_RETRY_PAUSES = (0, 0.2, 1, 2, 5)


def push_enabled() -> bool:
    return settings.WEB_PUSH_ENABLED


def reminder_push_text(*, language: str) -> str:
    with translation.override(language):
        return gettext("Time for today's check-in")


def reminder_push_payload(*, language: str, checkin_url: str) -> bytes:
    """What the service worker shows (templates/pwa/sw.js): a title and the link it opens."""
    return json.dumps({"title": reminder_push_text(language=language), "url": checkin_url}).encode()


# --- Sending ------------------------------------------------------------------


@dataclass
class PushOutcome:
    sent: int = 0
    gone: int = 0  # answered 404/410: the device's subscription was removed
    retry: int = 0
    failed: int = 0


@dataclass
class ReminderPushes:
    """What `send_reminder_pushes_for_batch` did: the push-only reminders it finished (sent,
    failed) or left for a retry (`retry_ids`, after `retry_in` seconds), and the pushes."""

    sent: int = 0
    failed: int = 0
    retry_ids: list[int] = field(default_factory=list)
    retry_in: int = DATABASE_RETRY_SECONDS
    pushes: PushOutcome = field(default_factory=PushOutcome)


def send_reminder_pushes_for_batch(
    *, deliveries: list[ReminderDelivery], email_ids: set[int], client: PushClient | None = None
) -> ReminderPushes:
    """Push the reminders in `deliveries` to each of their patients' devices, once per device.

    `deliveries`: the batch's reminders that are to go now (pending, eligible, not paused), with
    `patient` loaded. `email_ids`: those that also go by email in this batch; their claim and
    mark stay the caller's, and their pushes go first, before any email. The others go by push
    alone: this function claims them (one UPDATE), and marks them sent when a device took the
    push or will after a 429 or 5xx, failed when none can, in one commit at the end. The caller
    leaves them alone afterwards; those in `retry_ids` (the database was lost before the claim)
    are to be retried. `client`: one to reuse (the caller closes it); by default, one of its own.

    Each (reminder, device) push is one PushDelivery row: created already claimed or, if an
    earlier try left it waiting, claimed again; all in one commit before any push. Answers are
    recorded PUSH_RECORD_EVERY pushes at a time, each set in one commit: a crash after the push
    service accepted some pushes and before that commit sends those (at most PUSH_RECORD_EVERY
    devices) again after the lease; the notification's tag makes the repeat replace the unread one.
    """
    result = ReminderPushes()
    if not push_enabled() or not deliveries:
        return result
    now = timezone.now()
    token = uuid.uuid4().hex
    lease_end = time.monotonic() + settings.REMINDER_LEASE_SECONDS
    push_only = [d.pk for d in deliveries if d.pk not in email_ids]
    try:
        with transaction.atomic():
            held = _claim_reminders(push_only, token=token, now=now)
            targets = [d for d in deliveries if d.pk in held or (d.pk in email_ids and d.attempts < _max_attempts())]
            rows = _claim_pushes(targets, token=token, now=now)
    except DATABASE_GONE:
        _drop_database_connection()
        logger.warning("Database connection lost; %d push-only reminders left for a retry", len(push_only))
        result.retry_ids = push_only
        return result
    own_client = client is None
    client = client or PushClient()
    try:
        result.pushes = _send_and_record(rows, token=token, client=client, lease_end=lease_end)
    finally:
        if own_client:
            client.close()
    if held:
        marks = _retrying(lambda: _mark_reminders(held, token=token), lease_end=lease_end, what="reminders' marks")
        result.sent, result.failed = marks or (0, 0)
    return result


def push_retry_batches(*, now: dt.datetime | None = None) -> Iterator[list[int]]:
    """For the dispatch: record pushes whose reminder's period ended unsent, then yield the ids of
    those waiting for a retry whose back-off has ended, PUSH_BATCH_SIZE at a time."""
    now = now or timezone.now()
    PushDelivery.objects.filter(status=Status.PENDING, expires_at__lte=now).filter(PushDelivery.unclaimed(now)).update(
        status=Status.FAILED, last_error="The reminder's period ended before this push could be sent.", updated_at=now
    )
    if not push_enabled():
        return
    ids = list(_claimable(now=now).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), PUSH_BATCH_SIZE):
        yield ids[start : start + PUSH_BATCH_SIZE]


def send_push_batch(*, push_ids: list[int]) -> PushOutcome:
    """Send the pushes in `push_ids` that are still waiting (a retry: the email is not involved)."""
    if not push_enabled():
        return PushOutcome()
    now = timezone.now()
    token = uuid.uuid4().hex
    lease_end = time.monotonic() + settings.REMINDER_LEASE_SECONDS
    _claimable(now=now).filter(pk__in=push_ids).update(
        attempts=F("attempts") + 1, **_claim_fields(token=token, now=now)
    )
    rows = _claimed_pushes(token)
    client = PushClient()
    try:
        return _send_and_record(rows, token=token, client=client, lease_end=lease_end)
    finally:
        client.close()


# --- Claiming -------------------------------------------------------------------


def _max_attempts() -> int:
    return settings.REMINDER_MAX_ATTEMPTS


def _claim_fields(*, token: str, now: dt.datetime) -> dict:
    return {
        "claimed_until": now + dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS),
        "claim_token": token,
        "updated_at": now,
    }


def _claimable(*, now: dt.datetime):
    return PushDelivery.objects.filter(status=Status.PENDING, expires_at__gt=now, attempts__lt=_max_attempts()).filter(
        PushDelivery.unclaimed(now)
    )


def _claim_reminders(ids: list[int], *, token: str, now: dt.datetime) -> set[int]:
    """Take the lease on the push-only reminders in `ids`, as sending.claim() does for one."""
    if not ids:
        return set()
    ReminderDelivery.objects.filter(
        pk__in=ids, status=ReminderDelivery.Status.PENDING, expires_at__gt=now, attempts__lt=_max_attempts()
    ).filter(ReminderDelivery.unclaimed(now)).update(attempts=F("attempts") + 1, **_claim_fields(token=token, now=now))
    return set(ReminderDelivery.objects.filter(pk__in=ids, claim_token=token).values_list("pk", flat=True))


def _claim_pushes(deliveries: list[ReminderDelivery], *, token: str, now: dt.datetime) -> list[PushDelivery]:
    """Claim each (reminder, device) push not yet sent: those an earlier try left waiting (a 429
    whose wait is over), and new rows for the devices subscribed now, inserted already claimed
    (a row another sender holds or has sent is left alone: the unique pair decides)."""
    if not deliveries:
        return []
    claim = _claim_fields(token=token, now=now)
    ids = [d.pk for d in deliveries]
    _claimable(now=now).filter(delivery_id__in=ids).update(attempts=F("attempts") + 1, **claim)
    devices_of = defaultdict(list)
    for pk, user_id in PushSubscription.objects.filter(user_id__in={d.patient_id for d in deliveries}).values_list(
        "pk", "user_id"
    ):
        devices_of[user_id].append(pk)
    PushDelivery.objects.bulk_create(
        [
            PushDelivery(delivery=d, subscription_id=pk, expires_at=d.expires_at, attempts=1, **claim)
            for d in deliveries
            for pk in devices_of[d.patient_id]
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return _claimed_pushes(token)


def _claimed_pushes(token: str) -> list[PushDelivery]:
    return list(
        PushDelivery.objects.filter(claim_token=token, status=Status.PENDING)
        .select_related("subscription", "delivery__patient")
        .order_by("pk")
    )


# --- Sending a claimed batch and recording its answers --------------------------


def _send_and_record(rows: list[PushDelivery], *, token: str, client: PushClient, lease_end: float) -> PushOutcome:
    """Send the claimed pushes in `rows` and record their answers, PUSH_RECORD_EVERY at a time.

    No push starts when less than the time for one push and its record is left of the lease, so
    none is sent after its claim could have passed to another sender."""
    outcome = PushOutcome()
    checkin_url = absolute_url(reverse("today"))
    payloads: dict[str, bytes] = {}
    start_before = lease_end - settings.PUSH_TIMEOUT - RECORD_MARGIN_SECONDS
    for first in range(0, len(rows), PUSH_RECORD_EVERY):
        chunk = rows[first : first + PUSH_RECORD_EVERY]
        pushes = []
        for row in chunk:
            language = language_of(row.delivery.patient)
            if language not in payloads:
                payloads[language] = reminder_push_payload(language=language, checkin_url=checkin_url)
            pushes.append((row.subscription, payloads[language]))
        answers = client.post_all(pushes, start_before=start_before)
        _retrying(
            lambda chunk=chunk, answers=answers: _record(chunk, answers, token=token, outcome=outcome),
            lease_end=lease_end,
            what="push answers",
        )
    return outcome


def _record(rows: list[PushDelivery], answers: list[Answer], *, token: str, outcome: PushOutcome) -> None:
    """Record a set of answers in one commit, a few statements whatever their number.

    Only this claim's holder can change a row, and each statement can run twice to the same end,
    so the whole can be tried again after a lost connection (`_retrying`)."""
    now = timezone.now()
    counts = Counter()
    sent, gone, updates = [], [], defaultdict(list)
    for row, answer in zip(rows, answers, strict=True):
        kind, update = _meaning(row, answer, now=now)
        counts[kind] += 1
        if kind == "sent":
            sent.append(row)
        elif kind == "gone":
            gone.append(row.subscription_id)
        else:
            updates[update].append(row.pk)
    held = PushDelivery.objects.filter(claim_token=token, status=Status.PENDING)
    with transaction.atomic():
        if sent:
            held.filter(pk__in=[row.pk for row in sent]).update(
                status=Status.SENT, sent_at=now, claimed_until=None, last_error="", updated_at=now
            )
            PushSubscription.objects.filter(pk__in=[row.subscription_id for row in sent]).update(last_success_at=now)
        for (status, until, error, attempts), ids in updates.items():
            held.filter(pk__in=ids).update(
                status=status, claimed_until=until, last_error=error[:2000],
                attempts=F("attempts") + attempts, updated_at=now,
            )  # fmt: skip
        if gone:
            # The browser unsubscribed, or the service expired it: no more pushes to this device
            # (its push rows go with it, this one included).
            PushSubscription.objects.filter(pk__in=gone).delete()
    for name in ("sent", "gone", "retry", "failed"):
        setattr(outcome, name, getattr(outcome, name) + counts[name])


def _meaning(row: PushDelivery, answer: Answer, *, now: dt.datetime) -> tuple[str, tuple | None]:
    """What an answer means for its push: its kind, and for a row that stays, what it becomes
    (status, claimed until, error, change to attempts)."""
    if 200 <= answer.status < 300:
        return "sent", None
    if answer.status in GONE:
        return "gone", None
    if answer is NOT_TRIED:  # free again at once, and the attempt not counted
        return "free", (Status.PENDING, now, answer.error, -1)
    error = answer.error or f"Push service answered {answer.status}"
    if answer.status == 0 or answer.status == 429 or answer.status >= 500:
        if row.attempts >= _max_attempts():
            return "failed", (Status.FAILED, None, error, 0)
        wait = backoff_seconds(row.attempts) if answer.retry_after is None else answer.retry_after
        return "retry", (Status.PENDING, now + dt.timedelta(seconds=min(wait, MAX_RETRY_AFTER_SECONDS)), error, 0)
    return "failed", (Status.FAILED, None, f"Push service refused it: {answer.status}", 0)


def _mark_reminders(held: set[int], *, token: str) -> tuple[int, int]:
    """Mark the push-only reminders this batch holds: sent if a push to a device went or will go
    (one waiting for a retry), failed if none can (each device gone or refusing). One commit."""
    now = timezone.now()
    mine = ReminderDelivery.objects.filter(pk__in=held, claim_token=token, status=ReminderDelivery.Status.PENDING)
    took = Exists(PushDelivery.objects.filter(delivery=OuterRef("pk"), status__in=[Status.SENT, Status.PENDING]))
    with transaction.atomic():
        sent = mine.filter(took).update(
            status=ReminderDelivery.Status.SENT, sent_at=now, claimed_until=None, last_error="", updated_at=now
        )
        failed = mine.update(
            status=ReminderDelivery.Status.FAILED, claimed_until=None, last_error=NO_DEVICE, updated_at=now
        )
    return sent, failed


def _retrying(write, *, lease_end: float, what: str):
    """Run `write` (one transaction, safe to repeat), reconnecting and trying again while the
    lease holds: a database lost after the pushes went would otherwise leave them to be sent again.
    None when the lease ends first (logged: those pushes go again after it)."""
    pauses = iter(MARK_RETRY_PAUSES)
    while True:
        try:
            return write()
        except DATABASE_GONE as error:
            _drop_database_connection()
            pause = next(pauses, MARK_RETRY_PAUSES[-1])
            if time.monotonic() + pause >= lease_end:
                logger.error("Could not record the %s before the lease ended; those pushes may repeat", what)
                return None
            logger.warning("Recording the %s failed (%s); trying again in %ss", what, error, pause)
            time.sleep(pause)


def _drop_database_connection() -> None:
    """Close a broken connection so the next query opens a new one (outside a transaction only)."""
    if not database_connection.in_atomic_block:
        database_connection.close()


def backoff_seconds(attempts: int) -> int:
    """2, 8, then 30 minutes, as for the email."""
    return min(120 * 4 ** max(attempts - 1, 0), 30 * 60)
