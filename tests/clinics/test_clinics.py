"""Joining a clinic and leaving it (join codes: test_join_codes.py)."""

import datetime as dt

import pytest

from tests.factories import ClinicFactory, EnrolmentFactory
from tracker.clinics.services import JoinRefused, clinic_join, clinic_leave
from tracker.models import AuditEvent, Enrolment


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


def test_joining_enrols_the_patient_from_this_week_and_is_audited(alice):
    clinic = ClinicFactory()
    enrolment = clinic_join(patient=alice, clinic=clinic)
    assert enrolment.from_week == dt.date(2026, 11, 23)
    assert enrolment.until_week is None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CLINIC_JOINED, actor=alice, clinic=clinic).exists()


def test_joining_twice_is_refused(alice):
    clinic = ClinicFactory()
    clinic_join(patient=alice, clinic=clinic)
    with pytest.raises(JoinRefused, match="already a member"):
        clinic_join(patient=alice, clinic=clinic)
    assert Enrolment.objects.count() == 1


def test_only_patients_can_join(charlie):
    with pytest.raises(JoinRefused, match="Only patient accounts"):
        clinic_join(patient=charlie, clinic=ClinicFactory())


def test_leaving_ends_the_enrolment_and_can_be_undone_by_rejoining(alice):
    clinic = ClinicFactory()
    clinic_join(patient=alice, clinic=clinic)
    left = clinic_leave(patient=alice, clinic_id=clinic.pk)
    assert left.left_at is not None
    assert clinic_leave(patient=alice, clinic_id=clinic.pk) is None
    again = clinic_join(patient=alice, clinic=clinic)
    assert again.from_week >= left.until_week
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CLINIC_LEFT).count() == 1


def test_an_enrolment_made_elsewhere_gets_its_weeks_in_the_patients_zone(db):
    from tests.factories import UserFactory

    kiri = UserFactory(time_zone="Pacific/Auckland")
    # 27 Nov 2026 15:00 UTC is already Saturday 28 Nov in Auckland; Monday 30 Nov 11:30 there is Sunday in UTC.
    enrolment = EnrolmentFactory(patient=kiri, joined_at=dt.datetime(2026, 11, 29, 22, 30, tzinfo=dt.UTC))
    assert enrolment.joined_on == dt.date(2026, 11, 30)
    assert enrolment.from_week == dt.date(2026, 11, 30)
