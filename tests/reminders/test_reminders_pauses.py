"""Pause days stop reminders: one that comes due on a paused day is skipped, with its reason; the
email's streak carries across paused days as the dashboard's does."""

import datetime as dt

import pytest

from tests.factories import CheckInFactory, ReminderPatientFactory
from tracker.models import Pause, ReminderDelivery
from tracker.reminders.dispatch import dispatch
from tracker.reminders.sending import PAUSED, send_batch

TODAY = dt.date(2026, 11, 27)  # frozen_now's day in New York, a Friday


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


def queue_all():
    batches = []
    dispatch(enqueue=batches.append)
    return [pk for batch in batches for pk in batch]


def test_a_reminder_due_on_a_paused_day_is_skipped_and_others_go_out(db, smtp_sink):
    away = ReminderPatientFactory(email="away@example.com")
    home = ReminderPatientFactory(email="home@example.com")
    Pause.objects.create(patient=away, first_day=TODAY - dt.timedelta(days=1), last_day=TODAY + dt.timedelta(days=2))
    outcome = send_batch(delivery_ids=queue_all())
    assert (outcome.sent, outcome.skipped) == (1, 1)
    assert [r.rcpt_tos for r in smtp_sink.received] == [("home@example.com",)]
    skipped = ReminderDelivery.objects.get(patient=away)
    assert (skipped.status, skipped.last_error) == (ReminderDelivery.Status.SKIPPED, PAUSED)
    assert ReminderDelivery.objects.get(patient=home).status == ReminderDelivery.Status.SENT
    assert queue_all() == []  # the week's reminder is not sent late once the pause ends


def test_a_pause_that_ended_yesterday_stops_nothing(db, smtp_sink):
    patient = ReminderPatientFactory()
    Pause.objects.create(patient=patient, first_day=TODAY - dt.timedelta(days=5), last_day=TODAY - dt.timedelta(days=1))
    assert send_batch(delivery_ids=queue_all()).sent == 1


def test_the_emails_streak_carries_across_paused_days(db, smtp_sink):
    patient = ReminderPatientFactory(first_name="Ravi")
    for offset in (1, 2, 6, 7):
        CheckInFactory(patient=patient, day=TODAY - dt.timedelta(days=offset))
    Pause.objects.create(patient=patient, first_day=TODAY - dt.timedelta(days=5), last_day=TODAY - dt.timedelta(days=3))
    send_batch(delivery_ids=queue_all())
    text = smtp_sink.received[0].parsed().get_body(("plain",)).get_content()
    assert "Current streak: 4 days in a row." in text
