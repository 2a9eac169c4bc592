"""The "Reminders on this device" control in Chromium, as far as a browser with no reachable push
service goes (docs/testing.md says what is left out), and the service worker's push handler,
fed a push through the DevTools protocol."""

import json
import os
import re

import pytest

from tests.browser.conftest import audit_accessibility, log_in, screenshot
from tests.factories import PASSWORD, ReminderPatientFactory
from tests.push_service import b64url
from tracker.models import PushSubscription
from wellness.vapid import public_key_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ON_OR_FAILED = re.compile(r"Reminders will come to this device|This browser could not turn on notifications just now")


@pytest.fixture
def push_configured(settings, live_server):
    private = os.urandom(32)
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = b64url(public_key_of(private)), b64url(private)
    settings.VAPID_SUBJECT = "mailto:ops@clinic.example"
    settings.WEB_PUSH_ENABLED = True
    settings.SITE_URL = live_server.url
    return ReminderPatientFactory(email="rae@example.com", first_name="Rae")


def test_with_permission_the_control_subscribes_or_says_clearly_that_it_could_not(
    browser, live_server, push_configured
):
    # Reduced motion: the clicked button's hover colours are final when axe looks, not mid-transition.
    context = browser.new_context(base_url=live_server.url, reduced_motion="reduce")
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    log_in(page, push_configured.email, PASSWORD)
    page.goto("/settings/")
    assert not page.get_by_text("Notifications need a browser that supports them").is_visible()
    page.get_by_role("button", name="Send reminders to this device").click()
    status = page.locator("[data-push-status]")
    status.filter(has_text=ON_OR_FAILED).wait_for(timeout=20_000)
    audit_accessibility(page)
    screenshot(page, "settings-push")
    if "could not" in status.inner_text():
        # Chromium's push service (FCM) can't be reached here: nothing stored, the button stays.
        assert not PushSubscription.objects.exists()
        assert page.get_by_role("button", name="Send reminders to this device").is_visible()
    else:
        assert PushSubscription.objects.get().user == push_configured
    context.close()


def test_without_permission_it_says_how_to_allow_notifications(browser, live_server, push_configured):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    log_in(page, push_configured.email, PASSWORD)
    page.goto("/settings/")
    page.evaluate("Notification.requestPermission = () => Promise.resolve('denied')")  # the person says no
    page.get_by_role("button", name="Send reminders to this device").click()
    page.get_by_text("Notifications are blocked for this site.").wait_for()
    assert not PushSubscription.objects.exists()
    context.close()


def test_without_javascript_the_page_says_push_needs_a_supported_browser(browser, live_server, push_configured):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, push_configured.email, PASSWORD)
    page.goto("/settings/")
    assert page.get_by_text("Notifications need a browser that supports them").is_visible()
    assert page.get_by_text("Email reminders work on any device.").is_visible()
    assert not page.get_by_role("button", name="Send reminders to this device").is_visible()
    context.close()


def test_the_service_worker_shows_a_pushed_reminder_with_its_link(browser, live_server, push_configured):
    # Reduced motion: the clicked button's hover colours are final when axe looks, not mid-transition.
    context = browser.new_context(base_url=live_server.url, reduced_motion="reduce")
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    log_in(page, push_configured.email, PASSWORD)
    page.goto("/settings/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):  # the registration's event can come late on a busy machine
        if [r for r in registrations if not r.get("isDeleted")]:
            break
        page.wait_for_timeout(100)
    [registration] = [r for r in registrations if not r.get("isDeleted")]
    payload = {"title": "Time for today's check-in", "url": f"{live_server.url}/today/"}
    shown = []
    # A push DevTools hands over before the worker is running can be dropped on a busy machine: hand
    # it over again (up to three times). The notification's tag means a repeat replaces, never adds.
    for _ in range(3):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": live_server.url, "registrationId": registration["registrationId"], "data": json.dumps(payload)},
        )
        for _ in range(50):
            shown = page.evaluate(
                "navigator.serviceWorker.ready.then(r => r.getNotifications())"
                ".then(list => list.map(n => [n.title, n.data && n.data.url, n.tag]))"
            )
            if shown:
                break
            page.wait_for_timeout(100)
        if shown:
            break
    assert shown == [["Time for today's check-in", f"{live_server.url}/today/", "checkin-reminder"]]
    context.close()
