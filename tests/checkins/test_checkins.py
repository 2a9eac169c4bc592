"""Which day is "today" for a patient, the edit window, and saving check-ins."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.conftest import NOW
from tests.factories import CheckInFactory, UserFactory
from tracker.checkins.services import CheckInRefused, checkin_save, day_refusal, editable_days
from tracker.core.time import patient_today
from tracker.models import CheckIn

VALUES = {"sleep_hours": Decimal("7.5"), "stress": 4, "note": "walked"}


def test_it_gives_auckland_and_los_angeles_different_todays_at_the_same_instant(db):
    auckland = UserFactory(time_zone="Pacific/Auckland")
    los_angeles = UserFactory(time_zone="America/Los_Angeles")
    # NOW is 15:00 UTC on Friday 27 November 2026.
    assert patient_today(patient=auckland, now=NOW) == dt.date(2026, 11, 28)
    assert patient_today(patient=los_angeles, now=NOW) == dt.date(2026, 11, 27)


def test_it_changes_day_at_local_midnight_not_utc_midnight(db):
    la = UserFactory(time_zone="America/Los_Angeles")
    just_before = dt.datetime(2026, 11, 28, 7, 59, tzinfo=dt.UTC)  # 23:59 in LA
    assert patient_today(patient=la, now=just_before) == dt.date(2026, 11, 27)
    assert patient_today(patient=la, now=just_before + dt.timedelta(minutes=1)) == dt.date(2026, 11, 28)


def test_it_counts_a_dst_change_day_as_one_day(db):
    # New York fell back on 1 November 2026: that day has 25 hours.
    ny = UserFactory(time_zone="America/New_York")
    start = dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC)  # 00:00 local, still EDT
    end = dt.datetime(2026, 11, 2, 4, 59, tzinfo=dt.UTC)  # 23:59 local, EST
    assert patient_today(patient=ny, now=start) == dt.date(2026, 11, 1)
    assert patient_today(patient=ny, now=end) == dt.date(2026, 11, 1)


def test_it_offers_today_and_the_13_days_before(alice):
    days = editable_days(patient=alice, now=NOW)
    assert len(days) == 14
    assert days[0] == dt.date(2026, 11, 27)
    assert days[-1] == dt.date(2026, 11, 14)


@pytest.mark.parametrize(
    ("day", "refused_because"),
    [
        (dt.date(2026, 11, 28), "in the future"),
        (dt.date(2026, 11, 13), "more than 14 days ago"),
        (dt.date(2026, 11, 27), None),
        (dt.date(2026, 11, 14), None),
    ],
)
def test_it_refuses_days_outside_the_window(alice, day, refused_because):
    with time_machine.travel(NOW, tick=False):
        refusal = day_refusal(patient=alice, day=day)
    if refused_because is None:
        assert refusal is None
    else:
        assert refused_because in refusal


def test_it_creates_then_updates_the_same_days_checkin(alice, frozen_now):
    day = dt.date(2026, 11, 27)
    first = checkin_save(patient=alice, day=day, values=VALUES)
    second = checkin_save(patient=alice, day=day, values={"stress": 2})
    assert first.pk == second.pk
    stored = CheckIn.objects.get(patient=alice, day=day)
    assert stored.stress == 2
    # Saving replaces the day's answers: an unanswered question is cleared.
    assert stored.sleep_hours is None
    assert stored.note == ""


def test_it_refuses_to_save_a_future_day(alice, frozen_now):
    with pytest.raises(CheckInRefused, match="future"):
        checkin_save(patient=alice, day=dt.date(2026, 11, 28), values=VALUES)
    assert not CheckIn.objects.exists()


def test_it_refuses_to_save_an_empty_checkin(alice, frozen_now):
    with pytest.raises(CheckInRefused, match="at least one factor"):
        checkin_save(patient=alice, day=dt.date(2026, 11, 27), values={"note": "hi"})
    assert not CheckIn.objects.exists()


def test_it_lets_an_auckland_patient_log_their_saturday_while_la_is_still_on_friday(db, frozen_now):
    auckland = UserFactory(time_zone="Pacific/Auckland")
    checkin_save(patient=auckland, day=dt.date(2026, 11, 28), values=VALUES)
    la = UserFactory(time_zone="America/Los_Angeles")
    with pytest.raises(CheckInRefused, match="future"):
        checkin_save(patient=la, day=dt.date(2026, 11, 28), values=VALUES)


def test_it_does_not_touch_another_patients_checkin(alice, bob, frozen_now):
    day = dt.date(2026, 11, 27)
    CheckInFactory(patient=alice, day=day, stress=9)
    checkin_save(patient=bob, day=day, values={"stress": 1})
    assert CheckIn.objects.get(patient=alice, day=day).stress == 9
