"""Throttles for the pages that send email to an address someone types: at most so many a window.

Counted in the cache (Redis in production, shared by every process; per-process memory when
developing), in fixed windows: a key's count starts at the first hit and is dropped when its
window ends. Keys are HMACs of the address or client, so the cache never holds an email address.
If the cache is away the throttle lets requests through: an outage must not stop people resetting
their password.
"""

import datetime as dt
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext
from redis.exceptions import RedisError


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window: dt.timedelta


HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
# Per address: a few emails an hour is plenty for a person; the 20 resets in 1.2 s of the hostile
# test become 3. Per client: a waiting room's shared connection may sign up a clinic's patients.
SIGNUP_PER_ADDRESS = Limit("signup-address", 3, HOUR)
SIGNUP_PER_CLIENT = Limit("signup-client", 20, HOUR)
RESET_PER_ADDRESS = Limit("reset-address", 3, HOUR)
RESET_PER_CLIENT = Limit("reset-client", 20, HOUR)
VERIFY_PER_ACCOUNT = Limit("verify-account", 3, HOUR)
VERIFY_PER_CLIENT = Limit("verify-client", 20, HOUR)


def _message(minutes: int) -> str:
    return ngettext(
        "We've sent several emails from here in a short time. To protect everyone's inbox, please wait "
        "about %(minutes)s minute and try again.",
        "We've sent several emails from here in a short time. To protect everyone's inbox, please wait "
        "about %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


class Throttled(Exception):
    def __init__(self, wait_seconds: int):
        minutes = max(1, math.ceil(wait_seconds / 60))
        super().__init__(_message(minutes))
        self.wait_seconds = wait_seconds


def throttle(hits: Iterable[tuple[Limit, str]]) -> None:
    """Count one attempt against each (limit, key); raise Throttled if any is now over its count."""
    now = time.time()
    waits = []
    for limit, key in hits:
        seconds = int(limit.window.total_seconds())
        window = int(now // seconds)
        digest = salted_hmac("tracker.core.throttle", f"{limit.name}:{key}").hexdigest()[:32]
        cache_key = f"throttle:{limit.name}:{window}:{digest}"
        try:
            cache.add(cache_key, 0, timeout=seconds)
            count = cache.incr(cache_key)
        except (ValueError, RedisError, OSError):  # expired between add and incr, or the cache is away
            continue
        if count > limit.count:
            waits.append((window + 1) * seconds - now)
    if waits:
        raise Throttled(int(max(waits)))
