"""Production configuration: deploy checks, start-up failures, headers, error pages, health."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.services import require_redis

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "wellness.example.org",
    "SITE_URL": "https://wellness.example.org",
}


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "wellness.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_deploy_check_passes_with_no_warning_in_production():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_it_refuses_to_start_in_production_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must" in result.stderr


def test_production_requires_two_factor_for_clinicians_and_staff():
    code = (
        "from django.conf import settings; print(settings.OTP_REQUIRED_FOR_STAFF, settings.OTP_REQUIRED_FOR_CLINICIANS)"
    )
    result = _manage("shell", "-v", "0", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.split() == ["True", "True"], result.stderr


def test_it_refuses_a_malformed_setting():
    result = _manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_pages_send_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]:
        assert directive in policy
    assert "unsafe-inline" not in policy


def test_pages_send_the_other_security_headers(client, db):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_for_a_logged_in_patient_are_not_stored(alice_client):
    assert alice_client.get(reverse("history"))["Cache-Control"] == "no-store"


def test_the_404_page_is_ours_and_shows_the_crisis_line(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We couldn't find that page" in html
    assert "988" in html


def test_the_500_page_is_ours_and_shows_the_crisis_line(db):
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "988" in html


def test_log_lines_carry_the_request_id(client, db, caplog):
    response = client.get("/no-such-page/")
    records = [r for r in caplog.records if r.name == "django.request"]
    from wellness.observability import RequestIdFilter

    RequestIdFilter().filter(records[-1])
    assert records[-1].request_id == response["X-Request-ID"]


def test_every_response_carries_a_request_id(client, db):
    response = client.get(reverse("login"))
    assert len(response["X-Request-ID"]) == 32
    echoed = client.get(reverse("login"), headers={"X-Request-ID": "proxy-id-12345678"})
    assert echoed["X-Request-ID"] == "proxy-id-12345678"
    forged = client.get(reverse("login"), headers={"X-Request-ID": "bad\nid"})
    assert forged["X-Request-ID"] != "bad\nid"


def test_healthz_is_ok_when_the_database_answers(client, db, settings):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"]["ok"] is True


def test_healthz_is_503_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "wellness.cache.FailSoftRedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}


def test_healthz_is_503_when_the_broker_is_down(client, db, settings):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    from wellness.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


@pytest.mark.services
def test_healthz_checks_a_real_redis(client, db, settings):
    url = require_redis()
    settings.REDIS_URL = url
    settings.CACHES = {"default": {"BACKEND": "wellness.cache.FailSoftRedisCache", "LOCATION": url}}
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["redis"]["ok"] is True


def test_the_cache_fails_soft_when_redis_is_down(settings):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "wellness.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    cache = caches["default"]
    assert cache.get("key", "fallback") == "fallback"
    cache.set("key", "value")  # no exception
    assert cache.get_many(["a", "b"]) == {}


@pytest.mark.services
def test_sessions_survive_a_redis_outage(client, alice, settings):
    """With Redis for sessions (cached_db), a patient stays logged in while Redis is away."""
    url = require_redis()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.CACHES = {"default": {"BACKEND": "wellness.cache.FailSoftRedisCache", "LOCATION": url}}
    client.force_login(alice)
    assert client.get(reverse("history")).status_code == 200
    settings.CACHES = {
        "default": {
            "BACKEND": "wellness.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    assert client.get(reverse("history")).status_code == 200
