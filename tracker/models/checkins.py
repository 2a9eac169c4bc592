"""Daily check-ins, their ranges and constraints, and the weekly engagement rollup."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Round
from django.db.models.lookups import Exact, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from tracker.models.factors import (
    FACTORS,
    FRUIT_VEG_SERVINGS_MAX,
    OMEGA3_SERVINGS_MAX,
    SLEEP_HOURS_MAX,
    SLEEP_QUALITY_RANGE,
    STRESS_RANGE,
    any_factor_logged,
)

NOTE_MAX_LENGTH = 1000


def _between(field, low, high):
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": low, f"{field}__lte": high})


class CheckIn(models.Model):
    """One patient's self-report for one calendar day in their own time zone."""

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins")
    day = models.DateField()
    sleep_hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(SLEEP_HOURS_MAX)],
        help_text=_("Hours slept last night, in quarter hours."),
    )
    sleep_quality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    stress = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    omega3_servings = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(OMEGA3_SERVINGS_MAX)]
    )
    omega3_supplement = models.BooleanField(null=True, blank=True)
    fruit_veg_servings = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(FRUIT_VEG_SERVINGS_MAX)]
    )
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]
        permissions = [
            # Granted explicitly, to superusers only: see CheckInAdmin.
            ("view_individual_checkins", _("Can view individual check-ins in the admin (audited)")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["patient", "day"], name="checkin_one_per_patient_day"),
            models.CheckConstraint(
                condition=_between("sleep_hours", 0, SLEEP_HOURS_MAX), name="checkin_sleep_hours_range"
            ),
            # Quarter-hour steps: hours * 4 is a whole number.
            models.CheckConstraint(
                condition=Q(sleep_hours__isnull=True) | Exact(F("sleep_hours") * 4, Round(F("sleep_hours") * 4)),
                name="checkin_sleep_hours_quarter_steps",
            ),
            models.CheckConstraint(
                condition=_between("sleep_quality", *SLEEP_QUALITY_RANGE), name="checkin_sleep_quality_range"
            ),
            models.CheckConstraint(condition=_between("stress", *STRESS_RANGE), name="checkin_stress_range"),
            models.CheckConstraint(
                condition=_between("omega3_servings", 0, OMEGA3_SERVINGS_MAX), name="checkin_omega3_servings_range"
            ),
            models.CheckConstraint(
                condition=_between("fruit_veg_servings", 0, FRUIT_VEG_SERVINGS_MAX),
                name="checkin_fruit_veg_servings_range",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), NOTE_MAX_LENGTH), name="checkin_note_max_length"
            ),
            # Refuse an empty check-in: at least one factor must be recorded.
            models.CheckConstraint(condition=any_factor_logged(), name="checkin_has_a_factor"),
        ]

    def __str__(self):
        return f"check-in {self.pk} on {self.day}"

    def logged_factors(self) -> list[str]:
        """The keys of the factors this check-in logged, in the form's order."""
        return [factor.key for factor in FACTORS if factor.logged_on(self)]


class PatientWeek(models.Model):
    """Rollup: one patient's check-ins in one ISO week (Monday `week_start`).

    Only weeks with at least one check-in have a row. tracker/checkins/rollup.py keeps
    it exactly in step with CheckIn inside checkin_save's transaction.
    """

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    checkin_days = models.PositiveSmallIntegerField()
    sleep_logged = models.PositiveSmallIntegerField()
    stress_logged = models.PositiveSmallIntegerField()
    omega3_logged = models.PositiveSmallIntegerField()
    fruit_veg_logged = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "week_start"], name="patientweek_one_per_week"),
            models.CheckConstraint(
                condition=Q(checkin_days__gte=1, checkin_days__lte=7), name="patientweek_days_in_week"
            ),
            models.CheckConstraint(
                condition=Q(sleep_logged__lte=F("checkin_days"))
                & Q(stress_logged__lte=F("checkin_days"))
                & Q(omega3_logged__lte=F("checkin_days"))
                & Q(fruit_veg_logged__lte=F("checkin_days")),
                name="patientweek_factors_within_days",
            ),
        ]
        indexes = [models.Index(fields=["week_start"], name="patientweek_week_start")]

    def __str__(self):
        return f"patient week {self.week_start}"
