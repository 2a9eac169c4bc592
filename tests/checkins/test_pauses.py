"""Pause days: which ranges may be added, ended or removed; and what a pause does to streaks and
scores (Loop Habit Tracker's skip: as if the paused days were taken out of the calendar)."""

import datetime as dt

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import NOW
from tests.factories import CheckInFactory, UserFactory
from tracker.checkins.pauses import (
    PauseRefused,
    pause_add,
    pause_end_early,
    pause_remove,
    paused_days,
    paused_patient_ids,
)
from tracker.checkins.streaks import streaks_for_patients, streaks_from_days
from tracker.checkins.trends import consistency_score, consistency_series, days_so_far, patient_dashboard
from tracker.models import Pause

TODAY = dt.date(2026, 11, 27)  # Alice's today at NOW (10:00 in New York), a Friday


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


# ---------------------------------------------------------------- which ranges


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (-13, -13),  # the edit window's first day
        (-13, 16),  # 30 days, from the window's first day
        (0, 0),
        (30, 59),  # starting 30 days ahead, 30 days long
    ],
)
def test_it_accepts_a_pause_starting_in_the_edit_window_or_up_to_30_days_ahead(alice, first, last):
    pause = pause_add(patient=alice, first_day=day(first), last_day=day(last), reason=" Travel ")
    assert (pause.first_day, pause.last_day, pause.reason) == (day(first), day(last), "Travel")


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (-14, -10, "more than 14 days ago. A pause can start on Saturday 14 November 2026 at the earliest"),
        (-40, -20, "more than 14 days ago"),
        (31, 35, "up to 30 days ahead, on Sunday 27 December 2026 at the latest"),
        (0, 30, "That is 31 days. A pause covers at most 30 days"),
        (3, 2, "The last day comes before the first day"),
    ],
)
def test_it_refuses_other_ranges_with_a_message_that_says_why(alice, first, last, message):
    with pytest.raises(PauseRefused, match=message):
        pause_add(patient=alice, first_day=day(first), last_day=day(last))
    assert not Pause.objects.exists()


def test_it_refuses_an_overlapping_pause_and_names_the_one_in_the_way(alice, bob):
    pause_add(patient=alice, first_day=day(2), last_day=day(5))
    pause_add(patient=bob, first_day=day(0), last_day=day(9))  # Bob's pauses are his own
    with pytest.raises(PauseRefused, match="overlaps your pause from Sunday 29 November 2026 to Wednesday 2 December"):
        pause_add(patient=alice, first_day=day(5), last_day=day(8))
    pause_add(patient=alice, first_day=day(6), last_day=day(8))  # the next day is free
    assert Pause.objects.filter(patient=alice).count() == 2


def test_the_database_refuses_a_pause_over_30_days_or_backwards(alice):
    from django.db import IntegrityError, transaction

    for first, last in ((day(0), day(30)), (day(3), day(2))):
        with pytest.raises(IntegrityError), transaction.atomic():
            Pause.objects.create(patient=alice, first_day=first, last_day=last)
    Pause.objects.create(patient=alice, first_day=day(0), last_day=day(29))


def test_ending_early_makes_today_count_again(alice):
    pause = pause_add(patient=alice, first_day=day(-5), last_day=day(5))
    pause_end_early(patient=alice, pause=pause)
    pause.refresh_from_db()
    assert pause.last_day == day(-1)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [(0, 3, "hasn't started yet: remove it instead"), (2, 3, "hasn't started yet"), (-5, -1, "already over")],
)
def test_only_an_ongoing_pause_that_began_before_today_can_end_early(alice, first, last, message):
    pause = pause_add(patient=alice, first_day=day(first), last_day=day(last))
    with pytest.raises(PauseRefused, match=message):
        pause_end_early(patient=alice, pause=pause)


def test_a_pause_can_be_removed_while_its_first_day_is_in_the_edit_window(alice):
    pause = pause_add(patient=alice, first_day=day(-13), last_day=day(-2))
    pause_remove(patient=alice, pause=pause)
    assert not Pause.objects.exists()


def test_an_older_pause_is_settled_and_can_only_be_ended(alice):
    pause = Pause.objects.create(patient=alice, first_day=day(-20), last_day=day(3))
    with pytest.raises(PauseRefused, match="started more than 14 days ago.*You can end it early instead"):
        pause_remove(patient=alice, pause=pause)
    pause_end_early(patient=alice, pause=pause)
    assert Pause.objects.get().last_day == day(-1)


def test_the_window_follows_the_patients_own_today(db):
    # NOW is already Saturday 28 November in Auckland: its window starts a day later than New York's.
    auckland = UserFactory(time_zone="Pacific/Auckland")
    with pytest.raises(PauseRefused):
        pause_add(patient=auckland, first_day=day(-13), last_day=day(-13))
    pause_add(patient=auckland, first_day=day(-12), last_day=day(-12))


def test_reminders_know_who_is_paused_on_their_own_today(alice, bob, django_assert_num_queries):
    pause_add(patient=alice, first_day=day(0), last_day=day(2))
    pause_add(patient=bob, first_day=day(1), last_day=day(2))
    with django_assert_num_queries(1):
        paused = paused_patient_ids(today_by_patient={alice.pk: TODAY, bob.pk: TODAY})
    assert paused == {alice.pk}
    assert paused_patient_ids(today_by_patient={alice.pk: day(3), bob.pk: day(1)}) == {bob.pk}
    assert paused_patient_ids(today_by_patient={}) == set()


# ---------------------------------------------------------------- streaks and scores: Loop's skip


def test_a_streak_carries_across_paused_days_without_counting_them():
    logged = [day(-6), day(-5), day(-1), day(0)]
    paused = [day(-4), day(-3), day(-2)]
    assert streaks_from_days(logged, today=TODAY).current == 2
    assert streaks_from_days(logged, today=TODAY, paused=paused).current == 4


def test_a_streak_stays_alive_through_a_pause_that_runs_to_today():
    assert streaks_from_days([day(-3)], today=TODAY, paused=[day(-2), day(-1), day(0)]).current == 1
    assert streaks_from_days([day(-3)], today=TODAY, paused=[day(-1), day(0)]).current == 0  # day -2 was missed


def test_a_logged_day_inside_a_pause_counts_as_logged():
    assert streaks_from_days([day(-2), day(-1), day(0)], today=TODAY, paused=[day(-1)]).current == 3
    logged = {day(-2), day(-1)}
    with_pause = consistency_series(logged, first_day=day(-2), last_day=day(-1), paused={day(-1)} - logged)
    assert with_pause == consistency_series(logged, first_day=day(-2), last_day=day(-1))


def test_the_score_holds_still_on_a_paused_day():
    logged = {day(-3)}
    series = consistency_series(logged, first_day=day(-3), last_day=day(0), paused={day(-2), day(-1)})
    assert series[1] == series[2] == series[0]
    assert series[3] < series[2]  # today, not paused and not logged (the series runs to today here)


def _compress(days, removed):
    """Each day's place once the `removed` days are taken out of the calendar (as ordinals)."""
    removed = sorted(removed)
    return {d: d.toordinal() - sum(1 for r in removed if r < d) for d in days}


offsets = st.sets(st.integers(min_value=0, max_value=120))


@given(logged=offsets, paused=offsets, today_offset=st.integers(min_value=0, max_value=120))
def test_a_pause_changes_streaks_and_scores_exactly_as_taking_its_days_out_would(logged, paused, today_offset):
    start = dt.date(2026, 1, 1)
    logged_days = {start + dt.timedelta(days=o) for o in logged}
    paused_days_ = {start + dt.timedelta(days=o) for o in paused} - logged_days  # a logged day stays logged
    today = start + dt.timedelta(days=today_offset)
    # The same history with the paused days removed: every later day moves up by the paused days before it.
    kept = {d for d in logged_days if d <= today}
    place = _compress(kept | {today}, {d for d in paused_days_ if d <= today})
    shift = today - dt.date.fromordinal(place[today])
    squeezed = {dt.date.fromordinal(place[d]) + shift for d in kept}
    # A paused today takes the place of the next day kept: a day not logged (yet), like any today.
    assert streaks_from_days(logged_days, today=today, paused=paused_days_) == streaks_from_days(squeezed, today=today)
    first = min(logged_days, default=None)
    if first is not None and first <= today:
        pause_score = consistency_score(logged_days, first_day=first, today=today, paused=paused_days_)
        assert pause_score == consistency_score(squeezed, first_day=min(squeezed), today=today)
        # and the building count skips the paused days too
        assert days_so_far(logged_days, today=today, paused=paused_days_) == (
            place[today] - place[first] + (0 if today in paused_days_ else 1)
        )


@given(logged=offsets, paused=offsets)
def test_pausing_days_never_changes_the_score_of_a_day_before_the_pause(logged, paused):
    start = dt.date(2026, 1, 1)
    logged_days = {start + dt.timedelta(days=o) for o in logged}
    paused_days_ = {start + dt.timedelta(days=o) for o in paused} - logged_days
    if not logged_days:
        return
    first, last = min(logged_days), start + dt.timedelta(days=120)
    plain = consistency_series(logged_days, first_day=first, last_day=last)
    with_pause = consistency_series(logged_days, first_day=first, last_day=last, paused=paused_days_)
    first_pause = min((d for d in paused_days_ if d >= first), default=None)
    before = len(plain) if first_pause is None else (first_pause - first).days
    assert with_pause[:before] == plain[:before]
    assert all(a >= b for a, b in zip(with_pause, plain, strict=True)), "a pause never lowers a score"


def test_the_dashboard_reads_pauses_for_streaks_scores_and_calendar(alice):
    for offset in (-9, -8, -7, -1, 0):
        CheckInFactory(patient=alice, day=day(offset))
    pause_add(patient=alice, first_day=day(-6), last_day=day(-2), reason="Hospital")
    dash = patient_dashboard(patient=alice, window_days=7, now=NOW)
    assert dash.streaks.current == 5
    cells = {cell.day: cell for week in dash.calendar for cell in week}
    assert [cells[day(o)].paused for o in range(-7, 1)] == [False, True, True, True, True, True, False, False]
    assert dash.calendar_paused == 5


def test_streaks_for_many_patients_read_their_pauses(alice, bob):
    for offset in (-3, 0):
        CheckInFactory(patient=alice, day=day(offset))
        CheckInFactory(patient=bob, day=day(offset))
    pause_add(patient=alice, first_day=day(-2), last_day=day(-1))
    bulk = streaks_for_patients(today_by_patient={alice.pk: TODAY, bob.pk: TODAY})
    assert (bulk[alice.pk].current, bulk[bob.pk].current) == (2, 1)


def test_paused_days_lists_each_day_once_within_bounds():
    pauses = [Pause(first_day=day(0), last_day=day(2)), Pause(first_day=day(5), last_day=day(5))]
    assert paused_days(pauses) == {day(0), day(1), day(2), day(5)}
    assert paused_days(pauses, first_day=day(1), last_day=day(4)) == {day(1), day(2)}


def test_a_pause_over_a_dst_change_covers_whole_local_days(db):
    # New York falls back on Sunday 1 November 2026: a pause of 31 October to 2 November is 3 days.
    ny = UserFactory(time_zone="America/New_York")
    with time_machine.travel(dt.datetime(2026, 11, 2, 4, 30, tzinfo=dt.UTC), tick=False):  # 23:30 on the 1st
        for d in (dt.date(2026, 10, 29), dt.date(2026, 10, 30)):
            CheckInFactory(patient=ny, day=d)
        pause = pause_add(patient=ny, first_day=dt.date(2026, 10, 31), last_day=dt.date(2026, 11, 2))
        dash = patient_dashboard(patient=ny, window_days=7)
    assert pause.days == 3
    assert dash.today == dt.date(2026, 11, 1)
    assert dash.streaks.current == 2  # carried across 31 October and today, the long day
