"""Pause days: a range of days a patient sets aside (travel, illness, a hospital stay).

A paused day is neither logged nor missed: streaks carry across it and consistency scores hold
still on it, as Loop Habit Tracker does for a skipped day. A day that has a check-in stays a
logged day, paused or not. The rules for which ranges may be added, ended or removed live in
tracker/checkins/pauses.py; the database holds the shape of one range.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThan, LessThanOrEqual

from tracker.core.expressions import AddDays

PAUSE_MAX_DAYS = 30
PAUSE_REASON_MAX_LENGTH = 100


class Pause(models.Model):
    """Days `first_day` to `last_day` (inclusive, the patient's own calendar), at most 30 of them."""

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pauses")
    first_day = models.DateField()
    last_day = models.DateField()
    # Private: shown to the patient, in their export, and on their appointment summary only if they tick it.
    reason = models.CharField(max_length=PAUSE_REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_day"]
        constraints = [
            models.CheckConstraint(condition=Q(first_day__lte=F("last_day")), name="pause_days_in_order"),
            models.CheckConstraint(
                condition=LessThan(F("last_day"), AddDays(F("first_day"), PAUSE_MAX_DAYS)),
                name="pause_at_most_30_days",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("reason"), PAUSE_REASON_MAX_LENGTH), name="pause_reason_max_length"
            ),
        ]
        indexes = [models.Index(fields=["patient", "last_day"], name="pause_patient_last_day")]

    def __str__(self):
        return f"pause {self.pk} from {self.first_day} to {self.last_day}"

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1
