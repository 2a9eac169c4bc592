"""Sending Web Push requests: one HTTP session per batch, the VAPID header per push service, and a
few threads, since a push spends most of its time waiting on the push service.

Only HTTP here: which pushes to send, and what their answers do, are in tracker/reminders/push.py.
Each request is signed with VAPID (RFC 8292); the signed header is cached per push service
(audience) for most of its 12-hour life, and one HTTP session keeps connections to each push
service open across a batch: docs/performance.md has what that buys.
"""

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import requests.adapters
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPusher

from tracker.models import PushSubscription

logger = logging.getLogger(__name__)

# How long a push service keeps a reminder for a device that is offline: a day's reminder is
# worth showing later that day, not tomorrow.
PUSH_TTL_SECONDS = 12 * 3600
# A VAPID token lives this long (RFC 8292 allows up to 24 hours) and is signed again when less
# than RENEW_BEFORE of it is left.
VAPID_LIFETIME_SECONDS = 12 * 3600
VAPID_RENEW_BEFORE_SECONDS = 3600
# Pushes in flight at once in a batch: each mostly waits on the push service (docs/performance.md).
PUSH_THREADS = 8


class VapidHeaders:
    """The signed VAPID Authorization header for each push service, reused while it is fresh."""

    def __init__(self, *, private_key: str, subject: str):
        self._vapid = Vapid.from_raw(private_key.encode())
        self._subject = subject
        self._by_audience: dict[str, tuple[float, dict]] = {}
        self._lock = threading.Lock()

    def for_endpoint(self, endpoint: str) -> dict:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
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
    """A push service's answer, or why there was none (`status` 0)."""

    status: int
    retry_after: int | None = None
    error: str = ""


# A push the batch did not start because its lease was running out: free again, no attempt used.
NOT_TRIED = Answer(-1, error="Not sent: the batch's lease was running out.")


class PushClient:
    """One HTTP session (connections kept open per push service), the VAPID headers and a few
    threads, for a batch: a push spends most of its time waiting on the push service."""

    def __init__(self):
        self.http = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_maxsize=PUSH_THREADS)
        self.http.mount("https://", adapter)
        self.http.mount("http://", adapter)
        self.vapid = None  # made at the first push: a batch of emails alone needs no keys
        self._pool = None

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

    def post_all(self, pushes: list[tuple[PushSubscription, bytes]], *, start_before: float) -> list[Answer]:
        """Send each (device, payload), PUSH_THREADS at a time; none starts after `start_before`
        (time.monotonic()). The answers in the same order. Threads touch no database."""
        if self.vapid is None:
            self.vapid = VapidHeaders(private_key=settings.VAPID_PRIVATE_KEY, subject=settings.VAPID_SUBJECT)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=PUSH_THREADS, thread_name_prefix="push")
        return list(self._pool.map(lambda push: self._try(*push, start_before=start_before), pushes))

    def _try(self, subscription: PushSubscription, payload: bytes, *, start_before: float) -> Answer:
        if time.monotonic() >= start_before:
            return NOT_TRIED
        try:
            return self.post(subscription, payload)
        except requests.RequestException as error:  # a timeout, a refused or dropped connection
            return Answer(0, error=f"Push service unreachable: {error!r}")
        except Exception as error:  # building the request failed: recorded, tried again a few times
            logger.exception("Could not send a push reminder")
            return Answer(0, error=f"Could not send: {error!r}")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
        self.http.close()


def _seconds(value: str | None) -> int | None:
    """Retry-After in seconds (the HTTP-date form counts as absent: the back-off applies)."""
    try:
        return max(0, int(value)) if value else None
    except ValueError:
        return None
