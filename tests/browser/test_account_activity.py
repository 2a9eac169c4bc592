"""Settings -> Account activity in a real browser: a phone at 375 px, axe-clean, and signing out
another browser from the page."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import (
    PHONE,
    assert_follows_the_content_rules,
    assert_no_sideways_scroll,
    audit_accessibility,
    log_in,
    screenshot,
)
from tests.factories import PASSWORD, ClinicFactory, ClinicianFactory, UserFactory
from tracker.audit.services import audit_record
from tracker.clinics.services import clinic_join
from tracker.core.time import monday_of
from tracker.models import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"
)


def _a_patient_with_history():
    """Alex, in a clinic of 6, with sign-ins, a failed one, an export, and months of clinic views."""
    clinic = ClinicFactory(name="Riverside Wellness Clinic")
    clinician = ClinicianFactory(email="dr@example.com", first_name="Dana")
    clinic.clinicians.add(clinician)
    now = timezone.now()
    alex = UserFactory(email="alex@example.com", first_name="Alex")
    clinic_join(patient=alex, clinic=clinic, now=now - dt.timedelta(days=100))
    for i in range(5):
        clinic_join(patient=UserFactory(email=f"p{i}@example.com"), clinic=clinic, now=now - dt.timedelta(days=60))
    for days in range(1, 95, 4):  # a view every few days, each of the last 12 weeks
        at = now - dt.timedelta(days=days)
        last = monday_of(at.date())
        # Before the other 5 joined, the clinic had Alex alone: every figure withheld.
        shown = "1" * 12 if days < 60 else "0" * 12
        AuditEvent.objects.create(
            actor=clinician,
            actor_ref=clinician.pk,
            action=AuditEvent.Action.DASHBOARD_EXPORTED if days % 3 == 0 else AuditEvent.Action.DASHBOARD_VIEWED,
            clinic=clinic,
            clinic_ref=clinic.pk,
            at=at,
            metadata={
                "first_week": (last - dt.timedelta(weeks=11)).isoformat(),
                "last_week": last.isoformat(),
                "weeks_shown": shown,
                "cohorts_shown": "",
                "enrolled": 6 if days < 60 else 1,
            },
        )
    audit_record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, account=alex.pk)
    audit_record(actor=alex, action=AuditEvent.Action.DATA_EXPORTED, format="json", browser="Safari on iPhone")
    return alex


def test_the_activity_page_on_a_phone_is_axe_clean_and_fits(phone):
    _a_patient_with_history()
    log_in(phone, "alex@example.com", PASSWORD)
    phone.goto("/settings/")
    phone.get_by_role("link", name="Account activity").click()
    phone.get_by_role("heading", name="Account activity").wait_for()
    text = phone.locator("main").inner_text()
    assert "When your clinic looked at its figures" in text
    assert "every figure that counted you was withheld" in text
    assert "Wrong password entered" in text
    assert "Dana" not in text
    assert "dr@example.com" not in text
    audit_accessibility(phone)
    assert_no_sideways_scroll(phone)
    assert_follows_the_content_rules(phone)
    screenshot(phone, "account-activity")


def test_signing_out_another_browser_from_the_page_logs_it_out(browser, live_server):
    UserFactory(email="alex@example.com")
    contexts = [
        browser.new_context(viewport=PHONE, base_url=live_server.url, user_agent=ANDROID_CHROME, is_mobile=True),
        browser.new_context(base_url=live_server.url, user_agent=WINDOWS_EDGE),
    ]
    try:
        phone, laptop = (context.new_page() for context in contexts)
        log_in(phone, "alex@example.com", PASSWORD)
        log_in(laptop, "alex@example.com", PASSWORD)
        laptop.goto("/settings/activity/")
        phones_row = laptop.locator("li", has_text="Chrome on Android").filter(
            has=laptop.get_by_role("button", name="Sign out this browser")
        )
        phones_row.get_by_role("button", name="Sign out this browser").click()
        laptop.get_by_text("Signed out Chrome on Android.").wait_for()
        assert "Signed out Chrome on Android" in laptop.locator("main").inner_text()

        phone.goto("/history/")
        assert "/accounts/login/" in phone.url
        laptop.goto("/history/")
        assert "/history/" in laptop.url  # the laptop is still signed in
    finally:
        for context in contexts:
            context.close()
