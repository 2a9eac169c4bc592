"""The data model: users (patients and clinicians), clinics, daily check-ins,
educational notes, the weekly engagement rollup, reminder deliveries and the
append-only audit log."""

import datetime as dt
import secrets
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower, Round
from django.db.models.lookups import Exact, LessThanOrEqual
from django.utils import timezone


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


def monday_of(day: dt.date) -> dt.date:
    """The Monday that starts `day`'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


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
    invite_code = models.CharField(
        max_length=INVITE_CODE_LENGTH,
        unique=True,
        default=new_invite_code,
        help_text="Patients join with this code. Issue a new one to stop the old code working.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name


class ClinicMembership(models.Model):
    """A clinician's place in a clinic. Admin clinicians may invite other clinicians."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="clinic_memberships",
        limit_choices_to={"role": User.Role.CLINICIAN},
    )
    is_admin = models.BooleanField(default=False, help_text="May invite other clinicians to this clinic.")
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
    The active_week_N flags are a rollup kept by tracker/rollup.py: whether the
    patient checked in during the Nth week of this enrolment while enrolled.
    """

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="enrolments")
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    joined_on = models.DateField(editable=False, help_text="The day of joining in the patient's time zone.")
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
        permissions = [
            # Granted explicitly, to superusers only: see CheckInAdmin.
            ("view_individual_checkins", "Can view individual check-ins in the admin (audited)"),
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


# --- Education: notes with citations, and how often they are opened -------------------------

CITATION_FIELDS = ("authors", "year", "title", "container", "volume", "issue", "pages", "article_number", "doi", "url")
DOI_RE = r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$"


class Citation(models.Model):
    """A reference in APA 7 style. Fields listed in `unconfirmed` are never shown as fact."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Journal article or serial"
        WEBPAGE = "webpage", "Web page or fact sheet"

    key = models.SlugField(max_length=60, unique=True, help_text="Used in note bodies as [@key].")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    authors = models.JSONField(default=list, blank=True, help_text='List like ["Paul, S. M.", "Purdy, R. H."].')
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty shows as (n.d.).")
    date_detail = models.CharField(max_length=40, blank=True, help_text='Month or month and day, e.g. "August".')
    title = models.CharField(max_length=400)
    container = models.CharField(max_length=200, blank=True, help_text="Journal, or site name for a web page.")
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=30, blank=True)
    article_number = models.CharField(max_length=30, blank=True)
    doi = models.CharField(
        max_length=200,
        blank=True,
        validators=[RegexValidator(DOI_RE, "A DOI looks like 10.1016/j.neuron.2008.06.019 (no https://doi.org/).")],
    )
    url = models.URLField(max_length=500, blank=True)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    unconfirmed = models.JSONField(
        default=list, blank=True, help_text=f"Fields not confirmed, hidden from patients. Any of: {CITATION_FIELDS}."
    )
    source_note = models.CharField(max_length=300, blank=True, help_text="Shown with the reference: provenance.")
    supports = models.TextField(blank=True, help_text="For reviewers: what this source actually shows.")

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.key

    def clean(self):
        super().clean()
        unknown = set(self.unconfirmed or []) - set(CITATION_FIELDS)
        if unknown:
            raise ValidationError({"unconfirmed": f"Unknown field names: {', '.join(sorted(unknown))}."})
        if not isinstance(self.authors, list) or not all(isinstance(a, str) for a in self.authors):
            raise ValidationError({"authors": "A list of names."})


class Note(models.Model):
    class Factor(models.TextChoices):
        BACKGROUND = "background", "Background"
        SLEEP = "sleep", "Sleep"
        STRESS = "stress", "Stress"
        OMEGA3 = "omega3", "Omega-3"
        NUTRITION = "nutrition", "Fruit, vegetables and nutrition"
        CLINICAL = "clinical", "Clinical context"

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    factor = models.CharField(max_length=20, choices=Factor.choices)
    summary = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown. Cite with [@key]; each key must be in the reference list below.")
    last_reviewed = models.DateField()
    reviewed_by = models.CharField(max_length=8, help_text="Reviewer's initials.")
    citations = models.ManyToManyField(Citation, through="NoteCitation", related_name="notes")

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.slug == "references":  # /learn/references/ is the reference list's own page
            raise ValidationError({"slug": "This address is taken by the References page."})


class NoteCitation(models.Model):
    """One entry of a note's numbered reference list."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="references")
    citation = models.ForeignKey(Citation, on_delete=models.PROTECT, related_name="note_references")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["note", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["note", "citation"], name="notecitation_once_per_note")]

    def __str__(self):
        return f"{self.note.slug} cites {self.citation.key}"


class NoteViewDay(models.Model):
    """How many times a note page was opened on one day (the site's time zone), by anyone."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "note"]
        constraints = [models.UniqueConstraint(fields=["note", "day"], name="noteviewday_one_per_note_day")]

    def __str__(self):
        return f"{self.note.slug} on {self.day}: {self.views}"


class NoteOpened(models.Model):
    """That a logged-in patient opened a note on a day (their own time zone). No health values.

    Lets a clinic count notes opened by its enrolled patients, which the per-note counter cannot.
    """

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes_opened")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="openings")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "note", "day"], name="noteopened_once_per_day")]
        indexes = [models.Index(fields=["day", "patient"], name="noteopened_day_patient")]

    def __str__(self):
        return f"note opened {self.pk}"


class PatientWeek(models.Model):
    """Rollup: one patient's check-ins in one ISO week (Monday `week_start`).

    Only weeks with at least one check-in have a row. tracker/rollup.py keeps
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


class AuditLogIsAppendOnly(Exception):
    """Audit events are never changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be updated.")

    def delete(self):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly("Audit events cannot be updated.")


class AuditEvent(models.Model):
    """Who did what, to which clinic, when. Never holds health values.

    Written by tracker.audit.audit_record only. The copies of the actor's and
    clinic's ids survive the deletion of either (the foreign keys are set to NULL).
    """

    class Action(models.TextChoices):
        DASHBOARD_VIEWED = "dashboard_viewed", "Viewed a clinic dashboard"
        DASHBOARD_EXPORTED = "dashboard_exported", "Downloaded a clinic dashboard as CSV"
        CHECKINS_LISTED = "checkins_listed", "Listed individual check-ins in the admin"
        CHECKIN_VIEWED = "checkin_viewed", "Viewed an individual check-in in the admin"
        CLINIC_JOINED = "clinic_joined", "Joined a clinic"
        CLINIC_LEFT = "clinic_left", "Left a clinic"
        CLINICIAN_INVITED = "clinician_invited", "Invited a clinician"
        CLINICIAN_JOINED = "clinician_joined", "Accepted a clinician invitation"
        LOGGED_IN = "logged_in", "Logged in"
        LOGIN_FAILED = "login_failed", "Failed to log in"
        LOCKED_OUT = "locked_out", "Locked out after repeated failed logins"
        PASSWORD_CHANGED = "password_changed", "Changed their password"
        PASSWORD_RESET = "password_reset", "Reset their password by email"
        TWO_FACTOR_ON = "two_factor_on", "Turned on two-factor authentication"
        TWO_FACTOR_OFF = "two_factor_off", "Turned off two-factor authentication"
        DATA_EXPORTED = "data_exported", "Downloaded their own data"
        ACCOUNT_DELETED = "account_deleted", "Deleted their account"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_ref = models.PositiveBigIntegerField(null=True, blank=True, help_text="The actor's user id, kept.")
    action = models.CharField(max_length=64, choices=Action.choices)
    clinic = models.ForeignKey(Clinic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    clinic_ref = models.PositiveBigIntegerField(null=True, blank=True, help_text="The clinic's id, kept.")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    metadata = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")


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
