"""The dashboard's figures: read from the rollup, equal to the raw check-ins."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clinics.engagement_reference import reference_engagement
from tests.conftest import NOW
from tests.factories import ClinicFactory, UserFactory
from tracker.checkins.rollup import FLAG_FIELDS, ROLLUP_FIELDS, rollup_rebuild
from tracker.checkins.services import checkin_save
from tracker.clinics.engagement import Period, clinic_engagement, default_period, histogram_median
from tracker.clinics.services import clinic_join, clinic_leave
from tracker.core.time import patient_today
from tracker.models import Enrolment, PatientWeek

ZONES = ["America/New_York", "Pacific/Auckland", "Europe/London", "America/Los_Angeles"]
FACTOR_VALUES = [
    {"sleep_hours": 7, "sleep_quality": 3},
    {"stress": 4},
    {"omega3_servings": 1, "omega3_supplement": True},
    {"fruit_veg_servings": 5},
]


def _values(mask):
    values = {}
    for bit, factor in enumerate(FACTOR_VALUES):
        if mask & (1 << bit):
            values.update(factor)
    return values


operations = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.integers(0, 12)),
        st.tuples(st.just("save"), st.integers(0, 3), st.integers(0, 13), st.integers(1, 15)),
        st.tuples(st.just("join"), st.integers(0, 3), st.integers(0, 1)),
        st.tuples(st.just("leave"), st.integers(0, 3), st.integers(0, 1)),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_every_figure_from_the_rollup_equals_the_raw_checkins(db, ops):
    start = NOW - dt.timedelta(days=150)
    with time_machine.travel(start, tick=False) as traveller, transaction.atomic():
        patients = [UserFactory(time_zone=zone) for zone in ZONES]
        clinics = [ClinicFactory(), ClinicFactory()]
        for op in ops:
            if op[0] == "advance":
                traveller.shift(dt.timedelta(days=op[1], hours=7))
            elif op[0] == "save":
                _, p, back, mask = op
                patient = patients[p]
                day = patient_today(patient=patient) - dt.timedelta(days=back)
                checkin_save(patient=patient, day=day, values=_values(mask))
            elif op[0] == "join":
                if not patients[op[1]].enrolments.filter(clinic=clinics[op[2]], left_at__isnull=True).exists():
                    clinic_join(patient=patients[op[1]], clinic=clinics[op[2]])
            else:
                clinic_leave(patient=patients[op[1]], clinic_id=clinics[op[2]].pk)
        today = patient_today(patient=patients[0])
        for clinic in clinics:
            for period in (Period.ending(last_week=today, weeks=26), default_period(today=today)):
                engagement = clinic_engagement(clinic=clinic, period=period)
                weeks, retention = reference_engagement(clinic=clinic, period=period)
                assert engagement.weeks == weeks
                assert engagement.retention == retention
        # The repair command agrees with the incremental rollup, in every field of both rollups.
        before = _rollup_rows()
        rollup_rebuild()
        assert _rollup_rows() == before
        transaction.set_rollback(True)


def _rollup_rows():
    weeks = set(PatientWeek.objects.values_list("patient_id", "week_start", *ROLLUP_FIELDS))
    flags = set(Enrolment.objects.values_list("id", *FLAG_FIELDS))
    return weeks, flags


def test_the_default_period_is_the_last_12_iso_weeks_ending_this_week():
    period = default_period(today=dt.date(2026, 11, 27))  # a Friday
    assert period.last_week == dt.date(2026, 11, 23)
    assert period.first_week == dt.date(2026, 9, 7)
    assert len(period.weeks) == 12
    assert all(week.weekday() == 0 for week in period.weeks)


@pytest.mark.parametrize(
    ("histogram", "median"),
    [((1, 0, 0, 0, 0, 0, 0), 1.0), ((1, 1, 0, 0, 0, 0, 0), 1.5), ((0, 0, 3, 0, 0, 0, 1), 3.0), ((0,) * 7, None)],
)
def test_it_takes_the_median_from_the_days_histogram(histogram, median):
    assert histogram_median(histogram) == median


def test_it_counts_a_patient_from_the_week_they_join_until_the_week_they_leave(db, frozen_now):
    alice = UserFactory(time_zone="America/New_York")
    clinic = ClinicFactory()
    today = patient_today(patient=alice)  # Friday 27 November 2026
    checkin_save(patient=alice, day=today - dt.timedelta(days=4), values={"stress": 3})
    clinic_join(patient=alice, clinic=clinic)
    period = Period.ending(last_week=today, weeks=2)
    weeks = clinic_engagement(clinic=clinic, period=period).weeks
    assert [(w.enrolled, w.active) for w in weeks] == [(0, 0), (1, 1)]
    clinic_leave(patient=alice, clinic_id=clinic.pk)
    weeks = clinic_engagement(clinic=clinic, period=period).weeks
    assert [(w.enrolled, w.active) for w in weeks] == [(0, 0), (0, 0)]


def test_it_counts_a_rejoining_patient_once_a_week(db, frozen_now):
    alice = UserFactory()
    clinic = ClinicFactory()
    clinic_join(patient=alice, clinic=clinic)
    clinic_leave(patient=alice, clinic_id=clinic.pk)
    clinic_join(patient=alice, clinic=clinic)
    checkin_save(patient=alice, day=patient_today(patient=alice), values={"stress": 3})
    week = clinic_engagement(clinic=clinic, period=default_period(today=dt.date(2026, 11, 27))).weeks[-1]
    assert (week.enrolled, week.active, week.checkins) == (1, 1, 1)


def test_it_counts_factor_logging_and_days_per_active_patient(db, frozen_now):
    clinic = ClinicFactory()
    alice, bob = UserFactory(), UserFactory()
    for patient in (alice, bob):
        clinic_join(patient=patient, clinic=clinic)
    today = patient_today(patient=alice)
    checkin_save(patient=alice, day=today, values={"stress": 3})
    checkin_save(patient=alice, day=today - dt.timedelta(days=1), values={"sleep_hours": 7, "stress": 2})
    checkin_save(patient=bob, day=today, values={"fruit_veg_servings": 4})
    checkin_save(patient=alice, day=today, values={"omega3_supplement": False})  # an edit, not a new day
    week = clinic_engagement(clinic=clinic, period=default_period(today=today)).weeks[-1]
    assert week.days_histogram == (1, 1, 0, 0, 0, 0, 0)
    assert week.mean_days == 1.5
    assert week.factor_logged == {"sleep": 1, "stress": 1, "omega3": 1, "fruit_veg": 1}
    assert week.factor_rate("sleep") == pytest.approx(1 / 3)


def test_it_reads_the_same_number_of_queries_whatever_the_clinic_size(db, frozen_now, django_assert_num_queries):
    clinic = ClinicFactory()
    period = default_period(today=dt.date(2026, 11, 27))
    with django_assert_num_queries(5):
        clinic_engagement(clinic=clinic, period=period)
    for _ in range(15):
        patient = UserFactory()
        clinic_join(patient=patient, clinic=clinic)
        checkin_save(patient=patient, day=patient_today(patient=patient), values={"stress": 1})
    with django_assert_num_queries(5):
        engagement = clinic_engagement(clinic=clinic, period=period)
    assert engagement.weeks[-1].active == 15


def test_the_retention_table_starts_with_the_clinics_first_enrolment(db, frozen_now):
    clinic = ClinicFactory()
    clinic_join(patient=UserFactory(), clinic=clinic, now=dt.datetime(2026, 9, 15, 15, tzinfo=dt.UTC))
    engagement = clinic_engagement(clinic=clinic, period=default_period(today=dt.date(2026, 11, 27)))
    assert [row.cohort_month for row in engagement.retention] == [
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 1),
        dt.date(2026, 11, 1),
    ]


def test_a_clinic_with_no_enrolment_yet_has_no_retention_rows(db, frozen_now):
    engagement = clinic_engagement(clinic=ClinicFactory(), period=default_period(today=dt.date(2026, 11, 27)))
    assert engagement.retention == []
