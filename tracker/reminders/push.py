"""Web Push reminders: the same reminder as the email, to each device that asked for it.

A reminder (one `ReminderDelivery`, claimed by its sender: tracker/reminders/dispatch.py) is
pushed to each of the patient's devices at most once: one `PushDelivery` row per (reminder,
device), claimed with its own lease before the push and marked sent when the push service has
accepted it (2xx). So a reminder retried for its email finds its pushes sent and skips them, and a
push retried after a 429 or 5xx (by `send_push_batch`, from the dispatch) never sends the email
again. Answers:

- 2xx: sent; the device's `last_success_at` is noted.
- 404 or 410: the browser dropped the subscription; the device's row goes (and its pushes).
- 429, 5xx, a timeout or a refused connection: tried again after Retry-After (capped) or the
  back-off, up to REMINDER_MAX_ATTEMPTS, and never after the reminder's own period ends.
- any other 4xx (a payload too large, a VAPID key the service refuses): failed, recorded.

The payload carries no health value: the localised "Time for today's check-in" and the link
to Today, nothing else (the push services see only ciphertext, RFC 8291, but the device shows it on
a lock screen). Each request is signed with VAPID (RFC 8292); the signed header is cached per
push service (audience) for most of its 12-hour life, and one HTTP session keeps connections to
each push service open across a batch: docs/performance.md has what that buys.
"""

import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from py_vapid import Vapid
from pywebpush import WebPusher

from tracker.core.emails import absolute_url
from tracker.core.i18n import language_of
from tracker.models import PushDelivery, PushSubscription, ReminderDelivery

logger = logging.getLogger(__name__)

Status = PushDelivery.Status
# How long a push service keeps a reminder for a device that is offline: a day's reminder is
# worth showing later that day, not tomorrow.
PUSH_TTL_SECONDS = 12 * 3600
# A VAPID token lives this long (RFC 8292 allows up to 24 hours) and is signed again when less
# than RENEW_BEFORE of it is left.
VAPID_LIFETIME_SECONDS = 12 * 3600
VAPID_RENEW_BEFORE_SECONDS = 3600
# A Retry-After longer than this is cut to it; without one, the back-off below.
MAX_RETRY_AFTER_SECONDS = 3600
GONE = (404, 410)
PUSH_BATCH_SIZE = 500


def push_enabled() -> bool:
    return settings.WEB_PUSH_ENABLED


def push_channel() -> Q:
    """Patients who get push reminders: those with a device subscribed (and push configured)."""
    if not push_enabled():
        return Q(pk__in=[])
    return Q(Exists(PushSubscription.objects.filter(user=OuterRef("pk"))))


def reminder_push_text(*, language: str) -> str:
    with translation.override(language):
        return gettext("Time for today's check-in")


def reminder_push_payload(*, language: str, checkin_url: str) -> bytes:
    """What the service worker shows (templates/pwa/sw.js): a title and the link it opens."""
    return json.dumps({"title": reminder_push_text(language=language), "url": checkin_url}).encode()


# --- Sending ------------------------------------------------------------------


class VapidHeaders:
    """The signed VAPID Authorization header for each push service, reused while it is fresh."""

    def __init__(self, *, private_key: str, subject: str):
        self._vapid = Vapid.from_raw(private_key.encode())
        self._subject = subject
        self._by_audience: dict[str, tuple[float, dict]] = {}

    def for_endpoint(self, endpoint: str) -> dict:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = time.time()
        cached = self._by_audience.get(audience)
        if cached and cached[0] - now > VAPID_RENEW_BEFORE_SECONDS:
            return cached[1]
        expires = int(now) + VAPID_LIFETIME_SECONDS
        headers = self._vapid.sign({"aud": audience, "exp": expires, "sub": self._subject})
        self._by_audience[audience] = (expires, headers)
        return headers


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: int | None = None


class PushClient:
    """One HTTP session (connections kept open per push service) and the VAPID headers, for a batch."""

    def __init__(self):
        self.http = requests.Session()
        self.vapid = None  # made at the first push: a batch of emails alone needs no keys

    def post(self, subscription: PushSubscription, payload: bytes) -> Answer:
        if self.vapid is None:
            self.vapid = VapidHeaders(private_key=settings.VAPID_PRIVATE_KEY, subject=settings.VAPID_SUBJECT)
        info = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
        response = WebPusher(info, requests_session=self.http).send(
            payload,
            headers=dict(self.vapid.for_endpoint(subscription.endpoint), Urgency="normal"),
            ttl=PUSH_TTL_SECONDS,
            content_encoding="aes128gcm",
            timeout=settings.PUSH_TIMEOUT,
        )
        response.close()
        return Answer(response.status_code, _seconds(response.headers.get("Retry-After")))

    def close(self) -> None:
        self.http.close()


def _seconds(value: str | None) -> int | None:
    """Retry-After in seconds (the HTTP-date form counts as absent: the back-off applies)."""
    try:
        return max(0, int(value)) if value else None
    except ValueError:
        return None


@dataclass
class PushOutcome:
    sent: int = 0
    gone: int = 0  # answered 404/410: the device's subscription was removed
    retry: int = 0
    failed: int = 0

    def add(self, other: "PushOutcome") -> None:
        for name in ("sent", "gone", "retry", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def send_reminder_pushes(
    *, delivery: ReminderDelivery, client: PushClient | None = None, now: dt.datetime | None = None
) -> PushOutcome:
    """Push `delivery` (claimed by the caller) to each of its patient's devices, once each.

    The devices are those subscribed now; a device's push already sent (or being retried after a
    429 or 5xx) is not sent again here.
    """
    if not push_enabled():
        return PushOutcome()
    now = now or timezone.now()
    token = uuid.uuid4().hex
    claim = {"claimed_until": now + _lease(), "claim_token": token, "updated_at": now}
    # Pushes an earlier attempt left waiting (a 429 whose wait is over), then the devices' new
    # ones, claimed as they are made: two statements, one of which usually changes nothing.
    _claimable(now=now).filter(delivery=delivery).update(attempts=F("attempts") + 1, **claim)
    devices = PushSubscription.objects.filter(user_id=delivery.patient_id).values_list("pk", flat=True)
    PushDelivery.objects.bulk_create(
        [
            PushDelivery(delivery=delivery, subscription_id=pk, expires_at=delivery.expires_at, attempts=1, **claim)
            for pk in devices
        ],
        ignore_conflicts=True,
    )
    rows = PushDelivery.objects.filter(delivery=delivery, claim_token=token, status=Status.PENDING)
    return _send_claimed(rows, token=token, client=client)


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
    return _send(push_ids, client=None)


def _claimable(*, now: dt.datetime):
    return PushDelivery.objects.filter(
        status=Status.PENDING, expires_at__gt=now, attempts__lt=settings.REMINDER_MAX_ATTEMPTS
    ).filter(PushDelivery.unclaimed(now))


def _send(ids: list[int], *, client: PushClient | None) -> PushOutcome:
    """Claim the pushes in `ids` that are still waiting, and send them."""
    now = timezone.now()
    token = uuid.uuid4().hex
    _claimable(now=now).filter(pk__in=ids).update(
        claimed_until=now + _lease(), claim_token=token, attempts=F("attempts") + 1, updated_at=now
    )
    rows = PushDelivery.objects.filter(pk__in=ids, claim_token=token, status=Status.PENDING)
    return _send_claimed(rows, token=token, client=client)


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=4 * settings.PUSH_TIMEOUT)


def _send_claimed(rows, *, token: str, client: PushClient | None) -> PushOutcome:
    """Send the pushes in `rows`, all claimed with `token`, and record each answer."""
    outcome = PushOutcome()
    rows = list(rows.select_related("subscription", "delivery__patient").order_by("pk"))
    if not rows:
        return outcome
    own_client = client is None
    client = client or PushClient()
    checkin_url = absolute_url(reverse("today"))
    payloads: dict[str, bytes] = {}
    try:
        for row in rows:
            language = language_of(row.delivery.patient)
            if language not in payloads:
                payloads[language] = reminder_push_payload(language=language, checkin_url=checkin_url)
            _send_one(row, token=token, client=client, payload=payloads[language], outcome=outcome)
    finally:
        if own_client:
            client.close()
    return outcome


def _send_one(row: PushDelivery, *, token: str, client: PushClient, payload: bytes, outcome: PushOutcome) -> None:
    try:
        answer = client.post(row.subscription, payload)
    except requests.RequestException as error:  # a timeout, a refused or dropped connection
        _mark_retry(row.pk, token, error=f"Push service unreachable: {error!r}", wait=None, outcome=outcome)
        return
    except Exception as error:  # building the request failed: recorded, tried again a few times
        logger.exception("Could not send a push reminder")
        _mark_retry(row.pk, token, error=f"Could not send: {error!r}", wait=None, outcome=outcome)
        return
    now = timezone.now()
    if 200 <= answer.status < 300:
        # One commit for both: the push is sent, and the device was reached.
        with transaction.atomic():
            PushDelivery.objects.filter(pk=row.pk, claim_token=token, status=Status.PENDING).update(
                status=Status.SENT, sent_at=now, claimed_until=None, last_error="", updated_at=now
            )
            PushSubscription.objects.filter(pk=row.subscription_id).update(last_success_at=now)
        outcome.sent += 1
    elif answer.status in GONE:
        # The browser unsubscribed, or the service expired it: this device gets no more pushes.
        PushSubscription.objects.filter(pk=row.subscription_id).delete()
        outcome.gone += 1
    elif answer.status == 429 or answer.status >= 500:
        wait = min(answer.retry_after, MAX_RETRY_AFTER_SECONDS) if answer.retry_after is not None else None
        _mark_retry(row.pk, token, error=f"Push service answered {answer.status}", wait=wait, outcome=outcome)
    else:
        _mark_failed(row.pk, token, error=f"Push service refused it: {answer.status}")
        outcome.failed += 1


def backoff_seconds(attempts: int) -> int:
    """2, 8, then 30 minutes, as for the email."""
    return min(120 * 4 ** max(attempts - 1, 0), 30 * 60)


def _mark_retry(push_id: int, token: str, *, error: str, wait: int | None, outcome: PushOutcome) -> None:
    now = timezone.now()
    row = PushDelivery.objects.filter(pk=push_id, claim_token=token, status=Status.PENDING)
    attempts = row.values_list("attempts", flat=True).first()
    if attempts is None:
        return
    if attempts >= settings.REMINDER_MAX_ATTEMPTS:
        row.update(status=Status.FAILED, claimed_until=None, last_error=error[:2000], updated_at=now)
        outcome.failed += 1
        return
    wait = backoff_seconds(attempts) if wait is None else wait
    row.update(claimed_until=now + dt.timedelta(seconds=wait), last_error=error[:2000], updated_at=now)
    outcome.retry += 1


def _mark_failed(push_id: int, token: str, *, error: str) -> None:
    now = timezone.now()
    PushDelivery.objects.filter(pk=push_id, claim_token=token, status=Status.PENDING).update(
        status=Status.FAILED, claimed_until=None, last_error=error[:2000], updated_at=now
    )
