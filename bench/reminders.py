"""Benchmark: reminders through a real Celery worker and Redis, to an SMTP sink.

    make bench-reminders                                  # weekly: 5,000 then 20,000 patients
    make bench-reminders BENCH_ARGS="--sizes 2000"        # a quicker look
    make bench-reminders BENCH_ARGS="--cadence daily"     # daily: 20,000 then 100,000 patients

The weekly case's patients chose Monday 00:00, so they are due all week in every zone. The
daily case's patients chose a daily reminder at the hour it is now in their own zone: all of
them come due in this one hour.

For each size it empties and fills PostgreSQL (BENCH_DATABASE_URL, default database
wt_reminders_bench, created when missing; never the app's DATABASE_URL) with opted-in,
verified patients who are all due now (a few recent check-ins each), starts
`celery -A wellness worker` as a separate process on Redis (BENCH_REDIS_URL, default
database 6, flushed at each size), enqueues
one dispatch, and times until the SMTP sink (aiosmtpd, in its own process) has
received every message. Then it sends the same number of similar multipart
messages with a bare smtplib loop over one connection to the same sink.

It prints emails per second for both and their ratio, the worker's peak memory
(VmHWM from /proc/<pid>/status: the largest of the worker's processes, which
with the prefork pool is a child), and checks the sink's count per recipient:
zero duplicates and zero missed.
"""

import argparse
import multiprocessing
import os
import signal
import smtplib
import subprocess
import sys
import threading
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchdb import bench_database_url, create_database_if_missing  # noqa: E402 - bench/, beside this file

DATABASE_URL = bench_database_url("postgres://postgres@127.0.0.1:5432/wt_reminders_bench")
DATABASE_NAME = DATABASE_URL.rsplit("/", 1)[-1]
REDIS_URL = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/6"  # ours alone on the shared Redis
PORTS = range(8600, 8700)
ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Kolkata",
         "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland"]  # fmt: skip


# --- The SMTP sink: its own process, so it never shares a GIL with a sender --------------


class _Counting:
    def __init__(self):
        self.per_recipient = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.per_recipient.update(envelope.rcpt_tos)
        return "250 OK"


def _sink_main(pipe):
    from aiosmtpd.controller import Controller

    handler = _Counting()
    for port in PORTS:
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        try:
            controller.start()
            break
        except (OSError, RuntimeError):
            continue
    else:
        pipe.send(None)
        return
    pipe.send(port)
    while True:
        command = pipe.recv()
        with handler.lock:
            if command == "total":
                pipe.send(sum(handler.per_recipient.values()))
            elif command == "counts":
                pipe.send(dict(handler.per_recipient))
            elif command == "reset":
                handler.per_recipient.clear()
                pipe.send(True)
            else:
                controller.stop()
                pipe.send(True)
                return


class Sink:
    """A sink process answering commands over a pipe; `main` is the process's function
    (bench/faults.py gives one that can also go down and come back)."""

    def __init__(self, main=_sink_main):
        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=main, args=(child,), daemon=True)
        self.process.start()
        self.port = self.pipe.recv()
        if self.port is None:
            raise SystemExit("No free port for the SMTP sink")

    def ask(self, command):
        self.pipe.send(command)
        return self.pipe.recv()

    def wait_for(self, total, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ask("total") >= total:
                return time.monotonic()
            time.sleep(0.02)
        raise SystemExit(f"Timed out: the sink has {self.ask('total')} of {total} messages")

    def stop(self):
        self.ask("stop")
        self.process.join(5)


# --- Set-up ------------------------------------------------------------------


def configure(sink_port):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="wellness.settings",
        DJANGO_DEBUG="0",  # as in production: DEBUG keeps a log of every query
        DJANGO_SECRET_KEY="benchmark-only-secret-key",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=DATABASE_URL,
        CELERY_BROKER_URL=REDIS_URL,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink_port),
        EMAIL_USE_TLS="0",
        LOG_LEVEL="WARNING",
    )
    create_database_if_missing(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def reset_and_fill(size, cadence="weekly"):
    import datetime as dt
    import zoneinfo

    import redis
    from django.db import connection
    from django.utils import timezone

    from tracker.models import CheckIn, User

    redis.Redis.from_url(REDIS_URL).flushdb()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE tracker_reminderdelivery, tracker_checkin, tracker_user RESTART IDENTITY CASCADE")
    now = timezone.now()
    verified = now - dt.timedelta(days=30)
    local = {zone: now.astimezone(zoneinfo.ZoneInfo(zone)) for zone in ZONES}
    if cadence == "daily":
        # Every day at the hour it is now where they live: all due in this hour.
        schedule = {
            zone: {"reminder_cadence": "daily", "reminder_hour": t.hour, "reminders_since": t.date()}
            for zone, t in local.items()
        }
    else:
        # Monday 00:00: due all week, in every zone.
        schedule = {
            zone: {"reminder_weekday": 1, "reminder_hour": 0, "reminders_since": t.date()} for zone, t in local.items()
        }
    users = [
        User(
            email=f"patient{i}@bench.example",
            first_name=f"Pat{i}",
            password="!",  # unusable: nobody logs in
            time_zone=ZONES[i % len(ZONES)],
            email_verified_at=verified,
            reminders_enabled=True,
            **schedule[ZONES[i % len(ZONES)]],
        )
        for i in range(size)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    # A few check-ins on the days before each patient's today, none today (or it is skipped).
    checkins = [
        CheckIn(patient_id=user.pk, day=local[user.time_zone].date() - dt.timedelta(days=offset), stress=3)
        for index, user in enumerate(User.objects.order_by("pk").only("pk", "time_zone"))
        for offset in range(1, 1 + index % 8)
    ]
    CheckIn.objects.bulk_create(checkins, batch_size=5000)
    return [u.email for u in users], len(checkins)


# --- The worker --------------------------------------------------------------


def start_worker(pool, concurrency, log_path):
    command = [sys.executable, "-m", "celery", "-A", "wellness", "worker", f"--pool={pool}",
               f"--concurrency={concurrency}", "--loglevel=INFO", "--without-gossip", "--without-mingle",
               "--without-heartbeat", "-n", f"bench-reminders-{os.getpid()}@%h"]  # fmt: skip
    log = open(log_path, "w")  # noqa: SIM115 (closed in stop_worker)
    # Our own interpreter and fixed arguments: nothing from outside reaches the command.
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if " ready." in Path(log_path).read_text():
            return process, log
        if process.poll() is not None:
            raise SystemExit(f"The worker exited; see {log_path}")
        time.sleep(0.1)
    raise SystemExit(f"The worker did not start; see {log_path}")


def _processes(pid):
    found = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found.extend(_processes(int(child)))
    return found


def peak_memory_mb(pid):
    """VmHWM (peak resident set) of the worker and each pool process, in MB."""
    peaks = {}
    for each in _processes(pid):
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks[each] = int(line.split()[1]) / 1024
    return peaks


def stop_worker(process, log):
    process.send_signal(signal.SIGTERM)  # warm shutdown
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


# --- The runs ----------------------------------------------------------------


def run_worker(size, sink, pool, concurrency, cadence):
    from tracker.models import ReminderDelivery
    from tracker.tasks import dispatch_weekly_reminders

    emails, checkins = reset_and_fill(size, cadence)
    sink.ask("reset")
    log_path = ROOT / "var" / f"bench-reminders-worker-{size}.log"
    log_path.parent.mkdir(exist_ok=True)
    process, log = start_worker(pool, concurrency, log_path)
    try:
        started = time.monotonic()
        dispatch_weekly_reminders.delay()
        finished = sink.wait_for(size, timeout=max(600, size / 20))
        time.sleep(1)  # let any duplicate arrive before counting
        peaks = peak_memory_mb(process.pid)
    finally:
        stop_worker(process, log)
    counts = sink.ask("counts")
    sent = ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENT).count()
    return {
        "rate": size / (finished - started),
        "seconds": finished - started,
        "peak_mb": max(peaks.values()),
        "main_mb": peaks[process.pid],
        "pool_mb": max((mb for pid, mb in peaks.items() if pid != process.pid), default=0),
        "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        "missed": sum(1 for email in emails if counts.get(email, 0) == 0),
        "strangers": sum(1 for email in counts if not email.endswith("@bench.example")),
        "marked_sent": sent,
        "checkins": checkins,
    }


def bare_message(i):
    message = EmailMessage()
    message["Subject"] = f"Pat{i}, your weekly check-in reminder"
    message["From"] = "Wellness Tracker <no-reply@localhost>"
    message["To"] = f"bare{i}@bench.example"
    message["List-Unsubscribe"] = f"<http://127.0.0.1:8000/reminders/unsubscribe/bare-{i}/>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    text = f"Hi Pat{i},\n\nIn the last 7 days you checked in on 3 days.\nLog today's check-in: http://127.0.0.1:8000/today/\n"
    message.set_content(text * 4)
    message.add_alternative(f"<html><body><p>{text}</p></body></html>" * 4, subtype="html")
    return message


def run_bare(size, sink):
    sink.ask("reset")
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
        for i in range(size):
            smtp.send_message(bare_message(i))
    finished = sink.wait_for(size, timeout=600)
    return {"rate": size / (finished - started), "seconds": finished - started}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cadence", default="weekly", choices=["weekly", "daily"])
    parser.add_argument("--sizes", type=int, nargs="+", help="default: 5000 20000 weekly, 20000 100000 daily")
    parser.add_argument("--pool", default="prefork", choices=["prefork", "solo", "threads"])
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    args.sizes = args.sizes or ([20000, 100000] if args.cadence == "daily" else [5000, 20000])

    sink = Sink()
    try:
        configure(sink.port)
        from django.conf import settings

        print(f"{args.cadence} reminders; PostgreSQL {DATABASE_NAME}, Redis {REDIS_URL}, sink on port {sink.port}")
        print(
            f"worker: celery -A wellness worker --pool={args.pool} --concurrency={args.concurrency}, "
            f"REMINDER_BATCH_SIZE={settings.REMINDER_BATCH_SIZE}; {os.cpu_count()} cores shared with others"
        )
        print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        results = []
        for size in args.sizes:
            # The bare loop runs just before and just after the worker, and
            # the ratio uses their mean: the machine is shared, and its load
            # drifts between runs.
            bare_before = run_bare(size, sink)
            worker = run_worker(size, sink, args.pool, args.concurrency, args.cadence)
            bare_after = run_bare(size, sink)
            bare = {
                "rate": (bare_before["rate"] + bare_after["rate"]) / 2,
                "seconds": (bare_before["seconds"] + bare_after["seconds"]) / 2,
                "runs": f"{bare_before['rate']:.0f} before, {bare_after['rate']:.0f} after",
            }
            results.append((size, worker, bare))
            print(
                f"\n{size:,} patients ({worker['checkins']:,} check-ins):\n"
                f"  worker:            {worker['rate']:8.1f} emails/s ({worker['seconds']:.1f} s, dispatch included)\n"
                f"  bare smtplib loop: {bare['rate']:8.1f} emails/s ({bare['seconds']:.1f} s; {bare['runs']})\n"
                f"  ratio:             {worker['rate'] / bare['rate']:.0%} of the bare rate\n"
                f"  peak memory (VmHWM): {worker['peak_mb']:.0f} MB in the largest worker process "
                f"(main {worker['main_mb']:.0f} MB, pool processes up to {worker['pool_mb']:.0f} MB)\n"
                f"  duplicates: {worker['duplicates']}, missed: {worker['missed']}, unexpected recipients: "
                f"{worker['strangers']}, deliveries marked sent: {worker['marked_sent']:,}"
            )
        print("\nload average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        if len(results) > 1:
            first, last = results[0], results[-1]
            print(f"\nmemory {first[0]:,} -> {last[0]:,}: {first[1]['peak_mb']:.0f} MB -> {last[1]['peak_mb']:.0f} MB")
        columns = "worker emails/s | bare smtplib emails/s | ratio | worker peak MB | duplicates | missed"
        print(f"\n| {args.cadence} patients | {columns} |")
        print("|---|---|---|---|---|---|---|")
        for size, worker, bare in results:
            print(
                f"| {size:,} | {worker['rate']:.0f} | {bare['rate']:.0f} | {worker['rate'] / bare['rate']:.0%} "
                f"| {worker['peak_mb']:.0f} | {worker['duplicates']} | {worker['missed']} |"
            )
        failed = [
            size
            for size, worker, bare in results
            if worker["duplicates"] or worker["missed"] or worker["strangers"] or worker["marked_sent"] != size
        ]
        if failed:
            raise SystemExit(f"Duplicates or missed emails at sizes {failed}")
    finally:
        sink.stop()


if __name__ == "__main__":
    main()
