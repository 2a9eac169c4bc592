"""Daily, chosen-days and weekly reminders: when each is due, once per period, across DST
changes, skipped once the patient has checked in, and the gentle back-off."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from tests.factories import CheckInFactory, ReminderPatientFactory
from tracker.checkins.services import checkin_save
from tracker.models import Cadence, Pause, ReminderDelivery
from tracker.reminders.dispatch import CHECKED_IN, dispatch
from tracker.reminders.schedule import reminder_state
from tracker.reminders.sending import send_batch

pytestmark = pytest.mark.django_db

Status = ReminderDelivery.Status
Variant = ReminderDelivery.Variant
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at(zone: str, *args) -> dt.datetime:
    """A local wall time in `zone`, as an aware datetime."""
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


def run_dispatch():
    return dispatch(enqueue=lambda ids: send_batch(delivery_ids=ids))


def dispatch_at(moment: dt.datetime):
    with time_machine.travel(moment, tick=False):
        return run_dispatch()


def daily_patient(**kwargs):
    values = {
        "time_zone": "America/New_York",
        "reminder_cadence": Cadence.DAILY,
        "reminder_hour": 8,
        "reminders_since": dt.date(2026, 11, 20),
        **kwargs,
    }
    return ReminderPatientFactory(**values)


# --- Cadences ---------------------------------------------------------------------


def test_a_daily_reminder_goes_out_once_each_local_day_at_the_chosen_hour():
    patient = daily_patient()
    dispatch_at(at("America/New_York", 2026, 11, 24, 7, 59))
    assert mail.outbox == []
    for moment in [(2026, 11, 24, 8), (2026, 11, 24, 8, 2), (2026, 11, 24, 23, 58)]:
        dispatch_at(at("America/New_York", *moment))
    assert len(mail.outbox) == 1
    dispatch_at(at("America/New_York", 2026, 11, 25, 9))
    assert [m.to for m in mail.outbox] == [[patient.email]] * 2
    rows = ReminderDelivery.objects.order_by("period_start")
    assert [(r.kind, r.period_start, r.status) for r in rows] == [
        ("day", dt.date(2026, 11, 24), Status.SENT),
        ("day", dt.date(2026, 11, 25), Status.SENT),
    ]
    assert mail.outbox[0].subject == f"{patient.first_name}, time for today's check-in"


def test_a_daily_reminder_is_not_sent_after_its_local_day_has_ended():
    daily_patient(reminder_hour=23)
    with time_machine.travel(at("America/New_York", 2026, 11, 24, 23, 30), tick=False):
        dispatch(enqueue=lambda ids: None)  # created, but the batch is lost
    dispatch_at(at("America/New_York", 2026, 11, 25, 0, 1))
    assert mail.outbox == []
    assert ReminderDelivery.objects.get(period_start=dt.date(2026, 11, 24)).status == Status.FAILED


def test_a_chosen_days_reminder_comes_only_on_the_ticked_weekdays():
    patient = daily_patient(reminder_cadence=Cadence.DAYS, reminder_days="135")  # Mon, Wed, Fri
    for day in range(23, 30):  # Monday 23 to Sunday 29 November 2026
        dispatch_at(at("America/New_York", 2026, 11, day, 12))
    days = list(ReminderDelivery.objects.order_by("period_start").values_list("period_start", flat=True))
    assert days == [dt.date(2026, 11, 23), dt.date(2026, 11, 25), dt.date(2026, 11, 27)]
    assert len(mail.outbox) == 3
    assert all(m.to == [patient.email] for m in mail.outbox)


def test_existing_weekly_subscribers_keep_one_reminder_a_week():
    patient = ReminderPatientFactory(time_zone="America/New_York", reminder_weekday=3, reminder_hour=9)
    assert patient.reminder_cadence == Cadence.WEEKLY
    patient.reminders_since = dt.date(2026, 11, 20)
    patient.save()
    for day in range(23, 30):
        for hour in (0, 9, 20):
            dispatch_at(at("America/New_York", 2026, 11, day, hour))
    [row] = ReminderDelivery.objects.all()
    assert (row.kind, row.period_start, row.status) == ("week", dt.date(2026, 11, 23), Status.SENT)
    assert row.due_at == at("America/New_York", 2026, 11, 25, 9)
    assert mail.outbox[0].subject == f"{patient.first_name}, your weekly check-in reminder"


# --- DST: one a local day, at the local hour -----------------------------------------

DST_CASES = [
    # zone, a day with a clock change (or none), hour
    ("Australia/Sydney", dt.date(2026, 10, 4), 8),  # clocks forward at 02:00
    ("Australia/Sydney", dt.date(2026, 10, 4), 2),  # 02:00 does not exist that day
    ("Australia/Sydney", dt.date(2027, 4, 4), 2),  # 02:00-03:00 happens twice
    ("America/New_York", dt.date(2026, 3, 8), 2),  # 02:00 does not exist that day
    ("America/New_York", dt.date(2026, 3, 8), 8),
    ("America/New_York", dt.date(2026, 11, 1), 1),  # 01:00-02:00 happens twice
    ("Pacific/Auckland", dt.date(2026, 9, 27), 2),  # 02:00 does not exist that day
    ("Pacific/Auckland", dt.date(2026, 4, 5), 2),  # 02:00-03:00 happens twice
    ("Asia/Kathmandu", dt.date(2026, 11, 27), 8),  # +05:45, no DST
    ("Asia/Kathmandu", dt.date(2026, 11, 27), 0),
]


@pytest.mark.parametrize(("zone", "day", "hour"), DST_CASES)
def test_a_daily_reminder_goes_out_once_a_local_day_across_a_clock_change(zone, day, hour):
    """Every 15 minutes for three local days around the change: one reminder per local day, at
    the first moment the local wall clock shows the chosen hour or later."""
    tz = zoneinfo.ZoneInfo(zone)
    daily_patient(time_zone=zone, reminder_hour=hour, reminders_since=day - dt.timedelta(days=3))
    start = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=2), dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    expected, moment = {}, start
    while moment < end:
        local = moment.astimezone(tz)
        if local.hour >= hour:
            expected.setdefault(local.date(), moment)
        dispatch_at(moment)
        moment += dt.timedelta(minutes=15)
    rows = ReminderDelivery.objects.order_by("period_start")
    assert [r.period_start for r in rows] == sorted(expected) == [day + dt.timedelta(days=n) for n in (-1, 0, 1)]
    assert [r.sent_at for r in rows] == [expected[r.period_start] for r in rows]
    assert len(mail.outbox) == 3


def test_kathmandu_gets_its_reminder_at_0800_local_which_is_0215_utc():
    daily_patient(time_zone="Asia/Kathmandu", reminders_since=dt.date(2026, 11, 20))
    dispatch_at(dt.datetime(2026, 11, 27, 2, 14, tzinfo=dt.UTC))
    assert mail.outbox == []
    dispatch_at(dt.datetime(2026, 11, 27, 2, 15, tzinfo=dt.UTC))
    assert len(mail.outbox) == 1


# --- Skipped once checked in ------------------------------------------------------


def test_no_reminder_for_a_day_already_checked_in_and_none_later_that_day():
    patient = daily_patient()
    CheckInFactory(patient=patient, day=dt.date(2026, 11, 24))
    summary = dispatch_at(at("America/New_York", 2026, 11, 24, 9))
    dispatch_at(at("America/New_York", 2026, 11, 24, 21))
    assert (summary.created, summary.checked_in, summary.enqueued) == (1, 1, 0)
    assert mail.outbox == []
    row = ReminderDelivery.objects.get()
    assert (row.status, row.last_error) == (Status.SKIPPED, CHECKED_IN)
    dispatch_at(at("America/New_York", 2026, 11, 25, 9))  # the next day, not checked in yet
    assert len(mail.outbox) == 1


def test_a_check_in_saved_between_dispatch_and_send_skips_the_reminder():
    patient = daily_patient()
    other = daily_patient(email="other@example.com")
    with time_machine.travel(at("America/New_York", 2026, 11, 24, 9), tick=False):
        batches = []
        dispatch(enqueue=batches.append)
        checkin_save(patient=patient, day=dt.date(2026, 11, 24), values={"stress": 3})
        outcome = send_batch(delivery_ids=batches[0])
    assert (outcome.sent, outcome.skipped) == (1, 1)
    assert [m.to for m in mail.outbox] == [[other.email]]
    row = ReminderDelivery.objects.get(patient=patient)
    assert (row.status, row.last_error, row.attempts) == (Status.SKIPPED, CHECKED_IN, 0)


def test_a_weekly_reminder_is_skipped_for_the_week_when_its_day_was_already_logged():
    patient = ReminderPatientFactory(
        time_zone="America/New_York", reminder_weekday=2, reminder_hour=9, reminders_since=dt.date(2026, 11, 1)
    )
    CheckInFactory(patient=patient, day=dt.date(2026, 11, 24))  # Tuesday
    for day in (24, 25, 26):
        dispatch_at(at("America/New_York", 2026, 11, day, 10))
    assert mail.outbox == []  # not sent late on Wednesday either
    assert ReminderDelivery.objects.get().status == Status.SKIPPED


def test_a_declared_pause_day_silences_a_daily_reminder():
    patient = daily_patient()
    Pause.objects.create(patient=patient, first_day=dt.date(2026, 11, 24), last_day=dt.date(2026, 11, 24))
    dispatch_at(at("America/New_York", 2026, 11, 24, 9))
    dispatch_at(at("America/New_York", 2026, 11, 25, 9))
    assert len(mail.outbox) == 1
    assert ReminderDelivery.objects.get(period_start=dt.date(2026, 11, 24)).status == Status.SKIPPED


# --- The gentle back-off ------------------------------------------------------------


def test_after_fourteen_quiet_days_a_daily_reminder_comes_on_mondays_and_says_so(settings):
    patient = daily_patient(reminders_since=dt.date(2026, 10, 1))
    CheckInFactory(patient=patient, day=dt.date(2026, 11, 2))  # Monday; 14 quiet days: 3 to 16 November
    dispatch_at(at("America/New_York", 2026, 11, 16, 9))  # Monday: still daily
    assert ReminderDelivery.objects.get().variant == Variant.REGULAR
    for day in range(17, 24):  # Tuesday 17 to Monday 23 November
        dispatch_at(at("America/New_York", 2026, 11, day, 9))
    rows = ReminderDelivery.objects.order_by("period_start")
    assert [(r.period_start, r.variant) for r in rows] == [
        (dt.date(2026, 11, 16), Variant.REGULAR),
        (dt.date(2026, 11, 23), Variant.WEEKLY_FOR_NOW),
    ]
    eased = mail.outbox[-1]
    text = " ".join(eased.body.split())
    assert eased.subject == f"{patient.first_name}, your check-in reminder now comes once a week"
    assert "this reminder comes once a week, on Monday" in text
    assert "it comes every day again" in text
    assert f"open your settings: {settings.SITE_URL}/settings/" in text
    today = dt.date(2026, 11, 24)
    patient.refresh_from_db()
    assert reminder_state(patient=patient, today=today).variant == Variant.WEEKLY_FOR_NOW

    # A check-in ends it: daily again from the next day.
    CheckInFactory(patient=patient, day=today)
    dispatch_at(at("America/New_York", 2026, 11, 25, 9))
    assert ReminderDelivery.objects.latest("period_start").variant == Variant.REGULAR
    assert len(mail.outbox) == 3


def test_an_eased_chosen_days_reminder_keeps_the_first_chosen_day_of_the_week():
    daily_patient(reminder_cadence=Cadence.DAYS, reminder_days="35", reminders_since=dt.date(2026, 10, 1))
    for day in range(23, 30):
        dispatch_at(at("America/New_York", 2026, 11, day, 12))
    [row] = ReminderDelivery.objects.all()
    assert (row.period_start, row.variant) == (dt.date(2026, 11, 25), Variant.WEEKLY_FOR_NOW)  # Wednesday
    assert "on Wednesday" in mail.outbox[0].body
    assert "on the days you chose again" in " ".join(mail.outbox[0].body.split())


@pytest.mark.parametrize("cadence", [Cadence.DAILY, Cadence.WEEKLY])
def test_after_eight_quiet_weeks_one_last_reminder_then_none_until_the_next_check_in(cadence):
    patient = daily_patient(reminder_cadence=cadence, reminder_weekday=1, reminders_since=dt.date(2026, 8, 1))
    CheckInFactory(patient=patient, day=dt.date(2026, 9, 27))  # 57 quiet days by Monday 23 November
    for day in range(23, 31):
        dispatch_at(at("America/New_York", 2026, 11, day, 9))
    dispatch_at(at("America/New_York", 2026, 12, 7, 9))
    [last] = ReminderDelivery.objects.all()
    assert (last.variant, last.status) == (Variant.LAST, Status.SENT)
    [message] = mail.outbox
    assert message.subject == f"{patient.first_name}, your last check-in reminder for now"
    assert "this is the last one. They start again by themselves after your next check-in." in " ".join(
        message.body.split()
    )
    patient.refresh_from_db()
    assert reminder_state(patient=patient, today=dt.date(2026, 12, 7)).paused

    CheckInFactory(patient=patient, day=dt.date(2026, 12, 7))
    dispatch_at(at("America/New_York", 2026, 12, 8, 9))
    dispatch_at(at("America/New_York", 2026, 12, 14, 9))
    after = ReminderDelivery.objects.filter(period_start__gte=dt.date(2026, 12, 7)).order_by("period_start")
    assert [(r.variant, r.status) for r in after] == [(Variant.REGULAR, Status.SENT)] * 2
    assert len(mail.outbox) == 3


def test_turning_reminders_on_again_starts_the_back_off_afresh():
    patient = daily_patient(reminders_since=dt.date(2026, 11, 20))
    CheckInFactory(patient=patient, day=dt.date(2025, 1, 1))  # a long time ago
    dispatch_at(at("America/New_York", 2026, 11, 25, 9))
    assert ReminderDelivery.objects.get().variant == Variant.REGULAR
