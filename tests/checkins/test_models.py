"""The database itself refuses bad check-ins, whatever code writes them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.factories import CheckInFactory, ClinicFactory, EnrolmentFactory, UserFactory
from tracker.models import CheckIn, User

DAY = dt.date(2026, 11, 27)


@pytest.fixture
def checkin(alice):
    return CheckInFactory(patient=alice, day=DAY)


def _update_raises(checkin, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.filter(pk=checkin.pk).update(**values)


def test_it_allows_one_checkin_per_patient_per_day(alice, checkin):
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckInFactory(patient=alice, day=DAY)


def test_it_allows_the_same_day_for_another_patient(bob, checkin):
    CheckInFactory(patient=bob, day=DAY)
    assert CheckIn.objects.filter(day=DAY).count() == 2


@pytest.mark.parametrize(
    ("field", "bad_value"),
    [
        ("sleep_hours", Decimal("-0.25")),
        ("sleep_hours", Decimal("24.25")),
        ("sleep_hours", Decimal("7.10")),
        ("sleep_quality", 0),
        ("sleep_quality", 6),
        ("stress", 11),
        ("omega3_servings", 11),
        ("fruit_veg_servings", 21),
        ("note", "x" * 1001),
    ],
)
def test_it_enforces_ranges_in_the_database(checkin, field, bad_value):
    _update_raises(checkin, **{field: bad_value})


@pytest.mark.parametrize(
    ("field", "edge_value"),
    [
        ("sleep_hours", Decimal("0")),
        ("sleep_hours", Decimal("24")),
        ("sleep_hours", Decimal("7.75")),
        ("sleep_quality", 1),
        ("sleep_quality", 5),
        ("stress", 0),
        ("stress", 10),
        ("omega3_servings", 10),
        ("fruit_veg_servings", 20),
        ("note", "x" * 1000),
    ],
)
def test_it_accepts_edge_values_in_the_database(checkin, field, edge_value):
    CheckIn.objects.filter(pk=checkin.pk).update(**{field: edge_value})
    checkin.refresh_from_db()
    assert getattr(checkin, field) == edge_value


def test_it_refuses_a_checkin_with_no_factor_in_the_database(checkin):
    _update_raises(
        checkin,
        sleep_hours=None,
        sleep_quality=None,
        stress=None,
        omega3_servings=None,
        omega3_supplement=None,
        fruit_veg_servings=None,
        note="only a note",
    )


def test_it_keeps_emails_unique_regardless_of_case(db):
    UserFactory(email="Dana@Example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="dana@example.com")


def test_it_logs_in_by_email_in_any_case(db):
    user = UserFactory(email="Dana@Example.com")
    assert User.objects.get_by_natural_key("DANA@EXAMPLE.COM") == user


def test_it_allows_one_current_enrolment_per_clinic(alice):
    clinic = ClinicFactory()
    EnrolmentFactory(patient=alice, clinic=clinic)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(patient=alice, clinic=clinic)
