"""The append-only audit log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KeyTransform
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models.clinics import Clinic


class AuditLogIsAppendOnly(Exception):
    """Audit events are never changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def erase_account(self, *, account_id: int) -> tuple[int, int]:
        """The one way audit events change: erasing a deleted account (tracker/privacy/deletion.py).

        Its own activity (logins, exports, clinic joins and departures...) is deleted. Its security
        events (AuditEvent.SECURITY_ACTIONS: failed logins, lockouts, password and two-factor
        changes) stay, for the shape and times of an attack, with every link to the account
        removed. Returns (kept, deleted).
        """
        theirs = models.QuerySet.filter(self, Q(actor_ref=account_id) | Q(metadata__account=account_id))
        security = theirs.filter(action__in=AuditEvent.SECURITY_ACTIONS)
        kept = models.QuerySet.update(security, actor=None, actor_ref=None, metadata={})
        deleted, _by_model = models.QuerySet.delete(theirs.exclude(action__in=AuditEvent.SECURITY_ACTIONS))
        return kept, deleted

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be updated.")

    def delete(self):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly("Audit events cannot be updated.")


class AuditEvent(models.Model):
    """Who did what, to which clinic, when. Never holds health values.

    Written by tracker.audit.services.audit_record only, and never changed, with one
    exception: erasing a deleted patient's account (AuditEventQuerySet.erase_account).
    The copies of the actor's and clinic's ids survive the deletion of a clinic or
    a clinician (the foreign keys are set to NULL).
    """

    class Action(models.TextChoices):
        DASHBOARD_VIEWED = "dashboard_viewed", _("Viewed a clinic dashboard")
        DASHBOARD_EXPORTED = "dashboard_exported", _("Downloaded a clinic dashboard as CSV")
        CHECKINS_LISTED = "checkins_listed", _("Listed individual check-ins in the admin")
        CHECKIN_VIEWED = "checkin_viewed", _("Viewed an individual check-in in the admin")
        CLINIC_JOINED = "clinic_joined", _("Joined a clinic")
        CLINIC_LEFT = "clinic_left", _("Left a clinic")
        JOIN_CODES_ISSUED = "join_codes_issued", _("Issued patient join codes")
        JOIN_CODES_WITHDRAWN = "join_codes_withdrawn", _("Withdrew unused patient join codes")
        CLINICIAN_INVITED = "clinician_invited", _("Invited a clinician")
        CLINICIAN_JOINED = "clinician_joined", _("Accepted a clinician invitation")
        CLINICIAN_INVITATION_WITHDRAWN = "clinician_invitation_withdrawn", _("Withdrew a clinician invitation")
        LOGGED_IN = "logged_in", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed to log in")
        LOCKED_OUT = "locked_out", _("Locked out after repeated failed logins")
        PASSWORD_CHANGED = "password_changed", _("Changed their password")
        PASSWORD_RESET = "password_reset", _("Reset their password by email")
        SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", _("Signed out on every device")
        SESSION_ENDED = "session_ended", _("Ended one signed-in session")
        TWO_FACTOR_ON = "two_factor_on", _("Turned on two-factor authentication")
        TWO_FACTOR_OFF = "two_factor_off", _("Turned off two-factor authentication")
        TWO_FACTOR_PASSED = "two_factor_passed", _("Entered a two-factor code at sign-in")
        DATA_EXPORTED = "data_exported", _("Downloaded their own data")
        ACCOUNT_DELETED = "account_deleted", _("Deleted their account")

    # Kept, unlinked, when a patient's account is erased; everything else of theirs is deleted.
    SECURITY_ACTIONS = (
        Action.LOGIN_FAILED,
        Action.LOCKED_OUT,
        Action.PASSWORD_CHANGED,
        Action.PASSWORD_RESET,
        Action.TWO_FACTOR_ON,
        Action.TWO_FACTOR_OFF,
    )

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_ref = models.PositiveBigIntegerField(null=True, blank=True, help_text=_("The actor's user id, kept."))
    action = models.CharField(max_length=64, choices=Action.choices)
    clinic = models.ForeignKey(Clinic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    clinic_ref = models.PositiveBigIntegerField(null=True, blank=True, help_text=_("The clinic's id, kept."))
    at = models.DateTimeField(default=timezone.now, db_index=True)
    metadata = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        # An account's own activity page (tracker/accounts/activity.py) reads its events by actor,
        # and the failed sign-ins and lockouts that name it in metadata["account"].
        indexes = [
            models.Index(fields=["actor_ref", "-at"], name="auditevent_actor_at"),
            models.Index(KeyTransform("account", "metadata"), name="auditevent_account"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")
