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
    NOTE_MAX_LENGTH,
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
    new_invite_code,
)
from tracker.models.education import (
    CITATION_FIELDS,
    DOI_RE,
    Citation,
    Note,
    NoteCitation,
    NoteOpened,
    NoteTranslation,
    NoteViewDay,
)
from tracker.models.factors import (
    COMPARABLE_FIELDS,
    FACTOR_BY_KEY,
    FACTOR_FIELDS,
    FACTOR_OF_FIELD,
    FACTORS,
    FIELD_BY_NAME,
    FIELDS,
    FRUIT_VEG_SERVINGS_MAX,
    OMEGA3_SERVINGS_MAX,
    SLEEP_HOURS_MAX,
    SLEEP_QUALITY_RANGE,
    STRESS_RANGE,
    Factor,
    Field,
)
from tracker.models.pauses import (
    PAUSE_MAX_DAYS,
    PAUSE_REASON_MAX_LENGTH,
    Pause,
)
from tracker.models.reminders import (
    ReminderDelivery,
)

__all__ = [
    "AuditEvent",
    "AuditEventQuerySet",
    "AuditLogIsAppendOnly",
    "CITATION_FIELDS",
    "COMPARABLE_FIELDS",
    "CheckIn",
    "Citation",
    "Clinic",
    "ClinicMembership",
    "DOI_RE",
    "Enrolment",
    "FACTOR_BY_KEY",
    "FACTOR_FIELDS",
    "FACTOR_OF_FIELD",
    "FACTORS",
    "FIELD_BY_NAME",
    "FIELDS",
    "Factor",
    "Field",
    "FRUIT_VEG_SERVINGS_MAX",
    "HOUR_CHOICES",
    "INVITE_CODE_ALPHABET",
    "INVITE_CODE_LENGTH",
    "NOTE_MAX_LENGTH",
    "Note",
    "NoteCitation",
    "NoteOpened",
    "NoteTranslation",
    "NoteViewDay",
    "OMEGA3_SERVINGS_MAX",
    "PAUSE_MAX_DAYS",
    "PAUSE_REASON_MAX_LENGTH",
    "Pause",
    "PatientWeek",
    "RETENTION_WEEKS",
    "ReminderDelivery",
    "SLEEP_HOURS_MAX",
    "SLEEP_QUALITY_RANGE",
    "STRESS_RANGE",
    "User",
    "UserManager",
    "WEEKDAY_CHOICES",
    "new_invite_code",
    "time_zone_choices",
]
