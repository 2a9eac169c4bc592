"""Demo data: a clinic, a clinician and patients with varied, realistic check-ins.

Everything is deterministic (a patient's answers for a day depend only on the
patient and the day), and only missing rows are inserted, so running it twice
changes nothing. Run on a later day, it adds the days that have passed since.
"""

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tracker.checkins.rollup import rollup_rebuild
from tracker.clinics.disclosure import disclosure_trace, engagement_report
from tracker.clinics.engagement import clinic_engagement, default_period
from tracker.clinics.join_codes import join_codes_issue
from tracker.core.time import monday_of, patient_today
from tracker.models import (
    AuditEvent,
    CheckIn,
    Clinic,
    ClinicMembership,
    Enrolment,
    JoinCode,
    Note,
    NoteOpened,
    ReminderDelivery,
    User,
)

DEMO_PASSWORD = "wellness-demo-2026"
DEMO_CLINIC_NAME = "Riverside Wellness Clinic (demo)"
DEMO_CLINICIAN_EMAIL = "clinician@demo.example"
DEMO_PATIENT_EMAIL = "patient@demo.example"
DEMO_PATIENT_COUNT = 42  # the named demo patient plus 41 more
DEMO_JOIN_CODES = 10
HISTORY_DAYS = 120

FIRST_NAMES = [
    "Alex", "Sam", "Jordan", "Taylor", "Morgan", "Riley", "Casey", "Jamie", "Avery", "Quinn",
    "Rowan", "Skyler", "Emerson", "Harper", "Reese", "Dakota", "Hayden", "Parker", "Sage", "Kendall",
]  # fmt: skip
TIME_ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix"]


@dataclass(frozen=True)
class Habit:
    """How one demo patient logs: when they start, how often, and whether they lapse."""

    name: str
    start_offset: int  # days before today of their first possible check-in
    adherence: float  # chance of logging on a given day
    lapse_after: int | None = None  # days since start after which they stop logging


def _habit_for(index: int) -> Habit:
    if index == 0:
        return Habit("daily logger", HISTORY_DAYS - 1, 0.95)
    kind = index % 5
    if kind == 0:
        return Habit("daily logger", HISTORY_DAYS - 1, 0.9)
    if kind == 1:
        return Habit("weekday logger", HISTORY_DAYS - 1, 0.7)
    if kind == 2:
        return Habit("lapser", HISTORY_DAYS - 1, 0.8, lapse_after=30 + index)
    if kind == 3:
        return Habit("late starter", 20 + index, 0.85)
    return Habit("sporadic logger", HISTORY_DAYS - 1, 0.35)


def _rng(email: str, day: dt.date) -> random.Random:
    seed = hashlib.sha256(f"{email}|{day.isoformat()}".encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def demo_checkin_values(email: str, day: dt.date) -> dict:
    """Plausible answers for one day; not every factor every day."""
    rng = _rng(email, day)
    weekend = day.weekday() >= 5
    values = {
        "sleep_hours": None,
        "sleep_quality": None,
        "stress": None,
        "omega3_servings": None,
        "omega3_supplement": None,
        "fruit_veg_servings": None,
        "note": "",
    }
    if rng.random() < 0.9:
        quarters = round(rng.gauss(7.5 if weekend else 6.75, 1.0) * 4)
        values["sleep_hours"] = Decimal(min(max(quarters, 12), 44)) / 4
        values["sleep_quality"] = min(max(round(rng.gauss(3.4, 0.9)), 1), 5)
    if rng.random() < 0.85:
        values["stress"] = min(max(round(rng.gauss(3.5 if weekend else 5.0, 2.0)), 0), 10)
    if rng.random() < 0.7:
        values["omega3_servings"] = min(max(round(rng.gauss(1.0, 1.0)), 0), 10)
        values["omega3_supplement"] = rng.random() < 0.4
    if rng.random() < 0.8:
        values["fruit_veg_servings"] = min(max(round(rng.gauss(4.0, 1.8)), 0), 20)
    if rng.random() < 0.08:
        values["note"] = rng.choice(
            ["Long walk at lunch.", "Busy day at work.", "Slept badly, noisy street.", "Cooked salmon."]
        )
    if all(values[k] is None for k in values if k != "note"):
        values["stress"] = min(max(round(rng.gauss(4.0, 2.0)), 0), 10)
    return values


def _logs_on(habit: Habit, email: str, days_ago: int, day: dt.date) -> bool:
    if days_ago > habit.start_offset:
        return False
    since_start = habit.start_offset - days_ago
    if habit.lapse_after is not None and since_start > habit.lapse_after:
        return False
    adherence = habit.adherence
    if habit.name == "weekday logger" and day.weekday() >= 5:
        adherence = 0.15
    return _rng(email + "|log", day).random() < adherence


def _patient_email(index: int) -> str:
    return DEMO_PATIENT_EMAIL if index == 0 else f"patient{index:02d}@demo.example"


def seed_demo(*, progress=None, now: dt.datetime | None = None) -> dict:
    """Create or top up the demo data. Returns counts of what was created."""
    now = now or timezone.now()
    report = progress or (lambda message: None)
    created = {"users": 0, "clinics": 0, "checkins": 0}
    password_hash = make_password(DEMO_PASSWORD)  # hash once: 40 hashes would take seconds

    with transaction.atomic():
        clinic, made = Clinic.objects.get_or_create(name=DEMO_CLINIC_NAME)
        created["clinics"] += made
        clinician, made = User.objects.get_or_create(
            email=DEMO_CLINICIAN_EMAIL,
            defaults={"password": password_hash, "first_name": "Dana", "role": User.Role.CLINICIAN},
        )
        created["users"] += made
        # The demo clinician is the clinic's admin clinician: they may invite others.
        ClinicMembership.objects.update_or_create(clinic=clinic, clinician=clinician, defaults={"is_admin": True})
        # A batch of join codes to try the join page and the printable handout with. The demo
        # patients are enrolled directly below, as if each had used a code of an earlier batch.
        if not clinic.join_codes.filter(JoinCode.usable(now)).exists():
            join_codes_issue(clinic=clinic, clinician=clinician, count=DEMO_JOIN_CODES, now=now)

    patient_ids = []
    for index in range(DEMO_PATIENT_COUNT):
        email = _patient_email(index)
        habit = _habit_for(index)
        with transaction.atomic():
            patient, made = User.objects.get_or_create(
                email=email,
                defaults={
                    "password": password_hash,
                    "first_name": FIRST_NAMES[index % len(FIRST_NAMES)],
                    "role": User.Role.PATIENT,
                    "time_zone": TIME_ZONES[index % len(TIME_ZONES)],
                    "date_joined": now - dt.timedelta(days=habit.start_offset + 1),
                },
            )
            created["users"] += made
            if made:
                Enrolment.objects.create(patient=patient, clinic=clinic, joined_at=patient.date_joined)
            today = patient_today(patient=patient, now=now)
            existing = set(patient.checkins.values_list("day", flat=True))
            rows = []
            for days_ago in range(HISTORY_DAYS):
                day = today - dt.timedelta(days=days_ago)
                if day in existing or not _logs_on(habit, email, days_ago, day):
                    continue
                rows.append(CheckIn(patient=patient, day=day, **demo_checkin_values(email, day)))
            CheckIn.objects.bulk_create(rows)
            # Realistic timestamps (an evening check-in each day), not the moment of seeding.
            for row in rows:
                row.created_at = row.updated_at = dt.datetime.combine(row.day, dt.time(19, 30), tzinfo=patient.tzinfo)
            CheckIn.objects.bulk_update(rows, ["created_at", "updated_at"], batch_size=500)
            created["checkins"] += len(rows)
        report(f"Patient {index + 1}/{DEMO_PATIENT_COUNT}: {email} ({habit.name}), {len(rows)} new check-ins")
        patient_ids.append(patient.pk)
    # bulk_create bypasses checkin_save, so rebuild the dashboard's rollup for these patients.
    rollup_rebuild(patient_ids=patient_ids)
    _seed_engagement_extras(patient_ids=patient_ids, now=now)
    _seed_dashboard_views(clinic=clinic, clinician=clinician, now=now)
    return created


DASHBOARD_VIEW_WEEKS = 16


def _seed_dashboard_views(*, clinic: Clinic, clinician: User, now: dt.datetime) -> None:
    """The demo clinician opened the dashboard every Monday morning and downloaded the CSV every
    fourth, so a patient's Account activity page has months of "your clinic looked at its figures".
    Each view records what its period showed, as tracker/clinics/views.py does. Added once."""
    views = AuditEvent.objects.filter(actor_ref=clinician.pk, action=AuditEvent.Action.DASHBOARD_VIEWED)
    if views.exists():
        return
    this_monday = monday_of(now.astimezone(clinician.tzinfo).date())
    for weeks_ago in range(DASHBOARD_VIEW_WEEKS, 0, -1):
        monday = this_monday - dt.timedelta(weeks=weeks_ago)
        report = engagement_report(
            engagement=clinic_engagement(clinic=clinic, period=default_period(today=monday)), today=monday
        )
        at = dt.datetime.combine(monday, dt.time(9), tzinfo=clinician.tzinfo)
        meta = {
            "first_week": report.period.first_week.isoformat(),
            "last_week": report.period.last_week.isoformat(),
            **disclosure_trace(report),
        }
        actions = [AuditEvent.Action.DASHBOARD_VIEWED]
        if weeks_ago % 4 == 0:
            actions.append(AuditEvent.Action.DASHBOARD_EXPORTED)
        for action in actions:
            AuditEvent.objects.create(
                actor=clinician,
                actor_ref=clinician.pk,
                action=action,
                clinic=clinic,
                clinic_ref=clinic.pk,
                at=at,
                metadata=meta,
            )


def _seed_engagement_extras(*, patient_ids: list[int], now: dt.datetime) -> None:
    """Notes opened and past weekly reminders, so the clinic dashboard shows those figures too.

    Two patients in three opted into reminders (Monday 08:00) and verified their address; past
    weeks' reminders are recorded as sent. Only missing rows are added, as above.
    """
    notes = list(Note.objects.order_by("slug").values_list("id", flat=True))
    patients = User.objects.filter(pk__in=patient_ids).order_by("pk")
    opted_in = [p for i, p in enumerate(patients) if i % 3 != 2]
    User.objects.filter(pk__in=[p.pk for p in opted_in], email_verified_at__isnull=True).update(
        email_verified_at=now - dt.timedelta(days=HISTORY_DAYS),
        reminders_enabled=True,
        reminder_weekday=1,
        reminder_hour=8,
    )
    openings, deliveries = [], []
    for patient in patients:
        today = patient_today(patient=patient, now=now)
        for days_ago in range(0, 84, 3):
            day = today - dt.timedelta(days=days_ago)
            if notes and _rng(patient.email + "|note", day).random() < 0.25:
                openings.append(NoteOpened(patient=patient, note_id=notes[day.toordinal() % len(notes)], day=day))
    for patient in opted_in:
        zone = patient.tzinfo
        this_monday = monday_of(patient_today(patient=patient, now=now))
        for weeks_ago in range(1, 9):
            monday = this_monday - dt.timedelta(weeks=weeks_ago)
            iso = monday.isocalendar()
            sent_at = dt.datetime.combine(monday, dt.time(8), tzinfo=zone)
            next_monday = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tzinfo=zone)
            deliveries.append(
                ReminderDelivery(
                    patient=patient,
                    kind=ReminderDelivery.Kind.WEEK,
                    period_start=monday,
                    iso_year=iso.year,
                    iso_week=iso.week,
                    status=ReminderDelivery.Status.SENT,
                    due_at=sent_at,
                    expires_at=next_monday,
                    sent_at=sent_at,
                    attempts=1,
                )
            )
    NoteOpened.objects.bulk_create(openings, ignore_conflicts=True)
    ReminderDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
