"""A check-in save's statements run as one atomic unit, after the patient's lock; other writes
for the patient (deleting the account) wait for that lock.

On PostgreSQL they travel in one round trip (tracker.core.sqlbatch); on SQLite they run one by one in
a transaction. These tests run on both, and commit for real (transaction=True), as the batch
behaves differently inside the test's usual enclosing transaction.
"""

import datetime as dt
import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from tests.factories import PASSWORD, UserFactory
from tracker.checkins.services import checkin_save
from tracker.core.locks import lock_patient
from tracker.core.sqlbatch import execute_atomically, one_round_trip_possible
from tracker.models import CheckIn, PatientWeek, User
from tracker.privacy.deletion import account_delete

TODAY = dt.date(2026, 11, 27)  # a Friday
MONDAY = dt.date(2026, 11, 23)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_failing_statement_undoes_the_ones_before_it():
    patient = UserFactory()
    insert = (
        f"INSERT INTO {CheckIn._meta.db_table} (patient_id, day, stress, note, created_at, updated_at) "
        "VALUES (%s, %s, %s, '', %s, %s)",
        [patient.pk, TODAY, 3, "2026-11-27 12:00:00", "2026-11-27 12:00:00"],
    )
    with pytest.raises(DatabaseError):
        execute_atomically([insert, ("SELECT * FROM no_such_table", [])])
    assert not CheckIn.objects.filter(patient=patient).exists()
    execute_atomically([insert])
    assert CheckIn.objects.filter(patient=patient).count() == 1


def _write_waits_for(hold, write, what):
    """Run `write` in another thread while this one holds a transaction in which it ran `hold`:
    the write must still be waiting a second later, then finish without error once this one
    commits."""
    errors = []

    def target():
        try:
            write()
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    with transaction.atomic():
        hold()
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), f"{what} did not wait ({connection.vendor})"
    thread.join(timeout=30)
    assert errors == []


def test_a_save_waits_for_another_write_for_the_patient_and_counts_it(frozen_now):
    """Two check-ins for one week written at once: the save's rollup must see both.

    This thread holds the patient's lock (on SQLite, the database's write lock) while it adds
    Monday; the save for Friday must wait, then count two days. Without the lock it would finish
    at once and count only its own day."""
    patient = UserFactory()

    def add_monday():
        lock_patient(patient_id=patient.pk)
        CheckIn.objects.create(patient=patient, day=MONDAY, sleep_hours=7)

    _write_waits_for(
        add_monday,
        lambda: checkin_save(patient=patient, day=TODAY, values={"stress": 4}),
        "the save for Friday",
    )
    week = PatientWeek.objects.get(patient=patient, week_start=MONDAY)
    assert (week.checkin_days, week.sleep_logged, week.stress_logged) == (2, 1, 1)


def test_deleting_an_account_waits_for_a_save_in_flight_and_deletes_its_checkin():
    """A save in flight holds the patient's lock; the deletion must wait for it, then delete the
    new check-in with the rest. Without the wait, it would collect the rows too early and fail on
    the check-in left pointing at the deleted account."""
    patient = UserFactory()
    _write_waits_for(
        lambda: checkin_save(patient=patient, day=TODAY, values={"stress": 4}),
        lambda: account_delete(user=User.objects.get(pk=patient.pk), password=PASSWORD),
        "the account deletion",
    )
    assert not User.objects.filter(pk=patient.pk).exists()
    assert not CheckIn.objects.filter(patient_id=patient.pk).exists()


def test_it_runs_the_statements_one_by_one_when_the_batch_is_switched_off(settings):
    settings.CHECKIN_SAVE_ONE_ROUND_TRIP = False
    assert not one_round_trip_possible()
