"""Brute-force lockout, session lifetimes and two-factor authentication."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import NOW
from tests.factories import PASSWORD, ClinicianFactory, UserFactory


def _login(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def _code(device, at=None):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# --- brute force ---------------------------------------------------------------


def test_it_locks_out_after_five_failures_even_with_the_right_password(client, alice, frozen_now):
    for _ in range(4):
        assert _login(client, "alice@example.com", "wrong password").status_code == 200
    assert _login(client, "alice@example.com", "wrong password").status_code == 429  # the fifth
    response = _login(client, "alice@example.com")
    assert response.status_code == 429
    assert "Logging in is paused for 15 minutes" in response.content.decode()


def test_it_says_the_same_for_an_account_that_does_not_exist(client, db, frozen_now):
    for _ in range(5):
        _login(client, "nobody@example.com", "wrong password")
    response = _login(client, "nobody@example.com", "wrong password")
    assert response.status_code == 429
    assert "Logging in is paused for 15 minutes" in response.content.decode()


def test_the_lockout_ends_after_the_cool_off(client, alice):
    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(5):
            _login(client, "alice@example.com", "wrong password")
        assert _login(client, "alice@example.com").status_code == 429
        traveller.shift(dt.timedelta(minutes=16))
        assert _login(client, "alice@example.com").status_code == 302


def test_changing_the_case_of_the_email_buys_no_more_guesses(client, alice, frozen_now):
    for email in ["alice@example.com", "ALICE@example.com", "Alice@Example.com", "alice@EXAMPLE.com"]:
        _login(client, email, "wrong password")
    assert _login(client, "aLiCe@example.com", "wrong password").status_code == 429


def test_a_lockout_for_one_email_does_not_lock_out_another(client, alice, bob, frozen_now):
    for _ in range(5):
        _login(client, "alice@example.com", "wrong password")
    assert _login(client, "bob@example.com").status_code == 302


# --- sessions ------------------------------------------------------------------


def test_the_session_key_rotates_at_login(client, alice):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    _login(client, "alice@example.com")
    assert client.session.session_key != before


def test_logout_ends_the_session_on_the_server(client, alice):
    _login(client, "alice@example.com")
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()


def test_a_password_change_ends_the_users_other_sessions(client, alice):
    from django.test import Client

    other = Client()
    _login(other, "alice@example.com")
    _login(client, "alice@example.com")
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert client.get(reverse("history")).status_code == 200  # this session carries on
    assert other.get(reverse("history")).status_code == 302  # the other one is over


@pytest.mark.parametrize(
    ("make_user", "idle_minutes", "still_in"),
    [
        (UserFactory, 59, True),
        (UserFactory, 61, False),
        (ClinicianFactory, 29, True),
        (ClinicianFactory, 31, False),
    ],
)
def test_it_logs_out_after_the_idle_timeout_for_the_role(client, db, make_user, idle_minutes, still_in):
    user = make_user()
    page = reverse("history") if user.is_patient else reverse("settings")
    with time_machine.travel(NOW, tick=False) as traveller:
        _login(client, user.email)
        traveller.shift(dt.timedelta(minutes=idle_minutes))
        response = client.get(page)
    assert (response.status_code == 200) == still_in
    if not still_in:
        assert response["Location"].startswith(reverse("login"))


def test_activity_cannot_extend_a_session_past_its_lifetime(client, alice):
    with time_machine.travel(NOW, tick=False) as traveller:
        _login(client, "alice@example.com")
        for _ in range(12 * 3 + 1):  # a request every 20 minutes for just over 12 hours
            traveller.shift(dt.timedelta(minutes=20))
            if client.get(reverse("history")).status_code != 200:
                break
        assert client.get(reverse("history")).status_code == 302


# --- two-factor ----------------------------------------------------------------


def _turn_on_two_factor(client):
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"token": _code(device), "password": PASSWORD})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_clinician_turns_on_two_factor_and_needs_a_code_at_login(client, db, frozen_now):
    clinician = ClinicianFactory(email="dr@example.com")
    _login(client, clinician.email)
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "<svg" in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    device = _turn_on_two_factor(client)

    client.post(reverse("logout"))
    _login(client, clinician.email)
    assert client.get(reverse("clinician_home"))["Location"] == reverse("two_factor_verify")
    wrong = client.post(reverse("two_factor_verify"), {"token": "000000"})
    assert wrong.status_code == 400
    assert "didn&#x27;t match" in wrong.content.decode()
    frozen_now.shift(dt.timedelta(seconds=31))
    assert client.post(reverse("two_factor_verify"), {"token": _code(device)}).status_code == 302
    assert client.get(reverse("clinician_home")).status_code == 200


def test_a_two_factor_code_has_to_be_digits(client, db, frozen_now):
    clinician = ClinicianFactory()
    client.force_login(clinician)
    response = client.post(reverse("two_factor_setup"), {"token": "<script>", "password": PASSWORD})
    assert response.status_code == 400
    assert "Enter the 6 digits" in response.content.decode()


def _secret(page):
    return re.search(r'<code class="user-select-all">([A-Z2-7 ]+)</code>', page.content.decode())[1]


def test_each_setup_shows_a_new_secret_and_an_earlier_one_never_confirms(db, frozen_now):
    # The hostile test: the pending secret outlived the session that saw it, so someone who once saw
    # the setup page could pass two-factor once the real user confirmed the same secret.
    clinician = ClinicianFactory()
    attacker, owner = Client(), Client()
    attacker.force_login(clinician)
    seen = _secret(attacker.get(reverse("two_factor_setup")))
    seen_device = TOTPDevice.objects.get(user=clinician, confirmed=False)
    owner.force_login(clinician)
    shown = _secret(owner.get(reverse("two_factor_setup")))
    assert shown != seen
    assert not TOTPDevice.objects.filter(pk=seen_device.pk).exists()
    response = attacker.post(
        reverse("two_factor_setup"), {"token": _code(TOTPDevice.objects.get()), "password": PASSWORD}
    )
    assert response.status_code == 400  # the owner's secret is not the attacker's session's to confirm
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_an_unconfirmed_secret_is_discarded_after_10_minutes(client, db, frozen_now):
    clinician = ClinicianFactory()
    client.force_login(clinician)
    first = _secret(client.get(reverse("two_factor_setup")))
    device = TOTPDevice.objects.get(user=clinician)
    frozen_now.shift(dt.timedelta(minutes=11))
    response = client.post(reverse("two_factor_setup"), {"token": _code(device), "password": PASSWORD})
    assert response.status_code == 400
    assert "took longer than 10 minutes" in response.content.decode()
    assert _secret(response) != first
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


@pytest.mark.parametrize("password", ["", "wrong password"])
def test_turning_two_factor_on_needs_the_password(client, db, frozen_now, password):
    clinician = ClinicianFactory()
    client.force_login(clinician)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=clinician)
    response = client.post(reverse("two_factor_setup"), {"token": _code(device), "password": password})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert f'value="{_code(device)}"' in response.content.decode()  # the code typed is kept


def test_clinicians_must_set_up_two_factor_when_required(client, db, settings, frozen_now):
    settings.OTP_REQUIRED_FOR_CLINICIANS = True
    clinician = ClinicianFactory()
    _login(client, clinician.email)
    assert client.get(reverse("clinician_home"))["Location"] == reverse("two_factor_setup")
    _turn_on_two_factor(client)
    assert client.get(reverse("clinician_home")).status_code == 200
    response = client.post(reverse("two_factor_disable"), {"password": PASSWORD})
    assert response.status_code == 400
    assert "must keep two-factor authentication on" in response.content.decode()


def test_staff_must_set_up_two_factor_when_required(client, db, settings, frozen_now):
    settings.OTP_REQUIRED_FOR_STAFF = True
    staff = UserFactory(role="staff", is_staff=True, email="staff@example.com")
    _login(client, staff.email)
    assert client.get("/admin/")["Location"] == reverse("two_factor_setup")
    _turn_on_two_factor(client)
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_turn_two_factor_off_when_required(client, db, settings, frozen_now):
    settings.OTP_REQUIRED_FOR_STAFF = True
    staff = UserFactory(role="staff", is_staff=True)
    _login(client, staff.email)
    _turn_on_two_factor(client)
    response = client.post(reverse("two_factor_disable"), {"password": PASSWORD})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=staff).exists()


def test_a_clinician_turns_two_factor_off_with_their_password(client, db, frozen_now):
    clinician = ClinicianFactory()
    _login(client, clinician.email)
    _turn_on_two_factor(client)
    assert client.post(reverse("two_factor_disable"), {"password": "wrong"}).status_code == 400
    assert client.post(reverse("two_factor_disable"), {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=clinician).exists()


def test_patients_are_not_offered_two_factor(alice_client):
    assert alice_client.get(reverse("two_factor_setup")).status_code == 404


# --- brute force behind the proxy ------------------------------------------------------------------

PROXY = "10.0.0.1"  # what every request's socket address is behind the proxy


def _login_via_proxy(client, email, password, forwarded_for):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_proxy_a_lockout_binds_the_attackers_address_not_the_real_users(client, alice, settings):
    # The hostile test: django-axes keyed on the socket address, the proxy's for everyone, so five
    # wrong passwords from anywhere locked Alice out everywhere.
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        _login_via_proxy(client, "alice@example.com", "wrong password", "203.0.113.66")
    assert _login_via_proxy(client, "alice@example.com", PASSWORD, "203.0.113.66").status_code == 429
    assert _login_via_proxy(client, "alice@example.com", PASSWORD, "198.51.100.7").status_code == 302


def test_behind_the_proxy_a_forged_x_forwarded_for_buys_the_attacker_nothing(client, alice, settings):
    # The proxy appends the address it saw; whatever the client put before it is the client's own words.
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        _login_via_proxy(client, "alice@example.com", "wrong password", f"192.0.2.{i}, 203.0.113.66")
    assert _login_via_proxy(client, "alice@example.com", PASSWORD, "192.0.2.99, 203.0.113.66").status_code == 429
    assert _login_via_proxy(client, "alice@example.com", PASSWORD, "203.0.113.66, 198.51.100.7").status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, alice, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for i in range(5):
        client.post(
            reverse("login"),
            {"username": "alice@example.com", "password": "wrong password"},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
        )
    response = client.post(
        reverse("login"),
        {"username": "alice@example.com", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.66",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 429
