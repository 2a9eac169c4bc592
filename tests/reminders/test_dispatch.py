"""Who is due for a weekly reminder, dispatch, and once-a-week delivery."""

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connections
from django.utils import timezone

from tests.factories import ReminderPatientFactory, UserFactory
from tracker.models import Note, ReminderDelivery
from tracker.reminders.dispatch import dispatch
from tracker.reminders.emails import reminder_teaser
from tracker.reminders.sending import claim, mark_sent, send_batch

Status = ReminderDelivery.Status


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def send_now(ids):
    send_batch(delivery_ids=ids)


def run_dispatch():
    return dispatch(enqueue=send_now)


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


# Sydney's clocks go forward on Sunday 4 October 2026 (UTC+10 -> UTC+11) and
# back on Sunday 4 April 2027 (UTC+11 -> UTC+10).
@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Monday 28 Sep 08:00 AEST = 27 Sep 22:00 UTC; Monday 5 Oct 08:00 AEDT = 4 Oct 21:00 UTC.
        (utc(2026, 9, 27, 22), utc(2026, 10, 4, 21)),
        # Monday 29 Mar 08:00 AEDT = 28 Mar 21:00 UTC; Monday 5 Apr 08:00 AEST = 4 Apr 22:00 UTC.
        (utc(2027, 3, 28, 21), utc(2027, 4, 4, 22)),
    ],
    ids=["dst-starts", "dst-ends"],
)
def test_it_sends_at_monday_0800_in_sydney_across_a_dst_change(db, before, after):
    ReminderPatientFactory(
        email="syd@example.com",
        time_zone="Australia/Sydney",
        reminder_weekday=1,
        reminder_hour=8,
        reminders_since=before.date(),  # within the back-off's first weeks
    )
    for moment, expected in [
        (before - dt.timedelta(minutes=1), 0),
        (before, 1),
        (before + dt.timedelta(hours=5), 1),
        (after - dt.timedelta(hours=1), 1),  # the old UTC hour would be an hour wrong
        (after - dt.timedelta(seconds=1), 1),
        (after, 2),
        (after + dt.timedelta(hours=1), 2),
    ]:
        with time_machine.travel(moment, tick=False):
            run_dispatch()
        assert len(mail.outbox) == expected, moment
    assert list(ReminderDelivery.objects.order_by("due_at").values_list("due_at", flat=True)) == [before, after]


def test_it_sends_a_reminder_set_inside_the_spring_forward_gap_when_the_clocks_jump(db):
    # New York skips 02:00-03:00 on Sunday 8 March 2026; 03:00 EDT is 07:00 UTC.
    ReminderPatientFactory(time_zone="America/New_York", reminder_weekday=7, reminder_hour=2)
    with time_machine.travel(utc(2026, 3, 8, 6, 59), tick=False):
        run_dispatch()
    assert mail.outbox == []
    with time_machine.travel(utc(2026, 3, 8, 7), tick=False):
        run_dispatch()
    assert len(mail.outbox) == 1
    assert ReminderDelivery.objects.get().due_at == utc(2026, 3, 8, 7)


def test_it_catches_up_later_in_the_week_but_not_in_the_next_week(db):
    # Chose Monday 08:00 in New York; the first dispatch runs on Wednesday.
    ReminderPatientFactory(time_zone="America/New_York", reminder_weekday=1, reminder_hour=8)
    with time_machine.travel(utc(2026, 11, 25, 15), tick=False):
        run_dispatch()
        run_dispatch()
    assert len(mail.outbox) == 1
    delivery = ReminderDelivery.objects.get()
    assert (delivery.iso_year, delivery.iso_week, delivery.status) == (2026, 48, Status.SENT)
    assert delivery.due_at == utc(2026, 11, 23, 13)
    assert delivery.expires_at == utc(2026, 11, 30, 5)


def test_it_uses_the_iso_week_of_the_patients_own_zone(db):
    # Sunday 29 Nov 2026 20:00 UTC is already Monday 30 Nov (week 49) in Auckland, still week 48 in New York.
    auckland = ReminderPatientFactory(time_zone="Pacific/Auckland")
    new_york = ReminderPatientFactory(time_zone="America/New_York")
    with time_machine.travel(utc(2026, 11, 29, 20), tick=False):
        run_dispatch()
    weeks = dict(ReminderDelivery.objects.values_list("patient_id", "iso_week"))
    assert weeks == {auckland.pk: 49, new_york.pk: 48}


def test_it_sends_nothing_to_unverified_opted_out_or_inactive_patients_or_clinicians(db, frozen_now):
    ReminderPatientFactory(email="due@example.com")
    ReminderPatientFactory(email="unverified@example.com", email_verified_at=None)
    ReminderPatientFactory(email="off@example.com", reminders_enabled=False)
    ReminderPatientFactory(email="gone@example.com", is_active=False)
    ReminderPatientFactory(email="clinician@example.com", role="clinician")
    UserFactory(email="default@example.com", email_verified_at=utc(2026, 1, 1))
    summary = run_dispatch()
    assert sent_to() == ["due@example.com"]
    assert (summary.created, summary.enqueued, summary.batches) == (1, 1, 1)


def test_it_is_not_due_before_the_chosen_hour(db, frozen_now):
    # frozen_now is Friday 10:00 in New York.
    ReminderPatientFactory(email="later@example.com", reminder_weekday=5, reminder_hour=11)
    ReminderPatientFactory(email="now@example.com", reminder_weekday=5, reminder_hour=10)
    ReminderPatientFactory(email="saturday@example.com", reminder_weekday=6, reminder_hour=0)
    run_dispatch()
    assert sent_to() == ["now@example.com"]


def test_it_enqueues_in_batches_of_the_configured_size(db, frozen_now, settings):
    settings.REMINDER_BATCH_SIZE = 2
    ReminderPatientFactory.create_batch(5)
    batches = []
    summary = dispatch(enqueue=batches.append)
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert summary.enqueued == 5
    assert mail.outbox == []


def test_dispatching_twice_sends_one_email(db, frozen_now):
    ReminderPatientFactory.create_batch(3)
    run_dispatch()
    second = run_dispatch()
    assert len(mail.outbox) == 3
    assert (second.created, second.enqueued) == (0, 0)
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 3


def test_a_redelivered_send_task_sends_nothing_more(db, frozen_now):
    ReminderPatientFactory.create_batch(3)
    batches = []
    dispatch(enqueue=batches.append)
    send_batch(delivery_ids=batches[0])
    again = send_batch(delivery_ids=batches[0])
    assert len(mail.outbox) == 3
    assert again.sent == 0


def test_a_claim_held_by_a_crashed_worker_is_sent_once_its_lease_runs_out(db, frozen_now, settings):
    patient = ReminderPatientFactory()
    batches = []
    dispatch(enqueue=batches.append)
    delivery = ReminderDelivery.objects.get(patient=patient)
    assert claim(delivery_id=delivery.pk)  # the worker that took it died before sending

    send_batch(delivery_ids=batches[0])  # the redelivered task
    run_dispatch()  # the next hourly run, within the lease
    assert mail.outbox == []

    frozen_now.shift(dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS))
    run_dispatch()
    run_dispatch()
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2)


def test_only_one_sender_can_claim_a_delivery(db, frozen_now):
    ReminderPatientFactory()
    dispatch(enqueue=lambda ids: None)
    delivery = ReminderDelivery.objects.get()
    assert claim(delivery_id=delivery.pk)
    assert claim(delivery_id=delivery.pk) is None


def test_a_claim_takes_a_lease_and_uses_up_an_attempt(db, frozen_now, settings):
    ReminderPatientFactory()
    dispatch(enqueue=lambda ids: None)
    delivery = ReminderDelivery.objects.get()
    token = claim(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    lease_end = timezone.now() + dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    assert (delivery.claim_token, delivery.claimed_until, delivery.attempts) == (token, lease_end, 1)


def test_a_delivery_past_its_week_cannot_be_claimed(db, frozen_now):
    ReminderPatientFactory()
    dispatch(enqueue=lambda ids: None)
    delivery = ReminderDelivery.objects.get()
    assert claim(delivery_id=delivery.pk, now=delivery.expires_at) is None
    delivery.refresh_from_db()
    assert (delivery.claim_token, delivery.attempts) == ("", 0)


def test_only_the_claims_holder_can_mark_a_delivery_sent_and_only_once(db, frozen_now, settings, caplog):
    ReminderPatientFactory()
    dispatch(enqueue=lambda ids: None)
    delivery = ReminderDelivery.objects.get()
    stale = claim(delivery_id=delivery.pk)
    frozen_now.shift(dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS))  # the lease ran out
    token = claim(delivery_id=delivery.pk)
    assert not mark_sent(delivery_id=delivery.pk, token=stale)
    assert "may go out twice" in caplog.text
    assert mark_sent(delivery_id=delivery.pk, token=token)
    assert not mark_sent(delivery_id=delivery.pk, token=token)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.sent_at, delivery.claimed_until) == (Status.SENT, timezone.now(), None)


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_one_email_per_patient(frozen_now):
    patients = ReminderPatientFactory.create_batch(20)
    start = threading.Barrier(2)
    errors = []

    def dispatcher():
        try:
            start.wait(timeout=10)
            run_dispatch()
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sent_to() == sorted(p.email for p in patients)
    assert ReminderDelivery.objects.filter(status=Status.SENT).count() == 20


def test_a_reminder_not_sent_by_the_end_of_its_week_is_recorded_as_failed(db, frozen_now):
    ReminderPatientFactory()
    dispatch(enqueue=lambda ids: None)  # enqueued, never delivered (a lost broker, say)
    frozen_now.shift(dt.timedelta(days=7))
    summary = run_dispatch()
    assert summary.expired == 1
    old, new = ReminderDelivery.objects.order_by("iso_week")
    assert (old.status, old.last_error) == (Status.FAILED, "Its day or week ended before this reminder could be sent.")
    assert new.status == Status.SENT
    assert len(mail.outbox) == 1


def test_it_skips_a_queued_reminder_when_the_patient_turned_reminders_off(db, frozen_now):
    patient = ReminderPatientFactory()
    batches = []
    dispatch(enqueue=batches.append)
    patient.reminders_enabled = False
    patient.save()
    outcome = send_batch(delivery_ids=batches[0])
    assert (outcome.sent, outcome.skipped) == (0, 1)
    assert ReminderDelivery.objects.get().status == Status.SKIPPED
    assert mail.outbox == []


def test_the_teaser_is_one_note_with_its_citation_the_same_for_everyone_that_week(db, settings):
    teaser = reminder_teaser(iso_year=2026, iso_week=48)
    note = Note.objects.get(title=teaser.title)
    assert teaser.summary == note.summary
    assert teaser.url == f"{settings.SITE_URL}/learn/{note.slug}/"
    assert re.search(r"\((19|20)\d\d|n\.d\.\)", teaser.citation)
    assert "<" not in teaser.citation  # plain text, for the text part and escaped in the HTML part
    assert reminder_teaser(iso_year=2026, iso_week=48) == teaser


def test_the_teaser_walks_through_the_notes_week_by_week(db):
    titles = {reminder_teaser(iso_year=2026, iso_week=week).title for week in range(1, 1 + Note.objects.count())}
    assert len(titles) == Note.objects.count()


def test_there_is_no_teaser_without_notes(db):
    Note.objects.all().delete()
    assert reminder_teaser(iso_year=2026, iso_week=48) is None
