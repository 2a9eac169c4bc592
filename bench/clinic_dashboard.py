"""Benchmark: the clinic dashboard on a clinic of 10,000 patients x 365 days (PostgreSQL).

    make bench-clinic                                # generate (once) and measure
    make bench-clinic BENCH_ARGS=--regenerate

Uses BENCH_DATABASE_URL (never the app's DATABASE_URL), default
postgres://postgres@127.0.0.1:5432/wt_clinics_bench, created when missing; generating
empties its tables first. Static files must be collected first (production settings
serve them from the manifest): `make bench-clinic` does it.
Generation is one INSERT ... SELECT generate_series per table, then the rollup
is rebuilt with rollup_rebuild(), as `manage.py rebuild_rollups` would.

It prints the dashboard's server time (median of 7 requests through Django's
test client: middleware, queries, template render) and query count, the time
of one bare SQL aggregate of weekly active patients over the raw check-ins for
the same 12 weeks (median of 5), their ratio, and checks that both agree.
Targets: at most 10 queries, 150 ms, and a third of the bare SQL's time.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchdb import bench_database_url, create_database_if_missing  # bench/, beside this file (sys.path above)

create_database_if_missing(bench_database_url("postgres://postgres@127.0.0.1:5432/wt_clinics_bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wellness.settings")
# Measure as in production: DEBUG off (no query log kept, cached templates).
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_HTTPS", "0")  # the test client speaks plain http: no HTTPS redirect

import django  # noqa: E402 - after the environment it reads

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from tracker.checkins.rollup import rollup_rebuild  # noqa: E402
from tracker.clinics.engagement import clinic_engagement, default_period  # noqa: E402
from tracker.core.time import patient_today  # noqa: E402
from tracker.models import Clinic, ClinicMembership, PatientWeek, User  # noqa: E402

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "10000"))
DAYS = 365
CLINIC_NAME = "Benchmark clinic"
CLINICIAN_EMAIL = "bench-clinician@bench.example"

USERS_SQL = """
INSERT INTO tracker_user (password, is_superuser, email, first_name, role, time_zone, is_staff, is_active, date_joined,
                         reminders_enabled, reminder_weekday, reminder_hour)
SELECT '!', false, 'bench' || g || '@bench.example', '', 'patient',
       (ARRAY['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles',
              'Europe/London'])[1 + g %% 5],
       false, true, now() - interval '400 days', false, 1, 8
FROM generate_series(1, %(n)s) AS g
"""

# Patients joined between 30 and 365 days ago; one in 20 has left since.
ENROLMENTS_SQL = """
WITH p AS (
    SELECT id, time_zone,
           now() - make_interval(days => (30 + (id * 7919) %% 335)::int) AS joined_at,
           CASE WHEN id %% 20 = 0 THEN now() - make_interval(days => ((id * 31) %% 29)::int) END AS left_at
    FROM tracker_user WHERE role = 'patient'
), d AS (
    SELECT *, (joined_at AT TIME ZONE time_zone)::date AS joined_on,
           (left_at AT TIME ZONE time_zone)::date AS left_on
    FROM p
)
INSERT INTO tracker_enrolment (patient_id, clinic_id, joined_at, left_at, joined_on, from_week, until_week,
                               active_week_1, active_week_2, active_week_4, active_week_8, active_week_12)
SELECT id, %(clinic)s, joined_at, left_at, joined_on, date_trunc('week', joined_on)::date,
       CASE WHEN left_on IS NOT NULL
            THEN greatest(date_trunc('week', left_on)::date, date_trunc('week', joined_on)::date) END,
       false, false, false, false, false
FROM d
"""

# Each patient has their own adherence (40% to 100%, about 70% on average);
# every check-in has a stress rating, the other factors are often left out.
CHECKINS_SQL = """
INSERT INTO tracker_checkin (patient_id, day, sleep_hours, sleep_quality, stress, omega3_servings,
                             omega3_supplement, fruit_veg_servings, note, created_at, updated_at)
SELECT u.id, d::date,
       CASE WHEN r < 0.9 THEN (20 + (u.id + x.k) %% 16) / 4.0 END,
       CASE WHEN r < 0.85 THEN 1 + (u.id + x.k) %% 5 END,
       (u.id * 3 + x.k) %% 11,
       CASE WHEN r < 0.6 THEN (u.id + x.k) %% 4 END,
       CASE WHEN r < 0.4 THEN true END,
       CASE WHEN r < 0.8 THEN (u.id + x.k) %% 9 END,
       '', now(), now()
FROM tracker_user u
CROSS JOIN generate_series(%(today)s::date - %(days)s + 1, %(today)s::date, interval '1 day') AS d
CROSS JOIN LATERAL (SELECT random() AS r, random() AS a, d::date - date '2000-01-01' AS k) AS x
WHERE u.role = 'patient' AND x.a < 0.4 + 0.6 * ((u.id * 37) %% 100) / 99.0
"""

BARE_SQL = """
SELECT date_trunc('week', c.day)::date AS week, COUNT(DISTINCT c.patient_id)
FROM tracker_checkin c
WHERE c.day BETWEEN %(first)s AND %(last)s
  AND EXISTS (
      SELECT 1 FROM tracker_enrolment e
      WHERE e.patient_id = c.patient_id AND e.clinic_id = %(clinic)s
        AND e.from_week <= date_trunc('week', c.day)::date
        AND (e.until_week IS NULL OR e.until_week > date_trunc('week', c.day)::date))
GROUP BY 1 ORDER BY 1
"""


def _timed(label, sql=None, params=None, fn=None):
    start = time.perf_counter()
    if fn:
        result = fn()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            result = cursor.rowcount
    print(f"  {label}: {time.perf_counter() - start:.1f} s ({result:,} rows)", flush=True)


def generate():
    print(f"Generating {PATIENTS:,} patients x {DAYS} days...", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tracker_auditevent, tracker_patientweek, tracker_checkin, tracker_enrolment, "
            "tracker_clinicmembership, tracker_clinic, tracker_user, django_session RESTART IDENTITY CASCADE"
        )
    clinic = Clinic.objects.create(name=CLINIC_NAME)
    clinician = User.objects.create_user(email=CLINICIAN_EMAIL, role=User.Role.CLINICIAN)
    ClinicMembership.objects.create(clinic=clinic, clinician=clinician, is_admin=True)
    today = timezone.localdate()
    _timed("patients", USERS_SQL, {"n": PATIENTS})
    _timed("enrolments", ENROLMENTS_SQL, {"clinic": clinic.pk})
    _timed("check-ins", CHECKINS_SQL, {"today": today, "days": DAYS})
    _timed("rollup_rebuild", fn=rollup_rebuild)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main():
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set BENCH_DATABASE_URL to a postgres:// URL.")
    call_command("migrate", verbosity=0)
    existing = User.objects.filter(role=User.Role.PATIENT).count()
    complete = Clinic.objects.filter(name=CLINIC_NAME).exists() and PatientWeek.objects.exists()
    if "--regenerate" in sys.argv or existing != PATIENTS or not complete:
        generate()
    else:
        print(f"Reusing the {existing:,} generated patients (--regenerate to start again).")
    clinic = Clinic.objects.get(name=CLINIC_NAME)
    clinician = User.objects.get(email=CLINICIAN_EMAIL)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tracker_checkin")
        checkins = cursor.fetchone()[0]
    print(f"Data: {existing or PATIENTS:,} patients, {checkins:,} check-ins.")

    client = Client()
    client.force_login(clinician)
    url = reverse("clinic_dashboard", args=[clinic.pk])
    for _ in range(2):  # warm up connection, caches and templates
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)
    times = []
    for _ in range(7):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    dashboard = statistics.median(times)

    period = default_period(today=patient_today(patient=clinician))
    params = {"first": period.first_week, "last": period.last_day, "clinic": clinic.pk}
    bare_times = []
    for _ in range(5):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, params)
            bare_rows = cursor.fetchall()
        bare_times.append(time.perf_counter() - start)
    bare = statistics.median(bare_times)

    from_rollup = [(w.week_start, w.active) for w in clinic_engagement(clinic=clinic, period=period).weeks]
    bare_counts = dict(bare_rows)
    agree = all(bare_counts.get(week, 0) == active for week, active in from_rollup)

    ratio = dashboard / bare
    print(
        f"Dashboard (12 weeks, server time incl. template render): median {dashboard * 1000:.0f} ms of 7, "
        f"{queries} queries"
    )
    print(f"Bare SQL weekly-active aggregate over raw check-ins:      median {bare * 1000:.0f} ms of 5")
    print(f"Ratio dashboard / bare SQL: {ratio:.2f}")
    print(f"Weekly active patients agree with the bare SQL: {'yes' if agree else 'NO'}")
    checks = {
        "queries <= 10": queries <= 10,
        "time <= 150 ms": dashboard <= 0.150,
        "time <= bare SQL / 3": ratio <= 1 / 3,
        "figures agree": agree,
    }
    print("Targets: " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in checks.items()))
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
