"""Sign-ins: each one recorded with the browser in words and whether two-factor was asked, and a
browser this account hasn't used lately announced to its owner by email.

A sign-in is recorded at the password step (LOGGED_IN, with `browser` and `two_factor`: whether
the account has an authenticator, so a code is asked before anything else). Entering the code
records TWO_FACTOR_PASSED with the id of that sign-in, so the activity page can tell a sign-in
that went on to the code from one that stopped at it (someone who knew the password, not the code).

A new browser, for the email: a browser and system ("Firefox" on "Windows",
tracker/accounts/browsers.py) that are neither among this account's sign-ins nor among its
signed-in sessions of the last NEW_BROWSER_DAYS. An account's
first recorded sign-in (its owner finishing sign-up, or the first sign-in after this was deployed)
is the baseline and sends nothing. The label is coarse on purpose, since neither the raw User-Agent
nor an IP address is kept: a second "Chrome on Windows" is not news. The email is also throttled
(tracker/accounts/notices.py).
"""

import datetime as dt

from django.contrib.auth.signals import user_logged_in
from django.db.models import Count, Q
from django.dispatch import receiver
from django.utils import timezone

from tracker.accounts.browsers import Browser
from tracker.accounts.notices import security_email_queue
from tracker.accounts.signed_in import request_browser
from tracker.accounts.twofactor import confirmed_device
from tracker.audit.services import audit_record
from tracker.models import AuditEvent, User, UserSession

NEW_BROWSER_DAYS = 90
# The session remembers its sign-in, so entering the two-factor code can name it.
SIGN_IN_KEY = "sign_in_event_id"


@receiver(user_logged_in, dispatch_uid="audit_logged_in")
def _signed_in(sender, request, user, **kwargs):
    sign_in_record(request=request, user=user)


def sign_in_record(*, request, user: User) -> AuditEvent:
    """Record a sign-in (the password step) and, from a new browser, queue the email."""
    browser = request_browser(request)
    session = getattr(request, "session", None)
    new = browser_is_new(user=user, browser=browser, session_key=session.session_key if session else None)
    event = audit_record(
        actor=user,
        action=AuditEvent.Action.LOGGED_IN,
        **browser.metadata(),
        two_factor=confirmed_device(user=user) is not None,
    )
    if session is not None:
        session[SIGN_IN_KEY] = event.pk
    if new:
        security_email_queue(event=event)
    return event


def two_factor_passed(*, request) -> None:
    """The code was entered: link it to the sign-in it completes."""
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.TWO_FACTOR_PASSED,
        sign_in=request.session.get(SIGN_IN_KEY),
        **request_browser(request).metadata(),
    )


def browser_is_new(*, user: User, browser: Browser, session_key: str | None, now: dt.datetime | None = None) -> bool:
    """True when `browser` signs in to an account with a recorded sign-in, none of whose sign-ins or
    other signed-in sessions of the last NEW_BROWSER_DAYS used it. Two queries at most."""
    since = (now or timezone.now()) - dt.timedelta(days=NEW_BROWSER_DAYS)
    sign_ins = AuditEvent.objects.filter(actor_ref=user.pk, action=AuditEvent.Action.LOGGED_IN).aggregate(
        before=Count("id", filter=Q(metadata__has_key="browser")),
        seen=Count("id", filter=Q(at__gte=since) & browser.in_audit()),
    )
    if not sign_ins["before"] or sign_ins["seen"]:
        return False
    sessions = UserSession.objects.filter(
        user=user, browser=browser.name, system=browser.system, last_seen_at__gte=since
    )
    if session_key:
        sessions = sessions.exclude(session_key=session_key)
    return not sessions.exists()
