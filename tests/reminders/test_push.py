"""Web Push reminders, sent for real to a push service on loopback that checks the VAPID token and
decrypts each payload (tests/push_service.py): what a device receives, and what each answer does."""

import datetime as dt
import json

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tests.factories import CheckInFactory, ReminderPatientFactory
from tracker.content.rules import violations
from tracker.models import PushDelivery, PushSubscription, ReminderDelivery, UserSession
from tracker.reminders.dispatch import dispatch
from tracker.reminders.push import reminder_push_text
from tracker.reminders.schedule import reminded_patients
from tracker.reminders.sending import send_batch
from tracker.tasks import dispatch_weekly_reminders

Status = ReminderDelivery.Status
TODAY = dt.date(2026, 11, 27)  # frozen_now's day in New York


def queue_all():
    batches = []
    dispatch(enqueue=batches.append)
    return [pk for batch in batches for pk in batch]


def add_device(service, patient, device, *, answer=201):
    """A browser of `patient`, signed in, that turned push reminders on."""
    sub = service.subscription(device, answer=answer)
    session = UserSession.objects.create(user=patient, session_key=f"key-{device}", browser="Firefox on Android")
    return PushSubscription.objects.create(
        user=patient, session=session, endpoint=sub["endpoint"], p256dh=sub["keys"]["p256dh"], auth=sub["keys"]["auth"]
    )


@pytest.fixture
def push_only(db):
    """Dana: email reminders off, a device with push on."""
    return ReminderPatientFactory(email="dana@example.com", first_name="Dana", reminders_enabled=False)


def test_it_pushes_only_the_localised_words_and_the_link_never_a_health_value(
    web_push, push_only, frozen_now, settings
):
    CheckInFactory(patient=push_only, day=TODAY - dt.timedelta(days=1), stress=7, sleep_hours=6.25, note="private")
    spanish = ReminderPatientFactory(email="sofia@example.com", reminders_enabled=False, language="es")
    add_device(web_push, push_only, "dana-phone")
    add_device(web_push, spanish, "sofia-phone")

    outcome = send_batch(delivery_ids=queue_all())

    assert outcome.sent == 2
    assert mail.outbox == []  # email is off for both
    assert web_push.rejected == []  # the VAPID token verified: ES256, aud, exp, sub
    by_device = {push.device: push for push in web_push.received}
    link = f"{settings.SITE_URL}{reverse('today')}"
    assert by_device["dana-phone"].json() == {"title": "Time for today's check-in", "url": link}
    assert by_device["sofia-phone"].json() == {"title": "Es hora de registrar el día de hoy", "url": link}
    # Exactly those two fields: no value logged (stress 7, 6.25 hours, the note), not even a name.
    payload = by_device["dana-phone"].payload.decode()
    for value in ("6.25", "6,25", "private", "stress", "sleep", "Dana", ": 7"):
        assert value not in payload
    assert by_device["dana-phone"].ttl == 12 * 3600
    assert set(PushDelivery.objects.values_list("status", flat=True)) == {PushDelivery.Status.SENT}
    assert PushSubscription.objects.filter(last_success_at__isnull=False).count() == 2


def test_the_push_words_pass_the_content_rules_in_every_language(settings):
    for code, _ in settings.LANGUAGES:
        assert violations(reminder_push_text(language=code)) == [], code


def test_a_patient_with_email_and_two_devices_gets_one_email_and_one_push_on_each(web_push, db, smtp_sink, frozen_now):
    erin = ReminderPatientFactory(email="erin@example.com")
    add_device(web_push, erin, "erin-phone")
    add_device(web_push, erin, "erin-laptop")
    assert send_batch(delivery_ids=queue_all()).sent == 1
    assert smtp_sink.per_recipient() == {"erin@example.com": 1}
    assert sorted(push.device for push in web_push.received) == ["erin-laptop", "erin-phone"]
    # A second dispatch and batch send nothing more.
    assert queue_all() == []
    assert len(web_push.received) == 2


@pytest.mark.parametrize("answer", [404, 410])
def test_a_gone_answer_removes_that_devices_subscription_only(web_push, push_only, frozen_now, answer):
    add_device(web_push, push_only, "old-phone", answer=answer)
    kept = add_device(web_push, push_only, "new-phone")
    send_batch(delivery_ids=queue_all())
    assert list(PushSubscription.objects.all()) == [kept]
    assert ReminderDelivery.objects.get().status == Status.SENT


@pytest.mark.parametrize(("answer", "wait"), [(429, 1), (500, 120), (503, 120)])
def test_a_busy_or_failing_push_service_keeps_the_device_and_retries_without_a_second_email(
    web_push, db, smtp_sink, frozen_now, answer, wait
):
    erin = ReminderPatientFactory(email="erin@example.com")
    device = add_device(web_push, erin, "erin-phone", answer=answer)
    send_batch(delivery_ids=queue_all())

    assert smtp_sink.count() == 1
    assert PushSubscription.objects.filter(pk=device.pk).exists()
    push = PushDelivery.objects.get()
    assert push.status == PushDelivery.Status.PENDING
    assert push.last_error == f"Push service answered {answer}"
    # 429 came with Retry-After: 1; a 5xx without one waits the back-off (2 minutes first).
    assert push.claimed_until == frozen_now_value() + dt.timedelta(seconds=wait)

    web_push.answers["erin-phone"] = 201
    dispatch_weekly_reminders()  # before the wait is over: nothing
    assert len(web_push.received) == 1
    with time_machine.travel(frozen_now_value() + dt.timedelta(seconds=wait + 1), tick=False):
        summary = dispatch_weekly_reminders()
    assert summary["push_retries"] == 1
    assert [p.answer for p in web_push.received] == [answer, 201]
    assert PushDelivery.objects.get().status == PushDelivery.Status.SENT
    assert smtp_sink.count() == 1  # the email went once


def frozen_now_value():
    from tests.conftest import NOW

    return NOW


def test_a_reminder_retried_for_its_email_does_not_push_again(web_push, db, smtp_sink, frozen_now):
    erin = ReminderPatientFactory(email="erin@example.com")
    add_device(web_push, erin, "erin-phone")
    smtp_sink.refuse["erin@example.com"] = "451 4.3.0 Try again later"
    send_batch(delivery_ids=queue_all())
    assert ReminderDelivery.objects.get().status == Status.PENDING
    del smtp_sink.refuse["erin@example.com"]
    with time_machine.travel(frozen_now_value() + dt.timedelta(minutes=3), tick=False):
        send_batch(delivery_ids=queue_all())
    assert ReminderDelivery.objects.get().status == Status.SENT
    assert smtp_sink.count() == 1
    assert len(web_push.received) == 1


def test_push_only_reminders_go_out_while_the_smtp_server_is_unreachable(web_push, push_only, frozen_now, settings):
    erin = ReminderPatientFactory(email="erin@example.com")
    add_device(web_push, push_only, "dana-phone")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, False, 2
    outcome = send_batch(delivery_ids=queue_all())
    assert outcome.sent == 1
    assert [push.device for push in web_push.received] == ["dana-phone"]
    assert ReminderDelivery.objects.get(patient=erin).status == Status.PENDING
    assert ReminderDelivery.objects.get(patient=push_only).status == Status.SENT


def test_pushes_still_waiting_when_the_week_ends_are_recorded_failed(web_push, push_only, frozen_now):
    add_device(web_push, push_only, "dana-phone", answer=429)
    send_batch(delivery_ids=queue_all())
    with time_machine.travel(dt.datetime(2026, 12, 1, tzinfo=dt.UTC), tick=False):
        assert dispatch_weekly_reminders()["push_retries"] == 0
    push = PushDelivery.objects.get(delivery__iso_week=48)
    assert push.status == PushDelivery.Status.FAILED
    assert "period ended" in push.last_error


def test_who_is_due_email_on_or_a_device_with_push(web_push, db, frozen_now, settings):
    by_email = ReminderPatientFactory(email="email@example.com")
    by_push = ReminderPatientFactory(email="push@example.com", reminders_enabled=False)
    add_device(web_push, by_push, "push-phone")
    unverified_with_device = ReminderPatientFactory(email="unverified@example.com", email_verified_at=None)
    add_device(web_push, unverified_with_device, "unverified-phone")
    ReminderPatientFactory(email="off@example.com", reminders_enabled=False)
    ReminderPatientFactory(email="unverified-no-device@example.com", email_verified_at=None)
    inactive = ReminderPatientFactory(email="inactive@example.com", reminders_enabled=False, is_active=False)
    add_device(web_push, inactive, "inactive-phone")

    assert set(reminded_patients()) == {by_email, by_push, unverified_with_device}
    send_batch(delivery_ids=queue_all())
    # The unverified address gets no email, but the device gets its push.
    assert [message.to for message in mail.outbox] == [["email@example.com"]]
    assert sorted(p.device for p in web_push.received) == ["push-phone", "unverified-phone"]

    # With push not configured, a device counts for nothing.
    settings.WEB_PUSH_ENABLED = False
    assert set(reminded_patients()) == {by_email}


def test_a_paused_day_skips_the_push_too(web_push, push_only, frozen_now):
    from tracker.checkins.pauses import pause_add

    add_device(web_push, push_only, "dana-phone")
    pause_add(patient=push_only, first_day=TODAY, last_day=TODAY, reason="", now=frozen_now_value())
    send_batch(delivery_ids=queue_all())
    assert web_push.received == []
    assert ReminderDelivery.objects.get().status == Status.SKIPPED


def test_the_vapid_token_is_signed_once_per_push_service_for_a_batch(web_push, db, frozen_now):
    patients = ReminderPatientFactory.create_batch(3, reminders_enabled=False)
    for index, patient in enumerate(patients):
        add_device(web_push, patient, f"phone-{index}")
    send_batch(delivery_ids=queue_all())
    assert len(web_push.received) == 3
    assert len(web_push._verified) == 1  # one token, one audience


def test_the_payload_is_json_the_service_worker_reads(web_push, push_only, frozen_now):
    add_device(web_push, push_only, "dana-phone")
    send_batch(delivery_ids=queue_all())
    assert set(json.loads(web_push.received[0].payload)) == {"title", "url"}


def test_the_clinics_reminder_reach_counts_either_channel_with_the_same_small_cell_rule(
    web_push, db, smtp_sink, frozen_now
):
    from tests.factories import ClinicFactory
    from tracker.clinics.disclosure import engagement_report
    from tracker.clinics.engagement import clinic_engagement, default_period
    from tracker.clinics.services import clinic_join

    clinic = ClinicFactory()
    by_email = [ReminderPatientFactory(email=f"email{i}@example.com") for i in range(3)]
    by_push = [ReminderPatientFactory(email=f"push{i}@example.com", reminders_enabled=False) for i in range(3)]
    for index, patient in enumerate(by_push):
        add_device(web_push, patient, f"phone-{index}")
    # A push-only patient whose one device is gone was not reached: not counted.
    lost = ReminderPatientFactory(email="lost@example.com", reminders_enabled=False)
    add_device(web_push, lost, "lost-phone", answer=410)
    for patient in [*by_email, *by_push, lost]:
        clinic_join(patient=patient, clinic=clinic)
    send_batch(delivery_ids=queue_all())
    assert ReminderDelivery.objects.get(patient=lost).status == Status.FAILED

    def reach():
        engagement = clinic_engagement(clinic=clinic, period=default_period(today=TODAY))
        return engagement_report(engagement=engagement, today=TODAY).summary["reminders_sent"].text

    assert reach() == "6"
    ReminderDelivery.objects.filter(patient__in=by_email[:2]).delete()
    assert reach() == "fewer than 5"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_pushes_through_redis_once_per_device_even_with_two_dispatches(web_push, smtp_sink):
    import redis

    from tests.celery_helpers import broker_is_idle, real_worker, wait_for
    from tests.services import require_redis

    url = require_redis()
    redis.Redis.from_url(url).flushdb()
    patients = ReminderPatientFactory.create_batch(3, reminders_enabled=False)
    for index, patient in enumerate(patients):
        add_device(web_push, patient, f"phone-{index}")
    erin = ReminderPatientFactory(email="erin@example.com")
    add_device(web_push, erin, "erin-phone")
    add_device(web_push, erin, "erin-old-phone", answer=410)
    try:
        with real_worker(url, pool="threads", concurrency=2):
            dispatch_weekly_reminders.delay()
            dispatch_weekly_reminders.delay()
            wait_for(lambda: ReminderDelivery.objects.filter(status=Status.SENT).count() == 4, what="four reminders")
            wait_for(lambda: broker_is_idle(url), what="an idle broker")
    finally:
        redis.Redis.from_url(url).flushdb()
    assert sorted(push.device for push in web_push.received) == [
        "erin-old-phone", "erin-phone", "phone-0", "phone-1", "phone-2"
    ]  # fmt: skip
    assert web_push.rejected == []
    assert smtp_sink.per_recipient() == {"erin@example.com": 1}
    assert not PushSubscription.objects.filter(endpoint__contains="erin-old-phone").exists()


def test_a_check_in_saved_after_the_dispatch_skips_the_push_as_it_skips_the_email(web_push, push_only, frozen_now):
    both = ReminderPatientFactory(email="erin@example.com")
    add_device(web_push, push_only, "dana-phone")
    add_device(web_push, both, "erin-phone")
    ids = queue_all()
    # Both check in for their today between the dispatch and the send.
    CheckInFactory(patient=push_only, day=TODAY)
    CheckInFactory(patient=both, day=TODAY)

    outcome = send_batch(delivery_ids=ids)

    assert outcome.sent == 0
    assert outcome.skipped == 2
    assert web_push.received == []
    assert mail.outbox == []
    assert set(ReminderDelivery.objects.values_list("status", flat=True)) == {Status.SKIPPED}
