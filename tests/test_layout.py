"""Promises every page keeps: the crisis line, the not-medical-advice notice, a skip link."""

import pytest
from django.urls import reverse

from tests.factories import ClinicianFactory, JoinCodeFactory

PUBLIC_PAGES = ["home", "login", "signup", "password_reset", "password_reset_done"]
PATIENT_PAGES = ["dashboard", "today", "history", "settings", "password_change"]


def _assert_footer(html):
    assert 'Call or text <a href="tel:988">988</a> (US)' in html
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
