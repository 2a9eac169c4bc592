"""The rollup follows every check-in save and edit, and can be rebuilt."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tests.factories import CheckInFactory, ClinicFactory
from tracker.checkins import checkin_save, patient_today
from tracker.clinics import clinic_join, clinic_leave
from tracker.models import Enrolment, PatientWeek
from tracker.rollup import rollup_rebuild

TODAY = dt.date(2026, 11, 27)  # a Friday; the week starts Monday 23 November
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


def _week(patient, monday=MONDAY):
    return PatientWeek.objects.get(patient=patient, week_start=monday)


def test_it_counts_a_new_checkin_in_its_iso_week(alice):
    checkin_save(patient=alice, day=TODAY, values={"stress": 3, "fruit_veg_servings": 4})
    week = _week(alice)
    assert (week.checkin_days, week.sleep_logged, week.stress_logged, week.omega3_logged, week.fruit_veg_logged) == (
        1,
        0,
        1,
        0,
        1,
    )


def test_an_edit_changes_the_factors_not_the_days(alice):
    checkin_save(patient=alice, day=TODAY, values={"stress": 3})
    checkin_save(patient=alice, day=TODAY, values={"sleep_quality": 4})
    week = _week(alice)
    assert (week.checkin_days, week.sleep_logged, week.stress_logged) == (1, 1, 0)


def test_days_in_different_weeks_go_to_different_rows(alice):
    checkin_save(patient=alice, day=MONDAY, values={"stress": 3})
    checkin_save(patient=alice, day=MONDAY - dt.timedelta(days=1), values={"stress": 3})  # Sunday
    assert _week(alice).checkin_days == 1
    assert _week(alice, MONDAY - dt.timedelta(weeks=1)).checkin_days == 1


def test_the_week_is_the_patients_own_calendar_week(db):
    from tests.factories import UserFactory

    kiri = UserFactory(time_zone="Pacific/Auckland")  # already Saturday 28 November there
    checkin_save(patient=kiri, day=patient_today(patient=kiri), values={"stress": 2})
    assert _week(kiri).checkin_days == 1


def test_the_retention_flag_follows_a_checkin_in_the_enrolments_week(alice):
    clinic = ClinicFactory()
    enrolment = clinic_join(patient=alice, clinic=clinic)
    assert not enrolment.active_week_1
    checkin_save(patient=alice, day=TODAY, values={"stress": 3})
    enrolment.refresh_from_db()
    assert enrolment.active_week_1


def test_leaving_clears_the_flags_of_the_week_left_and_after(alice):
    clinic = ClinicFactory()
    checkin_save(patient=alice, day=TODAY, values={"stress": 3})
    enrolment = clinic_join(patient=alice, clinic=clinic)
    assert enrolment.active_week_1
    clinic_leave(patient=alice, clinic_id=clinic.pk)
    enrolment.refresh_from_db()
    assert enrolment.until_week == MONDAY
    assert not enrolment.active_week_1


def test_rebuild_repairs_a_rollup_written_around_checkin_save(alice, bob):
    clinic = ClinicFactory()
    clinic_join(patient=alice, clinic=clinic)
    CheckInFactory(patient=alice, day=TODAY)  # a bulk write that bypassed checkin_save
    CheckInFactory(patient=bob, day=TODAY - dt.timedelta(days=7))
    assert not PatientWeek.objects.exists()
    assert rollup_rebuild() == 2
    assert _week(alice).checkin_days == 1
    assert Enrolment.objects.get(patient=alice).active_week_1


def test_rebuild_for_some_patients_leaves_the_others(alice, bob):
    checkin_save(patient=bob, day=TODAY, values={"stress": 3})
    CheckInFactory(patient=alice, day=TODAY)
    rollup_rebuild(patient_ids=[alice.pk])
    assert PatientWeek.objects.count() == 2


def test_the_rebuild_rollups_command_reports_what_it_wrote(alice, capsys):
    CheckInFactory(patient=alice, day=TODAY)
    call_command("rebuild_rollups")
    assert "1 patient-weeks" in capsys.readouterr().out
    assert _week(alice).checkin_days == 1


def test_an_edit_that_changes_no_count_leaves_the_rows_unwritten(alice):
    """Saving the same factors again (new values) must not write new versions of the rollup rows:
    on PostgreSQL, a row's xmin is the transaction that last wrote it."""
    if connection.vendor != "postgresql":
        pytest.skip("row versions (xmin) are PostgreSQL's")
    clinic_join(patient=alice, clinic=ClinicFactory())

    def versions():
        with connection.cursor() as cursor:
            cursor.execute("SELECT xmin::text FROM tracker_patientweek WHERE patient_id = %s", [alice.pk])
            week = cursor.fetchone()[0]
            cursor.execute("SELECT xmin::text FROM tracker_enrolment WHERE patient_id = %s", [alice.pk])
            return week, cursor.fetchone()[0]

    with transaction.atomic():
        checkin_save(patient=alice, day=TODAY, values={"stress": 3})
    before = versions()
    with transaction.atomic():
        checkin_save(patient=alice, day=TODAY, values={"stress": 7})
    assert versions() == before
    with transaction.atomic():
        checkin_save(patient=alice, day=TODAY, values={"stress": 7, "sleep_hours": 8})
    assert versions()[0] != before[0]
    assert _week(alice).sleep_logged == 1
