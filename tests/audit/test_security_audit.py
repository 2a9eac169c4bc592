"""The audit trail of security events: written for each, never holding an email or health data."""

import json

from django.urls import reverse

from tests.factories import PASSWORD, CheckInFactory
from tracker.models import AuditEvent

A = AuditEvent.Action


def _actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def _login(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_a_login_is_audited(client, alice):
    _login(client, "alice@example.com")
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_ref) == (A.LOGGED_IN, alice.pk)


def test_a_login_records_the_browser_by_name_and_whether_two_factor_was_asked(db, alice, charlie):
    from django.test import Client
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    phone = Client(HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile", REMOTE_ADDR="203.0.113.9")
    _login(phone, alice.email)
    device = TOTPDevice.objects.create(user=charlie, name="app", confirmed=True)
    laptop = Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0; rv:127.0) Gecko/20100101 Firefox/127.0")
    _login(laptop, charlie.email)
    laptop.post(reverse("two_factor_verify"), {"token": f"{totp(device.bin_key):06d}"})
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor_ref", "metadata"))
    alices, charlies, code = events
    # Names, the same in every language: the words ("Chrome on Android") are the reader's.
    android, windows = (
        {"browser": "Chrome", "browser_system": "Android"},
        {"browser": "Firefox", "browser_system": "Windows"},
    )
    assert alices == (A.LOGGED_IN, alice.pk, {**android, "two_factor": False})
    assert charlies == (A.LOGGED_IN, charlie.pk, {**windows, "two_factor": True})
    assert code == (
        A.TWO_FACTOR_PASSED,
        charlie.pk,
        {"sign_in": AuditEvent.objects.get(actor=charlie, action=A.LOGGED_IN).pk, **windows},
    )
    assert "203.0.113" not in json.dumps(events)  # no address
    assert "Mozilla" not in json.dumps(events)  # nor the raw User-Agent


def test_a_failed_login_records_the_account_but_not_the_email(client, alice, frozen_now):
    _login(client, "ALICE@example.com", "wrong")
    _login(client, "nobody@example.com", "wrong")
    failures = list(AuditEvent.objects.filter(action=A.LOGIN_FAILED).order_by("id").values_list("metadata", flat=True))
    assert failures == [{"account": alice.pk}, {"account": None}]
    assert "example.com" not in json.dumps(list(AuditEvent.objects.values()), default=str)


def test_a_lockout_is_audited(client, alice, frozen_now):
    for _ in range(5):
        _login(client, "alice@example.com", "wrong")
    assert AuditEvent.objects.filter(action=A.LOCKED_OUT, metadata={"account": alice.pk}).count() == 1


def test_password_changes_and_resets_are_audited(client, alice):
    _login(client, "alice@example.com")
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert A.PASSWORD_CHANGED in _actions()


def test_exports_and_deletion_are_audited_without_health_data(alice_client, alice):
    CheckInFactory(patient=alice, note="my private words", stress=9)
    for name in ("export_json", "export_csv", "export_fhir"):
        alice_client.get(reverse(name))
    alice_id = alice.pk
    exports = AuditEvent.objects.filter(action=A.DATA_EXPORTED, actor=alice).values_list("metadata", flat=True)
    assert sorted(m["format"] for m in exports) == ["csv", "fhir", "json"]
    alice_client.post(reverse("delete_account"), {"password": PASSWORD})
    assert not AuditEvent.objects.filter(action=A.DATA_EXPORTED).exists()  # her own activity is erased with her
    deleted = AuditEvent.objects.get(action=A.ACCOUNT_DELETED)
    assert deleted.metadata == {"account": alice_id}
    everything = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "my private words" not in everything
    assert "alice@example.com" not in everything
