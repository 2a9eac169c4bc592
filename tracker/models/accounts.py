"""Accounts: the user model (patients, clinicians, staff) and their time zones."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.core.i18n import language_choices


def _is_offered_zone(name: str) -> bool:
    # Offer real places (Area/City) and UTC, not legacy aliases such as "W-SU" or "localtime".
    area = name.split("/", 1)[0]
    return name == "UTC" or ("/" in name and area not in {"Etc", "SystemV", "US", "posix", "right"})


def time_zone_choices():
    zones = sorted(name for name in zoneinfo.available_timezones() if _is_offered_zone(name))
    return [(name, name.replace("_", " ")) for name in zones]


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
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]
HOUR_CHOICES = [(hour, f"{hour:02d}:00") for hour in range(24)]


class Cadence(models.TextChoices):
    """How often the reminder comes (tracker/reminders/schedule.py says when each is due)."""

    WEEKLY = "weekly", _("Once a week")
    DAILY = "daily", _("Every day")
    DAYS = "days", _("On the days I choose")


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        PATIENT = "patient", _("Patient")
        CLINICIAN = "clinician", _("Clinician")
        STAFF = "staff", _("Staff")

    # unique=True satisfies auth.E003; the Lower() constraint below makes it case-insensitive.
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PATIENT)
    time_zone = models.CharField(max_length=64, choices=time_zone_choices, default=settings.TIME_ZONE)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the patient follows the signed link in the verification email.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # Reminder email: off until the patient opts in. Weekly on `reminder_weekday`, daily, or on the
    # ISO weekdays in `reminder_days` (digits, in order: "135" is Monday, Wednesday, Friday), at
    # `reminder_hour` in the patient's zone.
    reminders_enabled = models.BooleanField(_("email me a reminder"), default=False)
    reminder_cadence = models.CharField(_("how often"), max_length=8, choices=Cadence.choices, default=Cadence.WEEKLY)
    reminder_weekday = models.PositiveSmallIntegerField(_("reminder day"), choices=WEEKDAY_CHOICES, default=1)
    reminder_days = models.CharField(_("reminder days"), max_length=7, blank=True, default="")
    reminder_hour = models.PositiveSmallIntegerField(_("reminder time"), choices=HOUR_CHOICES, default=8)
    # The patient's local date when they last turned reminders on or changed when they come: the
    # gentle back-off counts days without a check-in from this date or the last check-in, whichever
    # is later (tracker/reminders/schedule.py). Empty: from the day they joined.
    reminders_since = models.DateField(null=True, blank=True)
    # The language of the pages once logged in, and of every email and notification; set at
    # sign-up from the language the page was in, changed with the language switch.
    language = models.CharField(max_length=10, choices=language_choices, default=settings.LANGUAGE_CODE)

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


class UserSession(models.Model):
    """One signed-in browser of a user: what the "Where you're signed in" page lists and what
    "Sign out everywhere" ends. The session itself lives in Django's session store; this row
    names it (by its key) in words a person recognises. No IP address is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    # The browser's and system's names ("Chrome", "Android"), put in words when shown, in the reader's
    # language (tracker/accounts/browsers.py); "" when the User-Agent names none we know.
    browser = models.CharField(max_length=80, blank=True, help_text=_('The browser\'s name, e.g. "Chrome".'))
    system = models.CharField(max_length=40, blank=True, default="", help_text=_('The system\'s name, e.g. "Android".'))
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    remembered = models.BooleanField(default=False, help_text="Kept signed in on this device for 30 days.")

    class Meta:
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="usersession_user_seen")]

    def __str__(self):
        return f"{self.browser or '?'} / {self.system or '?'} ({self.user_id})"
