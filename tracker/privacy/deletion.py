"""Deleting an account: every row of the patient's goes.

What stays: the record that account N was deleted, and when; the account's
security events (failed logins, lockouts, password and two-factor changes),
linked to no one; other people's records of what they did (staff looking at
check-ins keep their trace); and a join code it used, still used, by no one.
"""

from django.contrib.sessions.models import Session
from django.db import transaction

from tracker.audit.services import audit_record
from tracker.core.locks import lock_patient
from tracker.models import AuditEvent, User


def _sessions_of(user: User):
    """The user's server-side sessions. Sessions aren't indexed by user, so this
    reads them all: fine for a rare action like deleting an account."""
    for session in Session.objects.iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            yield session.session_key


class WrongPassword(Exception):
    pass


def account_delete(*, user: User, password: str) -> None:
    """Delete the patient and everything of theirs. Raises WrongPassword."""
    if not user.check_password(password):
        raise WrongPassword
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    with transaction.atomic():
        # Wait for any save of theirs in flight: the deletion below collects their rows first, so a
        # check-in committed in between would be left pointing at a deleted account.
        lock_patient(patient_id=user.pk)
        # Erase its audit trail (security events stay, unlinked), then record the deletion: the one
        # record that names the account, by number. No email, no health data.
        AuditEvent.objects.erase_account(account_id=user.pk)
        audit_record(actor=None, action=AuditEvent.Action.ACCOUNT_DELETED, account=user.pk)
        Session.objects.filter(session_key__in=list(_sessions_of(user))).delete()
        email = user.email.casefold()
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username__iexact=email).delete()
        user.delete()  # cascades to check-ins, enrolments, notes opened and every other row of theirs
