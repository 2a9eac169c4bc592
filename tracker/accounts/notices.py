"""Security notices: the account changes a user is told about by email.

A sign-in from a new browser (tracker/accounts/sign_ins.py), a password change or reset, two-factor
turned on or off, and a download of their data each send one email to the account's address,
saying what happened, when, from which browser, and what to do if it wasn't them. The event is
recorded first (security_event); its id goes to a Celery task after the commit
(tracker.tasks.send_security_email), which builds the email from the audit row
(tracker/accounts/security_emails.py). No health value is ever in one.

Throttled per account and kind (PER_KIND_HOUR, PER_KIND_DAY), so whoever holds the account can't
flood its owner's mailbox by repeating an action, and a flood of one kind never silences another:
at most 3 of a kind an hour and 10 a day. Past that the event is still on the activity page.
"""

import logging
import smtplib

from django.urls import reverse
from django.utils import timezone

from tracker.accounts import security_emails
from tracker.accounts.signed_in import request_browser
from tracker.audit.services import audit_record
from tracker.core.emails import absolute_url
from tracker.core.later import after_commit
from tracker.core.throttle import DAY, HOUR, Limit, Throttled, throttle
from tracker.models import AuditEvent, User

logger = logging.getLogger(__name__)

A = AuditEvent.Action
# The email each notified action sends (LOGGED_IN: only from a new browser, decided in sign_ins).
EMAILS = {
    A.LOGGED_IN: security_emails.new_browser_email,
    A.PASSWORD_CHANGED: security_emails.password_changed_email,
    A.PASSWORD_RESET: security_emails.password_was_reset_email,
    A.TWO_FACTOR_ON: security_emails.two_factor_on_email,
    A.TWO_FACTOR_OFF: security_emails.two_factor_off_email,
    A.DATA_EXPORTED: security_emails.data_exported_email,
}
PER_KIND_HOUR = Limit("security-email", 3, HOUR)
PER_KIND_DAY = Limit("security-email-day", 10, DAY)


def security_event(*, request, user: User, action: str, **meta) -> AuditEvent:
    """Record an account change with the browser it came from; email the owner about it."""
    event = audit_record(actor=user, action=action, **request_browser(request).metadata(), **meta)
    if action in EMAILS:
        security_email_queue(event=event)
    return event


def security_email_queue(*, event: AuditEvent) -> bool:
    """Send the event's email after the commit, unless this account had too many of its kind."""
    key = f"{event.actor_ref}:{event.action}"
    try:
        # One after the other, so the day's count is of emails that passed the hour's limit.
        throttle([(PER_KIND_HOUR, key)])
        throttle([(PER_KIND_DAY, key)])
    except Throttled:
        logger.info("Security email %s for user %s throttled", event.action, event.actor_ref)
        return False
    from tracker.tasks import send_security_email  # tracker.tasks imports this module: no import at the top

    after_commit(send_security_email, event.pk)
    return True


def security_email_send(*, event_id: int) -> bool:
    """Build and send the email for one audit event (run by a task, outside the request)."""
    event = AuditEvent.objects.select_related("actor").filter(pk=event_id).first()
    if event is None or event.action not in EMAILS or event.actor is None or not event.actor.is_active:
        return False
    user = event.actor
    with timezone.override(user.tzinfo):
        message = EMAILS[event.action](user=user, event=event, links=_links())
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send the %s security email to user %s", event.action, user.pk)
        return False
    return True


def _links() -> dict:
    return {
        "password_change_url": absolute_url(reverse("password_change")),
        "reset_url": absolute_url(reverse("password_reset")),
        "signed_in_url": absolute_url(reverse("signed_in")),
        "activity_url": absolute_url(reverse("account_activity")),
    }
