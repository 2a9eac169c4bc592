"""Patients' join codes: a clinic grants enrolment one patient at a time.

A clinician of the clinic issues codes in batches (JOIN_CODES_PER_BATCH_MAX at most), prints the
batch as a handout, and gives one slip to each patient. A code works once, for
JOIN_CODE_MAX_AGE_DAYS, and can be withdrawn while unused. Joining uses the code up with a
conditional UPDATE in the same transaction as the enrolment, so a code can never let two patients
in. Issuing and withdrawing are audited; a patient's joining records which code they used.

This replaced one shared code per clinic, which let anyone holding it enrol as many accounts as
they liked (and so fill a small group with fake patients whose values they knew).
"""

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.audit.services import audit_record
from tracker.clinics.services import ONLY_PATIENTS_MESSAGE, JoinRefused, already_member_message, enrol
from tracker.core.l10n import lazy_format
from tracker.core.locks import lock_patient
from tracker.models import (
    INVITE_CODE_ALPHABET,
    INVITE_CODE_LENGTH,
    JOIN_CODES_PER_BATCH_MAX,
    AuditEvent,
    Clinic,
    ClinicMembership,
    Enrolment,
    JoinCode,
    User,
)

_CODE_RE = re.compile(f"[{INVITE_CODE_ALPHABET}]{{{INVITE_CODE_LENGTH}}}")
BAD_CODE_MESSAGE = lazy_format(
    gettext_lazy(
        "That join code doesn't match any clinic. Check it on your slip from the clinic: "
        "it has %(length)s letters and numbers, like ABCD-EFGH-JKMN."
    ),
    length=INVITE_CODE_LENGTH,
)
STATE_MESSAGES = {
    "used": gettext_lazy(
        "This join code has already been used. Each code lets one person join: ask your clinic for a new one."
    ),
    "withdrawn": gettext_lazy("Your clinic has withdrawn this join code. Ask them for a new one."),
    "expired": gettext_lazy("This join code has expired. Ask your clinic for a new one."),
}


class JoinCodesRefused(Exception):
    """A clinician may not issue or withdraw these codes; the message says why."""


def normalise_code(raw: str) -> str:
    """The code as stored: capitals, without the spaces and dashes people type."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def format_code(code: str) -> str:
    """ABCDEFGHJKMN -> ABCD-EFGH-JKMN, easier to read out."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def join_code_find(*, code: str) -> JoinCode | None:
    """The code as typed or linked, whatever its state; None when it matches nothing."""
    code = normalise_code(code)
    if not _CODE_RE.fullmatch(code):
        return None
    return JoinCode.objects.select_related("clinic").filter(code=code).first()


def _clinician_of(*, clinic: Clinic, clinician: User) -> None:
    if not ClinicMembership.objects.filter(clinic=clinic, clinician=clinician, clinician__is_active=True).exists():
        raise JoinCodesRefused(_("Only the clinic's clinicians can issue or withdraw its join codes."))


def join_codes_issue(*, clinic: Clinic, clinician: User, count: int, now: dt.datetime | None = None) -> uuid.UUID:
    """Issue `count` new codes as one batch; returns the batch, for its handout."""
    _clinician_of(clinic=clinic, clinician=clinician)
    if not 1 <= count <= JOIN_CODES_PER_BATCH_MAX:
        raise JoinCodesRefused(_("Issue between 1 and %(max)s codes at a time.") % {"max": JOIN_CODES_PER_BATCH_MAX})
    now = now or timezone.now()
    batch = uuid.uuid4()
    expires_at = now + dt.timedelta(days=settings.JOIN_CODE_MAX_AGE_DAYS)
    with transaction.atomic():
        JoinCode.objects.bulk_create(
            JoinCode(clinic=clinic, batch=batch, created_by=clinician, created_at=now, expires_at=expires_at)
            for _ in range(count)
        )
        audit_record(
            actor=clinician, action=AuditEvent.Action.JOIN_CODES_ISSUED, clinic=clinic, batch=str(batch), count=count
        )
    return batch


def join_codes_withdraw(
    *, clinic: Clinic, clinician: User, batch: uuid.UUID | None = None, code: str | None = None
) -> int:
    """Withdraw the unused codes of a batch, or one code; returns how many were withdrawn."""
    _clinician_of(clinic=clinic, clinician=clinician)
    codes = JoinCode.objects.filter(clinic=clinic, used_at__isnull=True, withdrawn_at__isnull=True)
    if batch is not None:
        codes = codes.filter(batch=batch)
    elif code is not None:
        codes = codes.filter(code=normalise_code(code))
    else:
        return 0
    with transaction.atomic():
        withdrawn = codes.update(withdrawn_at=timezone.now())
        if withdrawn:
            audit_record(actor=clinician, action=AuditEvent.Action.JOIN_CODES_WITHDRAWN, clinic=clinic, count=withdrawn)
    return withdrawn


def clinic_join_with_code(*, patient: User, code: str, now: dt.datetime | None = None) -> Enrolment:
    """Join the code's clinic, using the code up. Raises JoinRefused with a message to show."""
    now = now or timezone.now()
    join_code = join_code_find(code=code)
    if join_code is None:
        raise JoinRefused(BAD_CODE_MESSAGE)
    clinic = join_code.clinic
    if not patient.is_patient:
        raise JoinRefused(ONLY_PATIENTS_MESSAGE)
    with transaction.atomic():
        lock_patient(patient_id=patient.pk)
        if Enrolment.objects.filter(patient=patient, clinic=clinic, left_at__isnull=True).exists():
            # Refused before the code is used: it stays good for someone else.
            raise JoinRefused(already_member_message(clinic))
        # Conditional: of two patients racing with one code, exactly one updates the row.
        usable = JoinCode.objects.filter(pk=join_code.pk).filter(JoinCode.usable(now))
        if not usable.update(used_at=now, used_by=patient):
            join_code.refresh_from_db()
            raise JoinRefused(STATE_MESSAGES[join_code.state(now)])
        return enrol(patient=patient, clinic=clinic, now=now, join_code=join_code.pk)


@dataclass(frozen=True)
class Batch:
    batch: uuid.UUID
    issued_at: dt.datetime
    issued_by: str
    expires_at: dt.datetime
    issued: int
    used: int
    withdrawn: int
    usable: int

    @property
    def expired(self) -> int:
        return self.issued - self.used - self.withdrawn - self.usable


def join_code_batches(*, clinic: Clinic, now: dt.datetime | None = None) -> list[Batch]:
    """The clinic's batches, newest first, with how many codes of each are used, withdrawn, usable.

    Counts only: which patient used which code is not shown to clinicians."""
    now = now or timezone.now()
    rows = (
        JoinCode.objects.filter(clinic=clinic)
        .values("batch")
        .annotate(
            issued_at=Min("created_at"),
            issued_by=Max("created_by__first_name"),
            issued_by_email=Max("created_by__email"),
            expiry=Max("expires_at"),
            issued=Count("id"),
            used=Count("id", filter=Q(used_at__isnull=False)),
            withdrawn=Count("id", filter=Q(withdrawn_at__isnull=False)),
            usable=Count("id", filter=JoinCode.usable(now)),
        )
        .order_by("-issued_at")
    )
    return [
        Batch(
            batch=row["batch"],
            issued_at=row["issued_at"],
            issued_by=row["issued_by"] or row["issued_by_email"] or _("a former clinician"),
            expires_at=row["expiry"],
            issued=row["issued"],
            used=row["used"],
            withdrawn=row["withdrawn"],
            usable=row["usable"],
        )
        for row in rows
    ]


def join_codes_usable(*, clinic: Clinic, batch: uuid.UUID, now: dt.datetime | None = None) -> list[JoinCode]:
    """The batch's codes that still work: what its handout prints."""
    now = now or timezone.now()
    return list(JoinCode.objects.filter(clinic=clinic, batch=batch).filter(JoinCode.usable(now)).order_by("id"))
