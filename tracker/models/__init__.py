"""The data model, one module per capability; everything is importable from tracker.models."""

from tracker.models.accounts import (
    HOUR_CHOICES,
    WEEKDAY_CHOICES,
    User,
    UserManager,
    time_zone_choices,
)
from tracker.models.audit import (
    AuditEvent,
    AuditEventQuerySet,
    AuditLogIsAppendOnly,
)
from tracker.models.checkins import (
    FACTOR_FIELDS,
    FRUIT_VEG_SERVINGS_MAX,
    NOTE_MAX_LENGTH,
    OMEGA3_SERVINGS_MAX,
    SLEEP_HOURS_MAX,
    SLEEP_QUALITY_RANGE,
    STRESS_RANGE,
    CheckIn,
    PatientWeek,
)
from tracker.models.clinics import (
    INVITE_CODE_ALPHABET,
    INVITE_CODE_LENGTH,
    RETENTION_WEEKS,
    Clinic,
    ClinicMembership,
    Enrolment,
    monday_of,
    new_invite_code,
)
from tracker.models.education import (
    CITATION_FIELDS,
    DOI_RE,
    Citation,
    Note,
    NoteCitation,
    NoteOpened,
    NoteViewDay,
)
from tracker.models.reminders import (
    ReminderDelivery,
)

__all__ = [
    "AuditEvent",
    "AuditEventQuerySet",
    "AuditLogIsAppendOnly",
    "CITATION_FIELDS",
    "CheckIn",
    "Citation",
    "Clinic",
    "ClinicMembership",
    "DOI_RE",
    "Enrolment",
    "FACTOR_FIELDS",
    "FRUIT_VEG_SERVINGS_MAX",
    "HOUR_CHOICES",
    "INVITE_CODE_ALPHABET",
    "INVITE_CODE_LENGTH",
    "NOTE_MAX_LENGTH",
    "Note",
    "NoteCitation",
    "NoteOpened",
    "NoteViewDay",
    "OMEGA3_SERVINGS_MAX",
    "PatientWeek",
    "RETENTION_WEEKS",
    "ReminderDelivery",
    "SLEEP_HOURS_MAX",
    "SLEEP_QUALITY_RANGE",
    "STRESS_RANGE",
    "User",
    "UserManager",
    "WEEKDAY_CHOICES",
    "monday_of",
    "new_invite_code",
    "time_zone_choices",
]
