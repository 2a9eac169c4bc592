"""Journeys for clinics and data rights, in a real browser."""

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.browser.conftest import assert_no_sideways_scroll, audit_accessibility, log_in, screenshot
from tests.factories import PASSWORD, CheckInFactory, ClinicFactory, ClinicianFactory, JoinCodeFactory, UserFactory
from tracker.clinics.services import clinic_join
from tracker.core.time import patient_today
from tracker.models import CheckIn, ClinicMembership, Enrolment, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_joins_a_clinic_with_the_link_on_their_join_code_slip(page):
    clinic = ClinicFactory(name="Harbour Clinic")
    code = JoinCodeFactory(clinic=clinic)
    UserFactory(email="pat@example.com")
    log_in(page, "pat@example.com", PASSWORD)
    page.goto(f"/join/{code.code}/")
    # Before joining, the page says exactly what the clinic will see.
    text = page.locator("main").inner_text()
    assert "Harbour Clinic" in text
    audit_accessibility(page)
    screenshot(page, "join-clinic")
    page.get_by_role("button", name="Join Harbour Clinic").click()
    page.wait_for_load_state()
    assert Enrolment.objects.filter(clinic=clinic, patient__email="pat@example.com", left_at=None).exists()


def test_a_clinician_opens_the_dashboard_and_downloads_the_csv(page):
    clinic = ClinicFactory(name="Riverside")
    clinician = ClinicianFactory(email="dr@example.com")
    ClinicMembership.objects.create(clinic=clinic, clinician=clinician, is_admin=True)
    for i in range(8):
        patient = UserFactory(email=f"p{i}@example.com")
        clinic_join(patient=patient, clinic=clinic)
        from tracker.checkins.services import checkin_save

        checkin_save(patient=patient, day=patient_today(patient=patient), values={"stress": i})
    log_in(page, "dr@example.com", PASSWORD)
    page.get_by_role("link", name="Riverside").first.click()
    page.get_by_role("heading", name="Riverside").wait_for()
    html = page.content()
    for email in (f"p{i}@example.com" for i in range(8)):
        assert email not in html  # aggregates only
    audit_accessibility(page)
    screenshot(page, "clinic-dashboard")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "Riverside" in content
    assert "Enrolled patients" in content


def test_a_patient_downloads_their_data_and_deletes_their_account(page):
    patient = UserFactory(email="leaving@example.com")
    CheckInFactory(patient=patient, day=patient_today(patient=patient) - dt.timedelta(days=1), note="mine")
    log_in(page, "leaving@example.com", PASSWORD)
    page.goto("/settings/")
    page.get_by_role("link", name="Download your data or delete your account").click()
    audit_accessibility(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "my-data")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as JSON").click()
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert data["checkins"][0]["note"] == "mine"

    page.get_by_label("Your password").fill("wrong password")
    page.get_by_role("button", name="Delete my account for good").click()
    page.get_by_text("That password isn't right.").wait_for()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    page.get_by_text("Your account and everything in it have been deleted.").wait_for()
    assert not User.objects.filter(email="leaving@example.com").exists()
    assert not CheckIn.objects.exists()
