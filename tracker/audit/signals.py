"""Security events for the audit log: failed logins and lockouts.

Sign-ins themselves are recorded by tracker/accounts/sign_ins.py, with the browser in words and
whether two-factor was asked (account concepts this package doesn't know).

Connected to Django's and django-axes' signals in TrackerConfig.ready(). The
log never holds an email or a password: a failed login for an existing account
records that account's id; one for an unknown address records nothing more.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from tracker.audit.services import audit_record
from tracker.models import AuditEvent, User


def _account_id(username) -> int | None:
    if not username:
        return None
    return User.objects.filter(email__iexact=str(username)[:254]).values_list("pk", flat=True).first()


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, account=_account_id(credentials.get("username")))


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(actor=None, action=AuditEvent.Action.LOCKED_OUT, account=_account_id(username))
