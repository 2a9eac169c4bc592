"""A browser is kept by name ("Firefox", "Linux") and put in words when someone reads it, in their
language: "Firefox on Linux" for an English reader, "Firefox en Linux" for a Spanish one, in the
pages and in the security emails. Rows kept before, as an English sentence, read the same way."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from tests.factories import PASSWORD, UserFactory
from tracker.accounts.browsers import Browser
from tracker.accounts.sign_ins import browser_is_new
from tracker.audit.services import audit_record
from tracker.models import AuditEvent, UserSession

A = AuditEvent.Action
ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile"
LINUX_FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"


@pytest.fixture
def lucia(db):
    return UserFactory(email="lucia@example.com", first_name="Lucía", language="es", time_zone="America/Chicago")


def _sign_in(user_agent, email):
    browser = Client(HTTP_USER_AGENT=user_agent)
    assert browser.post(reverse("login"), {"username": email, "password": PASSWORD}).status_code == 302
    return browser


@pytest.mark.parametrize(
    ("browser", "english", "spanish"),
    [
        (Browser("Firefox", "Linux"), "Firefox on Linux", "Firefox en Linux"),
        (Browser("", "Linux"), "A browser on Linux", "Un navegador en Linux"),
        (Browser("Firefox", ""), "Firefox", "Firefox"),
        (Browser(), "An unknown browser", "Un navegador desconocido"),
    ],
)
def test_it_words_a_browser_in_the_readers_language(browser, english, spanish):
    with translation.override("en"):
        assert str(browser) == english
    with translation.override("es"):
        assert str(browser) == spanish
    assert browser.english() == english
    assert Browser.from_english(english) == browser


def test_an_event_kept_as_an_english_sentence_reads_as_its_parts():
    assert Browser.from_metadata({"browser": "Samsung Internet on Android"}) == Browser("Samsung Internet", "Android")
    assert Browser.from_metadata({"browser": "Firefox", "browser_system": "Linux"}) == Browser("Firefox", "Linux")
    assert Browser.from_metadata({"ended": "", "ended_system": "iPad"}, "ended") == Browser("", "iPad")
    assert Browser.from_metadata({"format": "csv"}) is None


def test_a_browser_signed_in_before_the_parts_were_kept_is_not_new(db, alice, frozen_now):
    audit_record(actor=alice, action=A.LOGGED_IN, browser="Firefox on Linux")  # as kept before
    assert not browser_is_new(user=alice, browser=Browser("Firefox", "Linux"), session_key=None)
    # The old sentence matches its own browser only: Firefox on another system is new.
    assert browser_is_new(user=alice, browser=Browser("Firefox", "Windows"), session_key=None)
    assert browser_is_new(user=alice, browser=Browser("Firefox", ""), session_key=None)


def test_the_migration_splits_the_sessions_kept_as_sentences(db, alice):
    words = ["Chrome on Android", "A browser on Linux", "An unknown browser", "Samsung Internet on Android"]
    for n, sentence in enumerate(words):
        UserSession.objects.create(user=alice, session_key=f"key{n}", browser=sentence)
    migration = importlib.import_module("tracker.migrations.0014_usersession_browser_parts")
    migration.split_browser_words(apps, None)
    assert list(UserSession.objects.order_by("session_key").values_list("browser", "system")) == [
        ("Chrome", "Android"),
        ("", "Linux"),
        ("", ""),
        ("Samsung Internet", "Android"),
    ]
    migration.join_browser_words(apps, None)
    assert list(UserSession.objects.order_by("session_key").values_list("browser", flat=True)) == words


def test_a_spanish_reader_gets_the_new_browser_email_in_spanish_from_a_real_sign_in(
    lucia, frozen_now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_in(ANDROID_CHROME, lucia.email)  # her first sign-in: the baseline, no email
    frozen_now.shift(dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        laptop = _sign_in(LINUX_FIREFOX, lucia.email)
    [message] = mail.outbox
    assert message.subject == "Nuevo inicio de sesión en su cuenta de Wellness Tracker: Firefox en Linux"
    html = " ".join(strip_tags(message.alternatives[0][0]).split())
    for text in (message.body, html):
        assert "Firefox en Linux" in text
        assert not re.search(r"\bon (Linux|Android)\b|unknown browser", text)

    # Her pages word the same browsers in Spanish: where she is signed in, and both sign-ins.
    assert "Firefox en Linux" in laptop.get(reverse("signed_in")).content.decode()
    html = laptop.get(reverse("account_activity")).content.decode()
    assert "Firefox en Linux" in html
    assert "Chrome en Android" in html
    assert not re.search(r"\bon (Linux|Android)\b", html)

    # An English reader of the same rows reads English.
    lucia.language = "en"
    lucia.save(update_fields=["language"])
    assert "Firefox on Linux" in laptop.get(reverse("account_activity")).content.decode()


def test_an_old_event_kept_in_english_is_shown_in_spanish(lucia, client):
    audit_record(actor=lucia, action=A.PASSWORD_CHANGED, browser="Safari on iPhone")  # as kept before
    client.force_login(lucia)
    html = client.get(reverse("account_activity")).content.decode()
    assert "Safari en iPhone" in html
    assert "Safari on iPhone" not in html
