"""The installable app's files.

The service worker is generated from a template so that its precache list holds the real static
URLs (hashed in production), and is served from the root so its scope is the whole site. It is
revalidated on every visit (no-cache with an ETag), never cached long, or a fix could take days to
reach phones. The offline pages are rendered without a request: no user, no session, no CSRF
token, so nothing personal can end up in the worker's cache.
"""

import hashlib
import json

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from tracker.checkins.forms import CheckInForm
from tracker.checkins.services import EMPTY_CHECKIN_MESSAGE

THEME_COLOUR = "#0a58ca"
ICONS = (
    ("icons/icon.svg", "any", "image/svg+xml", "any"),
    ("icons/icon-192.png", "192x192", "image/png", "any"),
    ("icons/icon-512.png", "512x512", "image/png", "any"),
    ("icons/icon-maskable-512.png", "512x512", "image/png", "maskable"),
)
# The app shell: what the offline pages need to look and work like the app.
SHELL = (
    "bootstrap/css/bootstrap.min.css",
    "css/app.css",
    "css/checkin.css",
    "js/queue.js",
    "js/app.js",
    "js/checkin.js",
    *(icon[0] for icon in ICONS),
)


def _revalidated(request, body: bytes | str, content_type: str) -> HttpResponse:
    """A response browsers must check again each time, answered with 304 when unchanged."""
    data = body.encode() if isinstance(body, str) else body
    etag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(data, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def offline_page_html() -> str:
    return render_to_string("pwa/offline.html")


def offline_form_html() -> str:
    context = {"form": CheckInForm(), "offline": True, "empty_message": EMPTY_CHECKIN_MESSAGE}
    return render_to_string("pwa/offline_form.html", context)


def _shell_version(urls: list[str], pages: list[str]) -> str:
    """Changes whenever a precached file does, so the worker fetches them all again."""
    digest = hashlib.sha256("\n".join(urls).encode())
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        # Without hashed names (while developing), the files' own bytes tell their version.
        for path in SHELL:
            found = finders.find(path)
            if found:
                with open(found, "rb") as file:
                    digest.update(file.read())
    for page in pages:
        digest.update(page.encode())
    return digest.hexdigest()[:16]


@require_safe
def service_worker(request):
    urls = [static(path) for path in SHELL]
    pages = [offline_page_html(), offline_form_html()]
    context = {
        "version": _shell_version(urls, pages),
        "shell_json": json.dumps([*urls, reverse("offline"), reverse("offline_form")]),
        "queue_js": static("js/queue.js"),
        "offline_url": reverse("offline"),
        "offline_form_url": reverse("offline_form"),
        "icon_url": static("icons/icon-192.png"),
    }
    return _revalidated(request, render_to_string("pwa/sw.js", context), "text/javascript; charset=utf-8")


@require_safe
def manifest(request):
    # The name is the app's, in every language; the description is in the reader's.
    body = {
        "id": "/",
        "name": "Wellness Tracker",
        "short_name": "Wellness",
        "description": gettext("Log sleep, stress, omega-3 and fruit and vegetables in a few taps."),
        "lang": get_language(),
        "start_url": reverse("today"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": kind, "purpose": purpose}
            for path, sizes, kind, purpose in ICONS
        ],
    }
    return _revalidated(request, json.dumps(body, indent=2), "application/manifest+json")


@require_safe
def favicon(request):
    response = HttpResponseRedirect(static("icons/favicon.ico"))
    response["Cache-Control"] = "max-age=86400"
    return response


@require_safe
def offline(request):
    """Shown by the worker when a page can't be reached: where to get help, and what still works."""
    return _revalidated(request, offline_page_html(), "text/html; charset=utf-8")


@require_safe
def offline_form(request):
    """Today's check-in with no values and no user, for the worker to keep for offline use."""
    return _revalidated(request, offline_form_html(), "text/html; charset=utf-8")
