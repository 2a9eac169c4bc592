"""Sign-up, log-in, log-out, password change and reset, and settings."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import NOW
from tests.factories import PASSWORD, UserFactory
from tracker.core.tokens import unsubscribe_token
from tracker.models import User

SIGNUP = {
    "email": "New.Patient@Example.com",
    "first_name": "Nia",
    "time_zone": "Pacific/Auckland",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
}


def test_it_signs_up_a_patient_who_then_logs_in(client, db):
    response = client.post(reverse("signup"), SIGNUP)
    assert response["Location"] == reverse("signup_sent")
    user = User.objects.get()
    assert user.email == "New.Patient@example.com"
    assert user.role == User.Role.PATIENT
    assert user.time_zone == "Pacific/Auckland"
    assert client.get(reverse("today")).status_code == 302  # not logged in: that would tell the address was new
    client.post(reverse("login"), {"username": user.email, "password": SIGNUP["password1"]})
    assert client.get(reverse("today")).status_code == 200


def test_it_defaults_the_time_zone_from_settings(client, db, settings):
    html = client.get(reverse("signup")).content.decode()
    assert f'<option value="{settings.TIME_ZONE}" selected>' in html


def _sign_up(email, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("signup"), {**SIGNUP, "email": email})
    page = client.get(response["Location"]).content.decode().replace(User.objects.normalize_email(email), "EMAIL")
    # The CSRF token of the footer's language switch is masked afresh on every response: not information.
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="TOKEN"', page)
    return response, page, callbacks


def test_sign_up_answers_the_same_whether_or_not_the_address_is_known(db, django_capture_on_commit_callbacks):
    # The hostile test: "An account with this email already exists" told who is a patient here.
    UserFactory(email="known@example.com")
    known, known_page, known_work = _sign_up("Known@Example.com", django_capture_on_commit_callbacks)
    new, new_page, new_work = _sign_up("unknown@example.com", django_capture_on_commit_callbacks)
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"]) == (302, reverse("signup_sent"))
    assert set(known.cookies) == set(new.cookies)
    assert known_page == new_page
    assert "Check your email" in new_page
    assert len(known_work) == len(new_work) == 1  # one email each, sent after the response's transaction
    assert User.objects.filter(email__iexact="known@example.com").count() == 1


def test_sign_up_does_the_same_work_for_a_known_and_an_unknown_address(db, monkeypatch):
    from django.contrib.auth.hashers import MD5PasswordHasher
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    UserFactory(email="known@example.com")
    hashed = []
    encode = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode", lambda self, *a, **k: hashed.append(1) or encode(self, *a, **k))

    def work(email):
        hashed.clear()
        with CaptureQueriesContext(connection) as queries:
            Client().post(reverse("signup"), {**SIGNUP, "email": email})
        # Savepoint bookkeeping aside (a refused INSERT adds its ROLLBACK TO SAVEPOINT), the same statements.
        bookkeeping = {"SAVEPOINT", "RELEASE", "ROLLBACK"}
        statements = [q["sql"].split()[0] for q in queries.captured_queries]
        return len(hashed), [s for s in statements if s not in bookkeeping]

    known, unknown = work("known@example.com"), work("unknown@example.com")
    assert known == unknown
    assert known[0] == 1


def test_the_owner_of_an_address_is_told_someone_tried_to_sign_up_with_it(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("signup"), {**SIGNUP, "email": "ALICE@example.com", "first_name": "Mallory"})
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert message.subject == "Someone tried to sign up with your email address"
    text = message.body + message.alternatives[0].content
    assert "Hi Alice" in text
    assert "Mallory" not in text  # nothing the person signing up typed
    assert "http://127.0.0.1:8000/accounts/password/reset/" in text
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)  # nothing changed


def test_password_reset_does_the_same_work_for_a_known_and_an_unknown_address(
    client, alice, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # The hostile test: 53 ms for an existing account, 7 ms for an unknown one. The email now
    # leaves from the worker; the request looks nothing up.
    for email in ("alice@example.com", "nobody@example.com"):
        with django_assert_num_queries(0), django_capture_on_commit_callbacks() as callbacks:
            response = client.post(reverse("password_reset"), {"email": email})
        assert response["Location"] == reverse("password_reset_done")
        assert len(callbacks) == 1
        assert mail.outbox == []


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


def test_it_resets_a_forgotten_password_by_email(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "ALICE@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
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
    assert client.get(reverse("home"))["Location"] == reverse("dashboard")
    client.force_login(charlie)
    assert client.get(reverse("home"))["Location"] == reverse("clinician_home")


def test_the_clinician_home_lists_only_their_clinics(client, charlie):
    client.force_login(charlie)
    html = client.get(reverse("clinician_home")).content.decode()
    assert "Alice&#x27;s clinic" in html


def test_patients_cannot_open_the_clinician_home(alice_client):
    assert alice_client.get(reverse("clinician_home")).status_code == 403


# --- Reminder preferences and email verification ----------------------------


def _verify_link(message):
    return re.search(r"http://127\.0\.0\.1:8000(/accounts/verify-email/[^/\s]+/)", message.body).group(1)


def test_reminders_are_off_unless_the_patient_opts_in_at_sign_up(client, db):
    client.post(reverse("signup"), SIGNUP)
    assert User.objects.get().reminders_enabled is False


def test_it_signs_up_with_reminders_on_and_sends_a_verification_email(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), {**SIGNUP, "reminders_enabled": "on"})
    assert response.status_code == 302
    user = User.objects.get()
    assert user.reminders_enabled is True
    assert user.email_verified_at is None
    [message] = mail.outbox
    assert message.to == ["New.Patient@example.com"]
    assert message.subject == "Confirm your email for Wellness Tracker"
    assert message.alternatives[0].mimetype == "text/html"
    page = client.get(reverse("signup_sent")).content.decode()
    assert 'sent an email to <strong class="text-break">New.Patient@example.com</strong>' in page


def test_the_verification_link_confirms_the_address_without_a_login(client, alice, frozen_now):
    client.force_login(alice)
    client.post(reverse("resend_verification"))
    client.logout()
    response = client.get(_verify_link(mail.outbox[0]))
    assert response.status_code == 200
    assert "alice@example.com is confirmed" in response.content.decode()
    alice.refresh_from_db()
    assert alice.email_verified_at == NOW
    first = alice.email_verified_at
    frozen_now.shift(60)
    assert client.get(_verify_link(mail.outbox[0])).status_code == 200
    alice.refresh_from_db()
    assert alice.email_verified_at == first


def test_an_expired_verification_link_is_refused_and_says_what_to_do(alice_client, alice, frozen_now, settings):
    alice_client.post(reverse("resend_verification"))
    frozen_now.shift(settings.EMAIL_VERIFICATION_MAX_AGE_DAYS * 86400 + 1)
    response = alice_client.get(_verify_link(mail.outbox[0]))
    assert response.status_code == 400
    assert "This verification link has expired. Log in and send a new one from Settings." in response.content.decode()
    alice.refresh_from_db()
    assert alice.email_verified_at is None


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda user, link: link.split("/")[-2][:-3] + "abc", id="tampered"),
        pytest.param(lambda user, link: "garbage", id="garbage"),
        pytest.param(lambda user, link: unsubscribe_token(patient_id=user.pk), id="unsubscribe-token"),
    ],
)
def test_a_bad_verification_link_is_refused(alice_client, alice, make_token):
    alice_client.post(reverse("resend_verification"))
    token = make_token(alice, _verify_link(mail.outbox[0]))
    response = alice_client.get(reverse("verify_email", args=[token]))
    assert response.status_code == 400
    assert "This verification link is not valid." in response.content.decode()
    alice.refresh_from_db()
    assert alice.email_verified_at is None


def test_a_link_sent_to_an_old_address_cannot_verify_a_new_one(alice_client, alice):
    alice_client.post(reverse("resend_verification"))
    User.objects.filter(pk=alice.pk).update(email="alice.new@example.com")
    response = alice_client.get(_verify_link(mail.outbox[0]))
    assert response.status_code == 400
    assert "not for a current account address" in response.content.decode()


def test_resending_is_a_post_and_is_skipped_once_verified(alice_client, alice):
    assert alice_client.get(reverse("resend_verification")).status_code == 405
    alice.email_verified_at = alice.date_joined
    alice.save()
    alice_client.post(reverse("resend_verification"))
    assert mail.outbox == []


def test_sign_up_and_reset_still_work_when_the_mail_server_is_down(
    client, db, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 1, False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), SIGNUP, follow=True)
        reset = client.post(reverse("password_reset"), {"email": SIGNUP["email"]})
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert reset["Location"] == reverse("password_reset_done")
    assert User.objects.count() == 1
    assert "Could not send" in caplog.text  # logged for the operators, and the patient can ask again


def test_the_settings_page_saves_reminder_preferences(alice_client, alice):
    form = {"first_name": "Alice", "time_zone": "Australia/Sydney", "reminders_enabled": "on"}
    response = alice_client.post(reverse("settings"), {**form, "reminder_weekday": 1, "reminder_hour": 8})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.reminders_enabled, alice.reminder_weekday, alice.reminder_hour) == (True, 1, 8)
    alice_client.post(reverse("settings"), {**form, "reminders_enabled": "", "reminder_weekday": 1, "reminder_hour": 8})
    alice.refresh_from_db()
    assert alice.reminders_enabled is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reminder_weekday", "8", "Choose a day from Monday to Sunday."),
        ("reminder_weekday", "Funday", "Choose a day from Monday to Sunday."),
        ("reminder_hour", "24", "Choose an hour from 00:00 to 23:00."),
        ("reminder_hour", "-1", "Choose an hour from 00:00 to 23:00."),
    ],
)
def test_the_settings_page_refuses_an_impossible_reminder_time(alice_client, alice, field, value, message):
    form = {"first_name": "Alicia", "time_zone": "Asia/Tokyo", "reminder_weekday": 2, "reminder_hour": 9}
    response = alice_client.post(reverse("settings"), {**form, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Alicia"' in html  # what was typed is kept
    alice.refresh_from_db()
    assert (alice.first_name, alice.reminder_weekday) == ("Alice", 1)


def test_the_settings_page_says_when_reminders_wait_for_verification(alice_client, alice):
    alice.reminders_enabled = True
    alice.save()
    html = alice_client.get(reverse("settings")).content.decode()
    assert "so reminders can't start" in html
    assert "Email me a new confirmation link" in html
    assert '<option value="1" selected>Monday</option>' in html
    assert '<option value="8" selected>08:00</option>' in html


def test_the_settings_page_runs_a_fixed_number_of_queries(alice_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        html = alice_client.get(reverse("settings")).content.decode()
    assert 'name="first_name" value="Alice"' in html


def test_a_clinicians_settings_page_speaks_to_a_clinician(client, charlie):
    client.force_login(charlie)
    response = client.get(reverse("settings"))
    html = response.content.decode()
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    for patient_words in ("check-in", "reminder", "Your clinics", "Download your data"):
        assert patient_words.lower() not in main.lower(), patient_words
    assert "Two-factor authentication" in main
    assert "on the clinic pages follow this time zone" in main


def test_a_clinician_saves_their_name_and_time_zone(client, charlie):
    client.force_login(charlie)
    response = client.post(reverse("settings"), {"first_name": "Charles", "time_zone": "Europe/Paris"})
    assert response.status_code == 302
    charlie.refresh_from_db()
    assert (charlie.first_name, charlie.time_zone, charlie.reminders_enabled) == ("Charles", "Europe/Paris", False)


def site_links(message) -> list[str]:
    """Every link in an email but the crisis line's (the one link that leaves the site, on purpose)."""
    links = re.findall(r"https?://[^\s\"<>]+", message.body + message.alternatives[0].content)
    return [link for link in links if not link.startswith("https://988lifeline.org")]


@pytest.mark.parametrize("host", ["localhost:1", "evil.example"])
def test_the_reset_link_is_built_from_site_url_never_the_host_header(
    client, alice, settings, host, django_capture_on_commit_callbacks
):
    # The hostile test: Host: localhost:1 gave https://localhost:1/accounts/reset/...
    settings.SITE_URL = "https://wellness.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "alice@example.com"}, HTTP_HOST=host)
    [message] = mail.outbox
    links = site_links(message)
    assert links
    assert all(link.startswith("https://wellness.example.org") for link in links), links


def test_every_emailed_link_is_built_from_site_url(client, alice, charlie, alices_clinic, settings):
    settings.SITE_URL = "https://wellness.example.org"
    alices_clinic.memberships.update(is_admin=True)
    client.force_login(alice)
    client.post(reverse("resend_verification"), HTTP_HOST="localhost:1")
    client.force_login(charlie)
    client.post(
        reverse("clinic_invite", args=[alices_clinic.pk]), {"email": "new.doc@example.com"}, HTTP_HOST="localhost:1"
    )
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        links = site_links(message)
        assert links
        assert all(link.startswith("https://wellness.example.org") for link in links), links


# --- Email bombing: throttles and names ---------------------------------------


def test_twenty_resets_for_one_address_send_three_emails_and_then_say_wait(
    client, alice, frozen_now, django_capture_on_commit_callbacks
):
    # The hostile test: 20 resets for one address in 1.2 s.
    statuses = []
    with django_capture_on_commit_callbacks() as emails:
        for _ in range(20):
            statuses.append(client.post(reverse("password_reset"), {"email": "alice@example.com"}))
    assert len(emails) == 3
    assert [r.status_code for r in statuses] == [302] * 3 + [429] * 17
    html = statuses[-1].content.decode()
    assert html.count("please wait about 60 minutes and try again") == 1
    assert 'value="alice@example.com"' in html  # what was typed is kept


def test_resets_from_one_client_are_throttled_whatever_the_address(client, db, frozen_now):
    responses = [client.post(reverse("password_reset"), {"email": f"someone{i}@example.com"}) for i in range(21)]
    assert [r.status_code for r in responses] == [302] * 20 + [429]


def test_clients_behind_the_proxy_are_throttled_apart(client, db, frozen_now, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(20):
        client.post(
            reverse("password_reset"), {"email": f"someone{i}@example.com"}, HTTP_X_FORWARDED_FOR="203.0.113.66"
        )
    other = client.post(reverse("password_reset"), {"email": "me@example.com"}, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.status_code == 302


def test_verification_emails_are_throttled_per_account(alice_client, frozen_now):
    # The hostile test: 10 verification emails in a row.
    for _ in range(10):
        response = alice_client.post(reverse("resend_verification"), follow=True)
    assert len(mail.outbox) == 3
    assert "please wait about 60 minutes" in response.content.decode()


def test_sign_ups_for_one_address_are_throttled_the_same_whether_or_not_it_is_known(
    db, frozen_now, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.com")
    for email in ("known@example.com", "unknown@example.com"):
        client = Client()
        with django_capture_on_commit_callbacks() as emails:
            responses = [client.post(reverse("signup"), {**SIGNUP, "email": email}) for _ in range(5)]
        assert [r.status_code for r in responses] == [302] * 3 + [429] * 2
        assert len(emails) == 3
        assert f'value="{email}"' in responses[-1].content.decode()


@pytest.mark.parametrize(
    "name", ["Visit evil.example now", "Hi http://x", "A" * 41, "R2-D2", "<b>", "Bob\nVisit", "Nia!", "-Nia"]
)
def test_a_first_name_is_a_persons_name(client, db, name):
    response = client.post(reverse("signup"), {**SIGNUP, "first_name": name})
    assert response.status_code == 400
    assert "letters, spaces, hyphens and apostrophes" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "name", ["Nia", "Marie-Claire", "O'Brien", "D’Angelo", "José María", "Zoë", "李", "A" * 40, ""]
)
def test_real_first_names_are_welcome(client, db, name):
    assert client.post(reverse("signup"), {**SIGNUP, "first_name": name}).status_code == 302
    assert User.objects.get().first_name == name


def test_the_settings_pages_hold_the_first_name_to_the_same_rule(alice_client, alice, client, charlie):
    form = {"first_name": "Visit evil.example now", "time_zone": "UTC", "reminder_weekday": 1, "reminder_hour": 8}
    assert alice_client.post(reverse("settings"), form).status_code == 400
    client.force_login(charlie)
    assert client.post(reverse("settings"), form).status_code == 400
