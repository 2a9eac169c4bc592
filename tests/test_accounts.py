"""Sign-up, log-in, log-out, password change and reset, and settings."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tracker.models import User

SIGNUP = {
    "email": "New.Patient@Example.com",
    "first_name": "Nia",
    "time_zone": "Pacific/Auckland",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
}


def test_it_signs_up_a_patient_and_logs_them_in(client, db):
    response = client.post(reverse("signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "New.Patient@example.com"
    assert user.role == User.Role.PATIENT
    assert user.time_zone == "Pacific/Auckland"
    assert client.get(reverse("today")).status_code == 200


def test_it_defaults_the_time_zone_from_settings(client, db, settings):
    html = client.get(reverse("signup")).content.decode()
    assert f'<option value="{settings.TIME_ZONE}" selected>' in html


def test_it_refuses_an_email_taken_in_another_case(client, db):
    UserFactory(email="new.patient@example.com")
    response = client.post(reverse("signup"), SIGNUP)
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "at least 12 characters"),
        ("password1234", "too common"),
        ("83749283749283", "entirely numeric"),
    ],
)
def test_it_refuses_weak_passwords_and_keeps_the_other_fields(client, db, password, message):
    response = client.post(reverse("signup"), {**SIGNUP, "password1": password, "password2": password})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="New.Patient@Example.com"' in html
    assert '<option value="Pacific/Auckland" selected>' in html
    assert not User.objects.exists()


def test_it_accepts_a_64_character_password(client, db):
    password = "horse " * 10 + "abcd"
    assert len(password) == 64
    response = client.post(reverse("signup"), {**SIGNUP, "password1": password, "password2": password})
    assert response.status_code == 302


def test_it_refuses_mismatched_passwords(client, db):
    response = client.post(reverse("signup"), {**SIGNUP, "password2": "something else entirely"})
    assert "don&#x27;t match" in response.content.decode()
    assert not User.objects.exists()


def test_it_logs_in_with_the_email_in_any_case(client, alice):
    response = client.post(reverse("login"), {"username": "ALICE@example.COM", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("today")).status_code == 200


def test_it_refuses_a_wrong_password_without_saying_whether_the_account_exists(client, alice):
    wrong = client.post(reverse("login"), {"username": "alice@example.com", "password": "nope"}).content.decode()
    missing = client.post(reverse("login"), {"username": "nobody@example.com", "password": "nope"}).content.decode()
    assert "Please enter a correct email" in wrong
    assert "Please enter a correct email" in missing


def test_it_logs_out_on_post(alice_client):
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302
    assert alice_client.get(reverse("today")).status_code == 302


def test_it_changes_the_password(alice_client, alice):
    response = alice_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another fine passphrase",
            "new_password2": "another fine passphrase",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("another fine passphrase")


def test_it_resets_a_forgotten_password_by_email(client, alice):
    response = client.post(reverse("password_reset"), {"email": "ALICE@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a brand new passphrase")


def test_it_answers_a_reset_for_an_unknown_email_the_same_way(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_it_changes_the_time_zone_in_settings(alice_client, alice):
    response = alice_client.post(
        reverse("settings"), {"first_name": "Al", "time_zone": "Asia/Tokyo", "reminder_weekday": 1, "reminder_hour": 8}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.time_zone == "Asia/Tokyo"


def test_it_refuses_an_unknown_time_zone(alice_client, alice):
    response = alice_client.post(reverse("settings"), {"first_name": "Al", "time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    alice.refresh_from_db()
    assert alice.time_zone == "America/New_York"


def test_home_sends_each_role_to_its_own_page(client, alice, charlie):
    assert client.get(reverse("home")).status_code == 200
    client.force_login(alice)
    assert client.get(reverse("home"))["Location"] == reverse("today")
    client.force_login(charlie)
    assert client.get(reverse("home"))["Location"] == reverse("clinician_home")


def test_the_clinician_home_lists_only_their_clinics(client, charlie):
    client.force_login(charlie)
    html = client.get(reverse("clinician_home")).content.decode()
    assert "Alice&#x27;s clinic" in html


def test_patients_cannot_open_the_clinician_home(alice_client):
    assert alice_client.get(reverse("clinician_home")).status_code == 403
