"""Turning push reminders on and off for a device, and when a device's subscription goes."""

import base64
import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, ReminderPatientFactory
from tests.push_service import subscription_for
from tracker.models import PushSubscription, User, UserSession
from tracker.privacy.deletion import account_delete

FCM = "https://fcm.googleapis.com"


def browser_subscription(device: str) -> dict:
    """What Chrome's PushSubscription.toJSON() gives: an FCM endpoint and real keys."""
    sub = subscription_for(FCM, device)
    sub["endpoint"] = f"{FCM}/fcm/send/{device}"
    return sub


@pytest.fixture
def push_on(settings):
    settings.WEB_PUSH_ENABLED = True
    settings.VAPID_PUBLIC_KEY = "B" + "A" * 86


def log_in(email: str) -> Client:
    device = Client()
    assert device.post(reverse("login"), {"username": email, "password": PASSWORD}).status_code == 302
    return device


def subscribe(device: Client, body) -> object:
    return device.post(
        reverse("push_subscribe"), json.dumps(body) if not isinstance(body, bytes) else body, "application/json"
    )


@pytest.fixture
def erin(db):
    return ReminderPatientFactory(email="erin@example.com")


def test_it_keeps_the_device_against_this_sign_in(push_on, erin):
    phone = log_in(erin.email)
    response = subscribe(phone, browser_subscription("erin-phone"))
    assert response.status_code == 201
    assert response.json() == {"message": "Reminders will come to this device too."}
    row = PushSubscription.objects.get()
    assert row.user == erin
    assert row.session == UserSession.objects.get(session_key=phone.session.session_key)
    # The same browser again: still one row.
    assert subscribe(phone, browser_subscription("erin-phone")).status_code == 201
    assert PushSubscription.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.update(endpoint="http://fcm.googleapis.com/fcm/send/x"), "must be an https address"),
        (lambda s: s.update(endpoint="https://127.0.0.1:8000/admin/"), "not on a known push service"),
        (lambda s: s.update(endpoint="https://evil.example/fcm.googleapis.com"), "not on a known push service"),
        (lambda s: s.update(endpoint="https://user:pw@fcm.googleapis.com/x"), "must be an https address"),
        (lambda s: s.update(endpoint="https://[::1/x"), "not a valid address"),
        (lambda s: s.update(endpoint="https://fcm.googleapis.com/" + "x" * 2100), "too long"),
        (lambda s: s.pop("endpoint"), "has no endpoint"),
        (lambda s: s.pop("keys"), "keys are missing"),
        (lambda s: s["keys"].update(p256dh="not base64 !"), "not a P-256 public key"),
        (lambda s: s["keys"].update(p256dh=base64.urlsafe_b64encode(b"\4" + b"\1" * 64).decode()), "P-256"),
        (lambda s: s["keys"].update(auth="c2hvcnQ"), "not 16 bytes"),
        (lambda s: s["keys"].update(auth=17), "keys are missing"),
    ],
)
def test_bad_subscriptions_get_a_400_that_says_why(push_on, erin, change, message):
    body = browser_subscription("erin-phone")
    change(body)
    response = subscribe(log_in(erin.email), body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"text"', b"x" * 5000])
def test_malformed_requests_get_a_400_never_a_500(push_on, erin, body):
    assert subscribe(log_in(erin.email), body).status_code == 400


def test_it_needs_a_signed_in_patient_and_a_csrf_token(push_on, erin, charlie):
    assert subscribe(Client(), browser_subscription("x")).status_code == 403
    clinician = Client()
    clinician.force_login(charlie)
    assert subscribe(clinician, browser_subscription("x")).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("login"), {"username": erin.email, "password": PASSWORD}).status_code == 403
    strict.force_login(erin)
    response = strict.post(reverse("push_subscribe"), json.dumps(browser_subscription("x")), "application/json")
    assert response.status_code == 403
    assert not PushSubscription.objects.exists()


def test_with_push_not_configured_there_is_no_control_and_no_endpoint(erin, settings):
    settings.WEB_PUSH_ENABLED = False
    phone = log_in(erin.email)
    assert subscribe(phone, browser_subscription("erin-phone")).status_code == 404
    assert b"data-push" not in phone.get(reverse("settings")).content


def test_the_settings_page_offers_the_control_with_a_no_script_message(push_on, erin):
    phone = log_in(erin.email)
    subscribe(phone, browser_subscription("erin-phone"))
    page = phone.get(reverse("settings")).content.decode()
    assert 'data-public-key="B' in page
    assert "Notifications need a browser that supports them" in page
    assert "Email reminders work on any device." in page
    assert "Devices that get reminders: 1." in page
    assert "/static/js/push.js" in page
    assert "fcm.googleapis.com" not in page  # the endpoint is a credential; only its hash is on the page


def test_stop_on_this_device_removes_only_the_users_own(push_on, erin, bob):
    phone = log_in(erin.email)
    subscribe(phone, browser_subscription("erin-phone"))
    bobs = log_in(bob.email)
    response = bobs.post(
        reverse("push_unsubscribe"), json.dumps({"endpoint": f"{FCM}/fcm/send/erin-phone"}), "application/json"
    )
    assert response.status_code == 200
    assert PushSubscription.objects.count() == 1
    response = phone.post(
        reverse("push_unsubscribe"), json.dumps({"endpoint": f"{FCM}/fcm/send/erin-phone"}), "application/json"
    )
    assert response.json() == {"message": "Reminders stopped on this device."}
    assert not PushSubscription.objects.exists()
    assert phone.post(reverse("push_unsubscribe"), "{}", "application/json").status_code == 400


def test_logging_out_removes_that_devices_subscription_only(push_on, erin):
    phone, laptop = log_in(erin.email), log_in(erin.email)
    subscribe(phone, browser_subscription("erin-phone"))
    subscribe(laptop, browser_subscription("erin-laptop"))
    assert phone.post(reverse("logout")).status_code == 302
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [f"{FCM}/fcm/send/erin-laptop"]


def test_signing_a_device_out_from_another_removes_its_subscription(push_on, erin):
    phone, laptop = log_in(erin.email), log_in(erin.email)
    subscribe(phone, browser_subscription("erin-phone"))
    subscribe(laptop, browser_subscription("erin-laptop"))
    phone_row = UserSession.objects.get(session_key=phone.session.session_key)
    laptop.post(reverse("end_session", args=[phone_row.pk]), {"password": PASSWORD})
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [f"{FCM}/fcm/send/erin-laptop"]


def test_deleting_the_account_removes_every_device(push_on, erin):
    for device in ("erin-phone", "erin-laptop"):
        subscribe(log_in(erin.email), browser_subscription(device))
    assert PushSubscription.objects.count() == 2
    account_delete(user=User.objects.get(pk=erin.pk), password=PASSWORD)
    assert not PushSubscription.objects.exists()


def test_a_browser_another_account_used_moves_to_the_one_signed_in_now(push_on, erin, bob):
    subscribe(log_in(erin.email), browser_subscription("shared-laptop"))
    subscribe(log_in(bob.email), browser_subscription("shared-laptop"))
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [bob.pk]
