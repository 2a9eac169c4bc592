"""Benchmark: the appointment summary and the patterns page for a patient with three years of
daily check-ins (and a pause in each of ten months).

    make bench-summary                                      # SQLite, in a temporary file
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wellness_bench make bench-summary

It renders each page through Django's test client (middleware, session, queries, charts and
template), with the production settings (DJANGO_DEBUG=0), several times per case, and prints the
median and 90th-percentile server time, the median CPU time of this process (on SQLite, all the
work; less moved by other processes on a busy machine than the wall time) and the number of
queries. The dashboard at 30 and 90 days runs alongside as a yardstick. Cases take turns run by run, so
a busy moment on a shared machine hits them all alike. Set up and clean up as bench/dashboard.py
does (whose helpers it uses): two patients with unique emails, deleted at the end. Target: at
most 50 ms.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import create_database_if_missing  # bench/, beside this file
from dashboard import HISTORY_DAYS, _configure, _ms, bench_patient

FACTORS = "factors=sleep&factors=stress&factors=omega3&factors=fruit_veg"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed renders per case (default 30)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        _configure(tmp)
        create_database_if_missing(os.environ["DATABASE_URL"])

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tracker.core.time import patient_today
        from tracker.models import Pause

        call_command("migrate", verbosity=0)

        def with_pauses(patient_and_client):
            """Ten five-day pauses over the last year."""
            patient = patient_and_client[0]
            today = patient_today(patient=patient)
            Pause.objects.bulk_create(
                Pause(patient=patient, first_day=start, last_day=start + dt.timedelta(days=4), reason="Away")
                for start in (today - dt.timedelta(days=35 * n + 10) for n in range(10))
            )
            return patient_and_client

        patients = []
        try:
            patients.append(long := with_pauses(bench_patient(HISTORY_DAYS)))
            patients.append(short := bench_patient(30))
            today = patient_today(patient=long[0])

            def period(days, notes=False):
                first = today - dt.timedelta(days=days - 1)
                return f"/summary/?first_day={first}&last_day={today}&{FACTORS}" + (
                    "&include_notes=on" if notes else ""
                )

            cases = [
                ("summary, 30 days", long, "/summary/"),
                ("summary, 90 days", long, period(90)),
                ("summary, 365 days, notes", long, period(365, notes=True)),
                ("patterns, 30 days", long, "/patterns/"),
                ("patterns, 90 days", long, "/patterns/?a=stress&b=sleep_quality&days=90"),
                ("summary, 30 of 30 days", short, "/summary/"),
                # The same run's yardstick: a busy shared machine moves every figure, not the ratios.
                ("dashboard, 30 days", long, "/dashboard/"),
                ("dashboard, 90 days", long, "/dashboard/?days=90"),
            ]
            timings = {label: [] for label, _, _ in cases}
            cpu = {label: [] for label, _, _ in cases}
            queries = {}
            for label, (_, client), url in cases:
                for _ in range(3):  # warm up
                    assert client.get(url).status_code == 200, url
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                queries[label] = len(captured)
            for _ in range(args.runs):
                for label, (_, client), url in cases:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    timings[label].append(time.perf_counter() - start)
                    cpu[label].append(time.process_time() - start_cpu)
                    assert response.status_code == 200

            name = Path(connection.settings_dict["NAME"]).name
            print(f"Summary and patterns on {connection.vendor} ({name}), {HISTORY_DAYS} days of daily check-ins, "
                  f"{args.runs} renders per case after 3 warm-up renders; target 50 ms")  # fmt: skip
            print(f"{'case':<28} {'median ms':>9} {'p90 ms':>7} {'CPU ms':>7} {'queries':>7}")
            for label, _, _ in cases:
                median, p90 = _ms(timings[label])
                print(f"{label:<28} {median:>9.1f} {p90:>7.1f} {_ms(cpu[label])[0]:>7.1f} {queries[label]:>7}")
        finally:
            for patient, _ in patients:
                patient.delete()


if __name__ == "__main__":
    main()
