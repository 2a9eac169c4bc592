"""Settings -> Account activity: each event on its own account's page only, told in words, in the
reader's own time zone, newest first, a page at a time, at a fixed number of queries."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import NOW
from tests.factories import PASSWORD, UserFactory
from tracker.audit.services import audit_record
from tracker.clinics.services import clinic_join, clinic_leave
from tracker.content.rules import violations
from tracker.models import AuditEvent, User

A = AuditEvent.Action
ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile"
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


def _page(client, user, query="") -> str:
    """The page's main text as its reader sees it (logging in first, once: a sign-in is an event)."""
    if client.session.get("_auth_user_id") != str(user.pk):
        client.force_login(user)
    html = client.get(reverse("account_activity") + query).content.decode()
    return " ".join(unescape(strip_tags(html.split('<main id="main"', 1)[1].split("</main>", 1)[0])).split())


def _events_section(text: str) -> str:
    return text.split("Activity", 1)[1] if "Activity" in text else text


# (what happened, how the event is recorded for `user`, how the page tells it)
EVENTS = [
    (
        "sign-in",
        lambda u, c: audit_record(actor=u, action=A.LOGGED_IN, browser="Chrome on Android"),
        "Signed in Fri 27 Nov 2026, 10:00 · Chrome on Android",
    ),
    (
        "failed sign-in",
        lambda u, c: audit_record(actor=None, action=A.LOGIN_FAILED, account=u.pk),
        "Wrong password entered",
    ),
    (
        "lockout",
        lambda u, c: audit_record(actor=None, action=A.LOCKED_OUT, account=u.pk),
        "Sign-in paused for 15 minutes after 5 wrong passwords",
    ),
    ("password change", lambda u, c: audit_record(actor=u, action=A.PASSWORD_CHANGED), "Password changed"),
    (
        "password reset",
        lambda u, c: audit_record(actor=u, action=A.PASSWORD_RESET),
        "Password reset with a link from an email",
    ),
    (
        "two-factor on",
        lambda u, c: audit_record(actor=u, action=A.TWO_FACTOR_ON),
        "Two-factor authentication turned on",
    ),
    (
        "two-factor off",
        lambda u, c: audit_record(actor=u, action=A.TWO_FACTOR_OFF),
        "Two-factor authentication turned off",
    ),
    (
        "export",
        lambda u, c: audit_record(actor=u, action=A.DATA_EXPORTED, format="fhir"),
        "Downloaded your data as FHIR",
    ),
    ("clinic joined", lambda u, c: clinic_join(patient=u, clinic=c), "Joined Alice's clinic"),
    (
        "clinic left",
        lambda u, c: (clinic_join(patient=u, clinic=c), clinic_leave(patient=u, clinic_id=c.pk)),
        "Left Alice's clinic",
    ),
    (
        "session ended",
        lambda u, c: audit_record(actor=u, action=A.SESSION_ENDED, ended="Safari on iPad", browser="Firefox on Linux"),
        "Signed out Safari on iPad",
    ),
    (
        "signed out everywhere",
        lambda u, c: audit_record(actor=u, action=A.SIGNED_OUT_EVERYWHERE),
        "Signed out everywhere",
    ),
]


@pytest.mark.parametrize(("name", "record", "told"), EVENTS, ids=[e[0] for e in EVENTS])
def test_each_event_appears_on_its_own_accounts_page_only(client, alice, bob, alices_clinic, name, record, told):
    record(alice, alices_clinic)
    assert told in _events_section(_page(client, alice))
    assert told not in _page(client, bob)


def test_a_clinicians_page_lists_their_own_dashboard_views_and_downloads(client, alice, charlie, dora, alices_clinic):
    clinic_join(patient=alice, clinic=alices_clinic)
    client.force_login(charlie)
    client.get(reverse("clinic_dashboard", args=[alices_clinic.pk]))
    client.get(reverse("clinic_dashboard_csv", args=[alices_clinic.pk]) + "?weeks=4")
    charlies = _page(client, charlie)
    assert "Opened the dashboard of Alice's clinic Fri 27 Nov 2026, 10:00 · the weeks of 7 Sep 2026 to" in charlies
    assert "Downloaded the figures of Alice's clinic as CSV Fri 27 Nov 2026, 10:00 · the weeks of 2 Nov" in charlies
    assert "Alice's clinic" not in _page(client, dora)  # another clinician's views are not theirs
    alices = _page(client, alice)
    assert "Opened the dashboard" not in alices  # Alice gets the count, never the clinician's event
    assert "Charlie" not in alices
    assert "charlie@" not in alices


def test_staff_have_the_page_for_their_own_account(client, sam, alice):
    audit_record(actor=sam, action=A.PASSWORD_CHANGED)
    audit_record(actor=alice, action=A.TWO_FACTOR_OFF)
    text = _page(client, sam)
    assert "Password changed" in text
    assert "Two-factor authentication turned off" not in text
    assert "When your clinic looked" not in text  # patients only


def test_times_are_in_the_readers_own_zone(client, alice, bob):
    for user in (alice, bob):
        audit_record(actor=user, action=A.PASSWORD_CHANGED)  # 27 November 2026, 15:00 UTC
    assert "Fri 27 Nov 2026, 10:00" in _page(client, alice)  # New York
    assert "Fri 27 Nov 2026, 15:00" in _page(client, bob)  # London
    assert "America/New York" in _page(client, alice)


def test_it_is_newest_first_a_page_at_a_time(client, alice, frozen_now):
    client.force_login(alice)  # the oldest event: the sign-in at 10:00
    for _ in range(30):
        frozen_now.shift(dt.timedelta(minutes=1))
        audit_record(actor=alice, action=A.DATA_EXPORTED, format="json")
    first = _page(client, alice)
    times = re.findall(r"Fri 27 Nov 2026, (\d\d:\d\d) · Unknown", first)
    assert times == sorted(times, reverse=True)
    assert len(re.findall(r"Downloaded your data as JSON", first)) == 25
    assert "Page 1 of 2" in first
    second = _page(client, alice, "?page=2")
    assert len(re.findall(r"Downloaded your data as JSON", second)) == 5
    assert "Signed in Fri 27 Nov 2026, 10:00" in second  # the oldest
    assert "Page 2 of 2" in _page(client, alice, "?page=99")  # past the end: the last page


def test_a_sign_in_tells_the_browser_in_words_and_no_ip_address(client, alice):
    phone = Client(HTTP_USER_AGENT=ANDROID_CHROME, REMOTE_ADDR="203.0.113.9")
    phone.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    text = _page(phone, alice)
    assert "Signed in Fri 27 Nov 2026, 10:00 · Chrome on Android" in _events_section(text)
    assert "203.0.113" not in text
    assert "Mozilla" not in str(AuditEvent.objects.values_list("metadata", flat=True))


def _code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_it_tells_whether_the_two_factor_code_followed_the_password(client, charlie, frozen_now):
    device = TOTPDevice.objects.create(user=charlie, name="app", confirmed=True)
    laptop = Client(HTTP_USER_AGENT=WINDOWS_FIREFOX)
    laptop.post(reverse("login"), {"username": charlie.email, "password": PASSWORD})
    assert laptop.post(reverse("two_factor_verify"), {"token": _code(device)}).status_code == 302
    frozen_now.shift(dt.timedelta(minutes=5))
    stranger = Client(HTTP_USER_AGENT=ANDROID_CHROME)
    stranger.post(reverse("login"), {"username": charlie.email, "password": PASSWORD})  # and no code
    html = laptop.get(reverse("account_activity")).content.decode()
    text = " ".join(strip_tags(html).split())
    assert "Password entered, but no two-factor code Was this you? Fri 27 Nov 2026, 10:05 · Chrome on Android" in text
    assert "Signed in with a two-factor code Fri 27 Nov 2026, 10:00 · Firefox on Windows" in text
    assert "Entered a two-factor code" not in text  # told with its sign-in, not on its own


def test_failed_sign_ins_and_lockouts_ask_was_this_you(client, alice):
    for _ in range(5):
        Client().post(reverse("login"), {"username": alice.email, "password": "wrong"})
    text = _events_section(_page(client, alice))
    assert text.count("Wrong password entered Was this you?") == 5
    assert "Sign-in paused for 15 minutes after 5 wrong passwords Was this you?" in text


def _busy_patient(alice, clinic, count):
    clinic_join(patient=alice, clinic=clinic, now=NOW - dt.timedelta(days=200))
    for i in range(count):
        audit_record(actor=alice, action=A.LOGGED_IN, browser="Chrome on Android", two_factor=i % 2 == 0)
        AuditEvent.objects.create(
            action=A.DASHBOARD_VIEWED,
            clinic=clinic,
            at=NOW - dt.timedelta(days=i),
            metadata={"first_week": "2026-06-01", "last_week": "2026-11-23", "weeks_shown": "1" * 26, "enrolled": 9},
        )


@pytest.mark.parametrize("count", [1, 60])
def test_the_page_costs_a_fixed_number_of_queries(client, alice, alices_clinic, count, django_assert_max_num_queries):
    _busy_patient(alice, alices_clinic, count)
    client.force_login(alice)
    client.get(reverse("account_activity"))  # the once-a-minute session write happens here
    # session, user, sessions list, count, page, codes entered, enrolments, clinic views
    with django_assert_max_num_queries(8):
        response = client.get(reverse("account_activity"))
    assert response.status_code == 200


def test_the_page_breaks_no_content_rule(client, alice, alices_clinic):
    _busy_patient(alice, alices_clinic, 5)
    for _, record, _ in EVENTS[1:8]:
        record(alice, alices_clinic)
    assert violations(_page(client, alice)) == []


def test_a_deleted_clinic_is_named_as_such(client, alice, alices_clinic):
    clinic_join(patient=alice, clinic=alices_clinic)
    alices_clinic.delete()
    assert "Joined a clinic that no longer exists" in _page(client, alice)


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("account_activity"))
    assert response["Location"].startswith(reverse("login"))


def test_it_is_linked_from_both_settings_pages(client, alice, charlie):
    for user in (alice, charlie):
        client.force_login(user)
        assert reverse("account_activity") in client.get(reverse("settings")).content.decode()


def test_another_users_events_never_leak_by_role(client, db):
    users = [UserFactory(role=role) for role in (User.Role.PATIENT, User.Role.CLINICIAN, User.Role.STAFF)]
    for user in users:
        audit_record(actor=user, action=A.DATA_EXPORTED, format="csv", browser=f"Browser{user.pk}")
    for user in users:
        text = _page(client, user)
        assert f"Browser{user.pk}" in text
        assert [u.pk for u in users if f"Browser{u.pk}" in text] == [user.pk]
