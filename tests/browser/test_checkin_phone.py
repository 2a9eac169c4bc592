"""Logging a day on a phone, the way a patient does: taps counted, Save always in reach, the
keyboard alone, and a check-in that survives a dead network (the installed app's worker)."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.browser.conftest import PHONE, _watch_for_csp_violations, audit_accessibility, screenshot
from tests.factories import PASSWORD, CheckInFactory, UserFactory
from tracker.core.time import patient_today
from tracker.models import CheckIn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED_ON_PHONE = "Saved on this phone; it will be sent when you're back online."


def log_in_remembered(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/")


@pytest.fixture
def phone_context(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def phone(phone_context):
    """A phone whose patient logged in with "Keep me signed in", checked in yesterday, and is
    looking at the dashboard."""
    page = phone_context.new_page()
    violations = _watch_for_csp_violations(page)
    patient = UserFactory(email="pat@example.com")
    yesterday = patient_today(patient=patient) - dt.timedelta(days=1)
    CheckInFactory(patient=patient, day=yesterday, sleep_hours=Decimal("6.75"), stress=5, note="yesterday's words")
    log_in_remembered(page, patient.email)
    page.patient = patient
    yield page
    assert not violations, f"the page broke its Content Security Policy: {violations}"


class Thumb:
    """Taps like a thumb and counts them; after each, Save must be on the screen."""

    def __init__(self, page):
        self.page = page
        self.taps = 0

    def tap(self, locator, *, navigates=False):
        if navigates:
            with self.page.expect_navigation():
                locator.tap()
        else:
            locator.tap()
        self.taps += 1
        if self.page.url.endswith("/today/"):
            assert_save_in_reach(self.page)


def assert_save_in_reach(page):
    save = page.get_by_role("button", name="Save check-in")
    for position in ("0", "document.body.scrollHeight / 2", "document.body.scrollHeight"):
        page.evaluate(f"window.scrollTo(0, {position})")
        box = save.bounding_box()
        assert box is not None
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= PHONE["height"], f"Save is off the screen at scroll {position}"
        assert box["width"] >= 44
        assert box["height"] >= 44


def wait_for_worker(page):
    """Until the service worker is installed and controls the page."""
    page.evaluate(
        """() => navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller ||
             new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve)))"""
    )


# --- Taps -----------------------------------------------------------------------------------------


def test_same_as_yesterday_then_save_takes_3_taps(phone):
    thumb = Thumb(phone)
    thumb.tap(phone.get_by_role("link", name="Log today's check-in"), navigates=True)
    thumb.tap(phone.get_by_role("link", name="Same as yesterday"))
    assert not CheckIn.objects.filter(day=patient_today(patient=phone.patient)).exists()  # never saves by itself
    thumb.tap(phone.get_by_role("button", name="Save check-in"), navigates=True)
    phone.get_by_text("Saved your check-in for today").wait_for()
    print(f"\nsame as yesterday, from the dashboard: {thumb.taps} taps, no typing")
    assert thumb.taps <= 3
    today = CheckIn.objects.get(day=patient_today(patient=phone.patient))
    yesterday = CheckIn.objects.exclude(pk=today.pk).get()
    assert (today.sleep_hours, today.stress, today.fruit_veg_servings) == (Decimal("6.75"), 5, 5)
    assert (today.sleep_quality, today.omega3_servings, today.omega3_supplement) == (
        yesterday.sleep_quality,
        yesterday.omega3_servings,
        yesterday.omega3_supplement,
    )
    assert today.note == ""  # the note stays with its own day
    screenshot(phone, "checkin-saved-phone")


def test_a_full_check_in_of_every_factor_takes_8_taps_and_no_typing(phone):
    thumb = Thumb(phone)
    thumb.tap(phone.get_by_role("link", name="Log today's check-in"), navigates=True)
    screenshot(phone, "checkin-phone")
    thumb.tap(phone.get_by_role("button", name="7½ hours"))
    thumb.tap(phone.get_by_label("4 – Good"))
    thumb.tap(phone.get_by_role("group", name="Stress today").get_by_label("3", exact=True))
    omega3 = phone.locator(".q-group", has=phone.get_by_label("Servings of omega-3-rich foods today"))
    thumb.tap(omega3.get_by_role("button", name="one more"))
    thumb.tap(phone.get_by_role("group", name="Did you take an omega-3 supplement today?").get_by_label("Yes"))
    fruit = phone.locator(".q-group", has=phone.get_by_label("Servings of fruit and vegetables today"))
    thumb.tap(fruit.get_by_role("button", name="one more"))
    thumb.tap(phone.get_by_role("button", name="Save check-in"), navigates=True)
    phone.get_by_text("Saved your check-in for today").wait_for()
    print(f"\nevery factor, from the dashboard: {thumb.taps} taps, no typing, no scrolling to reach Save")
    assert thumb.taps <= 8
    checkin = CheckIn.objects.get(day=patient_today(patient=phone.patient))
    assert (checkin.sleep_hours, checkin.sleep_quality, checkin.stress) == (Decimal("7.5"), 4, 3)
    assert (checkin.omega3_servings, checkin.omega3_supplement, checkin.fruit_veg_servings) == (1, True, 1)


def test_every_control_is_at_least_44_by_44(phone):
    phone.goto("/today/")
    controls = phone.locator(
        ".checkin-form .seg-item input, .checkin-form .not-answered input, .checkin-form button:visible, "
        ".checkin-form select, .checkin-form input[type=number], .save-bar a, .day-strip a, .navbar-toggler"
    )
    assert controls.count() > 30
    for index in range(controls.count()):
        box = controls.nth(index).bounding_box()
        assert min(box["width"], box["height"]) >= 44, (controls.nth(index).evaluate("e => e.outerHTML"), box)


def test_the_steps_move_by_a_quarter_hour_and_a_serving(phone):
    phone.goto("/today/")
    hours = phone.get_by_label("Hours of sleep last night")
    quarter_less = phone.get_by_role("button", name="−¼ hour less")
    assert quarter_less.is_disabled()  # nothing to step from yet
    phone.get_by_role("button", name="8 hours").tap()
    phone.get_by_role("button", name="+¼ hour more").tap()
    assert hours.input_value() == "8.25"
    assert phone.get_by_role("button", name="8 hours").get_attribute("aria-pressed") == "false"
    quarter_less.tap()
    quarter_less.tap()
    assert hours.input_value() == "7.75"
    fruit = phone.get_by_label("Servings of fruit and vegetables today")
    group = phone.locator(".q-group", has=fruit)
    group.get_by_role("button", name="one fewer").tap()
    assert fruit.input_value() == ""  # still not answered
    for _ in range(3):
        group.get_by_role("button", name="one more").tap()
    group.get_by_role("button", name="one fewer").tap()
    assert fruit.input_value() == "2"


def test_the_phone_menu_opens_without_bootstraps_script(phone):
    phone.goto("/today/")
    history = phone.get_by_role("link", name="History")
    assert not history.is_visible()
    phone.get_by_role("button", name="Show menu").tap()
    assert history.is_visible()
    assert phone.get_by_role("button", name="Show menu").get_attribute("aria-expanded") == "true"


def test_the_new_controls_pass_axe(phone):
    phone.goto("/today/")
    phone.get_by_role("button", name="7 hours").tap()  # a pressed chip, a chosen answer
    phone.get_by_label("2 – Poor").tap()
    audit_accessibility(phone)
    phone.get_by_label("Servings of fruit and vegetables today").fill("40")
    phone.get_by_role("button", name="Save check-in").tap()
    phone.get_by_text("Enter a number from 0 to 20 servings.").wait_for()
    audit_accessibility(phone)
    screenshot(phone, "checkin-error-phone")
    phone.get_by_label("Servings of fruit and vegetables today").fill("4")
    phone.get_by_role("button", name="Save check-in").tap()
    phone.get_by_text("Saved your check-in for today").wait_for()
    audit_accessibility(phone)
    phone.goto("/settings/sessions/")
    audit_accessibility(phone)
    screenshot(phone, "signed-in")


# --- Keyboard ------------------------------------------------------------------------------------


def _tab_until(page, selector, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement.matches({selector!r})"):
            visible = page.evaluate(
                """() => { const e = document.activeElement;
                   const shown = e.matches('.seg-item input, .not-answered input') ? e.nextElementSibling : e;
                   const s = getComputedStyle(shown);
                   return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }"""
            )
            assert visible, f"focus is not visible on {selector}"
            return
    raise AssertionError(f"never reached {selector} with Tab")


def test_a_check_in_with_the_new_controls_and_the_keyboard_alone(page):
    patient = UserFactory(email="kim@example.com")
    page.goto("/accounts/login/")
    page.keyboard.type(patient.email)  # the email field has autofocus
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your dashboard").wait_for()
    page.goto("/today/")
    _tab_until(page, "button[data-value='8']")
    page.keyboard.press("Enter")
    _tab_until(page, "button[data-step='1'][aria-controls=id_sleep_hours]")
    page.keyboard.press("Enter")
    _tab_until(page, "input[name=sleep_quality]")  # the group's checked radio: "Not answered"
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    _tab_until(page, "input[name=stress]")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    _tab_until(page, "button[data-step='1'][aria-controls=id_omega3_servings]")
    page.keyboard.press("Space")
    page.keyboard.press("Space")
    _tab_until(page, "input[name=omega3_supplement]")
    page.keyboard.press("ArrowRight")
    _tab_until(page, "input[name=fruit_veg_servings]")
    page.keyboard.type("6")
    _tab_until(page, "button[name=save]")
    page.keyboard.press("Enter")
    page.get_by_text("Saved your check-in for today").wait_for()
    checkin = CheckIn.objects.get()
    assert (checkin.sleep_hours, checkin.sleep_quality, checkin.stress) == (Decimal("8.25"), 4, 2)
    assert (checkin.omega3_servings, checkin.omega3_supplement, checkin.fruit_veg_servings) == (2, True, 6)


# --- The installed app, and a dead network --------------------------------------------------------


def test_the_manifest_and_the_worker_install(phone, live_server):
    phone.goto("/today/")
    wait_for_worker(phone)
    cdp = phone.context.new_cdp_session(phone)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{live_server.url}/manifest.webmanifest"
    assert manifest["errors"] == []
    installability = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # A test browser's profile is incognito, which Chromium never installs from; nothing else may stand in the way.
    assert [error["errorId"] for error in installability if error["errorId"] != "in-incognito"] == []
    scope = phone.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == f"{live_server.url}/"
    kept = phone.evaluate(
        "caches.keys().then((names) => Promise.all(names.map((n) => caches.open(n).then((c) => c.keys()))))"
        ".then((all) => all.flat().map((r) => new URL(r.url).pathname))"
    )
    assert "/today/offline-form/" in kept
    assert "/offline/" in kept
    assert any(path.endswith(".css") for path in kept)
    # Nothing that holds health data: no page a patient reaches while logged in.
    assert not {"/today/", "/dashboard/", "/history/", "/checkin/sync/"} & set(kept)


def test_offline_a_check_in_is_kept_on_the_phone_and_sent_when_back_online(phone):
    phone.goto("/today/")
    wait_for_worker(phone)
    phone.context.set_offline(True)
    phone.get_by_role("group", name="Stress today").get_by_label("6", exact=True).tap()
    phone.get_by_role("button", name="8 hours").tap()
    phone.get_by_role("button", name="Save check-in").tap()
    phone.get_by_text(SAVED_ON_PHONE).wait_for()
    screenshot(phone, "checkin-kept-offline")
    today = patient_today(patient=phone.patient)
    assert not CheckIn.objects.filter(day=today).exists()
    phone.context.set_offline(False)
    phone.get_by_text("Sent the check-in saved on this phone for today").wait_for()
    checkin = CheckIn.objects.get(day=today)
    assert (checkin.stress, checkin.sleep_hours) == (6, Decimal("8"))
    assert phone.evaluate("CheckinQueue.all()") == []


def test_offline_the_worker_serves_a_data_free_today_form_and_the_help_page(phone):
    phone.goto("/today/")
    wait_for_worker(phone)
    phone.context.set_offline(True)
    phone.goto("/history/")
    phone.get_by_role("heading", name="No connection right now").wait_for()
    footer = phone.locator("footer").inner_text()
    assert "988" in footer
    assert "not medical advice" in footer
    audit_accessibility(phone)
    screenshot(phone, "offline-page")

    phone.goto("/today/")
    assert phone.locator("form[data-offline]").count() == 1
    assert phone.locator("[name=csrfmiddlewaretoken]").count() == 0
    assert "pat@example.com" not in phone.content()
    assert "yesterday's words" not in phone.content()
    assert "988" in phone.locator("footer").inner_text()
    phone.get_by_role("button", name="9 hours").tap()
    phone.get_by_role("button", name="Save check-in").tap()
    phone.get_by_text(SAVED_ON_PHONE).wait_for()
    audit_accessibility(phone)
    screenshot(phone, "offline-form")
    phone.context.set_offline(False)
    phone.get_by_text("Sent the check-in saved on this phone for today").wait_for()
    assert CheckIn.objects.get(day=patient_today(patient=phone.patient)).sleep_hours == Decimal("9")


def test_a_post_that_finds_no_network_is_kept_by_the_worker(phone):
    """The page believes it is online (a dead Wi-Fi): the form posts, and the worker keeps it."""
    phone.goto("/today/")
    wait_for_worker(phone)
    phone.add_init_script("Object.defineProperty(Navigator.prototype, 'onLine', {get: () => true})")
    phone.reload()
    phone.context.set_offline(True)
    phone.get_by_label("1 – Very poor").tap()
    phone.get_by_role("button", name="Save check-in").tap()
    phone.get_by_text(SAVED_ON_PHONE).wait_for()
    assert "/today/offline-form/?kept=" in phone.url
    assert not CheckIn.objects.filter(day=patient_today(patient=phone.patient)).exists()
    phone.context.set_offline(False)
    phone.get_by_text("Sent the check-in saved on this phone for today").wait_for()
    assert CheckIn.objects.get(day=patient_today(patient=phone.patient)).sleep_quality == 1


def test_a_kept_check_in_the_server_refuses_stays_visible_until_removed_and_logout_clears_the_queue(page):
    UserFactory(email="lee@example.com")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("lee@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/today/")
    old = (dt.date.today() - dt.timedelta(days=20)).isoformat()  # noqa: DTZ011 - the browser's own calendar
    for day in (old, (dt.date.today() - dt.timedelta(days=30)).isoformat()):  # noqa: DTZ011
        page.evaluate(
            """(day) => CheckinQueue.put({owner: document.querySelector('form[data-checkin-form]').dataset.owner, day,
                 fields: {stress: '4', note: 'on the train'}, savedAt: Date.now(), status: 'waiting'})""",
            day,
        )
    page.reload()
    refusal = page.locator("#queue-status .alert-warning").first
    refusal.get_by_text("more than 14 days ago").wait_for()
    assert "It stays on this phone until you remove it." in refusal.inner_text()
    assert "on the train" in refusal.inner_text()
    page.goto("/dashboard/")
    page.locator("#queue-status .alert-warning").nth(1).wait_for()  # both still shown, on any page
    assert page.locator("#queue-status .alert-warning").count() == 2
    audit_accessibility(page)
    page.locator("#queue-status").get_by_role("button", name="Remove it from this phone").first.click()
    page.get_by_text("Removed the check-in").wait_for()
    assert len(page.evaluate("CheckinQueue.all()")) == 1
    assert not CheckIn.objects.exists()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    assert page.evaluate("CheckinQueue.all()") == []
    assert page.evaluate("CheckinQueue.owner()") is None


# --- Without JavaScript ---------------------------------------------------------------------------


def test_without_javascript_the_check_in_still_works_and_same_as_yesterday_is_still_3_taps(browser, live_server):
    context = browser.new_context(
        viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        patient = UserFactory(email="noscript@example.com")
        today = patient_today(patient=patient)
        CheckInFactory(patient=patient, day=today - dt.timedelta(days=1), stress=7)
        log_in_remembered(page, patient.email)
        thumb = Thumb(page)
        thumb.tap(page.get_by_role("link", name="Log today's check-in"), navigates=True)
        assert page.get_by_role("button", name="8 hours").count() == 0  # no quick choices without the script
        thumb.tap(page.get_by_role("link", name="Same as yesterday"), navigates=True)
        page.get_by_text("Filled in from your check-in for yesterday.").wait_for()
        assert not CheckIn.objects.filter(day=today).exists()
        thumb.tap(page.get_by_role("button", name="Save check-in"), navigates=True)
        page.get_by_text("Saved your check-in for today").wait_for()
        assert thumb.taps == 3
        assert CheckIn.objects.get(day=today).stress == 7

        page.goto("/today/")
        page.get_by_label("Hours of sleep last night").select_option("6.75")
        page.get_by_label("5 – Very good").check()
        page.get_by_role("group", name="Stress today").get_by_label("Not answered").check()
        page.get_by_label("Servings of omega-3-rich foods today").fill("2")
        page.get_by_role("group", name="Did you take an omega-3 supplement today?").get_by_label(
            "No", exact=True
        ).check()
        page.get_by_role("button", name="Save check-in").click()
        page.get_by_text("Saved your check-in for today").wait_for()
        checkin = CheckIn.objects.get(day=today)
        assert (checkin.sleep_hours, checkin.sleep_quality, checkin.stress) == (Decimal("6.75"), 5, None)
        assert (checkin.omega3_servings, checkin.omega3_supplement) == (2, False)
    finally:
        context.close()
