"""Web Push per batch (tracker/reminders/push.py, `send_reminder_pushes_for_batch`): one claim for
the batch, pushes a few at a time, answers recorded a set at a time; each answer still acts on its
own device only, and two senders of one batch still push each device once."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import NOW
from tests.factories import ReminderPatientFactory
from tests.reminders.test_faults import our_backend_pid, postgresql_only, terminate_backend
from tests.reminders.test_push import add_device, queue_all
from tracker.models import PushDelivery, PushSubscription, ReminderDelivery
from tracker.reminders import push
from tracker.reminders.sending import send_batch
from tracker.tasks import dispatch_weekly_reminders

Status = ReminderDelivery.Status
PushStatus = PushDelivery.Status


def patients_with_a_device(web_push, count, *, answers=None):
    """`count` patients by push only, `patient-<i>` with one device `phone-<i>`."""
    answers = answers or {}
    patients = []
    for index in range(count):
        patient = ReminderPatientFactory(email=f"patient-{index}@example.com", reminders_enabled=False)
        add_device(web_push, patient, f"phone-{index}", answer=answers.get(index, 201))
        patients.append(patient)
    return patients


def received(web_push):
    return sorted(p.device for p in web_push.received)


@pytest.fixture
def small_record_sets(monkeypatch):
    """Answers recorded 3 at a time, so a batch of a few devices spans several sets."""
    monkeypatch.setattr(push, "PUSH_RECORD_EVERY", 3)


def test_it_a_410_in_the_middle_of_a_batch_removes_exactly_that_device(web_push, db, frozen_now, small_record_sets):
    patients = patients_with_a_device(web_push, 7, answers={4: 410})
    outcome = send_batch(delivery_ids=queue_all())

    assert received(web_push) == [f"phone-{i}" for i in range(7)]
    remaining = sorted(
        endpoint.rsplit("/", 1)[1] for endpoint in PushSubscription.objects.values_list("endpoint", flat=True)
    )
    assert remaining == [f"phone-{i}" for i in range(7) if i != 4]
    assert PushDelivery.objects.filter(status=PushStatus.SENT).count() == 6
    assert not PushDelivery.objects.exclude(status=PushStatus.SENT).exists()  # the gone one went with its device
    # Her only device is gone: her reminder reached no one, and says so; the others went.
    gone = ReminderDelivery.objects.get(patient=patients[4])
    assert (gone.status, gone.last_error) == (Status.FAILED, push.NO_DEVICE)
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 6
    assert (outcome.sent, outcome.failed) == (6, 1)


def test_it_a_429_in_a_batch_retries_only_that_push(web_push, db, frozen_now, small_record_sets):
    patients_with_a_device(web_push, 7, answers={2: 429})
    send_batch(delivery_ids=queue_all())

    waiting = PushDelivery.objects.get(status=PushStatus.PENDING)
    assert "phone-2" in waiting.subscription.endpoint
    assert waiting.claimed_until == NOW + dt.timedelta(seconds=1)  # the stub's Retry-After: 1
    assert (waiting.attempts, waiting.last_error) == (1, "Push service answered 429")
    assert PushDelivery.objects.filter(status=PushStatus.SENT).count() == 6
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 7  # it will go: sent

    web_push.answers["phone-2"] = 201
    with time_machine.travel(NOW + dt.timedelta(seconds=2), tick=False):
        assert dispatch_weekly_reminders()["push_retries"] == 1
    assert received(web_push).count("phone-2") == 2
    assert all(received(web_push).count(f"phone-{i}") == 1 for i in range(7) if i != 2)
    assert PushDelivery.objects.filter(status=PushStatus.SENT).count() == 7


def test_it_an_email_and_push_patient_gets_the_pushes_before_the_email_and_each_once(
    web_push, db, frozen_now, small_record_sets
):
    patients_with_a_device(web_push, 4)
    erin = ReminderPatientFactory(email="erin@example.com")
    add_device(web_push, erin, "erin-phone")
    add_device(web_push, erin, "erin-laptop", answer=410)

    outcome = send_batch(delivery_ids=queue_all())

    assert outcome.sent == 5
    assert [message.to for message in mail.outbox] == [["erin@example.com"]]
    assert received(web_push) == sorted(["erin-laptop", "erin-phone", *(f"phone-{i}" for i in range(4))])
    assert ReminderDelivery.objects.get(patient=erin).status == Status.SENT
    assert PushSubscription.objects.filter(user=erin).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_two_workers_on_the_same_batch_push_each_device_once(web_push, frozen_now, small_record_sets):
    patients_with_a_device(web_push, 12, answers={5: 410})
    erin = ReminderPatientFactory(email="erin@example.com")
    add_device(web_push, erin, "erin-phone")
    ids = queue_all()
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait(timeout=10)
            send_batch(delivery_ids=ids)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert received(web_push) == sorted(["erin-phone", *(f"phone-{i}" for i in range(12))])
    assert [message.to for message in mail.outbox] == [["erin@example.com"]]
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 12
    assert ReminderDelivery.objects.filter(status=Status.FAILED).count() == 1  # phone-5 was her only device


def test_it_leaves_a_push_it_had_no_time_to_start_for_the_next_dispatch_without_counting_it(
    web_push, push_only_patient, frozen_now, settings
):
    add_device(web_push, push_only_patient, "dana-phone")
    # A lease this short leaves no time to start a push (PUSH_TIMEOUT and the record margin).
    settings.REMINDER_LEASE_SECONDS, settings.PUSH_TIMEOUT = push.RECORD_MARGIN_SECONDS + 1, 1
    send_batch(delivery_ids=queue_all())
    assert web_push.received == []
    waiting = PushDelivery.objects.get()
    assert (waiting.status, waiting.attempts, waiting.claimed_until) == (PushStatus.PENDING, 0, NOW)
    assert ReminderDelivery.objects.get().status == Status.SENT  # its push will go

    settings.REMINDER_LEASE_SECONDS = 300
    assert dispatch_weekly_reminders()["push_retries"] == 1
    assert received(web_push) == ["dana-phone"]
    assert PushDelivery.objects.get().attempts == 1


@pytest.fixture
def push_only_patient(db):
    return ReminderPatientFactory(email="dana@example.com", reminders_enabled=False)


def test_it_claims_sends_and_records_a_batch_in_the_same_number_of_queries_whatever_its_size(web_push, db, frozen_now):
    def queries_for(count, offset):
        for index in range(offset, offset + count):
            patient = ReminderPatientFactory(email=f"p{index}@example.com", reminders_enabled=False)
            add_device(web_push, patient, f"phone-{index}", answer=410 if index % 3 == 0 else 201)
        ids = queue_all()
        deliveries = list(ReminderDelivery.objects.filter(pk__in=ids).select_related("patient"))
        with CaptureQueriesContext(connection) as queries:
            result = push.send_reminder_pushes_for_batch(deliveries=deliveries, email_ids=set())
        assert result.pushes.sent + result.pushes.gone == count
        return len(queries)

    assert queries_for(3, 0) == queries_for(30, 100)


@postgresql_only
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_records_a_batch_whose_database_connection_was_cut_mid_push_and_pushes_each_device_once(
    web_push, settings, small_record_sets
):
    patients_with_a_device(web_push, 5)
    ids = queue_all()
    sender = our_backend_pid()
    # The third push is accepted, and the sender's connection dies before it can record it.
    web_push.on_push = lambda answered: terminate_backend(sender) if answered == 3 else None

    outcome = send_batch(delivery_ids=ids)

    assert our_backend_pid() != sender  # it reconnected
    assert (outcome.sent, outcome.retry_ids) == (5, [])
    assert set(PushDelivery.objects.values_list("status", flat=True)) == {PushStatus.SENT}
    # Later runs, past every lease, find nothing to push again.
    later = timezone.now() + dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        dispatch_weekly_reminders()
    assert received(web_push) == [f"phone-{i}" for i in range(5)]


def test_it_leaves_the_push_only_reminders_for_a_retry_when_the_database_is_lost_at_the_claim(
    web_push, db, frozen_now, monkeypatch
):
    patients_with_a_device(web_push, 2)
    ids = queue_all()

    def lost(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(push, "_claim_reminders", lost)
    outcome = send_batch(delivery_ids=ids)
    assert (outcome.sent, outcome.retry_ids, outcome.retry_in) == (0, ids, push.DATABASE_RETRY_SECONDS)
    assert web_push.received == []
    assert set(ReminderDelivery.objects.values_list("status", "attempts")) == {(Status.PENDING, 0)}
