"""The email throttles: counted per key in fixed windows, keyed by an HMAC, never failing closed."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache, caches

from tests.conftest import NOW
from tracker.core.throttle import Limit, Throttled, throttle

THREE_AN_HOUR = Limit("test", 3, dt.timedelta(hours=1))


def test_it_allows_the_count_then_says_how_long_to_wait():
    with time_machine.travel(NOW.replace(minute=20), tick=False):
        for _ in range(3):
            throttle([(THREE_AN_HOUR, "alice@example.com")])
        with pytest.raises(Throttled) as refused:
            throttle([(THREE_AN_HOUR, "alice@example.com")])
    assert refused.value.wait_seconds == 40 * 60
    assert str(refused.value).endswith("please wait about 40 minutes and try again.")


def test_each_key_counts_apart_and_a_new_window_starts_afresh():
    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(3):
            throttle([(THREE_AN_HOUR, "alice@example.com")])
        throttle([(THREE_AN_HOUR, "bob@example.com")])
        traveller.shift(dt.timedelta(hours=1))
        throttle([(THREE_AN_HOUR, "alice@example.com")])


def test_any_key_over_its_count_refuses():
    other = Limit("other", 1, dt.timedelta(hours=1))
    with time_machine.travel(NOW, tick=False):
        throttle([(THREE_AN_HOUR, "a"), (other, "10.0.0.1")])
        with pytest.raises(Throttled):
            throttle([(THREE_AN_HOUR, "b"), (other, "10.0.0.1")])


def test_the_cache_never_holds_the_address():
    throttle([(THREE_AN_HOUR, "alice@example.com")])
    assert not any("alice" in str(key) for key in caches["default"]._cache)  # the tests' in-memory cache


def test_it_lets_requests_through_when_the_cache_is_away(monkeypatch):
    def away(*args, **kwargs):
        raise ConnectionError("cache away")

    monkeypatch.setattr(cache, "incr", away)
    for _ in range(10):
        throttle([(THREE_AN_HOUR, "alice@example.com")])
