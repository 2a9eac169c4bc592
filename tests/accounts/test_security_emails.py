"""Security emails: a new browser, a password change or reset, two-factor on or off, a data export.
One email each, after the commit, saying what, when and what to do; throttled; no health values."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, CheckInFactory
from tracker.accounts.notices import security_email_send
from tracker.audit.services import audit_record
from tracker.content.rules import violations
from tracker.models import AuditEvent, UserSession

A = AuditEvent.Action
ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile"
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"
IPHONE_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Safari/604.1"


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run `action` and its after-commit tasks; the emails it sent."""

    def run(action):
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return mail.outbox[before:]

    return run


@pytest.fixture
def alices(client, alice, frozen_now):
    """Alice's browser, signed in after the clock is frozen (so her password counts as recent)."""
    client.force_login(alice)
    return client


def _sign_in(user_agent, email, password=PASSWORD):
    browser = Client(HTTP_USER_AGENT=user_agent)
    response = browser.post(reverse("login"), {"username": email, "password": password})
    assert response.status_code == 302
    return browser


# --- a new browser ------------------------------------------------------------------------------


def test_the_first_sign_in_of_an_account_sends_nothing(alice, sent):
    assert sent(lambda: _sign_in(ANDROID_CHROME, alice.email)) == []


def test_a_new_browser_sends_exactly_one_email_and_a_known_one_none(alice, sent, frozen_now):
    sent(lambda: _sign_in(ANDROID_CHROME, alice.email).post(reverse("logout")))
    frozen_now.shift(dt.timedelta(days=3))
    [message] = sent(lambda: _sign_in(WINDOWS_FIREFOX, alice.email))
    assert message.to == [alice.email]
    assert message.subject == "New sign-in to your Wellness Tracker account: Firefox on Windows"
    assert sent(lambda: _sign_in(WINDOWS_FIREFOX, alice.email)) == []
    assert sent(lambda: _sign_in(ANDROID_CHROME, alice.email)) == []


def test_a_browser_unused_for_90_days_is_new_again(alice, sent, frozen_now):
    sent(lambda: _sign_in(ANDROID_CHROME, alice.email))
    frozen_now.shift(dt.timedelta(days=89))
    assert sent(lambda: _sign_in(WINDOWS_FIREFOX, alice.email)) != []
    assert sent(lambda: _sign_in(ANDROID_CHROME, alice.email)) == []  # 89 days: still known
    frozen_now.shift(dt.timedelta(days=91))
    assert [m.subject for m in sent(lambda: _sign_in(ANDROID_CHROME, alice.email))] == [
        "New sign-in to your Wellness Tracker account: Chrome on Android"
    ]


def test_a_browser_still_signed_in_is_known(alice, sent, frozen_now):
    """A session from before sign-ins recorded their browser: its row names it."""
    audit_record(actor=alice, action=A.LOGGED_IN, browser="Firefox on Windows")
    Client().force_login(alice)  # a live session, recorded as an unknown browser
    UserSession.objects.update(browser="Chrome", system="Android")  # as a visit since then named it
    frozen_now.shift(dt.timedelta(minutes=30))
    assert sent(lambda: _sign_in(ANDROID_CHROME, alice.email)) == []
    assert sent(lambda: _sign_in(IPHONE_SAFARI, alice.email)) != []


def test_a_wrong_password_sends_nothing(alice, sent):
    sent(lambda: _sign_in(ANDROID_CHROME, alice.email))
    assert sent(lambda: Client(HTTP_USER_AGENT=IPHONE_SAFARI).post(reverse("login"), {"username": alice.email})) == []


def test_the_email_says_what_when_where_and_what_to_do(alice, sent, frozen_now):
    sent(lambda: _sign_in(ANDROID_CHROME, alice.email))
    frozen_now.shift(dt.timedelta(hours=2))
    [message] = sent(lambda: _sign_in(WINDOWS_FIREFOX, alice.email))
    html = message.alternatives[0][0]
    for text in (message.body, " ".join(strip_tags(html).split())):
        assert "signed in from Firefox on Windows on Friday 27 November 2026, 12:00 (America/New York)" in text
        assert "If it wasn't you" in text
        assert "Call or text 988" in text
    for name in ("password_change", "password_reset", "signed_in", "account_activity"):
        assert f"http://127.0.0.1:8000{reverse(name)}" in message.body
        assert f'href="http://127.0.0.1:8000{reverse(name)}"' in html


# --- account changes -----------------------------------------------------------------------------


def _change_password(client):
    new = "a new long passphrase"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302


def test_a_password_change_sends_one_email_telling_to_reset_if_it_wasnt_them(alice, sent):
    laptop = _sign_in(WINDOWS_FIREFOX, alice.email)
    [message] = sent(lambda: _change_password(laptop))
    assert message.subject == "Your Wellness Tracker password was changed"
    assert "changed from Firefox on Windows" in message.body
    assert "Reset your password by email" in message.body
    assert reverse("password_reset") in message.body


def test_a_password_reset_sends_one_email(client, alice, sent):
    [reset] = sent(lambda: client.post(reverse("password_reset"), {"email": alice.email}))
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/reset/\S+/)", reset.body).group(1)
    form_url = client.get(link)["Location"]
    new = "a brand new passphrase"
    [message] = sent(lambda: client.post(form_url, {"new_password1": new, "new_password2": new}))
    assert message.subject == "Your Wellness Tracker password was reset"
    assert message.to == [alice.email]


def _code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_two_factor_on_and_off_each_send_one_email(client, charlie, sent, frozen_now):
    client.force_login(charlie)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=charlie)
    [on] = sent(lambda: client.post(reverse("two_factor_setup"), {"token": _code(device), "password": PASSWORD}))
    assert on.subject == "Two-factor authentication is on for your Wellness Tracker account"
    [off] = sent(lambda: client.post(reverse("two_factor_disable"), {"password": PASSWORD}))
    assert off.subject == "Two-factor authentication was turned off on your Wellness Tracker account"
    assert off.to == [charlie.email]


def test_a_data_export_sends_one_email_with_none_of_the_data(alice, alices, sent):
    CheckInFactory(patient=alice, note="my private words")
    [message] = sent(lambda: alices.get(reverse("export_csv")))
    assert message.subject == "Your Wellness Tracker data was downloaded"
    assert "downloaded as CSV (a ZIP of spreadsheets)" in message.body
    assert "my private words" not in message.body
    assert message.attachments == []


def test_an_email_goes_out_only_after_the_commit(alices, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        alices.get(reverse("export_json"))
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


# --- throttling ------------------------------------------------------------------------------------


def test_repeating_an_action_cannot_flood_the_mailbox(alice, alices, sent, frozen_now):
    def export_5_times():
        alice.refresh_from_db()  # its password changed on the way
        alices.force_login(alice)  # the password entered again, as the downloads ask
        return sent(lambda: [alices.get(reverse("export_json")) for _ in range(5)])

    assert len(export_5_times()) == 3  # a kind: 3 an hour
    assert AuditEvent.objects.filter(action=A.DATA_EXPORTED).count() == 5  # all on the activity page
    assert len(sent(lambda: _change_password(alices))) == 1  # another kind still gets through
    frozen_now.shift(dt.timedelta(hours=1))
    assert len(export_5_times()) == 3
    frozen_now.shift(dt.timedelta(hours=1))
    assert len(export_5_times()) == 3
    frozen_now.shift(dt.timedelta(hours=1))
    assert len(export_5_times()) == 1  # and 10 a day


def test_the_throttle_is_per_account(alice, bob, sent):
    for user in (alice, bob):
        client = Client()
        client.force_login(user)
        assert len(sent(lambda client=client: [client.get(reverse("export_json")) for _ in range(4)])) == 3


# --- what the emails hold ----------------------------------------------------------------------------


NOTIFIED = [A.LOGGED_IN, A.PASSWORD_CHANGED, A.PASSWORD_RESET, A.TWO_FACTOR_ON, A.TWO_FACTOR_OFF, A.DATA_EXPORTED]


@pytest.mark.parametrize("action", NOTIFIED)
def test_no_email_holds_a_health_value_or_breaks_a_content_rule(alice, action):
    for day in range(1, 15):
        CheckInFactory(
            patient=alice,
            day=dt.date(2026, 11, day),
            sleep_hours=9.75,
            stress=8,
            fruit_veg_servings=17,
            note=f"my private words {day}",
        )
    event = audit_record(actor=alice, action=action, browser="Chrome on Android", format="fhir")
    assert security_email_send(event_id=event.pk)
    [message] = mail.outbox
    html = " ".join(strip_tags(message.alternatives[0][0]).split())
    for text in (message.subject, message.body, html):
        assert violations(text) == [], text
        for value in ("9.75", "private words", "17", "Stress", "stress", "sleep"):
            assert value not in text


def test_a_mail_server_failure_is_logged_not_raised(alice, monkeypatch, caplog):
    from django.core.mail import EmailMultiAlternatives

    def refuse(self, *args, **kwargs):
        raise OSError("the mail server is away")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    event = audit_record(actor=alice, action=A.PASSWORD_CHANGED, browser="Chrome on Android")
    assert security_email_send(event_id=event.pk) is False
    assert "Could not send the password_changed security email" in caplog.text


def test_nothing_is_sent_for_a_deactivated_account_or_an_unnotified_event(alice):
    event = audit_record(actor=alice, action=A.SIGNED_OUT_EVERYWHERE)
    assert security_email_send(event_id=event.pk) is False
    changed = audit_record(actor=alice, action=A.PASSWORD_CHANGED)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert security_email_send(event_id=changed.pk) is False
    assert mail.outbox == []
