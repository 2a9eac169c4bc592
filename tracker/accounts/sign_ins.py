"""Sign-ins: each one recorded with the browser in words and whether two-factor was asked.

A sign-in is recorded at the password step (LOGGED_IN, with `browser` and `two_factor`: whether
the account has an authenticator, so a code is asked before anything else). Entering the code
records TWO_FACTOR_PASSED with the id of that sign-in, so the activity page can tell a sign-in
that went on to the code from one that stopped at it (someone who knew the password, not the code).
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from tracker.accounts.signed_in import request_browser
from tracker.accounts.twofactor import confirmed_device
from tracker.audit.services import audit_record
from tracker.models import AuditEvent, User

# The session remembers its sign-in, so entering the two-factor code can name it.
SIGN_IN_KEY = "sign_in_event_id"


@receiver(user_logged_in, dispatch_uid="audit_logged_in")
def _signed_in(sender, request, user, **kwargs):
    sign_in_record(request=request, user=user)


def sign_in_record(*, request, user: User) -> AuditEvent:
    """Record a sign-in (the password step)."""
    session = getattr(request, "session", None)
    event = audit_record(
        actor=user,
        action=AuditEvent.Action.LOGGED_IN,
        browser=request_browser(request),
        two_factor=confirmed_device(user=user) is not None,
    )
    if session is not None:
        session[SIGN_IN_KEY] = event.pk
    return event


def two_factor_passed(*, request) -> None:
    """The code was entered: link it to the sign-in it completes."""
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.TWO_FACTOR_PASSED,
        sign_in=request.session.get(SIGN_IN_KEY),
        browser=request_browser(request),
    )
