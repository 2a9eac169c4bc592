"""The page-weight budget: Today on a phone, first visit and repeat visit, as production serves it.

Run alone, with the figures printed:

    .venv/bin/python -m pytest tests/browser/test_page_weight.py -s
"""

import pytest
from django.test import Client

from tests.browser.conftest import PHONE
from tests.browser.production import production_server
from tests.factories import CheckInFactory, UserFactory
from tracker.core.time import patient_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_VISIT_BUDGET = 100_000  # bytes transferred, compressed
REPEAT_VISIT_BUDGET = 15_000


def _settle(page):
    """Until the worker has installed and nothing more is on the wire."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)  # the browser's own late fetches (manifest, icons)
    page.wait_for_load_state("networkidle")


def _report(title, server):
    lines = [f"{title}: {server.total():,} bytes in {len(server.transfers)} responses"]
    lines += [f"  {size:>7,}  {method} {path}" for method, path, size in server.transfers]
    print("\n" + "\n".join(lines))


def test_today_on_a_phone_stays_within_its_page_weight_budget(browser, tmp_path):
    patient = UserFactory(email="pat@example.com")
    CheckInFactory(patient=patient, day=patient_today(patient=patient))
    session = Client()
    session.force_login(patient)

    with production_server(tmp_path / "static") as (server, url):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, base_url=url)
        context.add_cookies([{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": url}])
        page = context.new_page()
        try:
            page.goto("/today/")
            page.get_by_role("button", name="Save check-in").wait_for()
            # A phone's browser reads the manifest to offer "Add to home screen"; count it too.
            assert context.new_cdp_session(page).send("Page.getAppManifest")["errors"] == []
            _settle(page)
            first = server.total()
            _report("Today, first visit (empty cache, logged in)", server)

            server.reset()
            page.goto("/today/")
            page.get_by_role("button", name="Save check-in").wait_for()
            _settle(page)
            repeat = server.total()
            _report("Today, repeat visit", server)
        finally:
            context.close()

    print(
        f"\nbudget: first visit {first:,} of {FIRST_VISIT_BUDGET:,} bytes; repeat {repeat:,} of {REPEAT_VISIT_BUDGET:,}"
    )
    assert first <= FIRST_VISIT_BUDGET
    assert repeat <= REPEAT_VISIT_BUDGET
