"""Clinics, clinicians' memberships and patients' enrolments."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.core.time import monday_of
from tracker.models.accounts import User

# Unambiguous when read aloud or typed from paper: no 0/O, 1/I/L.
INVITE_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_CODE_LENGTH = 12  # 31**12 is about 2**59: not guessable by trying


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_CODE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    clinicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ClinicMembership",
        related_name="clinics",
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name


class SingleUse(models.Model):
    """Something a clinic grants that works once, until it expires or is withdrawn.

    Used with a conditional UPDATE (`filter(usable(now)).update(used_at=..., used_by=...)`), so
    two people can never both use it. A join code and a clinician invitation (used: accepted).
    """

    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(withdrawn_at__isnull=True), name="%(class)s_used_or_withdrawn"
            ),
        ]

    def state(self, now) -> str:
        """ "usable", "used", "withdrawn" or "expired"."""
        if self.used_at is not None:
            return "used"
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.expires_at <= now:
            return "expired"
        return "usable"

    @staticmethod
    def usable(now) -> Q:
        return Q(used_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now)


class ClinicianInvitation(SingleUse):
    """An invitation an admin clinician emailed; its signed link names this row and works once.

    Pending until accepted (used), withdrawn (by an admin clinician of the clinic or staff), or expired.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="clinician_invitations")
    email = models.EmailField(max_length=254, help_text=_("The invited address, lower-cased."))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(SingleUse.Meta):
        indexes = [models.Index(fields=["clinic", "used_at", "withdrawn_at"], name="invitation_clinic_pending")]

    def __str__(self):
        return f"invitation {self.pk} to {self.clinic}"


JOIN_CODES_PER_BATCH_MAX = 50


class JoinCode(SingleUse):
    """One patient's way into a clinic: a random code that works once, until it expires or is withdrawn.

    A clinic's clinicians issue codes in batches (one printable handout per batch) and hand one to
    each patient; joining uses the code up in the same transaction as the enrolment. A code holds
    no patient data; `used_by` is set when it is used and cleared if that account is deleted.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="join_codes")
    code = models.CharField(max_length=INVITE_CODE_LENGTH, unique=True, default=new_invite_code)
    batch = models.UUIDField(help_text=_("The codes issued together, printed on one handout."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(SingleUse.Meta):
        indexes = [models.Index(fields=["clinic", "batch"], name="join_code_clinic_batch")]

    def __str__(self):
        return f"join code {self.pk} of {self.clinic}"


class ClinicMembership(models.Model):
    """A clinician's place in a clinic. Admin clinicians may invite other clinicians."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="clinic_memberships",
        limit_choices_to={"role": User.Role.CLINICIAN},
    )
    is_admin = models.BooleanField(default=False, help_text=_("May invite other clinicians to this clinic."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "clinician"], name="membership_one_per_clinic"),
        ]

    def __str__(self):
        return f"{self.clinician} in {self.clinic}"


RETENTION_WEEKS = (1, 2, 4, 8, 12)


class Enrolment(models.Model):
    """A patient's membership of a clinic, from joining until leaving.

    The clinic counts the patient in the ISO weeks from `from_week` (the week
    they joined, in their own time zone) up to but excluding `until_week` (the
    week they left): leaving removes them from the week they leave onwards.
    The active_week_N flags are a rollup kept by tracker/checkins/rollup.py: whether the
    patient checked in during the Nth week of this enrolment while enrolled.
    """

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="enrolments")
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    joined_on = models.DateField(editable=False, help_text=_("The day of joining in the patient's time zone."))
    from_week = models.DateField(editable=False)
    until_week = models.DateField(null=True, blank=True, editable=False)
    active_week_1 = models.BooleanField(default=False, editable=False)
    active_week_2 = models.BooleanField(default=False, editable=False)
    active_week_4 = models.BooleanField(default=False, editable=False)
    active_week_8 = models.BooleanField(default=False, editable=False)
    active_week_12 = models.BooleanField(default=False, editable=False)

    class Meta:
        constraints = [
            # At most one current enrolment per patient and clinic.
            models.UniqueConstraint(
                fields=["patient", "clinic"],
                condition=Q(left_at__isnull=True),
                name="enrolment_one_current_per_clinic",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=F("joined_at")),
                name="enrolment_leaves_after_joining",
            ),
            models.CheckConstraint(
                condition=Q(until_week__isnull=True) | Q(until_week__gte=F("from_week")),
                name="enrolment_counted_weeks_in_order",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "from_week"], name="enrolment_clinic_from_week")]

    def __str__(self):
        return f"enrolment {self.pk} in {self.clinic}"

    def save(self, *args, **kwargs):
        # The counted weeks follow from the join and leave times in the
        # patient's zone at that moment; a later change of zone leaves them be.
        if self.joined_on is None:
            self.joined_on = self.joined_at.astimezone(self.patient.tzinfo).date()
        if self.from_week is None:
            self.from_week = monday_of(self.joined_on)
        if self.left_at is not None and self.until_week is None:
            left_on = self.left_at.astimezone(self.patient.tzinfo).date()
            self.until_week = max(monday_of(left_on), self.from_week)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "left_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "until_week"}
        super().save(*args, **kwargs)
