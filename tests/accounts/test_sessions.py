"""Staying signed in on your own device, where you're signed in, and signing out everywhere."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.conftest import NOW
from tests.factories import PASSWORD, CheckInFactory, ClinicianFactory, UserFactory
from tracker.accounts.browsers import Browser
from tracker.models import AuditEvent, UserSession

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def _login(client, email, *, remember=False):
    data = {"username": email, "password": PASSWORD}
    if remember:
        data["remember"] = "on"
    response = client.post(reverse("login"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _signed_in(client):
    return client.get(reverse("history")).status_code == 200


@pytest.fixture
def traveller(db):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


# --- Keep me signed in --------------------------------------------------------------------------


def test_the_login_form_offers_to_keep_me_signed_in_unticked(client, db):
    html = client.get(reverse("login")).content.decode()
    assert 'name="remember"' in html
    assert "Keep me signed in on this device" in html
    assert "30 days after your last visit" in html
    checkbox = html.split('name="remember"', 1)[1].split(">", 1)[0]
    assert "checked" not in checkbox


def test_a_remembered_patient_session_lasts_30_days_from_the_last_visit(client, alice, traveller):
    _login(client, alice.email, remember=True)
    for _ in range(3):  # 87 days in all, never more than 29 days apart
        traveller.shift(dt.timedelta(days=29))
        assert _signed_in(client)
    traveller.shift(dt.timedelta(days=30, minutes=1))
    response = client.get(reverse("history"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_remembered_cookie_and_stored_session_last_30_days(client, alice, traveller):
    response = _login(client, alice.email, remember=True)
    assert response.cookies["sessionid"]["max-age"] == 30 * 24 * 3600
    stored = Session.objects.get(session_key=client.session.session_key)
    assert stored.expire_date == NOW + dt.timedelta(days=30)


def test_the_remembered_session_is_renewed_by_a_visit(client, alice, traveller):
    _login(client, alice.email, remember=True)
    traveller.shift(dt.timedelta(days=10))
    response = client.get(reverse("history"))
    assert response.cookies["sessionid"]["max-age"] == 30 * 24 * 3600
    stored = Session.objects.get(session_key=client.session.session_key)
    assert stored.expire_date == NOW + dt.timedelta(days=40)


def test_without_ticking_it_the_patient_session_stays_short(client, alice, traveller):
    _login(client, alice.email)
    traveller.shift(dt.timedelta(minutes=61))
    assert not _signed_in(client)


def test_clinicians_are_never_kept_signed_in(client, db, traveller):
    clinician = ClinicianFactory(email="dr@example.com")
    response = _login(client, clinician.email, remember=True)
    page = client.get(response["Location"], follow=True).content.decode()
    assert "Clinician and staff accounts are not kept signed in" in page
    traveller.shift(dt.timedelta(minutes=31))
    assert client.get(reverse("settings"))["Location"].startswith(reverse("login"))


def test_logout_ends_a_remembered_session(client, alice, traveller):
    _login(client, alice.email, remember=True)
    key = client.session.session_key
    response = client.post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"storage"'
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    assert not _signed_in(client)


def test_a_password_change_ends_the_other_remembered_sessions(client, alice, traveller):
    phone = Client(HTTP_USER_AGENT=ANDROID_CHROME)
    _login(phone, alice.email, remember=True)
    _login(client, alice.email)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert response.status_code == 302
    assert _signed_in(client)
    assert not _signed_in(phone)
    assert list(UserSession.objects.filter(user=alice).values_list("session_key", flat=True)) == [
        client.session.session_key
    ]


def test_deleting_the_account_ends_a_remembered_session(client, alice, traveller):
    phone = Client(HTTP_USER_AGENT=ANDROID_CHROME)
    _login(phone, alice.email, remember=True)
    _login(client, alice.email)
    client.post(reverse("delete_account"), {"password": PASSWORD})
    assert not _signed_in(phone)
    assert not UserSession.objects.exists()


# --- Where you're signed in, and sign out everywhere -------------------------------------------


def test_it_lists_where_i_am_signed_in_by_browser_and_last_use(db, alice, bob, traveller):
    phone, laptop, bobs = (Client(HTTP_USER_AGENT=ua) for ua in (ANDROID_CHROME, WINDOWS_FIREFOX, IPHONE_SAFARI))
    _login(phone, alice.email, remember=True)
    traveller.shift(dt.timedelta(minutes=5))
    _login(bobs, bob.email)
    _login(laptop, alice.email)
    traveller.shift(dt.timedelta(minutes=3))
    html = laptop.get(reverse("signed_in")).content.decode()
    assert "Firefox on Windows" in html
    assert "Chrome on Android" in html
    assert "Safari on iPhone" not in html  # Bob's
    assert html.index("Firefox on Windows") < html.index("This browser") < html.index("Chrome on Android")
    assert "Last used 8\xa0minutes ago" in html
    assert "Kept signed in for 30 days" in html


def test_the_list_leaves_out_sessions_that_have_ended(db, alice, traveller):
    phone, laptop = Client(HTTP_USER_AGENT=ANDROID_CHROME), Client(HTTP_USER_AGENT=WINDOWS_FIREFOX)
    _login(phone, alice.email)
    _login(laptop, alice.email, remember=True)
    traveller.shift(dt.timedelta(hours=13))  # the phone's 12-hour session has expired
    html = laptop.get(reverse("signed_in")).content.decode()
    assert "Chrome on Android" not in html
    assert "Firefox on Windows" in html


def test_activity_is_recorded_at_most_once_a_minute(client, alice, traveller):
    _login(client, alice.email, remember=True)
    row = UserSession.objects.get()
    traveller.shift(dt.timedelta(seconds=30))
    client.get(reverse("history"))
    row.refresh_from_db()
    assert row.last_seen_at == NOW
    traveller.shift(dt.timedelta(seconds=31))
    client.get(reverse("history"))
    row.refresh_from_db()
    assert row.last_seen_at == NOW + dt.timedelta(seconds=61)


def test_sign_out_everywhere_ends_every_session_of_mine_and_only_mine(db, alice, bob, traveller):
    phone, laptop, bobs = (Client(HTTP_USER_AGENT=ua) for ua in (ANDROID_CHROME, WINDOWS_FIREFOX, IPHONE_SAFARI))
    _login(phone, alice.email, remember=True)
    _login(laptop, alice.email)
    _login(bobs, bob.email)
    response = laptop.post(reverse("sign_out_everywhere"))
    assert response["Location"] == reverse("login")
    assert response["Clear-Site-Data"] == '"storage"'
    assert not _signed_in(phone)
    assert not _signed_in(laptop)
    assert _signed_in(bobs)
    assert list(UserSession.objects.values_list("user__email", flat=True)) == [bob.email]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGNED_OUT_EVERYWHERE, actor=alice).count() == 1
    page = laptop.get(reverse("login")).content.decode()
    assert "signed out on every device" in page


def test_sign_out_everywhere_reaches_a_session_with_no_row_yet(db, alice, traveller):
    """A session from before rows were kept gets one on its next visit, and then ends with the rest."""
    old = Client(HTTP_USER_AGENT=ANDROID_CHROME)
    _login(old, alice.email)
    UserSession.objects.all().delete()
    traveller.shift(dt.timedelta(minutes=2))
    assert _signed_in(old)
    assert UserSession.objects.values_list("browser", "system").get() == ("Chrome", "Android")
    laptop = Client()
    _login(laptop, alice.email)
    laptop.post(reverse("sign_out_everywhere"))
    assert not _signed_in(old)


def test_sign_out_everywhere_needs_a_post(alice_client):
    assert alice_client.get(reverse("sign_out_everywhere")).status_code == 405
    assert _signed_in(alice_client)


# --- Signing out one browser ---------------------------------------------------------------------


@pytest.mark.parametrize("from_page", ["signed_in", "account_activity"])
def test_signing_out_one_browser_from_the_page_logs_that_browser_out(db, alice, traveller, from_page):
    phone, laptop = Client(HTTP_USER_AGENT=ANDROID_CHROME), Client(HTTP_USER_AGENT=WINDOWS_FIREFOX)
    _login(phone, alice.email, remember=True)
    _login(laptop, alice.email)
    html = laptop.get(reverse(from_page)).content.decode()
    phones = UserSession.objects.get(browser="Chrome", system="Android")
    assert reverse("end_session", args=[phones.pk]) in html
    mine = UserSession.objects.get(browser="Firefox", system="Windows")
    assert reverse("end_session", args=[mine.pk]) not in html  # this browser logs out instead
    back = "activity" if from_page == "account_activity" else ""
    response = laptop.post(reverse("end_session", args=[phones.pk]), {"back": back})
    assert response["Location"] == reverse(from_page)
    assert "Signed out Chrome on Android." in laptop.get(reverse(from_page)).content.decode()
    assert not _signed_in(phone)
    assert _signed_in(laptop)
    assert not Session.objects.filter(session_key=phones.session_key).exists()
    assert list(UserSession.objects.values_list("browser", "system")) == [("Firefox", "Windows")]
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_ENDED)
    assert event.actor_ref == alice.pk
    assert event.metadata == {
        "ended": "Chrome",
        "ended_system": "Android",
        "browser": "Firefox",
        "browser_system": "Windows",
    }


def test_bob_cannot_sign_out_alices_browser(db, alice, bob, traveller):
    alices, bobs = Client(HTTP_USER_AGENT=ANDROID_CHROME), Client(HTTP_USER_AGENT=IPHONE_SAFARI)
    _login(alices, alice.email)
    _login(bobs, bob.email)
    row = UserSession.objects.get(user=alice)
    assert bobs.post(reverse("end_session", args=[row.pk])).status_code == 404
    assert bobs.post(reverse("end_session", args=[row.pk + 1000])).status_code == 404
    assert _signed_in(alices)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SESSION_ENDED).exists()


def test_signing_out_this_browser_by_its_own_row_is_a_logout(db, alice, traveller):
    laptop = Client(HTTP_USER_AGENT=WINDOWS_FIREFOX)
    _login(laptop, alice.email)
    response = laptop.post(reverse("end_session", args=[UserSession.objects.get().pk]))
    assert response["Location"] == reverse("login")
    assert response["Clear-Site-Data"] == '"storage"'
    assert not _signed_in(laptop)
    assert not UserSession.objects.exists()


def test_signing_out_one_browser_needs_a_post(db, alice, traveller):
    phone, laptop = Client(HTTP_USER_AGENT=ANDROID_CHROME), Client(HTTP_USER_AGENT=WINDOWS_FIREFOX)
    _login(phone, alice.email)
    _login(laptop, alice.email)
    row = UserSession.objects.get(browser="Chrome", system="Android")
    assert laptop.get(reverse("end_session", args=[row.pk])).status_code == 405
    assert _signed_in(phone)


@pytest.mark.parametrize(
    ("user_agent", "words"),
    [
        (ANDROID_CHROME, "Chrome on Android"),
        (WINDOWS_FIREFOX, "Firefox on Windows"),
        (IPHONE_SAFARI, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet on Android",
        ),
        ("curl/8.5.0", "An unknown browser"),
        ("", "An unknown browser"),
    ],
)
def test_it_names_a_browser_in_words(user_agent, words):
    browser = Browser.from_user_agent(user_agent)
    assert str(browser) == words
    # Stored before the parts were kept, the same words read back as the same browser.
    assert Browser.from_english(words) == browser


def test_no_ip_address_is_kept(db, alice, traveller):
    client = Client(HTTP_USER_AGENT=ANDROID_CHROME, REMOTE_ADDR="203.0.113.9")
    _login(client, alice.email, remember=True)
    CheckInFactory(patient=alice)
    row = UserSession.objects.values().get()
    assert "203.0.113.9" not in str(row)
    assert "Mozilla" not in str(row)  # nor the raw User-Agent: the words are enough
    assert set(row) == {"id", "user_id", "session_key", "browser", "system", "created_at", "last_seen_at", "remembered"}


def test_a_staff_member_is_not_kept_signed_in(client, db, traveller):
    staff = UserFactory(role="staff", is_staff=True, email="staff@example.com")
    _login(client, staff.email, remember=True)
    assert not client.session.get("session_remembered")
    assert not UserSession.objects.get().remembered


def test_the_migration_gives_sessions_from_before_it_a_row(db, alice, bob, traveller):
    import importlib

    from django.apps import apps

    old, bobs = Client(), Client()
    _login(old, alice.email)
    _login(bobs, bob.email)
    UserSession.objects.all().delete()
    Client().get(reverse("login"))  # an anonymous session: no row
    importlib.import_module("tracker.migrations.0009_user_sessions").record_existing_sessions(apps, None)
    assert dict(UserSession.objects.values_list("session_key", "user__email")) == {
        old.session.session_key: alice.email,
        bobs.session.session_key: bob.email,
    }
    laptop = Client()
    _login(laptop, alice.email)
    laptop.post(reverse("sign_out_everywhere"))
    assert not _signed_in(old)
    assert _signed_in(bobs)


def test_a_password_reset_by_email_ends_every_session(client, alice, traveller):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    phone = Client(HTTP_USER_AGENT=ANDROID_CHROME)
    _login(phone, alice.email, remember=True)
    alice.refresh_from_db()  # the token covers the last login
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    form_url = client.get(reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(alice)]))
    new = "a brand new passphrase"
    assert client.post(form_url["Location"], {"new_password1": new, "new_password2": new}).status_code == 302
    assert not _signed_in(phone)
    assert not UserSession.objects.exists()
