"""The clinic dashboard's notes-opened and reminder-reach figures, and their suppression."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import ClinicFactory, UserFactory
from tracker.checkins.services import checkin_save
from tracker.clinics.disclosure import engagement_report
from tracker.clinics.engagement import Period, clinic_engagement, default_period
from tracker.clinics.services import clinic_join, clinic_leave
from tracker.core.time import patient_today
from tracker.models import Note, NoteOpened, ReminderDelivery

TODAY = dt.date(2026, 11, 27)
pytestmark = pytest.mark.django_db


def _patients(clinic, count, *, joined=None):
    patients = [UserFactory() for _ in range(count)]
    for patient in patients:
        clinic_join(patient=patient, clinic=clinic, now=joined)
    return patients


def _sent(patient, *, at, daily=False):
    iso = at.date().isocalendar()
    return ReminderDelivery.objects.create(
        patient=patient,
        kind=ReminderDelivery.Kind.DAY if daily else ReminderDelivery.Kind.WEEK,
        period_start=at.date() if daily else dt.date.fromisocalendar(iso.year, iso.week, 1),
        iso_year=iso.year,
        iso_week=iso.week,
        status=ReminderDelivery.Status.SENT,
        due_at=at,
        expires_at=at + dt.timedelta(days=7),
        sent_at=at,
    )


def _report(clinic):
    engagement = clinic_engagement(clinic=clinic, period=default_period(today=TODAY))
    return engagement, engagement_report(engagement=engagement, today=TODAY)


def test_it_counts_notes_opened_by_this_clinics_patients_only(frozen_now):
    clinic = ClinicFactory()
    ours = _patients(clinic, 6)
    outsider = UserFactory()
    sleep, stress = Note.objects.get(slug="sleep"), Note.objects.get(slug="stress")
    for patient in ours:
        NoteOpened.objects.create(patient=patient, note=sleep, day=TODAY)
    NoteOpened.objects.create(patient=ours[0], note=stress, day=TODAY)
    NoteOpened.objects.create(patient=outsider, note=sleep, day=TODAY)
    NoteOpened.objects.create(patient=ours[1], note=stress, day=TODAY - dt.timedelta(weeks=20))  # before the period
    engagement, report = _report(clinic)
    this_week = engagement.notes[-1]
    assert (this_week.openings, this_week.patients) == (7, 6)
    assert sum(week.openings for week in engagement.notes) == 7
    assert report.summary["notes_opened"].text == "7"


def test_it_withholds_notes_opened_by_fewer_than_five_patients(frozen_now):
    clinic = ClinicFactory()
    for patient in _patients(clinic, 4):
        NoteOpened.objects.create(patient=patient, note=Note.objects.get(slug="sleep"), day=TODAY)
    _, report = _report(clinic)
    assert report.summary["notes_opened"].text == "fewer than 5"
    assert report.summary["notes_opened"].csv == ""


def test_reminder_reach_counts_check_ins_made_within_48_hours_of_the_email(frozen_now):
    clinic = ClinicFactory()
    patients = _patients(clinic, 10)
    sent_at = timezone.now() - dt.timedelta(days=3)
    for i, patient in enumerate(patients):
        _sent(patient, at=sent_at)
        if i < 5:  # five come back within a day
            frozen_now.move_to(sent_at + dt.timedelta(hours=20))
            checkin_save(patient=patient, day=patient_today(patient=patient), values={"stress": 2})
        elif i < 7:  # two come back three days later: too late to count
            frozen_now.move_to(sent_at + dt.timedelta(hours=72))
            checkin_save(patient=patient, day=patient_today(patient=patient), values={"stress": 2})
    frozen_now.move_to(sent_at + dt.timedelta(hours=72))
    engagement, report = _report(clinic)
    reach = [week for week in engagement.reminders if week.sent]
    assert [(week.sent, week.followed) for week in reach] == [(10, 5)]
    assert report.summary["reminders_sent"].text == "10"
    assert report.summary["reminders_followed_share"].text == "50%"


def test_reminder_reach_is_withheld_for_small_groups(frozen_now):
    clinic = ClinicFactory()
    patients = _patients(clinic, 7)
    sent_at = timezone.now() - dt.timedelta(days=2)
    for i, patient in enumerate(patients):
        _sent(patient, at=sent_at)
        if i < 3:
            frozen_now.move_to(sent_at + dt.timedelta(hours=1))
            checkin_save(patient=patient, day=patient_today(patient=patient), values={"stress": 2})
    _, report = _report(clinic)
    assert report.summary["reminders_sent"].text == "7"
    # Only three patients followed: the share would single them out.
    assert report.summary["reminders_followed_share"].text == "fewer than 5"


def test_notes_opened_count_a_patient_only_while_enrolled(frozen_now):
    # The hostile test's clinic: 40 enrolled, yet 41 "patients who opened a note".
    clinic = ClinicFactory()
    staying = _patients(clinic, 5)
    leaver = _patients(clinic, 1, joined=timezone.now() - dt.timedelta(weeks=5))[0]
    clinic_leave(patient=leaver, clinic_id=clinic.pk, now=timezone.now() - dt.timedelta(weeks=3))
    sleep = Note.objects.get(slug="sleep")
    for patient in [*staying, leaver]:
        NoteOpened.objects.create(patient=patient, note=sleep, day=TODAY)  # the leaver opens it after leaving
    engagement, report = _report(clinic)
    assert engagement.notes[-1].patients == 5
    assert report.activity_rows[-1].notes_patients.text == "5"
    assert report.rows[-1].enrolled.text == "5"


def test_reminder_reach_counts_a_patient_only_while_enrolled(frozen_now):
    clinic = ClinicFactory()
    staying = _patients(clinic, 5)
    leaver = _patients(clinic, 1, joined=timezone.now() - dt.timedelta(weeks=5))[0]
    clinic_leave(patient=leaver, clinic_id=clinic.pk, now=timezone.now() - dt.timedelta(weeks=3))
    for patient in [*staying, leaver]:
        _sent(patient, at=timezone.now() - dt.timedelta(hours=1))
    engagement, report = _report(clinic)
    assert engagement.reminders[-1].sent == 5
    assert report.summary["reminders_sent"].text == "5"


def test_two_periods_a_week_apart_cannot_be_subtracted_to_reveal_a_small_week(frozen_now):
    clinic = ClinicFactory()
    patients = _patients(clinic, 8, joined=timezone.now() - dt.timedelta(weeks=3))
    sleep = Note.objects.get(slug="sleep")
    last_week = TODAY - dt.timedelta(weeks=1)
    for patient in patients:
        NoteOpened.objects.create(patient=patient, note=sleep, day=last_week)
    for patient in patients[:3]:  # only three open a note this week
        NoteOpened.objects.create(patient=patient, note=sleep, day=TODAY)
        _sent(patient, at=timezone.now() - dt.timedelta(hours=1))
    for patient in patients:
        _sent(patient, at=timezone.now() - dt.timedelta(weeks=1))

    def figures(last):
        period = Period.ending(last_week=last, weeks=4)
        report = engagement_report(engagement=clinic_engagement(clinic=clinic, period=period), today=TODAY)
        return report, (report.summary["notes_opened"].value, report.summary["reminders_sent"].value)

    this, with_this_week = figures(TODAY)
    _, without_it = figures(last_week)
    assert this.activity_rows[-1].notes_opened.text == "fewer than 5"
    assert this.activity_rows[-1].reminders_sent.text == "fewer than 5"
    assert with_this_week == without_it == (8, 8)  # the week of three is pooled into neither


def test_reminder_reach_counts_patients_whatever_their_cadence(frozen_now):
    """Three daily patients get three reminders each this week, three weekly patients one: six
    patients reached (a count the small-cell rule can publish), twelve reminders."""
    clinic = ClinicFactory()
    daily, weekly = _patients(clinic, 3), _patients(clinic, 3)
    monday = dt.datetime(2026, 11, 23, 14, tzinfo=dt.UTC)
    for patient in daily:
        for day in range(3):
            _sent(patient, at=monday + dt.timedelta(days=day), daily=True)
    for patient in weekly:
        _sent(patient, at=monday)
    for patient in [*daily, *weekly[:2]]:  # five check in within 48 hours of a reminder
        frozen_now.move_to(monday + dt.timedelta(days=1, hours=3))
        checkin_save(patient=patient, day=patient_today(patient=patient), values={"stress": 2})
    frozen_now.move_to(monday + dt.timedelta(days=4))
    engagement, report = _report(clinic)
    week = engagement.reminders[-1]
    assert (week.sent, week.reminders, week.followed) == (6, 12, 5)
    row = report.activity_rows[-1]
    assert (row.reminders_sent.text, row.reminders_count.text) == ("6", "12")
    # Five followed and one did not: the one left over would be singled out.
    assert row.reminders_followed_share.text == "withheld: protects a small group"
    assert report.summary["reminders_sent"].text == "12"


def test_a_daily_patients_seven_reminders_do_not_make_a_small_group_publishable(frozen_now):
    clinic = ClinicFactory()
    monday = dt.datetime(2026, 11, 23, 14, tzinfo=dt.UTC)
    for patient in _patients(clinic, 2):
        for day in range(4):
            _sent(patient, at=monday + dt.timedelta(days=day), daily=True)
    _, report = _report(clinic)
    row = report.activity_rows[-1]
    assert (row.reminders_sent.text, row.reminders_count.text) == ("fewer than 5", "fewer than 5")


def test_reminders_on_counts_enrolled_patients_with_any_cadence_and_hides_small_groups(frozen_now):
    clinic = ClinicFactory()
    patients = _patients(clinic, 12)
    verified = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for patient, cadence in zip(patients[:6], ["daily", "days", "weekly"] * 2, strict=True):
        patient.reminders_enabled, patient.email_verified_at, patient.reminder_cadence = True, verified, cadence
        patient.save()
    patients[6].reminders_enabled = True  # no confirmed address: not on
    patients[6].save()
    outsider = UserFactory(reminders_enabled=True, email_verified_at=verified)
    assert outsider.pk
    engagement, report = _report(clinic)
    assert engagement.reminders_on == 6
    assert report.summary["reminders_on"].text == "6"
    patients[0].reminders_enabled = False
    patients[0].save()
    _, report = _report(clinic)
    assert report.summary["reminders_on"].text == "5"
    for patient in patients[1:3]:
        patient.reminders_enabled = False
        patient.save()
    _, report = _report(clinic)
    assert report.summary["reminders_on"].text == "fewer than 5"
