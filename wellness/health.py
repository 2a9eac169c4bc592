"""/healthz: is this web process able to serve? 200 when every configured
dependency answers, 503 naming the one that doesn't. No secrets, no data."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_redis_cache():
    # The fail-soft cache swallows errors, so ask the client directly.
    client = cache._cache.get_client(write=True)
    client.ping()


def _check_broker():
    from wellness.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=1)


def _checks():
    checks = {"database": _check_database}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis_cache
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _check_broker
    return checks


@never_cache
@require_GET
def healthz(request):
    results = {}
    healthy = True
    for name, check in _checks().items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:
            healthy = False
            results[name] = {"ok": False, "error": type(error).__name__}
        else:
            results[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return JsonResponse({"ok": healthy, "checks": results}, status=200 if healthy else 503)


@never_cache
@require_GET
def livez(request):
    """Liveness: the process answers. Touches no database or cache, so it also
    measures the framework's own cost per request in the load test."""
    return HttpResponse("ok", content_type="text/plain")
