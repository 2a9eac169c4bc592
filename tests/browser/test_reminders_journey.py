"""Email verification, opting into reminders, receiving one and unsubscribing in one click."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command

from tests.browser.conftest import (
    assert_follows_the_content_rules,
    assert_no_sideways_scroll,
    audit_accessibility,
    log_in,
    screenshot,
)
from tracker.content.rules import violations
from tracker.models import ReminderDelivery, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _link(message, pattern):
    return re.search(pattern, message.body).group(0)


def test_a_patient_verifies_their_email_opts_in_gets_a_reminder_and_unsubscribes(page, live_server, settings):
    settings.SITE_URL = live_server.url
    mail.outbox.clear()
    page.goto("/accounts/signup/")
    page.get_by_role("textbox", name="Email").fill("rae@example.com")
    page.get_by_label("First name").fill("Rae")
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("a long and unusual passphrase")
    page.get_by_label("Password again").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your email").wait_for()

    # The verification email's link confirms the address (sent after the sign-up's commit).
    verification = mail.outbox[-1]
    assert verification.to == ["rae@example.com"]
    assert violations(verification.body) == []
    page.goto(_link(verification, r"https?://\S+/accounts/verify-email/\S+/"))
    audit_accessibility(page)
    assert_follows_the_content_rules(page)
    screenshot(page, "email-verified")
    assert User.objects.get(email="rae@example.com").email_verified_at is not None

    # Opt in on the settings page, for a time that has already come this week.
    log_in(page, "rae@example.com", "a long and unusual passphrase")
    page.goto("/settings/")
    page.get_by_label("Email me a reminder to check in").check()
    page.get_by_role("radio", name="Once a week").check()
    page.get_by_label("Day (for “once a week”)").select_option(label="Monday")
    page.get_by_label("Reminder time").select_option(index=0)
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Your settings are saved.").wait_for()
    audit_accessibility(page)
    assert_follows_the_content_rules(page)
    screenshot(page, "settings-reminders")

    # The hourly dispatch (in-process here: no broker) sends this week's reminder.
    mail.outbox.clear()
    call_command("send_weekly_reminders")
    (reminder,) = mail.outbox
    assert reminder.to == ["rae@example.com"]
    assert violations(reminder.body) == []
    assert violations(reminder.alternatives[0][0]) == []
    assert reminder.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert ReminderDelivery.objects.get().status == ReminderDelivery.Status.SENT

    # Its link opens a confirmation page; the button unsubscribes.
    unsubscribe = reminder.extra_headers["List-Unsubscribe"].strip("<>")
    page.goto(unsubscribe)
    audit_accessibility(page)
    assert User.objects.get(email="rae@example.com").reminders_enabled  # a GET changes nothing
    page.get_by_role("button", name=re.compile("Unsubscribe", re.I)).click()
    page.wait_for_load_state()
    screenshot(page, "unsubscribed")
    assert not User.objects.get(email="rae@example.com").reminders_enabled


def test_a_patient_on_a_phone_without_javascript_chooses_daily_reminders_on_chosen_days(browser, live_server, settings):
    """The cadence controls work with JavaScript off, are big enough for a thumb, and a mistake
    (chosen days with none ticked) is explained on the page with nothing lost."""
    from tests.browser.conftest import PHONE
    from tests.factories import PASSWORD, UserFactory

    settings.SITE_URL = live_server.url
    UserFactory(email="sam@example.com", first_name="Sam", email_verified_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    phone = context.new_page()
    try:
        log_in(phone, "sam@example.com", PASSWORD)
        phone.goto("/settings/")
        phone.get_by_label("Email me a reminder to check in").check()
        phone.get_by_role("radio", name="On the days I choose").check()
        phone.get_by_label("Reminder time").select_option(label="19:00")
        for control in ("Every day", "On the days I choose", "Once a week", "Monday", "Sunday"):
            box = phone.get_by_label(control, exact=True).locator("xpath=..").bounding_box()
            assert box["height"] >= 44, (control, box)  # a thumb-sized row, label included
        phone.get_by_role("button", name="Save settings").click()
        phone.get_by_text("Tick at least one day for “on the days I choose”").wait_for()
        assert phone.get_by_role("radio", name="On the days I choose").is_checked()  # nothing lost
        assert phone.get_by_label("Reminder time").input_value() == "19"
        # (No axe audit here: it runs as a script, and this page has scripts off. The journey above
        # audits the settings page.)
        screenshot(phone, "settings-reminder-days-error")

        phone.get_by_label("Tuesday").check()
        phone.get_by_label("Thursday").check()
        phone.get_by_role("button", name="Save settings").click()
        phone.get_by_text("Your settings are saved.").wait_for()
        assert_no_sideways_scroll(phone)
        screenshot(phone, "settings-reminder-days")
        sam = User.objects.get(email="sam@example.com")
        assert (sam.reminders_enabled, sam.reminder_cadence, sam.reminder_days, sam.reminder_hour) == (
            True,
            "days",
            "24",
            19,
        )
    finally:
        context.close()
