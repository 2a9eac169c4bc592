"""The rollup follows every check-in save and edit, and can be rebuilt."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tests.factories import CheckInFactory, ClinicFactory
from tracker.checkins.rollup import rollup_rebuild
from tracker.checkins.services import checkin_save
from tracker.clinics.services import clinic_join, clinic_leave
from tracker.core.time import patient_today
from tracker.models import Enrolment, PatientWeek

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


def test_an_edit_that_only_removes_a_factor_takes_it_out_of_the_week(alice):
    checkin_save(patient=alice, day=TODAY, values={"stress": 3, "fruit_veg_servings": 4})
    checkin_save(patient=alice, day=TODAY, values={"stress": 3})
    week = _week(alice)
    assert (week.checkin_days, week.stress_logged, week.fruit_veg_logged) == (1, 1, 0)


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


def _rollup_rows_written(patient, save) -> int:
    """How many rollup rows (the week's, the enrolment's) `save` wrote a new version of.

    PostgreSQL: a row's xmin is the (sub)transaction that last wrote it, and each atomic() below
    is a savepoint with its own. SQLite: total_changes() counts the rows each statement wrote,
    and the check-in itself is one of them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = (
                "SELECT (SELECT xmin::text FROM tracker_patientweek WHERE patient_id = %s), "
                "(SELECT xmin::text FROM tracker_enrolment WHERE patient_id = %s)"
            )
            cursor.execute(query, [patient.pk, patient.pk])
            before = cursor.fetchone()
            with transaction.atomic():
                save()
            cursor.execute(query, [patient.pk, patient.pk])
            return sum(old != new for old, new in zip(before, cursor.fetchone(), strict=True))
        cursor.execute("SELECT total_changes()")
        before = cursor.fetchone()[0]
        save()
        cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0] - before - 1


def test_an_edit_that_changes_no_count_leaves_the_rollup_rows_unwritten(alice):
    clinic_join(patient=alice, clinic=ClinicFactory())  # joined this week: week 1's flag follows
    assert _rollup_rows_written(alice, lambda: checkin_save(patient=alice, day=TODAY, values={"stress": 3})) == 2
    assert Enrolment.objects.get(patient=alice).active_week_1
    # New values for the same factors: the counts and the flag stay, so nothing is rewritten.
    assert _rollup_rows_written(alice, lambda: checkin_save(patient=alice, day=TODAY, values={"stress": 7})) == 0
    # A factor more: the week's row changes, the flag does not.
    values = {"stress": 7, "sleep_hours": 8}
    assert _rollup_rows_written(alice, lambda: checkin_save(patient=alice, day=TODAY, values=values)) == 1
    assert _week(alice).sleep_logged == 1
