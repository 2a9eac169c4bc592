import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tests.factories import CheckInFactory
from tracker.checkins.streaks import Streaks, patient_streaks, streaks_for_patients, streaks_from_days

TODAY = dt.date(2026, 11, 27)


def days_ago(*offsets):
    return [TODAY - dt.timedelta(days=o) for o in offsets]


def test_it_has_no_streak_without_checkins():
    assert streaks_from_days([], today=TODAY) == Streaks(current=0, best=0)


def test_it_counts_a_run_ending_today():
    assert streaks_from_days(days_ago(0, 1, 2, 5, 6), today=TODAY) == Streaks(current=3, best=3)


def test_it_keeps_the_streak_alive_until_today_is_over():
    assert streaks_from_days(days_ago(1, 2), today=TODAY).current == 2


def test_it_breaks_the_streak_after_a_missed_day():
    assert streaks_from_days(days_ago(2, 3, 4, 5), today=TODAY) == Streaks(current=0, best=4)


def test_it_counts_a_backfilled_day_as_joining_the_run():
    assert streaks_from_days(days_ago(0, 2) + days_ago(1), today=TODAY).current == 3


def test_it_ignores_future_days():
    assert streaks_from_days([TODAY + dt.timedelta(days=1), TODAY], today=TODAY).current == 1


def test_it_reads_the_patients_own_checkins(alice, bob):
    for day in days_ago(0, 1):
        CheckInFactory(patient=alice, day=day)
    CheckInFactory(patient=bob, day=TODAY - dt.timedelta(days=2))
    assert patient_streaks(patient=alice, today=TODAY) == Streaks(current=2, best=2)


@given(st.sets(st.integers(min_value=0, max_value=400)))
def test_a_streak_never_exceeds_the_days_logged(offsets):
    streaks = streaks_from_days(days_ago(*offsets), today=TODAY)
    assert 0 <= streaks.current <= streaks.best <= len(offsets)


def test_it_computes_many_patients_streaks_in_two_queries_each_against_their_own_today(
    alice, bob, charlie, django_assert_num_queries
):
    for day in days_ago(0, 1, 2, 4):
        CheckInFactory(patient=alice, day=day)
    for day in days_ago(1, 2, 3, 10, 11, 12, 13):
        CheckInFactory(patient=bob, day=day)
    tomorrow = TODAY + dt.timedelta(days=1)
    today_by_patient = {alice.pk: TODAY, bob.pk: tomorrow, charlie.pk: TODAY}
    with django_assert_num_queries(2):  # check-ins, pauses
        bulk = streaks_for_patients(today_by_patient=today_by_patient)
    assert bulk == {
        alice.pk: Streaks(current=3, best=3),
        bob.pk: Streaks(current=0, best=4),  # in Bob's zone it is already tomorrow: yesterday was not logged
        charlie.pk: Streaks(current=0, best=0),
    }
    for patient in (alice, bob):
        assert bulk[patient.pk] == patient_streaks(patient=patient, today=today_by_patient[patient.pk])


def test_it_computes_no_streaks_for_no_patients(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert streaks_for_patients(today_by_patient={}) == {}
