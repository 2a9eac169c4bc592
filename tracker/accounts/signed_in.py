"""Where a user is signed in: one UserSession row per signed-in browser.

Django keeps sessions in its session store, which can't be listed by user. This module keeps a
small row beside each one (created at login, touched at most once a minute, removed at logout) so a
user can see their browsers by name and last use, and end them all. No IP address is kept.
"""

import datetime as dt
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.accounts.browsers import Browser
from tracker.models import User, UserSession

# The session remembers which row is its own, so a new session key (Django cycles it at a
# password change) moves the row along instead of orphaning it.
ROW_KEY = "user_session_id"


def request_browser(request) -> Browser:
    """The browser of a request, in parts; the raw User-Agent goes no further."""
    return Browser.from_user_agent(getattr(request, "META", {}).get("HTTP_USER_AGENT", ""))


def user_session_start(*, request, user: User) -> UserSession:
    """Record the session a login just started, and forget the user's sessions that have ended."""
    now = timezone.now()
    _forget_ended(user=user, now=now)
    browser = request_browser(request)
    row, _ = UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "browser": browser.name,
            "system": browser.system,
            "created_at": now,
            "last_seen_at": now,
            "remembered": False,
        },
    )
    request.session[ROW_KEY] = row.pk
    return row


def user_session_seen(*, request, now: dt.datetime | None = None) -> None:
    """Note activity on the current session (the caller limits this to once a minute).

    A session with no row (it began before rows were kept, or its row went) gets one.
    """
    now = now or timezone.now()
    session = request.session
    key = session.session_key
    row_id = session.get(ROW_KEY)
    if row_id and UserSession.objects.filter(pk=row_id, user=request.user).update(last_seen_at=now, session_key=key):
        return
    browser = request_browser(request)
    try:
        with transaction.atomic():
            row, _ = UserSession.objects.update_or_create(
                session_key=key,
                defaults={
                    "user": request.user,
                    "browser": browser.name,
                    "system": browser.system,
                    "last_seen_at": now,
                },
            )
    except IntegrityError:  # two first requests of one session at once: the other one made the row
        return
    session[ROW_KEY] = row.pk


def user_session_remember(*, request) -> None:
    UserSession.objects.filter(pk=request.session.get(ROW_KEY)).update(remembered=True)


def user_session_forget(*, request) -> None:
    """The current session is ending (logout): drop its row."""
    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


@dataclass(frozen=True)
class SignedIn:
    """One browser a user is signed in on, as the settings page lists it."""

    id: int
    browser: Browser
    created_at: dt.datetime
    last_seen_at: dt.datetime
    remembered: bool
    current: bool


def signed_in_sessions(*, user: User, current_key: str | None) -> list[SignedIn]:
    """The user's live sessions, the most recently used first (one query)."""
    rows = UserSession.objects.filter(user=user, session_key__in=_live_keys()).order_by("-last_seen_at", "-pk")
    return [
        SignedIn(
            id=row.pk,
            browser=Browser(row.browser, row.system),
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            remembered=row.remembered,
            current=row.session_key == current_key,
        )
        for row in rows
    ]


def sessions_end_all(*, user: User) -> int:
    """End every session of the user, this one included. Returns how many there were."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    _end(keys)
    return len(keys)


def user_session_of(*, user: User, session_id: int) -> UserSession | None:
    """One of the user's own sessions by its row id; None for anyone else's."""
    return UserSession.objects.filter(pk=session_id, user=user).first()


def session_end(*, row: UserSession) -> None:
    """End one session (from another browser of the same user: "Sign out this browser")."""
    _end([row.session_key])


def sessions_end_others(*, user: User, request) -> None:
    """End the user's other sessions (after a password change): this one carries on."""
    keep = request.session.get(ROW_KEY)
    keys = list(UserSession.objects.filter(user=user).exclude(pk=keep).values_list("session_key", flat=True))
    _end(keys)
    if keep:
        UserSession.objects.filter(pk=keep).update(session_key=request.session.session_key)


def _end(keys: list[str]) -> None:
    # Through the session engine, so a cached_db session leaves the cache as well as the database.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store().delete(key)
    UserSession.objects.filter(session_key__in=keys).delete()


def _live_keys():
    return Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")


def _forget_ended(*, user: User, now: dt.datetime) -> None:
    UserSession.objects.filter(user=user).exclude(
        session_key__in=Session.objects.filter(expire_date__gt=now).values("session_key")
    ).delete()
