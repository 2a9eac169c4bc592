"""Promises every page keeps: the crisis line, the not-medical-advice notice, a skip link."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from tests.factories import ClinicianFactory, JoinCodeFactory

PUBLIC_PAGES = ["home", "login", "signup", "password_reset", "password_reset_done"]
PATIENT_PAGES = ["dashboard", "today", "history", "settings", "password_change"]
# The crisis line, word for word as issue #18 asks, the same everywhere (templates/includes/crisis_help.*).
CRISIS_LINE = "Call or text 988, or chat at 988lifeline.org (US). Outside the US, call your local emergency number."
# In Spanish, issue #21's wording: the Lifeline's Spanish options ("press 2" on a call, AYUDA by text)
# as confirmed in English; the official Spanish phrasing is not (docs/content.md).
CRISIS_LINE_ES = (
    "Llame o envíe un mensaje de texto al 988 (EE. UU.); para español, marque 2 o envíe AYUDA al 988. "
    "Fuera de EE. UU., llame a su número local de emergencias."
)
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


# The crisis line and the links it must hold, per language.
CRISIS_LINES = {
    "en": (CRISIS_LINE, ('<a href="tel:988">988</a>', '<a href="https://988lifeline.org">988lifeline.org</a>')),
    "es": (CRISIS_LINE_ES, ('<a href="tel:988">988</a>', '<a href="sms:988">988</a>')),
}


def crisis_line_problems(html: str, language: str = "en") -> list[str]:
    line, links = CRISIS_LINES[language]
    text = " ".join(strip_tags(html).split())
    problems = []
    if text.count(line) != 1:
        problems.append(f"the crisis line appears {text.count(line)} times")
    missing = [link for link in links if link not in html]
    if missing:
        problems.append(f"not linked: {missing}")
    return problems


def _assert_spanish_footer(html):
    assert crisis_line_problems(html, "es") == []
    assert "Esta aplicación no es un consejo médico." in html
    assert '<html lang="es">' in html


def _assert_footer(html):
    assert crisis_line_problems(html) == []
    assert "This app is not medical advice" in html
    assert 'href="#main">Skip to content</a>' in html
    assert '<main id="main"' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_page_shows_the_crisis_line(client, db, name):
    _assert_footer(client.get(reverse(name)).content.decode())


@pytest.mark.parametrize("name", PATIENT_PAGES)
def test_every_patient_page_shows_the_crisis_line(alice_client, name):
    _assert_footer(alice_client.get(reverse(name)).content.decode())


def test_error_pages_show_the_crisis_line(alice_client, frozen_now):
    _assert_footer(alice_client.get("/checkin/2030-01-01/").content.decode())
    clinician = ClinicianFactory()
    alice_client.force_login(clinician)
    _assert_footer(alice_client.get(reverse("today")).content.decode())


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_every_public_page_in_spanish_shows_the_spanish_crisis_line(client, db, name):
    _assert_spanish_footer(client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="es").content.decode())


@pytest.mark.parametrize("name", PATIENT_PAGES)
def test_every_patient_page_in_spanish_shows_the_spanish_crisis_line(alice_client, alice, name):
    alice.language = "es"
    alice.save(update_fields=["language"])
    _assert_spanish_footer(alice_client.get(reverse(name)).content.decode())


@pytest.mark.parametrize("status", [403, 404, 500])
def test_each_error_page_in_spanish_shows_the_spanish_crisis_line_once(db, status):
    from django.views import defaults

    request = RequestFactory().get("/")
    view = {403: defaults.permission_denied, 404: defaults.page_not_found, 500: defaults.server_error}[status]
    with translation.override("es"):
        response = view(request) if status == 500 else view(request, exception=Exception())
    assert crisis_line_problems(response.content.decode(), "es") == []


def test_the_spanish_crisis_line_is_the_same_include_and_twin():
    with translation.override("es"):
        html = render_to_string("includes/crisis_help.html")
        text = render_to_string("includes/crisis_help.txt")
    assert " ".join(strip_tags(html).split()) == " ".join(text.split()) == "¿Está en crisis? " + CRISIS_LINE_ES
    assert crisis_line_problems(html, "es") == []


def test_the_spanish_crisis_line_check_fails_on_the_english_line_or_without_its_links():
    assert crisis_line_problems(render_to_string("includes/crisis_help.html"), "es")
    with translation.override("es"):
        html = render_to_string("includes/crisis_help.html")
    assert crisis_line_problems(html.replace('href="sms:988"', 'href="tel:988"'), "es") == [
        "not linked: ['<a href=\"sms:988\">988</a>']"
    ]


def test_bootstrap_is_served_locally_never_from_a_cdn(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline scripts


def test_bootstrap_files_exist_in_the_static_finders():
    from django.contrib.staticfiles import finders

    assert finders.find("bootstrap/css/bootstrap.min.css")
    assert finders.find("bootstrap/js/bootstrap.bundle.min.js")


def test_clinic_pages_show_the_crisis_line(client, alice, charlie, alices_clinic, frozen_now):
    _assert_footer(client.get(reverse("join", args=[JoinCodeFactory(clinic=alices_clinic).code])).content.decode())
    _assert_footer(client.get(reverse("join", args=["NOTACODE"])).content.decode())
    _assert_footer(client.get(reverse("clinician_invitation", args=["bad"])).content.decode())
    client.force_login(charlie)
    for name in ["clinician_home"]:
        _assert_footer(client.get(reverse(name)).content.decode())
    html = client.get(reverse("clinic_dashboard", args=[alices_clinic.pk])).content.decode()
    _assert_footer(html)
    assert "<script>" not in html


def test_the_crisis_line_is_one_include_with_a_plain_text_twin():
    html = render_to_string("includes/crisis_help.html")
    text = render_to_string("includes/crisis_help.txt")
    assert " ".join(strip_tags(html).split()) == " ".join(text.split()) == "In crisis? " + CRISIS_LINE
    # Nowhere else writes its own version of the line.
    for path in TEMPLATES.rglob("*"):
        if path.is_file() and path.parent.name != "includes":
            assert not re.search(r"Call or text (<a[^>]*>)?988", path.read_text(encoding="utf-8")), path


def test_the_crisis_line_check_fails_without_the_line_or_with_an_old_one():
    old_footer = (
        'In crisis? Call or text <a href="tel:988">988</a> (US), the Suicide &amp; Crisis Lifeline: free, '
        "confidential, 24/7. In an emergency, call 911."
    )
    assert crisis_line_problems(old_footer)
    assert crisis_line_problems("<p>Nothing here.</p>")
    page = render_to_string("includes/crisis_help.html")
    assert crisis_line_problems(page + page) == ["the crisis line appears 2 times"]


@pytest.mark.parametrize("status", [403, 404, 500])
def test_each_error_page_shows_the_crisis_line_once(client, db, status):
    from django.views import defaults

    request = RequestFactory().get("/")
    view = {403: defaults.permission_denied, 404: defaults.page_not_found, 500: defaults.server_error}[status]
    response = view(request) if status == 500 else view(request, exception=Exception())
    assert response.status_code == status
    assert crisis_line_problems(response.content.decode()) == []


def test_every_email_shows_the_crisis_line(db):
    from tests.education.test_safety_rules import demo_email_context, email_templates
    from tracker.models import Note

    context = demo_email_context(Note.objects.get(slug="sleep"))
    bodies = [path for path in email_templates() if "subject" not in path.name]
    assert len(bodies) >= 6
    for path in bodies:
        rendered = render_to_string(f"{path.parent.name}/{path.name}", context)
        if path.suffix == ".html" and path.parent.name == "emails":
            assert crisis_line_problems(rendered) == [], path.name
        else:
            assert " ".join(rendered.split()).count(CRISIS_LINE) == 1, path.name
