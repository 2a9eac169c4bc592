"""Session lifetimes: an idle timeout per role and an absolute lifetime, or 30 days when remembered.

Django rotates the session key at login, flushes the session at logout, and
ends a user's other sessions when their password changes (the session holds a
hash of the password). What it lacks is an idle timeout that differs by role
and a lifetime that activity can't extend; this middleware adds both.

A patient who ticks "Keep me signed in on this device" at login gets a remembered session instead:
it lasts SESSION_REMEMBER_DAYS from the last visit (the cookie and the stored session are renewed
with the once-a-minute activity write). Clinicians and staff are never remembered. Either kind
still ends at logout, at a password change, at account deletion and with "Sign out everywhere".
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tracker.accounts import reauth, signed_in

STARTED_KEY = "session_started_at"
SEEN_KEY = "session_seen_at"
REMEMBERED_KEY = "session_remembered"
# Record activity at most once a minute, so a busy page doesn't write the session on every request.
SEEN_RESOLUTION_SECONDS = 60
DAY_SECONDS = 24 * 3600


def idle_timeout_seconds(user) -> int:
    if user.is_staff or user.is_clinician:
        return settings.SESSION_IDLE_MINUTES_STAFF * 60
    return settings.SESSION_IDLE_MINUTES_PATIENT * 60


def can_be_remembered(user) -> bool:
    return user.is_patient and not user.is_staff


def session_limits(user, session) -> tuple[int, int | None]:
    """(seconds without activity, seconds in all or None) this session may last."""
    if session.get(REMEMBERED_KEY) and can_be_remembered(user):
        return settings.SESSION_REMEMBER_DAYS * DAY_SECONDS, None
    return idle_timeout_seconds(user), settings.SESSION_MAX_HOURS * 3600


def session_remember(*, request) -> bool:
    """Keep this login for SESSION_REMEMBER_DAYS from the last visit. Patients only."""
    if not can_be_remembered(request.user):
        return False
    request.session[REMEMBERED_KEY] = True
    request.session.set_expiry(settings.SESSION_REMEMBER_DAYS * DAY_SECONDS)
    signed_in.user_session_remember(request=request)
    return True


@receiver(user_logged_in)
def _start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED_KEY] = now
        request.session[SEEN_KEY] = now
        reauth.password_entered(request, now=now)
        signed_in.user_session_start(request=request, user=user)


@receiver(user_logged_out)
def _forget_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        signed_in.user_session_forget(request=request)


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._check(request, user, int(time.time()))
            if ended:
                return ended
        return self.get_response(request)

    def _check(self, request, user, now):
        session = request.session
        started = session.get(STARTED_KEY, now)
        seen = session.get(SEEN_KEY, now)
        idle_limit, lifetime = session_limits(user, session)
        if now - seen > idle_limit:
            return self._end(request, _("You were logged out after a period without activity. Please log in again."))
        if lifetime is not None and now - started > lifetime:
            return self._end(request, _("Your session has ended. Please log in again."))
        if STARTED_KEY not in session:
            session[STARTED_KEY] = now
        if now - seen >= SEEN_RESOLUTION_SECONDS or SEEN_KEY not in session:
            # Writing the session also renews a remembered session's cookie and stored expiry.
            session[SEEN_KEY] = now
            signed_in.user_session_seen(request=request)
        return None

    def _end(self, request, message):
        path = request.get_full_path()
        logout(request)
        messages.info(request, message)
        if request.method == "GET":
            return redirect(f"{reverse('login')}?{urlencode({'next': path})}")
        return redirect("login")
