"""The pictures in docs/insight.md. Not part of the suite (the file name doesn't start with test_):
run it on purpose with `make insight-screenshots`."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from tests.browser.conftest import log_in
from tests.browser.test_insight import patient_with_history
from tests.factories import PASSWORD

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_screenshots(browser, live_server):
    """The pictures in docs/insight.md, taken on a Monday morning (clock moved, not frozen)."""
    monday = dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)  # 09:00 in New York
    with time_machine.travel(monday, tick=True):
        patient_with_history()
        desktop = browser.new_context(viewport={"width": 1100, "height": 820}, base_url=live_server.url)
        page = desktop.new_page()
        log_in(page, "alice@example.com", PASSWORD)
        for path, name in [("/dashboard/", "insight-dashboard-monday"), ("/patterns/", "insight-patterns")]:
            page.goto(path)
            page.screenshot(path=str(DOCS_IMAGES / f"{name}.png"))
        page.goto("/summary/")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 800, "height": 1130})  # about A4's shape
        page.screenshot(path=str(DOCS_IMAGES / "insight-summary-print.png"))
        desktop.close()
        phone = browser.new_context(viewport={"width": 375, "height": 720}, base_url=live_server.url, is_mobile=True)
        page = phone.new_page()
        log_in(page, "alice@example.com", PASSWORD)
        page.goto("/history/")
        page.screenshot(path=str(DOCS_IMAGES / "insight-history-phone.png"))
        page.goto("/pauses/")
        page.screenshot(path=str(DOCS_IMAGES / "insight-pauses-phone.png"))
        phone.close()
