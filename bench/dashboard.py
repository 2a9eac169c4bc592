"""Benchmark: the patient dashboard for a patient with three years of daily check-ins.

    .venv/bin/python bench/dashboard.py                 # SQLite, in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wellness_bench .venv/bin/python bench/dashboard.py

It renders the dashboard through Django's test client (middleware, session,
queries, charts and template) several times for each chart period and prints
the median and 90th-percentile server time and the number of queries, plus
the median of the parts (the queries and the figures, the SVG charts) to show
where the time goes. Settings are the production ones (DJANGO_DEBUG=0).

On PostgreSQL the database is created when missing and migrated; the script
adds one patient with a unique email and deletes it (and its check-ins) at the
end, so it leaves every other row alone. Target: at most 50 ms.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HISTORY_DAYS = 3 * 365 + 1
WINDOWS = (7, 30, 90)


def _configure(tmp: str) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "wellness.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + uuid.uuid4().hex)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def _create_postgres_database(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    db = dj_database_url.parse(url)
    if db["ENGINE"] != "django.db.backends.postgresql":
        return
    params = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None}
    params["password"] = db["PASSWORD"] or None
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


def _ms(samples):
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.9 * (len(ordered) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed renders per chart period (default 30)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        _configure(tmp)
        _create_postgres_database(os.environ["DATABASE_URL"])

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from tracker.charts import dashboard_charts
        from tracker.checkins import patient_today
        from tracker.demo import demo_checkin_values
        from tracker.models import CheckIn, User
        from tracker.trends import patient_dashboard

        call_command("migrate", verbosity=0)
        patient = User.objects.create_user(f"bench-{uuid.uuid4().hex[:12]}@bench.example", time_zone="America/Chicago")
        try:
            today = patient_today(patient=patient)
            days = [today - dt.timedelta(days=offset) for offset in range(HISTORY_DAYS)]
            CheckIn.objects.bulk_create(
                [CheckIn(patient=patient, day=day, **demo_checkin_values(patient.email, day)) for day in days],
                batch_size=500,
            )
            client = Client()
            client.force_login(patient)
            url = reverse("dashboard")

            vendor = connection.vendor
            name = Path(connection.settings_dict["NAME"]).name
            print(f"Dashboard benchmark on {vendor} ({name}): {HISTORY_DAYS} days of daily check-ins, "
                  f"{args.runs} renders per period after 3 warm-up renders")  # fmt: skip
            print(f"{'period':>8} {'median ms':>10} {'p90 ms':>8} {'queries':>8}   parts (median ms): figures, charts")
            for window in WINDOWS:
                for _ in range(3):
                    assert client.get(f"{url}?days={window}").status_code == 200
                with CaptureQueriesContext(connection) as queries:
                    client.get(f"{url}?days={window}")
                query_count = len(queries)  # read now: the next request clears Django's query log
                total, figures, charts = [], [], []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    response = client.get(f"{url}?days={window}")
                    total.append(time.perf_counter() - start)
                    assert response.status_code == 200
                    start = time.perf_counter()
                    data = patient_dashboard(patient=patient, window_days=window)
                    figures.append(time.perf_counter() - start)
                    start = time.perf_counter()
                    dashboard_charts(data.rows, data.calendar)
                    charts.append(time.perf_counter() - start)
                median, p90 = _ms(total)
                print(
                    f"{window:>3} days {median:>10.1f} {p90:>8.1f} {query_count:>8}   "
                    f"{_ms(figures)[0]:.1f}, {_ms(charts)[0]:.1f}"
                )
        finally:
            patient.delete()


if __name__ == "__main__":
    main()
