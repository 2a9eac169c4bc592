"""This week, consistency scores, streaks and chart rows, in the patient's own time zone."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import NOW
from tests.factories import CheckInFactory, UserFactory
from tracker.checkins.streaks import Streaks
from tracker.checkins.trends import (
    SCORE_MULTIPLIER,
    DayValues,
    calendar_weeks,
    chart_rows,
    consistency_score,
    consistency_series,
    mean,
    patient_dashboard,
    patient_history,
    window_from,
)
from tracker.core.time import week_of

TODAY = dt.date(2026, 11, 27)  # a Friday; NOW is 10:00 in New York
M = SCORE_MULTIPLIER
NONE = dict.fromkeys(("sleep_hours", "sleep_quality", "stress", "omega3_servings", "omega3_supplement"))
NONE["fruit_veg_servings"] = None


def days_ago(*offsets):
    return [TODAY - dt.timedelta(days=o) for o in offsets]


def only(**values):
    """Check-in values with just the given factors logged."""
    return {**NONE, **values}


# ---------------------------------------------------------------- the window and the week


@pytest.mark.parametrize(
    ("raw", "days"),
    [("7", 7), ("30", 30), ("90", 90), (None, 30), ("", 30), ("31", 30), ("-7", 30), ("7.0", 30), ("x" * 5000, 30)],
)
def test_it_accepts_only_the_offered_windows(raw, days):
    assert window_from(raw) == days


def test_it_runs_the_week_from_monday_to_sunday():
    assert week_of(TODAY) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert week_of(dt.date(2026, 11, 23)) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert week_of(dt.date(2026, 11, 29)) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))


def test_it_rounds_averages_half_up_to_one_decimal():
    assert mean(Decimal("21.75"), 3) == Decimal("7.3")  # 7.25
    assert mean(21.75, 3) == Decimal("7.3")  # SQLite's float sum gives the same
    assert mean(10, 4) == Decimal("2.5")
    assert mean(None, 0) is None


def test_it_sums_up_the_week(alice, bob):
    monday = dt.date(2026, 11, 23)
    CheckInFactory(patient=alice, day=monday, **only(sleep_hours=Decimal("7.25"), sleep_quality=4, stress=2))
    CheckInFactory(patient=alice, day=monday + dt.timedelta(days=1), **only(sleep_hours=Decimal("6.5"), stress=5))
    CheckInFactory(
        patient=alice,
        day=monday + dt.timedelta(days=2),
        **only(sleep_hours=Decimal(8), omega3_servings=0, omega3_supplement=False, fruit_veg_servings=0),
    )
    CheckInFactory(patient=alice, day=TODAY, **only(omega3_servings=0, omega3_supplement=True, fruit_veg_servings=5))
    CheckInFactory(patient=alice, day=monday - dt.timedelta(days=1), stress=10)  # last week's Sunday
    CheckInFactory(patient=bob, day=TODAY, stress=10)
    week = patient_dashboard(patient=alice, window_days=30, now=NOW).week
    assert (week.first_day, week.last_day, week.days) == (monday, TODAY, 5)
    assert week.days_checked_in == 4
    assert (week.field("sleep_hours").days, week.field("sleep_hours").average) == (
        3,
        Decimal("7.3"),
    )  # 21.75 / 3 = 7.25
    assert (week.field("sleep_quality").days, week.field("sleep_quality").average) == (1, Decimal(4))
    assert (week.field("stress").days, week.field("stress").average) == (2, Decimal("3.5"))
    assert (week.factors["omega3"].logged_days, week.factors["omega3"].positive_days) == (
        2,
        1,
    )  # a logged "none" is not an omega-3 day
    assert (week.field("fruit_veg_servings").days, week.field("fruit_veg_servings").average) == (2, Decimal("2.5"))


def test_it_reports_nothing_for_a_factor_not_logged(alice):
    CheckInFactory(patient=alice, day=TODAY, **only(stress=3))
    week = patient_dashboard(patient=alice, window_days=7, now=NOW).week
    assert (week.field("sleep_hours").days, week.field("sleep_hours").average) == (0, None)
    assert (week.field("fruit_veg_servings").days, week.field("fruit_veg_servings").average) == (0, None)
    assert week.factors["omega3"].logged_days == week.factors["omega3"].positive_days == 0


def test_it_places_the_week_in_each_patients_own_time_zone(db):
    # Sunday 29 November, 12:00 UTC: already Monday 01:00 in Auckland, still Sunday 02:00 in Honolulu.
    now = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
    auckland = UserFactory(time_zone="Pacific/Auckland")
    honolulu = UserFactory(time_zone="Pacific/Honolulu")
    for patient in (auckland, honolulu):
        CheckInFactory(patient=patient, day=dt.date(2026, 11, 28))
    assert patient_dashboard(patient=auckland, window_days=7, now=now).week.first_day == dt.date(2026, 11, 30)
    assert patient_dashboard(patient=auckland, window_days=7, now=now).week.days_checked_in == 0
    assert patient_dashboard(patient=honolulu, window_days=7, now=now).week.first_day == dt.date(2026, 11, 23)
    assert patient_dashboard(patient=honolulu, window_days=7, now=now).week.days_checked_in == 1


# ---------------------------------------------------------------- consistency


def test_it_starts_the_score_at_the_first_checkin():
    assert consistency_score(set(), first_day=None, today=TODAY) == 0
    assert consistency_score({TODAY}, first_day=TODAY, today=TODAY) == round(100 * (1 - M)) == 5


def test_it_does_not_count_today_as_missed_before_it_is_logged():
    yesterday = TODAY - dt.timedelta(days=1)
    logged = set(days_ago(*range(1, 11)))
    first = min(logged)
    this_morning = consistency_score(logged, first_day=first, today=TODAY)
    last_night = consistency_score(logged, first_day=first, today=yesterday)
    assert this_morning == last_night == round(100 * (1 - M**10))
    assert consistency_score(logged | {TODAY}, first_day=first, today=TODAY) > this_morning


def test_it_halves_the_score_over_a_13_day_gap():
    start = TODAY - dt.timedelta(days=40)
    logged = {start + dt.timedelta(days=d) for d in range(20)}
    end_of_run = consistency_series(logged, first_day=start, last_day=start + dt.timedelta(days=19))[-1]
    after_gap = consistency_series(logged, first_day=start, last_day=start + dt.timedelta(days=32))[-1]
    assert after_gap == pytest.approx(end_of_run / 2)


def test_it_counts_a_factor_missed_on_a_checkin_day_as_missed():
    # Logged every day, but sleep on only half of them: the sleep score is lower.
    first = TODAY - dt.timedelta(days=29)
    every_day = {first + dt.timedelta(days=d) for d in range(30)}
    every_other = {d for d in every_day if d.toordinal() % 2}
    assert consistency_score(every_other, first_day=first, today=TODAY) < consistency_score(
        every_day, first_day=first, today=TODAY
    )


def test_it_raises_the_score_when_a_missed_day_is_backfilled(alice, frozen_now):
    for day in days_ago(0, 2, 3):
        CheckInFactory(patient=alice, day=day)
    before = patient_dashboard(patient=alice, window_days=7)
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=1))
    after = patient_dashboard(patient=alice, window_days=7)
    assert before.streaks == Streaks(current=1, best=2)
    assert after.streaks == Streaks(current=4, best=4)
    assert all(a.value > b.value for a, b in zip(after.scores, before.scores, strict=True))
    assert after.scores[0].value == round(100 * (1 - M**4))  # as if logged on time


def test_it_scores_each_factor_from_its_own_days(alice, frozen_now):
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=1), **only(stress=4))
    CheckInFactory(patient=alice, day=TODAY, **only(fruit_veg_servings=3, omega3_supplement=False))
    scores = {s.factor: s.value for s in patient_dashboard(patient=alice, window_days=7).scores}
    assert scores == {"sleep": 0, "stress": round(100 * (1 - M) * M), "omega3": 5, "fruit_veg": 5}


def test_it_counts_a_dst_change_day_as_one_day(db):
    # New York fell back on Sunday 1 November 2026 (a 25-hour day).
    ny = UserFactory(time_zone="America/New_York")
    for day in (dt.date(2026, 10, 31), dt.date(2026, 11, 1), dt.date(2026, 11, 2)):
        CheckInFactory(patient=ny, day=day)
    late_on_the_long_day = dt.datetime(2026, 11, 2, 4, 30, tzinfo=dt.UTC)  # 23:30 EST on 1 November
    dash = patient_dashboard(patient=ny, window_days=7, now=late_on_the_long_day)
    assert dash.today == dt.date(2026, 11, 1)
    assert dash.streaks == Streaks(current=2, best=2)  # 2 November is not here yet
    assert dash.scores[0].value == round(100 * (1 - M**2))
    next_day = patient_dashboard(patient=ny, window_days=7, now=late_on_the_long_day + dt.timedelta(hours=12))
    assert next_day.streaks == Streaks(current=3, best=3)
    assert [row.day for row in next_day.rows][-3:] == [
        dt.date(2026, 10, 31),
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 2),
    ]


def test_it_gives_far_apart_patients_their_own_today(db):
    # NOW is Friday 27 November 15:00 UTC: Saturday 04:00 in Auckland, Friday 05:00 in Honolulu.
    auckland = UserFactory(time_zone="Pacific/Auckland")
    honolulu = UserFactory(time_zone="Pacific/Honolulu")
    for patient in (auckland, honolulu):
        for day in (dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 28)):
            CheckInFactory(patient=patient, day=day)  # Honolulu's 28th can exist after a time zone change
    far_east = patient_dashboard(patient=auckland, window_days=7, now=NOW)
    far_west = patient_dashboard(patient=honolulu, window_days=7, now=NOW)
    assert (far_east.today, far_west.today) == (dt.date(2026, 11, 28), dt.date(2026, 11, 27))
    assert far_east.streaks.current == 3
    assert far_west.streaks.current == 2  # a day that hasn't begun where the patient is does not count
    assert far_west.rows[-1].day == dt.date(2026, 11, 27)
    assert far_west.window.days_checked_in == 2


@given(st.sets(st.integers(min_value=0, max_value=400), min_size=1), st.integers(min_value=0, max_value=30))
def test_the_score_stays_in_range_and_moves_with_each_day(offsets, trailing_gap):
    logged = set(days_ago(*(o + trailing_gap for o in offsets)))
    first = min(logged)
    series = consistency_series(logged, first_day=first, last_day=TODAY)
    previous = 0.0
    for offset, score in enumerate(series):
        assert 0.0 <= score <= 1.0
        if first + dt.timedelta(days=offset) in logged:
            assert score >= previous, "a logged day never lowers the score"
        else:
            assert score <= previous, "a missed day never raises the score"
        previous = score
    assert 0 <= consistency_score(logged, first_day=first, today=TODAY) <= 100


@given(st.sets(st.integers(min_value=0, max_value=200), min_size=1))
def test_the_score_matches_the_closed_form(offsets):
    # score_T = (1 - m) * sum of m^(T - t) over the logged days t: the exponential moving average unrolled.
    logged = set(days_ago(*offsets))
    last_day = TODAY if TODAY in logged else TODAY - dt.timedelta(days=1)
    expected = sum((1 - M) * M ** (last_day - day).days for day in logged if day <= last_day)
    assert consistency_score(logged, first_day=min(logged), today=TODAY) == round(100 * expected)


@given(st.sets(st.integers(min_value=1, max_value=200), min_size=1), st.integers(min_value=1, max_value=200))
def test_backfilling_a_day_never_lowers_the_score(offsets, extra):
    logged = set(days_ago(*offsets))
    more = logged | set(days_ago(extra))
    first = min(more)
    assert consistency_score(more, first_day=first, today=TODAY) >= consistency_score(
        logged, first_day=first, today=TODAY
    )


# ---------------------------------------------------------------- history, calendar and chart rows


def test_it_reads_which_factors_each_day_had(alice, bob):
    CheckInFactory(patient=alice, day=TODAY, **only(sleep_quality=3, omega3_supplement=False))
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=1), **only(fruit_veg_servings=0))
    CheckInFactory(patient=alice, day=TODAY + dt.timedelta(days=1), stress=2)  # after a time zone change
    CheckInFactory(patient=bob, day=TODAY - dt.timedelta(days=5))
    history = patient_history(patient=alice, today=TODAY)
    assert history.checked_in == {TODAY, TODAY - dt.timedelta(days=1)}
    assert history.first_day == TODAY - dt.timedelta(days=1)
    assert history.by_factor == {
        "sleep": {TODAY},
        "stress": set(),
        "omega3": {TODAY},
        "fruit_veg": {TODAY - dt.timedelta(days=1)},
    }


def test_it_lays_out_26_whole_weeks_ending_this_week():
    weeks = calendar_weeks({TODAY, dt.date(2026, 6, 1)}, today=TODAY)
    assert len(weeks) == 26
    assert all(len(week) == 7 for week in weeks)
    assert weeks[0][0].day == dt.date(2026, 6, 1)  # a Monday, 25 weeks before this week's Monday
    assert weeks[0][0].checked_in
    assert weeks[-1][-1].day == dt.date(2026, 11, 29)
    assert [cell.future for cell in weeks[-1]] == [False] * 5 + [True] * 2
    assert sum(cell.checked_in for week in weeks for cell in week) == 2


def test_chart_rows_hold_every_day_with_the_stored_values_or_gaps(alice, bob):
    stored = CheckInFactory(
        patient=alice,
        day=TODAY - dt.timedelta(days=2),
        **only(sleep_hours=Decimal("6.75"), stress=0, omega3_supplement=True, fruit_veg_servings=0),
    )
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=7))  # just outside a 7-day window
    CheckInFactory(patient=bob, day=TODAY, stress=9)
    rows = chart_rows(patient=alice, first_day=TODAY - dt.timedelta(days=6), last_day=TODAY)
    assert [row.day for row in rows] == days_ago(6, 5, 4, 3, 2, 1, 0)
    logged = rows[4]
    assert (logged.sleep_hours, logged.sleep_quality, logged.stress) == (stored.sleep_hours, None, 0)
    assert (logged.omega3_servings, logged.omega3_supplement, logged.fruit_veg_servings) == (None, True, 0)
    assert all(row.sleep_hours is None and row.stress is None for i, row in enumerate(rows) if i != 4)


@pytest.mark.parametrize(
    ("stored", "shown"), [("0.00", "0"), ("0.25", "0.25"), ("7.50", "7.5"), ("10.00", "10"), ("24", "24")]
)
def test_it_shows_sleep_hours_without_trailing_zeros(stored, shown):
    assert DayValues(day=TODAY, sleep_hours=Decimal(stored)).sleep_hours_text == shown
    assert DayValues(day=TODAY).sleep_hours_text is None
