"""Staff see push devices and pushes read-only: who, which push service, what happened; never a
device's keys or its push address."""

import pytest
from django.urls import reverse

from tests.factories import ReminderPatientFactory, UserFactory
from tests.push_service import subscription_for
from tracker.models import PushDelivery, PushSubscription, ReminderDelivery, UserSession
from tracker.reminders.dispatch import dispatch

ORIGIN = "https://fcm.googleapis.com"


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(email="staff@example.com", role="staff", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def dana_push(db, frozen_now, settings):
    """Dana's phone, and this week's push to it, failed with an error."""
    settings.WEB_PUSH_ENABLED = True
    dana = ReminderPatientFactory(email="dana@example.com", reminders_enabled=False)
    sub = subscription_for(ORIGIN, "dana-phone")
    session = UserSession.objects.create(user=dana, session_key="key-dana", browser="Chrome on Android")
    device = PushSubscription.objects.create(
        user=dana, session=session, endpoint=sub["endpoint"], p256dh=sub["keys"]["p256dh"], auth=sub["keys"]["auth"]
    )
    dispatch(enqueue=lambda ids: None)
    delivery = ReminderDelivery.objects.get()
    PushDelivery.objects.create(
        delivery=delivery, subscription=device, expires_at=delivery.expires_at, status="failed",
        attempts=1, last_error="Push service refused it: 413",
    )  # fmt: skip
    return device


def assert_no_secret(html, device):
    for secret in (device.p256dh, device.auth, device.endpoint, "/push/201/dana-phone"):
        assert secret not in html


def test_staff_see_devices_by_patient_and_push_service_never_their_keys_or_address(staff_client, dana_push):
    listing = staff_client.get(reverse("admin:tracker_pushsubscription_changelist")).content.decode()
    assert "dana@example.com" in listing
    assert "fcm.googleapis.com" in listing
    assert_no_secret(listing, dana_push)
    detail = staff_client.get(reverse("admin:tracker_pushsubscription_change", args=[dana_push.pk])).content.decode()
    assert "fcm.googleapis.com" in detail
    assert_no_secret(detail, dana_push)


def test_staff_see_failed_pushes_and_why(staff_client, dana_push):
    url = reverse("admin:tracker_pushdelivery_changelist") + "?status__exact=failed"
    listing = staff_client.get(url).content.decode()
    assert "dana@example.com" in listing
    assert "Push service refused it: 413" in listing
    assert "2026-W48" in listing
    assert_no_secret(listing, dana_push)
    push = PushDelivery.objects.get()
    detail = staff_client.get(reverse("admin:tracker_pushdelivery_change", args=[push.pk])).content.decode()
    assert "Push service refused it: 413" in detail
    assert_no_secret(detail, dana_push)


def test_staff_cannot_add_change_or_delete_devices_or_pushes(staff_client, dana_push):
    for model in ("pushsubscription", "pushdelivery"):
        assert staff_client.get(reverse(f"admin:tracker_{model}_add")).status_code == 403
    push = PushDelivery.objects.get()
    staff_client.post(reverse("admin:tracker_pushdelivery_change", args=[push.pk]), {"status": "sent"})
    assert PushDelivery.objects.get().status == "failed"
    delete = reverse("admin:tracker_pushsubscription_delete", args=[dana_push.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert PushSubscription.objects.filter(pk=dana_push.pk).exists()


def test_a_patient_cannot_open_them(client, dana_push):
    client.force_login(dana_push.user)
    response = client.get(reverse("admin:tracker_pushsubscription_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
