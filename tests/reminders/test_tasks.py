"""The Celery tasks, run by a real worker through a real Redis broker, sending
to a real SMTP server; and the app staying up while the broker is down."""

import datetime as dt
import socket
import threading
import time

import pytest
import redis
from celery.exceptions import Retry
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from kombu.exceptions import OperationalError

from tests.celery_helpers import broker_is_idle, real_worker, using_broker, wait_for
from tests.factories import PASSWORD, ReminderPatientFactory, UserFactory
from tests.services import require_redis
from tests.smtp import PORTS
from tracker.core.time import patient_today
from tracker.models import Cadence, CheckIn, ReminderDelivery, User
from tracker.reminders.dispatch import dispatch
from tracker.reminders.sending import BatchOutcome
from tracker.tasks import dispatch_weekly_reminders, send_weekly_reminders
from wellness.celery import app

Status = ReminderDelivery.Status


@pytest.fixture
def redis_url():
    url = require_redis()
    redis.Redis.from_url(url).flushdb()  # our own database number only
    yield url
    redis.Redis.from_url(url).flushdb()


@pytest.fixture
def closed_broker_url():
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return f"redis://127.0.0.1:{port}/0"
    pytest.skip("no closed port in 8600-8699")


def sent_count():
    return ReminderDelivery.objects.filter(status=Status.SENT).count()


def settle(url):
    """Wait until the worker has run and acknowledged every task, twice in a row."""
    wait_for(lambda: broker_is_idle(url), what="an idle broker")
    time.sleep(0.5)
    wait_for(lambda: broker_is_idle(url), what="an idle broker")


def test_beat_runs_the_dispatch_every_two_minutes_by_default(settings):
    [entry] = app.conf.beat_schedule.values()
    assert entry["task"] == "tracker.tasks.dispatch_weekly_reminders"
    assert entry["schedule"] == dt.timedelta(seconds=settings.REMINDER_DISPATCH_SECONDS) == dt.timedelta(minutes=2)
    assert entry["task"] in app.tasks


def test_the_broker_redelivers_a_batch_after_ten_minutes_and_a_lease_lasts_five(settings):
    assert app.conf.broker_transport_options["visibility_timeout"] == 600
    assert settings.REMINDER_LEASE_SECONDS == 300


def test_tasks_are_acknowledged_late_and_requeued_when_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_due_reminders_through_redis(redis_url, smtp_sink):
    due = ReminderPatientFactory.create_batch(3)
    ReminderPatientFactory(email="unverified@example.com", email_verified_at=None)
    with real_worker(redis_url):
        dispatch_weekly_reminders.delay()
        wait_for(lambda: sent_count() == 3, what="three sent reminders")
        settle(redis_url)
    assert smtp_sink.per_recipient() == {p.email: 1 for p in due}
    message = smtp_sink.messages()[0]
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:8000/reminders/unsubscribe/")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_redelivered_batches_double_dispatch_and_two_beats_send_one_email_each(redis_url, smtp_sink, settings):
    settings.REMINDER_BATCH_SIZE = 4
    patients = ReminderPatientFactory.create_batch(10)
    batches = []
    dispatch(enqueue=batches.append)
    with using_broker(redis_url):
        for batch in batches:
            # The same message twice, as Redis redelivers one whose worker died unacknowledged.
            send_weekly_reminders.apply_async(args=[batch], task_id=f"batch-{batch[0]}")
            send_weekly_reminders.apply_async(args=[batch], task_id=f"batch-{batch[0]}")
        dispatch_weekly_reminders.delay()  # a second dispatch
        dispatch_weekly_reminders.delay()  # and a second beat process
    # Four worker threads take the copies at the same time.
    with real_worker(redis_url, pool="threads", concurrency=4):
        wait_for(lambda: sent_count() == 10, what="ten sent reminders")
        settle(redis_url)
    assert smtp_sink.per_recipient() == {p.email: 1 for p in patients}
    assert smtp_sink.count() == 10


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_daily_reminders_with_two_beats_and_the_cron_command_at_once_go_out_once_each(redis_url, smtp_sink, settings):
    """Daily patients in zones on three different local dates right now, all due: four worker
    threads take redelivered batches, two beats' dispatches and a cron run happening at the same
    moment. Every due patient gets one email; a patient who checked in today gets none."""
    settings.REMINDER_BATCH_SIZE = 3
    zones = ["Pacific/Kiritimati", "Asia/Kathmandu", "America/New_York", "Pacific/Pago_Pago"]
    due = [
        ReminderPatientFactory(reminder_cadence=Cadence.DAILY, time_zone=zones[i % len(zones)], reminder_hour=0)
        for i in range(12)
    ]
    logged = ReminderPatientFactory(reminder_cadence=Cadence.DAILY, time_zone="Asia/Kathmandu", reminder_hour=0)
    CheckIn.objects.create(patient=logged, day=patient_today(patient=logged), stress=2)
    batches = []
    dispatch(enqueue=batches.append)
    with using_broker(redis_url):
        for batch in batches:
            send_weekly_reminders.apply_async(args=[batch], task_id=f"batch-{batch[0]}")
            send_weekly_reminders.apply_async(args=[batch], task_id=f"batch-{batch[0]}")
    with real_worker(redis_url, pool="threads", concurrency=4):
        dispatch_weekly_reminders.delay()  # beat
        dispatch_weekly_reminders.delay()  # a second beat
        cron = threading.Thread(target=call_command, args=["send_weekly_reminders"])
        cron.start()  # and cron, in this process, at the same time
        cron.join()
        wait_for(lambda: sent_count() == len(due), what="every daily reminder sent")
        settle(redis_url)
    assert smtp_sink.per_recipient() == {p.email: 1 for p in due}  # zero duplicates, zero missed
    assert smtp_sink.count() == len(due)
    rows = ReminderDelivery.objects.all()
    assert {r.kind for r in rows} == {ReminderDelivery.Kind.DAY}
    assert len({r.period_start for r in rows}) >= 2  # different local dates at this same instant
    assert ReminderDelivery.objects.get(patient=logged).status == Status.SKIPPED


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_first_dispatch_after_redis_returns_sends_what_was_due(redis_url, closed_broker_url, smtp_sink):
    patients = ReminderPatientFactory.create_batch(2)
    with using_broker(closed_broker_url), pytest.raises(OperationalError):
        dispatch_weekly_reminders()  # cron's run during the outage: cannot enqueue
    assert smtp_sink.count() == 0
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {Status.PENDING}

    with real_worker(redis_url):
        dispatch_weekly_reminders.delay()  # the next hourly run, Redis back
        wait_for(lambda: sent_count() == 2, what="two sent reminders")
        settle(redis_url)
    assert smtp_sink.per_recipient() == {p.email: 1 for p in patients}


@pytest.mark.django_db
def test_pages_and_check_ins_work_while_the_broker_is_down(
    client, closed_broker_url, django_capture_on_commit_callbacks
):
    # No frozen clock here: the broker client times out by the real clock.
    with using_broker(closed_broker_url, task_publish_retry=False):
        with pytest.raises(OperationalError):  # the broker really is unreachable
            send_weekly_reminders.delay([1])

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("signup"),
                {
                    "email": "new@example.com",
                    "first_name": "Nia",
                    "time_zone": "America/New_York",
                    "password1": PASSWORD,
                    "password2": PASSWORD,
                    "reminders_enabled": "on",
                },
            )
        assert response.status_code == 302
        # The broker refuses the task, so the verification email goes out from the request instead.
        assert len(mail.outbox) == 1
        client.post(reverse("login"), {"username": "new@example.com", "password": PASSWORD})
        assert client.post(reverse("today"), {"stress": "4"}).status_code == 302
        assert CheckIn.objects.count() == 1
        for name in ("today", "history", "settings"):
            assert client.get(reverse(name)).status_code == 200
        settings_form = {"first_name": "Nia", "time_zone": "Europe/Paris", "reminder_weekday": 3, "reminder_hour": 9}
        assert client.post(reverse("settings"), settings_form).status_code == 302
        assert client.post(reverse("resend_verification")).status_code == 302
        patient = User.objects.get(email="new@example.com")
        assert (patient.time_zone, patient.reminder_weekday) == ("Europe/Paris", 3)


@pytest.mark.django_db
def test_the_cron_command_sends_due_reminders_in_process_once(frozen_now, capsys):
    due = ReminderPatientFactory()
    UserFactory()
    call_command("send_weekly_reminders")
    call_command("send_weekly_reminders")
    assert [m.to for m in mail.outbox] == [[due.email]]
    output = capsys.readouterr().out.splitlines()
    assert output == [
        "1 reminders processed in this process in 1 batches (1 newly due, 0 expired unsent).",
        "0 reminders processed in this process in 0 batches (0 newly due, 0 expired unsent).",
    ]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_temporary_smtp_refusal_is_retried_through_the_broker(redis_url, smtp_sink, monkeypatch):
    patient = ReminderPatientFactory(email="busy@example.com")
    smtp_sink.refuse["busy@example.com"] = "451 4.3.0 Try again later"
    monkeypatch.setattr("tracker.reminders.sending.backoff_seconds", lambda attempts: 1)
    with real_worker(redis_url):
        dispatch_weekly_reminders.delay()
        wait_for(lambda: ReminderDelivery.objects.filter(last_error__contains="451").exists(), what="a refusal")
        del smtp_sink.refuse["busy@example.com"]
        wait_for(lambda: sent_count() == 1, what="the retried send")  # the task's own retry, 1 s later
        settle(redis_url)
    assert smtp_sink.per_recipient() == {patient.email: 1}
    delivery = ReminderDelivery.objects.get()
    assert (delivery.attempts, delivery.last_error) == (2, "")


@pytest.mark.parametrize(("wait", "retried"), [(30, True), (300, True), (1800, False)])
def test_a_retry_waits_in_the_broker_only_if_it_comes_before_the_visibility_timeout(monkeypatch, wait, retried):
    # Past the timeout Redis would hand the waiting retry to a second worker as well; the
    # dispatch finds those rows again when their back-off ends.
    monkeypatch.setattr("tracker.tasks.send_batch", lambda delivery_ids: BatchOutcome(retry_ids=[7], retry_in=wait))
    send_weekly_reminders.push_request(is_eager=False, retries=0)
    try:
        if retried:
            with pytest.raises(Retry):
                send_weekly_reminders.run([7])
        else:
            assert send_weekly_reminders.run([7])["retry"] == 1
    finally:
        send_weekly_reminders.pop_request()
