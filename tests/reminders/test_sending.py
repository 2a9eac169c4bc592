"""Sending reminders to a real SMTP server: the message, and what failures do."""

import datetime as dt
import re
import socket
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import CheckInFactory, ReminderPatientFactory
from tests.smtp import PORTS
from tracker.core.tokens import unsubscribe_patient_id
from tracker.models import ReminderDelivery
from tracker.reminders.dispatch import dispatch
from tracker.reminders.emails import Teaser, reminder_teaser
from tracker.reminders.sending import backoff_seconds, send_batch

Status = ReminderDelivery.Status
TODAY = dt.date(2026, 11, 27)  # frozen_now's day in New York


def frozen_now_utc():
    return dt.datetime.now(dt.UTC)


def queue_all():
    batches = []
    dispatch(enqueue=batches.append)
    return [pk for batch in batches for pk in batch]


@pytest.fixture
def alice_due(alice):
    alice.reminders_enabled = True
    alice.email_verified_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    alice.reminder_weekday, alice.reminder_hour = 1, 0
    alice.save()
    return alice


def test_it_sends_a_multipart_reminder_with_one_click_unsubscribe(db, alice_due, smtp_sink, frozen_now, settings):
    outcome = send_batch(delivery_ids=queue_all())
    assert outcome.sent == 1
    [received] = smtp_sink.received
    assert received.rcpt_tos == ("alice@example.com",)
    message = received.parsed()

    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Alice, your weekly check-in reminder"
    assert message["Message-ID"]

    # A long header is folded after the colon (valid RFC 5322); unfolded it is just the URL.
    header = message["List-Unsubscribe"].strip()
    unsubscribe = re.fullmatch(r"<(http://127\.0\.0\.1:8000/reminders/unsubscribe/([^/]+)/)>", header)
    assert unsubscribe, header
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe_patient_id(unsubscribe.group(2)) == alice_due.pk

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hi Alice," in text
    assert f"Log today's check-in: {settings.SITE_URL}{reverse('today')}" in text
    assert f'href="{settings.SITE_URL}{reverse("today")}"' in html
    assert unsubscribe.group(1) in text
    assert unsubscribe.group(1) in html
    assert "<!doctype html>" in html.lower()
    assert "not medical advice" in html
    assert "Call or text 988" in text
    # The week's educational note, with its source, in both parts.
    teaser = reminder_teaser(iso_year=2026, iso_week=48)
    assert f"From the reading list: {teaser.title}" in text
    assert f"Source: {teaser.citation}" in text
    assert teaser.url in html


def test_it_counts_last_weeks_check_ins_and_the_streak_but_never_shows_values(db, alice_due, smtp_sink, frozen_now):
    for offset in (2, 3, 6, 9):
        CheckInFactory(patient=alice_due, day=TODAY - dt.timedelta(days=offset), stress=7, note="private words")
    CheckInFactory(patient=alice_due, day=TODAY - dt.timedelta(days=1), sleep_hours=6.25)
    send_batch(delivery_ids=queue_all())
    message = smtp_sink.messages()[0]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "In the last 7 days you checked in on 4 days." in text
    assert "Current streak: 3 days in a row." in text  # yesterday and the two days before
    assert "<strong>4</strong> days." in html
    for body in (text, html):
        assert "private words" not in body
        assert "6.25" not in body
        assert "7.5" not in body


def test_it_includes_the_teaser_and_its_citation_when_there_is_one(db, alice_due, smtp_sink, frozen_now, monkeypatch):
    teaser = Teaser(
        title="Sleep and stress",
        summary="What researchers have looked at.",
        citation="Doe J. A study. Journal. 2020;1:1-2.",
        url="http://127.0.0.1:8000/learn/sleep/",
    )
    monkeypatch.setattr("tracker.reminders.sending.reminder_teaser", lambda **week: teaser)
    send_batch(delivery_ids=queue_all())
    text = smtp_sink.messages()[0].get_body(("plain",)).get_content()
    assert "From the reading list: Sleep and stress" in text
    assert "Source: Doe J. A study. Journal. 2020;1:1-2." in text


def test_it_greets_a_patient_without_a_first_name(db, smtp_sink, frozen_now):
    ReminderPatientFactory(first_name="")
    send_batch(delivery_ids=queue_all())
    message = smtp_sink.messages()[0]
    assert message["Subject"] == "Your weekly check-in reminder"
    assert "Hi there," in message.get_body(("plain",)).get_content()


def test_it_sends_a_whole_batch_over_one_connection(db, smtp_sink, frozen_now):
    patients = ReminderPatientFactory.create_batch(5)
    outcome = send_batch(delivery_ids=queue_all())
    assert outcome.sent == 5
    assert smtp_sink.per_recipient() == {p.email: 1 for p in patients}
    assert ReminderDelivery.objects.filter(status=Status.SENT, sent_at__isnull=False).count() == 5


def test_a_refused_recipient_is_a_permanent_failure_and_the_batch_goes_on(db, smtp_sink, frozen_now):
    refused = ReminderPatientFactory(email="gone@example.com")
    fine = ReminderPatientFactory(email="fine@example.com")
    smtp_sink.refuse["gone@example.com"] = "550 5.1.1 No such user"
    outcome = send_batch(delivery_ids=queue_all())
    assert (outcome.sent, outcome.failed, outcome.retry_ids) == (1, 1, [])
    failed = ReminderDelivery.objects.get(patient=refused)
    assert failed.status == Status.FAILED
    assert failed.attempts == 1
    assert "550" in failed.last_error
    assert "No such user" in failed.last_error
    assert ReminderDelivery.objects.get(patient=fine).status == Status.SENT
    # Not retried: later runs leave it alone.
    dispatch(enqueue=lambda ids: send_batch(delivery_ids=ids))
    assert smtp_sink.per_recipient() == {"fine@example.com": 1}


def test_a_temporary_refusal_is_retried_with_backoff_until_the_last_attempt(db, smtp_sink, frozen_now, settings):
    patient = ReminderPatientFactory(email="busy@example.com")
    smtp_sink.refuse["busy@example.com"] = "451 4.3.0 Try again later"
    ids = queue_all()
    outcome = send_batch(delivery_ids=ids)
    assert outcome.retry_ids == ids
    assert outcome.retry_in == backoff_seconds(1) == 120
    delivery = ReminderDelivery.objects.get(patient=patient)
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    assert "451" in delivery.last_error

    assert send_batch(delivery_ids=ids).retry_ids == []  # still backing off: not tried
    for attempt in range(2, settings.REMINDER_MAX_ATTEMPTS + 1):
        frozen_now.shift(dt.timedelta(seconds=backoff_seconds(attempt - 1)))
        send_batch(delivery_ids=ids)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
    assert delivery.status == Status.FAILED
    frozen_now.shift(dt.timedelta(hours=1))
    assert dispatch(enqueue=lambda ids: send_batch(delivery_ids=ids)).enqueued == 0


def test_a_temporary_refusal_then_acceptance_sends_once(db, smtp_sink, frozen_now):
    ReminderPatientFactory(email="busy@example.com")
    smtp_sink.refuse["busy@example.com"] = "451 4.3.0 Try again later"
    ids = queue_all()
    send_batch(delivery_ids=ids)
    del smtp_sink.refuse["busy@example.com"]
    frozen_now.shift(dt.timedelta(hours=1))
    dispatch(enqueue=lambda ids: send_batch(delivery_ids=ids))
    dispatch(enqueue=lambda ids: send_batch(delivery_ids=ids))
    assert smtp_sink.per_recipient() == {"busy@example.com": 1}
    assert ReminderDelivery.objects.get().last_error == ""


def _closed_port():
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no closed port in 8600-8699")


def test_an_unreachable_smtp_server_uses_up_no_attempt_and_is_retried(db, frozen_now, settings, smtp_sink):
    patients = ReminderPatientFactory.create_batch(2)
    ids = queue_all()
    settings.EMAIL_PORT = _closed_port()
    outcome = send_batch(delivery_ids=ids)
    assert (outcome.sent, outcome.retry_ids, outcome.retry_in) == (0, ids, 300)
    for delivery in ReminderDelivery.objects.all():
        assert (delivery.status, delivery.attempts) == (Status.PENDING, 0)
        assert "SMTP server unreachable" in delivery.last_error

    settings.EMAIL_PORT = smtp_sink.port
    frozen_now.shift(dt.timedelta(hours=1))
    dispatch(enqueue=lambda ids: send_batch(delivery_ids=ids))
    assert smtp_sink.per_recipient() == {p.email: 1 for p in patients}


@pytest.mark.parametrize("patients", [1, 6])
def test_a_batch_runs_eight_queries_plus_a_claim_and_a_mark_per_reminder(
    db, frozen_now, patients, django_assert_num_queries
):
    for patient in ReminderPatientFactory.create_batch(patients):
        CheckInFactory(patient=patient, day=TODAY - dt.timedelta(days=1))
    ids = queue_all()
    # Six for the batch (deliveries, eligible, pauses, checked in today (one per local date: one
    # here), streaks, days logged), two for the teaser (the week's note and its first reference).
    # Each claim and each mark is a statement (and a commit) of its own.
    with django_assert_num_queries(8 + 2 * patients):
        outcome = send_batch(delivery_ids=ids)
    assert outcome.sent == len(mail.outbox) == patients


@pytest.mark.parametrize("patients", [1, 30])
def test_dispatch_runs_a_fixed_number_of_queries(db, frozen_now, patients, django_assert_num_queries):
    ReminderPatientFactory.create_batch(patients, time_zone="Europe/Paris")
    ReminderPatientFactory.create_batch(patients, time_zone="Asia/Tokyo")
    zones = ("Europe/Paris", "Asia/Tokyo")
    local_dates = {frozen_now_utc().astimezone(zoneinfo.ZoneInfo(zone)).date() for zone in zones}
    # expire, zones, then per local date: find and insert; then the claimable ids.
    with django_assert_num_queries(3 + 2 * len(local_dates)):
        summary = dispatch(enqueue=lambda ids: None)
    assert summary.created == ReminderDelivery.objects.count() == 2 * patients


def test_a_message_that_cannot_be_built_is_recorded_and_the_batch_goes_on(db, smtp_sink, frozen_now, monkeypatch):
    from tracker.reminders import sending as reminder_sending

    broken = ReminderPatientFactory(email="broken@example.com")
    fine = ReminderPatientFactory(email="fine@example.com")
    real = reminder_sending.reminder_email

    def build(**kwargs):
        if kwargs["patient"].pk == broken.pk:
            raise ValueError("bad address")
        return real(**kwargs)

    monkeypatch.setattr(reminder_sending, "reminder_email", build)
    outcome = send_batch(delivery_ids=queue_all())
    assert outcome.sent == 1
    assert smtp_sink.per_recipient() == {fine.email: 1}
    delivery = ReminderDelivery.objects.get(patient=broken)
    assert (delivery.status, delivery.attempts) == (Status.PENDING, 1)
    assert "ValueError('bad address')" in delivery.last_error


def test_a_row_whose_attempts_are_used_up_is_not_claimed_again(db, smtp_sink, frozen_now, settings):
    ReminderPatientFactory()
    ids = queue_all()
    ReminderDelivery.objects.update(attempts=settings.REMINDER_MAX_ATTEMPTS)  # say, its worker kept dying
    assert send_batch(delivery_ids=ids).sent == 0
    assert dispatch(enqueue=lambda ids: None).enqueued == 0
    assert smtp_sink.count() == 0
