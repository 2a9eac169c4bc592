"""Benchmark: what the one-round-trip check-in save pays, measured on the save alone.

    make bench-save
    make bench-save BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/docs_save

`checkin_save` for a patient enrolled in a clinic (so every statement of a save runs: the lock,
the check-in upsert, the week's rollup, the enrolment's flags), timed with
CHECKIN_SAVE_ONE_ROUND_TRIP on and off in alternation, save after save, on PostgreSQL. Each
save changes the day's values, so the rollup's counts change as they do for a patient editing a
day. Alternating the two, rather than two runs one after the other, keeps a busy machine's drift
out of the comparison: the ratio of the medians is the figure to quote. It prints, for each
mode, the median and 90th-percentile wall time of a save, the CPU time of this process per save
(the client's share), and the round trips of each save that pass through Django's cursor (the
statement-at-a-time path also sends BEGIN and COMMIT, which these leave out).

The load test (`make loadtest`) measures the same choice through gunicorn; this one isolates the
save so that a shared machine's noise can't hide a difference of a few round trips.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchdb import bench_database_url, create_database_if_missing  # noqa: E402 - bench/, beside this file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=2000, help="saves per mode (default 2000)")
    args = parser.parse_args()

    url = bench_database_url("postgres://postgres@127.0.0.1:5432/wellness_bench_save")
    if not url.startswith("postgres"):
        sys.exit("bench/save.py measures PostgreSQL round trips: give a postgres:// BENCH_DATABASE_URL")
    os.environ["DJANGO_SETTINGS_MODULE"] = "wellness.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + uuid.uuid4().hex)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    create_database_if_missing(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from tracker.checkins.services import checkin_save
    from tracker.clinics.services import enrol
    from tracker.core.time import patient_today
    from tracker.models import Clinic, User

    call_command("migrate", verbosity=0)
    patient = User.objects.create_user(f"bench-save-{uuid.uuid4().hex[:12]}@bench.example", time_zone="America/Chicago")
    clinic = Clinic.objects.create(name=f"Bench save {uuid.uuid4().hex[:8]}")
    enrol(patient=patient, clinic=clinic, now=timezone.now())
    today = patient_today(patient=patient)
    days = [today - dt.timedelta(days=offset) for offset in range(7)]

    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    samples = {True: [], False: []}
    cpu = {True: 0.0, False: 0.0}
    sent = {True: 0, False: 0}
    try:
        with connection.execute_wrapper(count):
            for index in range(args.saves * 2):
                mode = (index % 4) in (0, 3)  # on, off, off, on: neither mode always goes first
                settings.CHECKIN_SAVE_ONE_ROUND_TRIP = mode
                values = {
                    "sleep_hours": 6 + (index % 9) / 4,
                    "stress": index % 11,
                    "fruit_veg_servings": None if index % 3 == 0 else index % 5,
                }
                before_statements = statements[0]
                started_cpu = time.process_time()
                started = time.perf_counter()
                checkin_save(patient=patient, day=days[index % len(days)], values=values)
                samples[mode].append(time.perf_counter() - started)
                cpu[mode] += time.process_time() - started_cpu
                sent[mode] += statements[0] - before_statements
    finally:
        User.objects.filter(pk=patient.pk).delete()
        clinic.delete()

    print(f"check-in saves on PostgreSQL, {args.saves} per mode, alternating (load average {_load()})")
    print(f"{'mode':<28} {'median ms':>10} {'p90 ms':>8} {'client CPU ms':>14} {'executes':>9}")
    for mode, label in ((True, "one round trip (default)"), (False, "a statement at a time")):
        ordered = sorted(samples[mode])
        median, p90 = statistics.median(ordered) * 1000, ordered[int(0.9 * (len(ordered) - 1))] * 1000
        per_save_cpu, per_save_sent = cpu[mode] / len(ordered) * 1000, sent[mode] / len(ordered)
        print(f"{label:<28} {median:>10.2f} {p90:>8.2f} {per_save_cpu:>14.2f} {per_save_sent:>9.1f}")
    ratio = statistics.median(samples[True]) / statistics.median(samples[False])
    print(f"one round trip / a statement at a time: {ratio:.0%} of the time (median)")


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
