"""Staff see reminder deliveries (who, which week, what happened) and nothing of anyone's health."""

import pytest
from django.urls import reverse

from tests.factories import CheckInFactory, ReminderPatientFactory, UserFactory
from tracker.models import ReminderDelivery
from tracker.reminders.dispatch import dispatch


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(email="staff@example.com", role="staff", is_staff=True, is_superuser=True))
    return client


def test_staff_see_failed_deliveries_and_their_error_but_no_health_values(staff_client, frozen_now):
    patient = ReminderPatientFactory(email="gone@example.com")
    CheckInFactory(patient=patient, note="a private note", stress=9)
    dispatch(enqueue=lambda ids: None)
    ReminderDelivery.objects.update(status="failed", attempts=1, last_error="Recipient refused: 550 No such user")
    response = staff_client.get(reverse("admin:tracker_reminderdelivery_changelist") + "?status__exact=failed")
    assert response.status_code == 200
    html = response.content.decode()
    assert "gone@example.com" in html
    assert "Recipient refused: 550 No such user" in html
    assert "a private note" not in html
    detail = staff_client.get(
        reverse("admin:tracker_reminderdelivery_change", args=[ReminderDelivery.objects.get().pk])
    ).content.decode()
    assert "a private note" not in detail
    assert "Stress" not in detail


def test_staff_cannot_add_or_edit_deliveries(staff_client, frozen_now):
    ReminderPatientFactory()
    dispatch(enqueue=lambda ids: None)
    assert staff_client.get(reverse("admin:tracker_reminderdelivery_add")).status_code == 403
    delivery = ReminderDelivery.objects.get()
    url = reverse("admin:tracker_reminderdelivery_change", args=[delivery.pk])
    staff_client.post(url, {"status": "sent"})
    delivery.refresh_from_db()
    assert delivery.status == "pending"
