"""The dashboard for a new patient and on Mondays: it reads as a start, never as an empty week."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from tests.checkins.wording import visible_main, wording_problems
from tests.factories import CheckInFactory, UserFactory
from tracker.checkins.pauses import pause_add
from tracker.checkins.trends import BUILDING_DAYS

URL = reverse("dashboard")
FRIDAY = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)  # 10:00 in New York
MONDAY = dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)  # 09:00 in New York


def text_of(client, patient) -> str:
    """The dashboard's words, for `patient` logged in now (sessions end after an hour idle)."""
    client.force_login(patient)
    return " ".join(visible_main(client.get(URL).content.decode()).split())


@pytest.fixture
def newcomer(client, db):
    """Nia signed up this Friday morning and logged all four factors."""
    with time_machine.travel(FRIDAY, tick=False):
        nia = UserFactory(email="nia@example.com", time_zone="America/New_York")
        CheckInFactory(patient=nia, day=dt.date(2026, 11, 27))
    return nia


def test_on_day_one_the_scores_are_building_and_the_calendar_starts_the_week_of_sign_up(client, newcomer):
    with time_machine.travel(FRIDAY, tick=False):
        text = text_of(client, newcomer)
    assert "out of 100" not in text
    assert text.count("building: 1 day so far") == 4
    assert "Checked in on 1 of the 1 days from Monday 23 November to today" in text
    assert "It starts the week you joined." in text
    assert "1 day checked in, of the 1 day so far." in text
    assert "Days logged in the last 30: 1" in text
    assert wording_problems(text) == []


def test_a_factor_never_logged_says_so_rather_than_scoring_zero(client, db):
    with time_machine.travel(FRIDAY, tick=False):
        nia = UserFactory(time_zone="America/New_York")
        CheckInFactory(patient=nia, day=dt.date(2026, 11, 27), stress=None)
        text = text_of(client, nia)
    assert "Stress not logged yet" in text
    assert text.count("building: 1 day so far") == 3


def test_a_score_shows_from_14_days_of_history(client, db):
    start = dt.date(2026, 11, 14)
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC), tick=False):
        nia = UserFactory(time_zone="America/New_York")
    for offset in range(BUILDING_DAYS):
        CheckInFactory(patient=nia, day=start + dt.timedelta(days=offset), stress=None if offset else 4)
    with time_machine.travel(FRIDAY - dt.timedelta(days=1), tick=False):  # Thursday 26: the 13th day
        text = text_of(client, nia)
    assert text.count("building: 13 days so far") == 4
    with time_machine.travel(FRIDAY, tick=False):  # Friday 27: the 14th day
        text = text_of(client, nia)
    assert "building" not in text
    assert "Stress 5 out of 100" in text or re.search(r"Stress \d+ out of 100", text)


def test_paused_days_do_not_count_towards_the_building_days(client, db):
    with time_machine.travel(dt.datetime(2026, 11, 12, 15, tzinfo=dt.UTC), tick=False):
        nia = UserFactory(time_zone="America/New_York")
        CheckInFactory(patient=nia, day=dt.date(2026, 11, 12))
    with time_machine.travel(dt.datetime(2026, 11, 13, 15, tzinfo=dt.UTC), tick=False):
        pause_add(patient=nia, first_day=dt.date(2026, 11, 13), last_day=dt.date(2026, 11, 22))
    with time_machine.travel(FRIDAY, tick=False):
        text = text_of(client, nia)
    # 12 November to 27 November is 16 days, 10 of them paused.
    assert text.count("building: 6 days so far") == 4


@pytest.fixture
def regular(client, db):
    """Ravi has logged every day for ten days, up to Sunday."""
    with time_machine.travel(dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC), tick=False):
        ravi = UserFactory(time_zone="America/New_York")
    for offset in range(1, 11):
        CheckInFactory(patient=ravi, day=dt.date(2026, 11, 30) - dt.timedelta(days=offset))
    return ravi


def test_on_monday_morning_the_card_shows_the_last_7_days_too(client, regular):
    with time_machine.travel(MONDAY, tick=False):
        text = text_of(client, regular)
    assert "Nothing logged yet this week: it has just begun (1 day so far)." in text
    assert "not logged this week" not in text
    assert "0 days checked in" not in text
    assert "The last 7 days Tuesday 24 Nov to today. 6 days checked in, of the 7 days." in text
    assert "Sleep 7.5 hours on average (6 days)" in text
    assert "Current: 10 days" in text
    assert "Days logged in the last 30: 10" in text
    assert wording_problems(text) == []


def test_later_in_the_week_the_card_shows_the_week_alone(client, regular):
    CheckInFactory(patient=regular, day=dt.date(2026, 11, 30))
    with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):  # Thursday
        text = text_of(client, regular)
    assert "The last 7 days" not in text
    assert "1 day checked in, of the 4 days so far." in text
    assert "Stress not logged this week" not in text


def test_a_new_patient_on_a_monday_sees_no_last_7_days_before_they_joined(client, db):
    with time_machine.travel(MONDAY, tick=False):
        nia = UserFactory(time_zone="America/New_York")
        CheckInFactory(patient=nia, day=dt.date(2026, 11, 30))
        text = text_of(client, nia)
    assert "The last 7 days" not in text
    assert "1 day checked in, of the 1 day so far." in text


def test_a_backfilled_day_before_sign_up_starts_the_calendar_there(client, db):
    with time_machine.travel(FRIDAY, tick=False):
        nia = UserFactory(time_zone="America/New_York")
        CheckInFactory(patient=nia, day=dt.date(2026, 11, 17))  # the Tuesday of the week before
        text = text_of(client, nia)
    assert "Checked in on 1 of the 11 days from Monday 16 November to today" in text


def test_the_week_card_leaves_out_paused_days(client, regular):
    CheckInFactory(patient=regular, day=dt.date(2026, 11, 30))
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        pause_add(patient=regular, first_day=dt.date(2026, 12, 1), last_day=dt.date(2026, 12, 4))
    with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):
        text = text_of(client, regular)
    assert "1 day checked in, of the 1 day so far (3 paused days not counted)." in text
    assert "Today is a paused day" in text
    assert "Current: 11 days" in text
