"""Pointing the project's Celery app at a broker for one test, and waiting for its worker."""

import time
from contextlib import contextmanager

import redis
from celery.contrib.testing.worker import start_worker
from kombu import pools

from wellness.celery import app


def _forget_connections():
    # The app caches its producer pools per broker URL; drop them with the URL.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def using_broker(url: str, **conf):
    """Send tasks to the broker at `url` instead of running them in-process."""
    changes = {
        "broker_url": url,
        "task_always_eager": False,
        "worker_hijack_root_logger": False,
        "broker_connection_timeout": 2,
        **conf,
    }
    saved = {key: app.conf[key] for key in changes}
    app.conf.update(changes)
    _forget_connections()
    try:
        yield app
    finally:
        app.conf.update(saved)
        _forget_connections()


@contextmanager
def real_worker(url: str, *, pool: str = "solo", concurrency: int = 1):
    """A real Celery worker (in a thread) consuming from the Redis broker at `url`."""
    with (
        using_broker(url),
        start_worker(
            app, pool=pool, concurrency=concurrency, perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"
        ) as worker,
    ):
        yield worker


def wait_for(condition, *, timeout: float = 30, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def broker_is_idle(url: str) -> bool:
    """Nothing queued and nothing delivered but unacknowledged (acks_late)."""
    client = redis.Redis.from_url(url)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0
