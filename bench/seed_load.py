"""Seed a PostgreSQL database for the load test: one clinic, one clinician and
N patients with 90 days of check-ins at about 70% adherence.

Run through bench/loadtest.py, which sets DATABASE_URL and the settings.
Idempotent: it seeds only what is missing.
"""

import datetime as dt
import os
import sys
import time
import zoneinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellness.settings")

import django

django.setup()


from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from tracker.core.time import monday_of  # noqa: E402
from tracker.models import CheckIn, Clinic, Enrolment, User  # noqa: E402

PATIENTS = int(os.environ.get("LOAD_PATIENTS", "10000"))
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password-2026")
DAYS = 90


def main():
    assert connection.vendor == "postgresql", "the load test runs on PostgreSQL"
    started = time.perf_counter()
    password = make_password(PASSWORD)
    with transaction.atomic():
        clinic, _ = Clinic.objects.get_or_create(name="Load test clinic")
        clinician, _ = User.objects.get_or_create(
            email="clinician@load.example", defaults={"password": password, "role": User.Role.CLINICIAN}
        )
        _add_clinician(clinic, clinician)
        existing = set(User.objects.filter(email__endswith="@load.example").values_list("email", flat=True))
        new = [
            User(email=f"load{i:05d}@load.example", password=password, role=User.Role.PATIENT, first_name="Load")
            for i in range(PATIENTS)
            if f"load{i:05d}@load.example" not in existing
        ]
        User.objects.bulk_create(new, batch_size=2000)
        patients = User.objects.filter(email__startswith="load", email__endswith="@load.example", role="patient")
        enrolled = set(Enrolment.objects.filter(clinic=clinic).values_list("patient_id", flat=True))
        joined_at = timezone.now() - dt.timedelta(days=DAYS + 7)
        joined_on = joined_at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()
        from_week = monday_of(joined_on)
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    patient_id=pk,
                    clinic=clinic,
                    joined_at=joined_at,
                    joined_on=joined_on,
                    from_week=from_week,
                )
                for pk in patients.values_list("id", flat=True)
                if pk not in enrolled
            ],
            batch_size=5000,
        )
        already_seeded = CheckIn.objects.filter(patient__email__endswith="@load.example").exists()
        # The history is seeded once: a second run keeps it as it is.
        if not already_seeded:
            with connection.cursor() as cursor:
                # Days before today, each logged with 70% chance; every row has at least stress.
                cursor.execute(
                    """
                    INSERT INTO tracker_checkin (patient_id, day, sleep_hours, sleep_quality, stress, omega3_servings,
                                                 omega3_supplement, fruit_veg_servings, note, created_at, updated_at)
                    SELECT u.id, CURRENT_DATE - d, (20 + floor(random() * 17)) / 4.0, 1 + floor(random() * 5),
                           floor(random() * 11), floor(random() * 4), random() < 0.4, floor(random() * 9),
                           '', now(), now()
                    FROM tracker_user u CROSS JOIN generate_series(1, %s) AS d
                    WHERE u.email LIKE 'load%%@load.example' AND u.role = 'patient' AND random() < 0.7
                    ON CONFLICT DO NOTHING
                    """,
                    [DAYS],
                )
    call_command("migrate", verbosity=0)
    if not already_seeded:
        _rebuild_rollups()
    # Production runs autovacuum; this machine's PostgreSQL may not (CI's has it off). Without a
    # vacuum, each run would start on the dead row versions of every run before it.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"seeded: {patients.count()} patients, clinic id {clinic.pk}, "
        f"{_count('tracker_checkin')} check-ins in {time.perf_counter() - started:.1f}s"
    )
    print(f"CLINIC_ID={clinic.pk}")
    print(f"SESSIONS={','.join(_sessions(patients, int(os.environ.get('LOAD_SESSIONS', '20'))))}")


def _sessions(patients, count):
    """Logged-in sessions for `count` random patients, made by Django's own login() (so with the
    session clock and the password hash check), minus the password hash: the throughput runs
    measure returning patients, not the deliberately slow login."""
    from django.test import Client

    keys = []
    for patient in patients.order_by("?")[:count]:
        client = Client()
        client.force_login(patient, backend="django.contrib.auth.backends.ModelBackend")
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return keys


def _add_clinician(clinic, clinician):
    clinic.clinicians.add(clinician)


def _rebuild_rollups():
    from django.core.management import get_commands

    if "rebuild_rollups" in get_commands():
        call_command("rebuild_rollups", verbosity=0)


def _count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
