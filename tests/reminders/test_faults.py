"""Reminders through faults: a database connection cut mid-batch, a worker that dies, a lost
broker message, and a web request after a database failover.

The database faults are PostgreSQL's own (`pg_terminate_backend`, as a failover or an
administrator does it); those tests run in the PostgreSQL run of the suite
(`DATABASE_URL=postgres://… make test`, as CI does).
"""

import datetime as dt
import time

import psycopg
import pytest
from celery.schedules import maybe_schedule
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.factories import ReminderPatientFactory
from tracker.models import Cadence, ReminderDelivery
from tracker.reminders import sending
from tracker.reminders.dispatch import dispatch
from tracker.reminders.sending import claim, send_batch
from wellness.celery import app

Status = ReminderDelivery.Status
TEN_MINUTES = dt.timedelta(minutes=10)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="cuts connections with PostgreSQL's pg_terminate_backend; runs with DATABASE_URL=postgres://… (CI does)",
)


def terminate_backend(pid: int) -> None:
    """Cut one server connection from another one, as a failover does, and wait until it is gone."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, f"backend {pid} outlived pg_terminate_backend"
            time.sleep(0.02)


def our_backend_pid() -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def queue_all():
    batches = []
    dispatch(enqueue=batches.append)
    return [pk for batch in batches for pk in batch]


# --- 1. The database drops between the SMTP server's "250" and the mark --------------------


@postgresql_only
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_marks_a_reminder_sent_after_its_database_connection_was_cut_and_sends_it_once(smtp_sink, settings):
    patients = ReminderPatientFactory.create_batch(3)
    ids = queue_all()
    sender = our_backend_pid()
    # The second message is accepted, and the sender's connection dies before it can mark it.
    smtp_sink.on_message = lambda count: terminate_backend(sender) if count == 2 else None

    outcome = send_batch(delivery_ids=ids)

    assert our_backend_pid() != sender  # it reconnected
    assert (outcome.sent, outcome.retry_ids) == (3, [])
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {Status.SENT}
    # Later runs, past every lease, find nothing to send again.
    later = dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
    dispatch(enqueue=lambda ids: send_batch(delivery_ids=ids), now=timezone.now() + later)
    assert smtp_sink.per_recipient() == {p.email: 1 for p in patients}


def test_a_mark_whose_lost_commit_did_land_is_not_repeated(db, smtp_sink, frozen_now, monkeypatch):
    """The connection can die after the server committed the mark but before its reply came back."""
    ReminderPatientFactory()
    real_mark = sending.mark_sent
    calls = []

    def mark_then_lose_the_reply(**kwargs):
        calls.append(kwargs)
        real_mark(**kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return True

    monkeypatch.setattr(sending, "mark_sent", mark_then_lose_the_reply)
    outcome = send_batch(delivery_ids=queue_all())
    assert outcome.sent == 1
    assert len(calls) == 1  # the retry saw the row sent under its token and stopped
    assert ReminderDelivery.objects.get().status == Status.SENT


def test_a_database_error_leaves_the_rest_of_the_batch_for_a_retry(db, smtp_sink, frozen_now, monkeypatch):
    patients = ReminderPatientFactory.create_batch(3)
    ids = queue_all()
    real_claim = sending.claim

    def claim_until_the_database_goes(**kwargs):
        if kwargs["delivery_id"] == ids[1]:
            raise OperationalError("terminating connection due to administrator command")
        return real_claim(**kwargs)

    monkeypatch.setattr(sending, "claim", claim_until_the_database_goes)
    outcome = send_batch(delivery_ids=ids)
    assert (outcome.sent, outcome.retry_ids, outcome.retry_in) == (1, ids[1:], sending.DATABASE_RETRY_SECONDS)
    assert smtp_sink.per_recipient() == {patients[0].email: 1}

    monkeypatch.setattr(sending, "claim", real_claim)
    assert send_batch(delivery_ids=outcome.retry_ids).sent == 2  # the task's retry
    assert smtp_sink.per_recipient() == {p.email: 1 for p in patients}


# --- 2. Every due reminder within ten minutes of a fault ------------------------------------


def beat_ticks(*, after: dt.datetime, until: dt.datetime):
    """The moments beat's schedule dispatches, from `after` to `until` (frozen time)."""
    [entry] = app.conf.beat_schedule.values()
    schedule = maybe_schedule(entry["schedule"], app=app)
    tick = after
    while True:
        tick = tick + schedule.remaining_estimate(tick)
        if tick > until:
            return
        yield tick


@pytest.mark.parametrize("cadence", [Cadence.WEEKLY, Cadence.DAILY])
def test_every_due_reminder_goes_out_within_ten_minutes_of_a_worker_dying_and_its_batch_being_lost(
    db, smtp_sink, frozen_now, cadence
):
    patients = ReminderPatientFactory.create_batch(3, reminder_cadence=cadence)
    ids = queue_all()  # the batch is lost with Redis, or stuck unacknowledged with its dead worker
    assert claim(delivery_id=ids[0])  # which had claimed the first row and died before sending it
    fault_ended = timezone.now()

    for tick in beat_ticks(after=fault_ended, until=fault_ended + TEN_MINUTES):
        frozen_now.move_to(tick)
        dispatch(enqueue=lambda ids: send_batch(delivery_ids=ids))

    assert smtp_sink.per_recipient() == {p.email: 1 for p in patients}
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {Status.SENT}


# --- 3. The commit right after the SMTP server's acceptance holds the mark alone ---------


@pytest.mark.django_db(transaction=True)
def test_the_mark_after_acceptance_is_committed_on_its_own(smtp_sink, monkeypatch):
    ReminderPatientFactory.create_batch(3)
    ids = queue_all()
    events = []

    def record(execute, sql, params, many, context):
        events.append(("query", sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    real_open = sending.get_connection

    def recording_connection():
        smtp = real_open()
        real_send = smtp.send_messages

        def send_messages(messages):
            sent = real_send(messages)
            events.append(("accepted", None, None))
            return sent

        smtp.send_messages = send_messages
        return smtp

    monkeypatch.setattr(sending, "get_connection", recording_connection)
    with connection.execute_wrapper(record):
        assert send_batch(delivery_ids=ids).sent == 3

    after_acceptance = [events[i + 1] for i, event in enumerate(events) if event[0] == "accepted"]
    assert len(after_acceptance) == 3
    for kind, sql, in_transaction_block in after_acceptance:
        assert kind == "query"
        assert sql.startswith("UPDATE")
        assert "status" in sql
        # Autocommit: the mark is a transaction of its own, committed before anything else runs.
        assert in_transaction_block is False


# --- 4. No 500 after a database failover ------------------------------------------------------


def wsgi_get(path: str, *, cookie: str) -> int:
    """One request through Django's real WSGI handler, as gunicorn calls it: the
    request_started and request_finished signals decide whether to keep the connection."""
    environ = RequestFactory().get(path).environ
    environ["HTTP_COOKIE"] = cookie
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    response.close()
    return int(statuses[0].split()[0])


@postgresql_only
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_page_after_the_servers_connection_was_terminated_is_served(client, alice, settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    client.force_login(alice)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    kept = connection.settings_dict["CONN_MAX_AGE"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 600  # persistent, as in production
    try:
        assert wsgi_get(reverse("today"), cookie=cookie) == 200
        before = our_backend_pid()
        terminate_backend(before)  # a failover: every server connection goes

        assert wsgi_get(reverse("today"), cookie=cookie) == 200
        assert our_backend_pid() != before
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = kept
        connection.close()
