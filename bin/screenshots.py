"""The README's screenshots, from the demo data: `make screenshots`.

Serves the app (runserver, local settings, the demo data `make seed` loads) on a free port and
logs in as the demo patient in Debian's Chromium (CHROMIUM_PATH, never Playwright's own download).
On a 375 x 812 phone it fills in today's check-in, saves docs/images/checkin-phone.png and saves
the check-in (so, like the demo patient, today is logged in the local demo data); then it saves
docs/images/dashboard.png on a desktop 1280 wide, and last, back on the phone, the whole Account
activity page as docs/images/account-activity-phone.png (both browsers signed in by then). Pixel
ratio 1 keeps each file small enough to commit.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
PATIENT, PASSWORD = "patient@demo.example", "wellness-demo-2026"
DESKTOP = {"width": 1280, "height": 1000}
PHONE = {"width": 375, "height": 812}
MAX_BYTES = 300_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own server on loopback
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"The app did not answer at {url}")


def log_in(context, base: str):
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", PATIENT)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/dashboard/")
    return page


def main() -> None:
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium`, or set CHROMIUM_PATH.")
    IMAGES.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"{base}/livez")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            phone = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
            page = log_in(phone, base)
            page.goto(f"{base}/today/")
            page.select_option("select[name=sleep_hours]", "7.5")
            page.check("input[name=sleep_quality][value='4']")
            page.check("input[name=stress][value='3']")
            page.screenshot(path=str(IMAGES / "checkin-phone.png"))
            with page.expect_navigation():
                page.click("button[name=save]")
            desktop = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
            log_in(desktop, base).screenshot(path=str(IMAGES / "dashboard.png"))
            page.goto(f"{base}/settings/activity/")
            page.screenshot(path=str(IMAGES / "account-activity-phone.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    for name in ("dashboard.png", "checkin-phone.png", "account-activity-phone.png"):
        size = (IMAGES / name).stat().st_size
        print(f"docs/images/{name}: {size / 1000:.0f} KB")
        if size > MAX_BYTES:
            sys.exit(f"docs/images/{name} is over {MAX_BYTES // 1000} KB: keep the README light.")


if __name__ == "__main__":
    main()
