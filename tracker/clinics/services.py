"""Clinics: patients joining and leaving; who sees which clinic.

A patient is counted by a clinic from the ISO week they join (in their own
time zone) until, not including, the week they leave. Patients join with a
single-use code the clinic gives them (tracker/clinics/join_codes.py).
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tracker.audit.services import audit_record
from tracker.checkins.rollup import enrolment_refresh_flags
from tracker.core.locks import lock_patient
from tracker.core.time import monday_of
from tracker.models import (
    AuditEvent,
    Clinic,
    ClinicMembership,
    Enrolment,
    User,
)

ONLY_PATIENTS_MESSAGE = gettext_lazy("Only patient accounts can join a clinic.")


def already_member_message(clinic: Clinic) -> str:
    return gettext("You are already a member of %(clinic)s.") % {"clinic": clinic.name}


class JoinRefused(Exception):
    """The patient cannot join; the message says why."""


def current_enrolments(*, patient: User):
    """The clinics counting the patient now."""
    return (
        Enrolment.objects.filter(patient=patient, left_at__isnull=True).select_related("clinic").order_by("joined_at")
    )


def clinic_join(*, patient: User, clinic: Clinic, now: dt.datetime | None = None) -> Enrolment:
    """Enrol a patient without a code: for the demo data and tests. Patients join with a code
    (join_codes.clinic_join_with_code), which is the only way in from the web."""
    if not patient.is_patient:
        raise JoinRefused(ONLY_PATIENTS_MESSAGE)
    now = now or timezone.now()
    with transaction.atomic():
        lock_patient(patient_id=patient.pk)
        return enrol(patient=patient, clinic=clinic, now=now)


def enrol(*, patient: User, clinic: Clinic, now: dt.datetime, **audit_meta) -> Enrolment:
    """The enrolment itself. The caller holds the patient's lock, inside a transaction."""
    previous = Enrolment.objects.filter(patient=patient, clinic=clinic)
    if previous.filter(left_at__isnull=True).exists():
        raise JoinRefused(already_member_message(clinic))
    joined_on = now.astimezone(patient.tzinfo).date()
    # A rejoin never reopens weeks an earlier departure closed, even if
    # the patient has since moved to a time zone further west.
    last_until = previous.aggregate(last=Max("until_week"))["last"]
    from_week = max(monday_of(joined_on), last_until or dt.date.min)
    enrolment = Enrolment(patient=patient, clinic=clinic, joined_at=now, joined_on=joined_on, from_week=from_week)
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise JoinRefused(already_member_message(clinic)) from None
    enrolment_refresh_flags(enrolment=enrolment)
    audit_record(actor=patient, action=AuditEvent.Action.CLINIC_JOINED, clinic=clinic, **audit_meta)
    return enrolment


def clinic_leave(*, patient: User, clinic_id: int, now: dt.datetime | None = None) -> Enrolment | None:
    """End the patient's current enrolment; None when there is none."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_patient(patient_id=patient.pk)
        enrolment = (
            Enrolment.objects.select_related("clinic", "patient")
            .filter(patient=patient, clinic_id=clinic_id, left_at__isnull=True)
            .first()
        )
        if enrolment is None:
            return None
        enrolment.left_at = max(now, enrolment.joined_at)
        enrolment.save(update_fields=["left_at"])
        enrolment_refresh_flags(enrolment=enrolment)
        audit_record(actor=patient, action=AuditEvent.Action.CLINIC_LEFT, clinic=enrolment.clinic)
    return enrolment


def clinician_memberships(*, clinician: User):
    return ClinicMembership.objects.filter(clinician=clinician).select_related("clinic").order_by("clinic__name")


def clinician_membership(*, user: User, clinic_id: int) -> ClinicMembership | None:
    """The user's membership of the clinic, or None: then the clinic is a 404 to them."""
    if not (user.is_authenticated and user.is_active and user.is_clinician):
        return None
    return ClinicMembership.objects.select_related("clinic").filter(clinician=user, clinic_id=clinic_id).first()
