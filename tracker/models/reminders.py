"""Weekly reminder deliveries."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReminderDelivery(models.Model):
    """One patient's weekly reminder for one ISO week (in the patient's zone).

    The unique (patient, iso_year, iso_week) row is what makes the reminder
    once-a-week: a sender must claim it (a lease, `claimed_until`) with a
    conditional UPDATE before sending, and marks it sent right after the SMTP
    server accepts the message. See tracker/reminders/dispatch.py.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"  # permanent: not retried
        SKIPPED = "skipped", "Skipped"  # reminders turned off before it went out

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries")
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(help_text="The patient's chosen local weekday and hour, this week.")
    expires_at = models.DateTimeField(help_text="The end of this ISO week in the patient's zone.")
    # A sender holds the row until this time; a pending row whose lease ran
    # out (a crashed worker, or a retry's back-off) may be claimed again.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reminder deliveries"
        ordering = ["-iso_year", "-iso_week", "patient_id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "iso_year", "iso_week"], name="reminder_once_per_patient_week"),
        ]
        indexes = [
            models.Index(fields=["status", "claimed_until"], name="reminder_claimable"),
        ]

    def __str__(self):
        return f"reminder {self.iso_year}-W{self.iso_week:02d} for patient {self.patient_id}"

    @staticmethod
    def unclaimed(now) -> Q:
        """Rows no sender holds: never claimed, or the lease (or back-off) ran out."""
        return Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
