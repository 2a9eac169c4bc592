"""Session lifetimes: an idle timeout per role and an absolute lifetime.

Django rotates the session key at login, flushes the session at logout, and
ends a user's other sessions when their password changes (the session holds a
hash of the password). What it lacks is an idle timeout that differs by role
and a lifetime that activity can't extend; this middleware adds both.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

STARTED_KEY = "session_started_at"
SEEN_KEY = "session_seen_at"
# Record activity at most once a minute, so a busy page doesn't write the session on every request.
SEEN_RESOLUTION_SECONDS = 60


def idle_timeout_seconds(user) -> int:
    if user.is_staff or user.is_clinician:
        return settings.SESSION_IDLE_MINUTES_STAFF * 60
    return settings.SESSION_IDLE_MINUTES_PATIENT * 60


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED_KEY] = now
        request.session[SEEN_KEY] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get(STARTED_KEY, now)
            seen = session.get(SEEN_KEY, now)
            if now - seen > idle_timeout_seconds(user):
                return self._end(request, "You were logged out after a period without activity. Please log in again.")
            if now - started > settings.SESSION_MAX_HOURS * 3600:
                return self._end(request, "Your session has ended. Please log in again.")
            if STARTED_KEY not in session:
                session[STARTED_KEY] = now
            if now - seen >= SEEN_RESOLUTION_SECONDS or SEEN_KEY not in session:
                session[SEEN_KEY] = now
        return self.get_response(request)

    def _end(self, request, message):
        path = request.get_full_path()
        logout(request)
        messages.info(request, message)
        if request.method == "GET":
            return redirect(f"{reverse('login')}?{urlencode({'next': path})}")
        return redirect("login")
