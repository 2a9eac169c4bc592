"""Browser tests: Playwright drives Debian's Chromium against a live server.

Chromium comes from Debian (`apt-get install chromium`), never from
`playwright install`. Without it these tests are skipped with a message; with
REQUIRE_BROWSER=1 (as CI sets) a missing browser fails instead.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine's network is closed: without these, Chromium keeps trying to phone home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread, which makes Django
# refuse ORM calls from the test body ("async context"). The ORM calls here
# are plain synchronous test set-up, so this is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _browser_required():
    return os.environ.get("REQUIRE_BROWSER", "") not in ("", "0")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium` to run browser tests."
        if _browser_required():
            pytest.fail(f"REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - requirements-dev.txt installs it
        pytest.fail("playwright is not installed; run `make test` to install the test requirements.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def _watch_for_csp_violations(page):
    """Collect what Chromium refused under the Content Security Policy."""
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


@pytest.fixture
def page(context):
    page = context.new_page()
    violations = _watch_for_csp_violations(page)
    yield page
    assert not violations, f"the page broke its Content Security Policy: {violations}"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = _watch_for_csp_violations(page)
    yield page
    context.close()
    assert not violations, f"the page broke its Content Security Policy: {violations}"


def screenshot(page, name: str):
    """Save a full-page screenshot for a person to look at (artifacts/ is git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    safe = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    page.screenshot(path=str(ARTIFACTS / f"{safe}-{width}.png"), full_page=True)


def audit_accessibility(page, *, allow_moderate=True):
    """Run axe-core on the page; fail on any serious or critical violation.

    Returns the moderate and minor violations so a test can report them.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, (
        "axe found serious violations on "
        + page.url
        + ":\n"
        + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in serious
        )
    )
    others = [v for v in violations if v not in serious]
    if not allow_moderate:
        assert not others, others
    for violation in others:
        print(f"axe {violation['impact']}: {violation['id']} on {page.url}")
    return others


def assert_follows_the_content_rules(page):
    """The dosing, diagnosis and judgement rules (tracker/content/rules.py) over what the reader sees in <main>."""
    from tests.spanish import RANDOM_CODES
    from tracker.content.rules import violations

    # Random codes (join codes, two-factor keys) are no sentences: left out.
    found = violations(RANDOM_CODES.sub(" ", page.inner_text("main")))
    assert not found, f"{page.url} breaks the content rules: " + "; ".join(str(v) for v in found)


def assert_no_sideways_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {page.viewport_size['width']}px"


def log_in(page, email, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def education_content(transactional_db):
    """Browser tests are transactional, and each one's flush empties every table, including the
    notes and citations the content migrations load: load them again, the same way."""
    from django.apps import apps

    from tracker.content.load import content_upsert

    content_upsert(apps)
