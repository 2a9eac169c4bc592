"""The installable app's files: worker, manifest, icons and the offline pages."""

import json
import re
import struct

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse

from tests.factories import CheckInFactory
from tracker.pwa.views import SHELL


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _shell(client):
    body = client.get(reverse("service_worker")).content.decode()
    return json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))


def test_the_worker_is_served_at_the_root_and_never_cached_long(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in response  # at the root, its scope is the whole site
    again = client.get("/sw.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_worker_keeps_the_shell_and_the_offline_pages_and_nothing_personal(client, db):
    shell = _shell(client)
    assert "/offline/" in shell
    assert "/today/offline-form/" in shell
    assert any(url.endswith("bootstrap.min.css") for url in shell)
    for path in ("/today/", "/dashboard/", "/history/", "/checkin/sync/", "/settings/"):
        assert path not in shell
    for url in shell:
        assert client.get(url).status_code == 200, url


def test_the_worker_is_new_whenever_a_kept_page_changes(client, db, monkeypatch):
    """A new worker installs and fetches the shell again; an unchanged one is byte for byte the same."""
    from tracker.pwa import views

    before = client.get("/sw.js").content
    assert client.get("/sw.js").content == before
    monkeypatch.setattr(views, "offline_page_html", lambda: "<p>a newer offline page</p>")
    after = client.get("/sw.js").content
    assert after != before
    cache_name = re.compile(rb'const CACHE = "(wellness-shell-\w+)"')
    assert cache_name.search(after).group(1) != cache_name.search(before).group(1)


def test_logged_in_pages_stay_no_store(alice_client):
    for name in ("today", "dashboard", "history"):
        assert alice_client.get(reverse(name))["Cache-Control"] == "no-store"


def test_the_manifest_describes_an_installable_app(client, db):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Wellness Tracker"
    assert manifest["short_name"] == "Wellness"
    assert manifest["start_url"] == "/today/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0a58ca"
    sizes = {}
    for icon in manifest["icons"]:
        data = client.get(icon["src"])
        body = b"".join(data.streaming_content) if data.streaming else data.content
        if icon["type"] == "image/png":
            width, height = _png_size(body)
            assert f"{width}x{height}" == icon["sizes"]
        sizes[(icon["sizes"], icon["purpose"])] = icon["type"]
    assert ("192x192", "any") in sizes
    assert ("512x512", "any") in sizes
    assert ("512x512", "maskable") in sizes
    assert ("any", "any") in sizes  # the SVG


def test_favicon_ico_is_found(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    body = b"".join(icon.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO


def test_every_page_links_the_icon_and_the_manifest(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/icons/icon.svg" type="image/svg+xml">' in html
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color" content="#0a58ca">' in html


@pytest.mark.parametrize("name", ["offline", "offline_form"])
def test_the_offline_pages_show_the_crisis_line_and_that_this_is_not_medical_advice(client, db, name):
    html = client.get(reverse(name)).content.decode()
    assert 'href="tel:988"' in html
    assert "This app is not medical advice" in html


@pytest.mark.parametrize("name", ["offline", "offline_form"])
def test_the_offline_pages_hold_nothing_of_the_patient_even_when_logged_in(alice_client, alice, name):
    CheckInFactory(patient=alice, note="a private note")
    html = alice_client.get(reverse(name)).content.decode()
    for personal in ("alice", "Alice", "a private note", "csrfmiddlewaretoken", "Log out", "data-owner"):
        assert personal not in html


def test_the_offline_form_is_data_free(client, db):
    html = client.get(reverse("offline_form")).content.decode()
    assert "data-offline" in html
    assert re.findall(r'name="(\w+)" value="" id="id_\w+" checked', html) == [
        "sleep_quality",
        "stress",
        "omega3_supplement",
    ]
    assert "selected>Not answered" in html
    assert 'value="' not in html.split('name="omega3_servings"', 1)[1].split(">", 1)[0]


def test_the_worker_lists_the_hashed_static_urls_in_production(client, db, tmp_path):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=str(tmp_path), STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        shell = _shell(client)
        manifest = json.loads(client.get("/manifest.webmanifest").content)
    for path in SHELL:
        stem, extension = path.rsplit(".", 1)
        assert any(re.fullmatch(rf"/static/{re.escape(stem)}\.[0-9a-f]{{12}}\.{extension}", url) for url in shell), path
    assert all(re.search(r"\.[0-9a-f]{12}\.(png|svg)$", icon["src"]) for icon in manifest["icons"])
