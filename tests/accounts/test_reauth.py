"""Sensitive actions ask for the password again unless it was entered in the last 15 minutes."""

import datetime as dt
import uuid
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import NOW
from tests.factories import PASSWORD, ClinicFactory, ClinicianFactory, UserFactory
from tracker.clinics.invitations import clinician_invitation_create, clinician_invite_token
from tracker.clinics.services import clinic_join
from tracker.models import AuditEvent, ClinicMembership, Enrolment, JoinCode


def _login(client, email, *, remember=True):
    data = {"username": email, "password": PASSWORD, "remember": "on" if remember else ""}
    assert client.post(reverse("login"), data).status_code == 302


@pytest.fixture
def traveller(db):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _my_data(alice, clinic):
    return "get", reverse("my_data"), {}, reverse("my_data")


def _export(name):
    def case(alice, clinic):
        return "get", reverse(name), {}, reverse("my_data")

    return case


def _join(alice, clinic):
    code = JoinCode.objects.create(clinic=clinic, batch=uuid.uuid4(), expires_at=timezone.now() + dt.timedelta(days=30))
    url = reverse("join", args=[code.code])
    return "post", url, {}, url


def _leave(alice, clinic):
    clinic_join(patient=alice, clinic=clinic)
    url = reverse("leave_clinic", args=[clinic.pk])
    return "post", url, {}, url


SENSITIVE = {
    "seeing the data page": _my_data,
    "downloading JSON": _export("export_json"),
    "downloading CSV": _export("export_csv"),
    "downloading FHIR": _export("export_fhir"),
    "joining a clinic": _join,
    "leaving a clinic": _leave,
}


def _did_it(case, alice, clinic, response):
    if case == "joining a clinic":
        return Enrolment.objects.filter(patient=alice, clinic=clinic, left_at__isnull=True).exists()
    if case == "leaving a clinic":
        return not Enrolment.objects.filter(patient=alice, clinic=clinic, left_at__isnull=True).exists()
    return response.status_code == 200


@pytest.fixture(params=sorted(SENSITIVE))
def sensitive(request, client, alice, traveller):
    """One sensitive action, Alice logged in (with her password) just now."""
    clinic = ClinicFactory()
    method, url, data, back = SENSITIVE[request.param](alice, clinic)
    _login(client, alice.email)
    return SimpleNamespace(
        act=lambda: getattr(client, method)(url, data),
        did_it=lambda response: _did_it(request.param, alice, clinic, response),
        back=back,
    )


def test_a_sensitive_action_asks_for_the_password_after_15_minutes(client, traveller, sensitive):
    traveller.shift(dt.timedelta(minutes=15, seconds=1))
    response = sensitive.act()
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("password_confirm")
    assert parse_qs(location.query)["next"] == [sensitive.back]
    assert not sensitive.did_it(response)
    # Confirming the password leads back to the page, and the action then goes through.
    confirmed = client.post(response["Location"], {"password": PASSWORD})
    assert confirmed["Location"] == sensitive.back
    assert sensitive.did_it(sensitive.act())


def test_a_sensitive_action_goes_through_within_15_minutes_of_the_password(traveller, sensitive):
    traveller.shift(dt.timedelta(minutes=14, seconds=59))
    response = sensitive.act()
    assert not response.get("Location", "").startswith(reverse("password_confirm"))
    assert sensitive.did_it(response)


def test_confirming_restarts_the_15_minutes(client, alice, traveller):
    _login(client, alice.email)
    traveller.shift(dt.timedelta(minutes=20))
    client.post(reverse("password_confirm"), {"password": PASSWORD, "next": reverse("my_data")})
    traveller.shift(dt.timedelta(minutes=14))
    assert client.get(reverse("my_data")).status_code == 200
    traveller.shift(dt.timedelta(minutes=2))
    assert client.get(reverse("my_data"))["Location"].startswith(reverse("password_confirm"))


def test_turning_on_two_factor_asks_for_the_password_after_15_minutes(client, db, traveller):
    clinician = ClinicianFactory(email="dr@example.com")
    _login(client, clinician.email, remember=False)
    traveller.shift(dt.timedelta(minutes=16))
    client.get(reverse("settings"))  # activity keeps the 30-minute session alive
    traveller.shift(dt.timedelta(minutes=1))
    response = client.get(reverse("two_factor_setup"))
    assert response["Location"] == f"{reverse('password_confirm')}?next=%2Faccounts%2Ftwo-factor%2F"
    assert not TOTPDevice.objects.exists()  # not even a pending secret was shown
    client.post(response["Location"], {"password": PASSWORD})
    assert "<svg" in client.get(reverse("two_factor_setup")).content.decode()


def test_accepting_a_clinician_invitation_asks_for_the_password_after_15_minutes(client, db, traveller):
    admin = ClinicianFactory()
    clinic = ClinicFactory()
    ClinicMembership.objects.create(clinic=clinic, clinician=admin, is_admin=True)
    dora = ClinicianFactory(email="dora@example.com")
    invitation = clinician_invitation_create(inviter=admin, clinic=clinic, email=dora.email)
    url = reverse("clinician_invitation", args=[clinician_invite_token(invitation=invitation)])
    _login(client, dora.email, remember=False)
    traveller.shift(dt.timedelta(minutes=16))
    client.get(reverse("settings"))
    response = client.post(url)
    assert response["Location"].startswith(reverse("password_confirm"))
    assert not ClinicMembership.objects.filter(clinician=dora).exists()
    client.post(response["Location"], {"password": PASSWORD})
    client.post(url)
    assert ClinicMembership.objects.filter(clinician=dora, clinic=clinic).exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("password_change", {"old_password": "wrong", "new_password1": "a new passphrase", "new_password2": "x"}),
        ("delete_account", {"password": "wrong"}),
    ],
)
def test_actions_whose_form_asks_for_the_password_refuse_a_wrong_one(client, alice, traveller, name, data):
    """Changing the password and deleting the account ask for it in their own forms, every time."""
    _login(client, alice.email)
    response = client.post(reverse(name), data)
    assert response.status_code in (200, 400)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_the_confirm_page_refuses_a_wrong_password_and_keeps_where_to_go(client, alice, traveller):
    _login(client, alice.email)
    traveller.shift(dt.timedelta(minutes=16))
    response = client.post(reverse("password_confirm"), {"password": "nope", "next": reverse("my_data")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "That password isn&#x27;t right." in html
    assert f'name="next" value="{reverse("my_data")}"' in html
    assert client.get(reverse("my_data")).status_code == 302


def test_wrong_passwords_on_the_confirm_page_count_towards_the_lockout(client, alice, traveller):
    _login(client, alice.email)
    for _ in range(5):
        client.post(reverse("password_confirm"), {"password": "nope"})
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == 5
    response = client.post(reverse("password_confirm"), {"password": PASSWORD})
    assert response.status_code == 429


def test_the_confirm_page_never_sends_anyone_off_site(client, alice, traveller):
    _login(client, alice.email)
    response = client.post(reverse("password_confirm"), {"password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("settings")


def test_the_confirm_page_needs_a_login(client, db):
    assert client.get(reverse("password_confirm"))["Location"].startswith(reverse("login"))


def test_bob_confirming_his_password_does_nothing_for_alice(client, alice, traveller):
    bob = UserFactory(email="bob@example.com")
    _login(client, alice.email)
    traveller.shift(dt.timedelta(minutes=16))
    from django.test import Client

    other = Client()
    _login(other, bob.email)
    assert client.get(reverse("my_data")).status_code == 302
    assert other.get(reverse("my_data")).status_code == 200
