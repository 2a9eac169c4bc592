"""The data model: users (patients and clinicians), clinics, daily check-ins and reminder deliveries."""

import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower, Round
from django.db.models.lookups import Exact, LessThanOrEqual
from django.utils import timezone


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Email is the login and is case-insensitive.
        return self.get(email__iexact=username)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.STAFF)
        return self._create_user(email, password, **extra_fields)


# ISO weekday numbers, as date.isoweekday() gives them.
WEEKDAY_CHOICES = [
    (1, "Monday"),
    (2, "Tuesday"),
    (3, "Wednesday"),
    (4, "Thursday"),
    (5, "Friday"),
    (6, "Saturday"),
    (7, "Sunday"),
]
HOUR_CHOICES = [(hour, f"{hour:02d}:00") for hour in range(24)]


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        PATIENT = "patient", "Patient"
        CLINICIAN = "clinician", "Clinician"
        STAFF = "staff", "Staff"

    # unique=True satisfies auth.E003; the Lower() constraint below makes it case-insensitive.
    email = models.EmailField("email address", max_length=254, unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PATIENT)
    time_zone = models.CharField(max_length=64, choices=time_zone_choices, default=settings.TIME_ZONE)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the patient follows the signed link in the verification email.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # Weekly reminder email: off until the patient opts in; local weekday and hour.
    reminders_enabled = models.BooleanField("email me a weekly reminder", default=False)
    reminder_weekday = models.PositiveSmallIntegerField("reminder day", choices=WEEKDAY_CHOICES, default=1)
    reminder_hour = models.PositiveSmallIntegerField("reminder time", choices=HOUR_CHOICES, default=8)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(
                condition=Q(reminder_weekday__gte=1, reminder_weekday__lte=7), name="user_reminder_weekday_iso"
            ),
            models.CheckConstraint(
                condition=Q(reminder_hour__gte=0, reminder_hour__lte=23), name="user_reminder_hour_range"
            ),
        ]

    def __str__(self):
        return self.email

    @property
    def is_patient(self):
        return self.role == self.Role.PATIENT

    @property
    def is_clinician(self):
        return self.role == self.Role.CLINICIAN

    @property
    def email_verified(self):
        return self.email_verified_at is not None

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    clinicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="clinics",
        blank=True,
        limit_choices_to={"role": User.Role.CLINICIAN},
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name


class Enrolment(models.Model):
    """A patient's membership of a clinic, from joining until leaving."""

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="enrolments")
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

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
        ]

    def __str__(self):
        return f"enrolment {self.pk} in {self.clinic}"


# Ranges of each factor, shared by the model validators, the database
# constraints and the form.
SLEEP_HOURS_MAX = Decimal(24)
SLEEP_QUALITY_RANGE = (1, 5)
STRESS_RANGE = (0, 10)
OMEGA3_SERVINGS_MAX = 10
FRUIT_VEG_SERVINGS_MAX = 20
NOTE_MAX_LENGTH = 1000

FACTOR_FIELDS = (
    "sleep_hours",
    "sleep_quality",
    "stress",
    "omega3_servings",
    "omega3_supplement",
    "fruit_veg_servings",
)


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
        help_text="Hours slept last night, in quarter hours.",
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
            models.CheckConstraint(
                condition=Q(sleep_hours__isnull=False)
                | Q(sleep_quality__isnull=False)
                | Q(stress__isnull=False)
                | Q(omega3_servings__isnull=False)
                | Q(omega3_supplement__isnull=False)
                | Q(fruit_veg_servings__isnull=False),
                name="checkin_has_a_factor",
            ),
        ]

    def __str__(self):
        return f"check-in {self.pk} on {self.day}"

    @property
    def logged_sleep(self):
        return self.sleep_hours is not None or self.sleep_quality is not None

    @property
    def logged_stress(self):
        return self.stress is not None

    @property
    def logged_omega3(self):
        return self.omega3_servings is not None or self.omega3_supplement is not None

    @property
    def logged_fruit_veg(self):
        return self.fruit_veg_servings is not None


class ReminderDelivery(models.Model):
    """One patient's weekly reminder for one ISO week (in the patient's zone).

    The unique (patient, iso_year, iso_week) row is what makes the reminder
    once-a-week: a sender must claim it (a lease, `claimed_until`) with a
    conditional UPDATE before sending, and marks it sent right after the SMTP
    server accepts the message. See tracker/reminders.py.
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
