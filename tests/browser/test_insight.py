"""Pause days, patterns, the appointment summary and history cards, in a real browser: the summary
prints to at most two pages with its header, history cards keep Edit in view on a phone, and every
page passes axe and fits a phone."""

import datetime as dt
import re

import pytest

from tests.browser.conftest import assert_no_sideways_scroll, audit_accessibility, log_in, screenshot
from tests.factories import PASSWORD, UserFactory
from tracker.checkins.appointment import HEADER
from tracker.core.time import patient_today
from tracker.demo import demo_checkin_values
from tracker.models import CheckIn, Pause

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSIGHT_PATHS = ["/dashboard/?days=90", "/patterns/", "/patterns/?a=stress&b=sleep_quality&days=90", "/summary/",
                 "/pauses/", "/history/"]  # fmt: skip


def patient_with_history(days=120, *, email="alice@example.com"):
    """A patient who joined `days` days ago and logged most days, with a pause last month."""
    patient = UserFactory(email=email, first_name="Alice")
    today = patient_today(patient=patient)
    patient.date_joined -= dt.timedelta(days=days)
    patient.save(update_fields=["date_joined"])
    CheckIn.objects.bulk_create(
        CheckIn(patient=patient, day=day, **demo_checkin_values(email, day))
        for day in (today - dt.timedelta(days=offset) for offset in range(days))
        if day.toordinal() % 9 and not 20 <= (today - day).days <= 26
    )
    Pause.objects.create(
        patient=patient,
        first_day=today - dt.timedelta(days=26),
        last_day=today - dt.timedelta(days=20),
        reason="Travel",
    )
    return patient


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


@pytest.mark.parametrize("paper", ["Letter", "A4"])
@pytest.mark.parametrize("query", ["", "?first_day={first}&last_day={today}&factors=sleep&factors=stress"
                                   "&factors=omega3&factors=fruit_veg&include_notes=on"])  # fmt: skip
def test_the_summary_prints_to_at_most_two_pages_with_its_header(page, paper, query):
    patient = patient_with_history()
    today = patient_today(patient=patient)
    log_in(page, "alice@example.com", PASSWORD)
    page.goto("/summary/" + query.format(first=today - dt.timedelta(days=89), today=today))
    page.emulate_media(media="print")
    header = page.get_by_text(str(HEADER))
    assert header.is_visible()
    assert header.bounding_box()["y"] < 200, "the header opens the first page"
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("form.summary-form").is_visible()
    screenshot(page, f"summary-print-{paper}{'-90-days' if query else ''}")
    pdf = page.pdf(format=paper, print_background=True)
    assert 1 <= _pdf_pages(pdf) <= 2, f"{_pdf_pages(pdf)} pages on {paper}"


def test_history_cards_keep_edit_in_view_on_a_phone(phone):
    patient_with_history(30)
    log_in(phone, "alice@example.com", PASSWORD)
    phone.goto("/history/")
    assert not phone.locator("table.history-table").is_visible()
    first_card = phone.locator("ol.history-cards > li").first
    edit = first_card.get_by_role("link", name=re.compile(r"^Edit"))
    box = edit.bounding_box()
    assert edit.is_visible()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= phone.viewport_size["width"]
    assert_no_sideways_scroll(phone)
    audit_accessibility(phone)
    screenshot(phone, "history-cards")


def test_history_is_a_table_with_edit_first_on_a_wide_screen(page):
    patient_with_history(30)
    log_in(page, "alice@example.com", PASSWORD)
    page.goto("/history/")
    assert not page.locator("ol.history-cards").is_visible()
    first_row = page.locator("table.history-table tbody tr").first
    assert first_row.locator("td").first.get_by_role("link", name=re.compile(r"^Edit")).is_visible()


@pytest.mark.parametrize("size", ["phone", "page"])
def test_the_insight_pages_pass_axe_and_fit(request, size):
    browser_page = request.getfixturevalue(size)
    patient_with_history()
    log_in(browser_page, "alice@example.com", PASSWORD)
    for path in INSIGHT_PATHS:
        browser_page.goto(path)
        if size == "phone":
            assert_no_sideways_scroll(browser_page)
        audit_accessibility(browser_page)
        screenshot(browser_page, f"insight{path}")


def test_a_patient_pauses_a_week_and_sees_it_on_the_dashboard(page):
    patient = patient_with_history(30)
    today = patient_today(patient=patient)
    Pause.objects.all().delete()
    log_in(page, "alice@example.com", PASSWORD)
    page.goto("/dashboard/")
    page.get_by_role("link", name="Pause days").first.click()
    page.get_by_label("First day").fill((today - dt.timedelta(days=3)).isoformat())
    page.get_by_label("Last day").fill((today + dt.timedelta(days=3)).isoformat())
    page.get_by_label("Reason (optional, private)").fill("A few days away")
    page.get_by_role("button", name="Pause these days").click()
    page.get_by_text("Paused ").first.wait_for()
    audit_accessibility(page)
    page.goto("/dashboard/")
    assert page.get_by_text("Today is a paused day").is_visible()
    page.goto("/pauses/")
    page.get_by_role("button", name=re.compile("End it today")).click()
    page.get_by_text("today counts again").wait_for()
    assert Pause.objects.get(patient=patient).last_day == today - dt.timedelta(days=1)
