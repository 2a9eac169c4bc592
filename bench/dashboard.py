"""Benchmark: the patient dashboard for a patient with three years of daily check-ins.

    make bench-dashboard                                # SQLite, in a temporary file
    make bench-dashboard BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wellness_bench

It renders the dashboard through Django's test client (middleware, session,
queries, charts and template) several times for each chart period and prints
the median and 90th-percentile server time and the number of queries, plus
the median of the parts (the queries and the figures, the SVG charts) to show
where the time goes. The same page for a patient with 30 days of history runs
alongside as a baseline, and the ratio between the two (measured in the same
run, so it holds on a busy machine) shows what a long history costs. Settings are the production ones (DJANGO_DEBUG=0).

Static files must be collected first (production settings serve them from the
manifest): `make bench-dashboard` does it. On PostgreSQL (BENCH_DATABASE_URL,
never the app's DATABASE_URL) the database is created when missing and migrated; the script
adds two patients with unique emails and deletes them (and its check-ins) at the
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

from benchdb import bench_database_url, create_database_if_missing  # noqa: E402 - bench/, beside this file

HISTORY_DAYS = 3 * 365 + 1
WINDOWS = (7, 30, 90)
BASELINE_DAYS = 30


def _configure(tmp: str) -> None:
    bench_database_url(f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "wellness.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + uuid.uuid4().hex)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_HTTPS"] = "0"  # the test client speaks plain http: no HTTPS redirect
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def _ms(samples):
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.9 * (len(ordered) - 1))] * 1000


def bench_patient(history_days: int):
    """A patient with `history_days` days of daily check-ins up to today, and a logged-in client
    (after django.setup())."""
    from django.test import Client

    from tracker.core.time import patient_today
    from tracker.demo import demo_checkin_values
    from tracker.models import CheckIn, User

    patient = User.objects.create_user(f"bench-{uuid.uuid4().hex[:12]}@bench.example", time_zone="America/Chicago")
    today = patient_today(patient=patient)
    days = [today - dt.timedelta(days=offset) for offset in range(history_days)]
    CheckIn.objects.bulk_create(
        [CheckIn(patient=patient, day=day, **demo_checkin_values(patient.email, day)) for day in days],
        batch_size=500,
    )
    client = Client()
    client.force_login(patient)
    return patient, client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed renders per chart period (default 30)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        _configure(tmp)
        create_database_if_missing(os.environ["DATABASE_URL"])

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from tracker.checkins.charts import dashboard_charts
        from tracker.checkins.trends import patient_dashboard

        call_command("migrate", verbosity=0)

        patients = []
        try:
            patients.append(long := bench_patient(HISTORY_DAYS))
            patients.append(short := bench_patient(BASELINE_DAYS))
            url = reverse("dashboard")
            # (label, patient and client, chart period); a 30-day history is the baseline for the ratio.
            cases = [(f"3 years, {w} days", long, w) for w in WINDOWS] + [(f"{BASELINE_DAYS} days, 30 days", short, 30)]
            timings = {label: {"total": [], "figures": [], "charts": []} for label, _, _ in cases}
            queries = {}
            for label, (_, client), window in cases:
                for _ in range(3):  # warm up
                    assert client.get(f"{url}?days={window}").status_code == 200
                with CaptureQueriesContext(connection) as captured:
                    client.get(f"{url}?days={window}")
                queries[label] = len(captured)  # read now: the next request clears Django's query log
            # Cases take turns run by run, so a busy moment on a shared machine hits them all alike.
            for _ in range(args.runs):
                for label, (patient, client), window in cases:
                    start = time.perf_counter()
                    response = client.get(f"{url}?days={window}")
                    timings[label]["total"].append(time.perf_counter() - start)
                    assert response.status_code == 200
                    start = time.perf_counter()
                    data = patient_dashboard(patient=patient, window_days=window)
                    timings[label]["figures"].append(time.perf_counter() - start)
                    start = time.perf_counter()
                    dashboard_charts(data.rows, data.calendar)
                    timings[label]["charts"].append(time.perf_counter() - start)

            name = Path(connection.settings_dict["NAME"]).name
            print(f"Dashboard on {connection.vendor} ({name}), {HISTORY_DAYS} days of daily check-ins, "
                  f"{args.runs} renders per case after 3 warm-up renders; target 50 ms")  # fmt: skip
            header = f"{'history, period':<24} {'median ms':>9} {'p90 ms':>7} {'queries':>7}"
            print(f"{header}  parts, median ms: figures, charts")
            for label, _, _ in cases:
                median, p90 = _ms(timings[label]["total"])
                figures, charts = _ms(timings[label]["figures"])[0], _ms(timings[label]["charts"])[0]
                print(f"{label:<24} {median:>9.1f} {p90:>7.1f} {queries[label]:>7}   {figures:.1f}, {charts:.1f}")
            ratio = _ms(timings["3 years, 30 days"]["total"])[0] / _ms(timings[cases[-1][0]]["total"])[0]
            print(f"3 years of history against {BASELINE_DAYS} days, 30-day period: {ratio:.2f}x the time")
        finally:
            for patient, _ in patients:
                patient.delete()


if __name__ == "__main__":
    main()
