"""Reminder deliveries: one row per patient and reminder period."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReminderDelivery(models.Model):
    """One patient's reminder for one period: a local day (daily and chosen-days cadences) or an
    ISO week (weekly), both in the patient's zone.

    The unique (patient, kind, period_start) row is what makes the reminder once per period: a
    sender must claim it (a lease, `claimed_until`) with a conditional UPDATE before sending, and
    marks it sent right after the SMTP server accepts the message. See
    tracker/reminders/dispatch.py.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"  # permanent: not retried
        SKIPPED = "skipped", "Skipped"  # turned off, a pause day, or already checked in that day

    class Kind(models.TextChoices):
        DAY = "day", "Day"  # period_start is the patient's local date
        WEEK = "week", "Week"  # period_start is the Monday of the patient's ISO week

    class Variant(models.TextChoices):
        """Which email: the gentle back-off (tracker/reminders/schedule.py) changes what it says."""

        REGULAR = "regular", "Regular"
        WEEKLY_FOR_NOW = "weekly_for_now", "Weekly for now"  # a daily or chosen-days reminder, eased
        LAST = "last", "Last before pausing"

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.WEEK)
    period_start = models.DateField(help_text="The local day, or the Monday of the ISO week, it is for.")
    # The ISO week of period_start: what the clinic dashboard and the week's teaser go by.
    iso_year = models.PositiveSmallIntegerField()
    iso_week = models.PositiveSmallIntegerField()
    variant = models.CharField(max_length=16, choices=Variant.choices, default=Variant.REGULAR)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(help_text="The patient's chosen local hour on the day it is due.")
    expires_at = models.DateTimeField(help_text="The end of the period in the patient's zone.")
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
        ordering = ["-period_start", "patient_id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "kind", "period_start"], name="reminder_once_per_period"),
        ]
        indexes = [
            models.Index(fields=["status", "claimed_until"], name="reminder_claimable"),
        ]

    def __str__(self):
        if self.kind == self.Kind.DAY:
            return f"reminder {self.period_start} for patient {self.patient_id}"
        return f"reminder {self.iso_year}-W{self.iso_week:02d} for patient {self.patient_id}"

    @staticmethod
    def unclaimed(now) -> Q:
        """Rows no sender holds: never claimed, or the lease (or back-off) ran out."""
        return Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
