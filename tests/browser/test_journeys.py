"""What patients experience, the way they experience it: in a real browser."""

import datetime as dt
import re

import pytest

from tests.browser.conftest import (
    assert_follows_the_content_rules,
    assert_no_sideways_scroll,
    audit_accessibility,
    log_in,
    screenshot,
)
from tests.factories import PASSWORD, CheckInFactory, UserFactory
from tracker.core.time import patient_today
from tracker.models import CheckIn, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PATHS = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/learn/",
    "/learn/references/",
    "/learn/omega3/",
]
PATIENT_PATHS = [
    "/dashboard/",
    "/dashboard/?days=90",
    "/today/",
    "/history/",
    "/settings/",
    "/accounts/password/change/",
    "/learn/sleep/",
]


def test_a_new_patient_signs_up_checks_in_and_edits_yesterday(page):
    page.goto("/")
    audit_accessibility(page)
    page.get_by_role("link", name="Create an account").click()
    audit_accessibility(page)
    page.get_by_role("textbox", name="Email").fill("nia@example.com")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Time zone").select_option("Europe/Lisbon")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("a long and unusual passphrase")
    page.get_by_label("Password again").fill("a long and unusual passphrase")
    screenshot(page, "signup")
    page.get_by_role("button", name="Create account").click()
    # The same answer whether or not the address had an account; then she logs in.
    page.get_by_role("heading", name="Check your email").wait_for()
    audit_accessibility(page)
    log_in(page, "nia@example.com", "a long and unusual passphrase")

    # First check-in.
    page.goto("/today/")
    page.get_by_role("heading", name="Today").wait_for()
    page.get_by_label("Hours of sleep last night").select_option("7.25")
    page.get_by_label("4 – Good").check()
    page.get_by_role("group", name="Stress today").get_by_label("3", exact=True).check()
    page.get_by_label("Servings of fruit and vegetables today").fill("5")
    page.get_by_label("Private note (optional)").fill("First day")
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_text("Saved your check-in for today").wait_for()
    # The confirmation teaches something about a factor just logged, with its source.
    card = page.locator(".learn-card")
    assert "Source:" in card.inner_text()
    audit_accessibility(page)
    assert_follows_the_content_rules(page)
    screenshot(page, "checkin-saved")
    card.locator("h2 a").click()
    page.locator("ol.references li").first.wait_for()
    audit_accessibility(page)
    assert_follows_the_content_rules(page)
    screenshot(page, "learn-note")
    page.get_by_role("link", name="Today", exact=True).click()

    # Yesterday, from the day strip.
    page.get_by_role("link", name="Yesterday").click()
    page.get_by_role("group", name="Stress today").get_by_label("6", exact=True).check()
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_text("Saved your check-in for yesterday").wait_for()

    nia = User.objects.get(email="nia@example.com")
    today = patient_today(patient=nia)
    assert dict(CheckIn.objects.filter(patient=nia).values_list("day", "stress")) == {
        today: 3,
        today - dt.timedelta(days=1): 6,
    }

    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_role("heading", name="This week").wait_for()
    assert page.locator("svg.chart").count() >= 1
    audit_accessibility(page)
    assert_follows_the_content_rules(page)
    screenshot(page, "dashboard")

    page.get_by_role("link", name="History").click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    assert "First day" in rows.first.inner_text()
    audit_accessibility(page)
    screenshot(page, "history")


def test_bad_input_shows_a_message_and_keeps_what_was_typed(page):
    UserFactory(email="alice@example.com")
    log_in(page, "alice@example.com", PASSWORD)
    page.goto("/today/")
    page.get_by_label("Servings of fruit and vegetables today").fill("25")
    page.get_by_label("Private note (optional)").fill("keep these words")
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_text("Enter a number from 0 to 20 servings.").wait_for()
    assert page.get_by_label("Private note (optional)").input_value() == "keep these words"
    assert page.get_by_label("Servings of fruit and vegetables today").input_value() == "25"
    audit_accessibility(page)
    screenshot(page, "checkin-error")
    assert not CheckIn.objects.exists()


def test_a_patient_checks_in_with_the_keyboard_alone(page):
    UserFactory(email="kim@example.com")
    page.goto("/")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Skip to content"
    _assert_focus_visible(page)
    _tab_to_text(page, "Log in")
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/login/")
    # The email field has autofocus.
    assert _focused(page)["name"] == "username"
    page.keyboard.type("kim@example.com")
    _tab_to(page, "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    # Patients land on their dashboard; its first link logs today.
    page.get_by_role("heading", name="Your dashboard").wait_for()
    _tab_to_text(page, "Log today's check-in")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Today").wait_for()

    _tab_to(page, "sleep_hours")
    page.keyboard.type("8")
    _tab_to(page, "sleep_quality")
    page.keyboard.press("ArrowDown")  # radio group: move from "Not answered" to 1
    _tab_to(page, "fruit_veg_servings")
    page.keyboard.type("4")
    _tab_to(page, "save")
    _assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.get_by_text("Saved your check-in for today").wait_for()
    checkin = CheckIn.objects.get()
    assert (checkin.sleep_hours, checkin.sleep_quality, checkin.fruit_veg_servings) == (8, 1, 4)


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_fit_a_phone_and_pass_axe(phone, path):
    phone.goto(path)
    assert_no_sideways_scroll(phone)
    audit_accessibility(phone)
    assert_follows_the_content_rules(phone)
    screenshot(phone, f"public{path}")


def test_patient_pages_fit_a_phone_and_pass_axe(phone):
    alice = UserFactory(email="alice@example.com")
    today = patient_today(patient=alice)
    for offset in range(30):
        CheckInFactory(patient=alice, day=today - dt.timedelta(days=offset), note="A longer note " * 5)
    log_in(phone, "alice@example.com", PASSWORD)
    for path in PATIENT_PATHS:
        phone.goto(path)
        assert_no_sideways_scroll(phone)
        audit_accessibility(phone)
        assert_follows_the_content_rules(phone)
        screenshot(phone, f"patient{path}")


def test_the_checkin_form_fits_a_phone_without_zooming(phone):
    UserFactory(email="alice@example.com")
    log_in(phone, "alice@example.com", PASSWORD)
    phone.goto("/today/")
    width = phone.viewport_size["width"]
    controls = ["[name=sleep_hours]", "[name=omega3_servings]", "[name=fruit_veg_servings]", "[name=note]"]
    controls += ["[name=save]", "label[for=id_stress_0]", "label[for=id_stress_10]", "label[for=id_stress_5]"]
    for selector in controls:
        box = phone.locator(selector).bounding_box()
        assert box["x"] >= 0, selector
        assert box["x"] + box["width"] <= width, selector
    # Inputs at 16px or more: phones don't zoom in when they take focus.
    font_size = phone.locator("[name=sleep_hours]").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert font_size >= 16


def test_the_journeys_content_check_catches_a_planted_sentence(page):
    page.set_content("<main><p>Your stress is too high. You should take 2 g of fish oil daily.</p></main>")
    with pytest.raises(AssertionError, match="breaks the content rules") as caught:
        assert_follows_the_content_rules(page)
    for rule in ("a verdict on a value", "telling the reader what to do", "amount with a unit", "take ... daily"):
        assert rule in str(caught.value)


def _focused(page):
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {name: e.getAttribute('name'), text: (e.innerText || '').trim(), tag: e.tagName}; }"
    )


def _tab_to(page, name, limit=60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page)["name"] == name:
            _assert_focus_visible(page)
            return
    raise AssertionError(f"never reached the field {name!r} with Tab")


def _tab_to_text(page, text, limit=30):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page)["text"] == text:
            _assert_focus_visible(page)
            return
    raise AssertionError(f"never reached {text!r} with Tab")


def _assert_focus_visible(page):
    visible = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }"
    )
    assert visible, f"focus is not visible on {_focused(page)}"
