"""Benchmark: Web Push reminders to a push service on loopback that checks and decrypts each one.

    make bench-push                                  # 20,000 devices, every 10th answering 410
    make bench-push BENCH_ARGS="--devices 2000"      # a quicker look

It empties and fills its database (BENCH_DATABASE_URL, default PostgreSQL wt_push_bench, created
when missing; never the app's DATABASE_URL) with patients who get reminders by push only, one
device each, all due now; starts the push service stub (tests/push_service.py) in a process of its
own, so it never shares a GIL with the sender; starts `celery -A wellness worker` (prefork, 4
processes, as the reminders benchmark; `--concurrency` to change) on Redis (BENCH_REDIS_URL,
default database 9, flushed first), enqueues one dispatch and times until every device has had
its push and every reminder is marked (claim, push, record: the code a reminder runs in
production).
The stub verifies every VAPID token (ES256 against the site's public key, aud, exp, sub) and
decrypts every payload (RFC 8291) before answering.

It prints the load average, pushes per second (target: at least 200), the answers the stub gave,
the share of 410 answers whose subscription was removed (target: all), and checks that no device
got two. It also measures the crash window: for each push, the time from the stub's acceptance to
the sender's record of it (a crash inside it would send that push again after the lease).
With --baseline it also times pywebpush's own one-call `webpush()` (a new connection and a new
VAPID signature each time) over the first 1,000 devices, in the same run, and prints the ratio.
"""

import argparse
import base64
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchdb import bench_database_url, create_database_if_missing  # noqa: E402 - bench/, beside this file

DATABASE_URL = bench_database_url("postgres://postgres@127.0.0.1:5432/wt_push_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/9"  # flushed at the start


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def configure() -> tuple[str, str]:
    from wellness.vapid import public_key_of

    private = os.urandom(32)
    public = b64url(public_key_of(private))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="wellness.settings",
        DJANGO_DEBUG="0",  # as in production: DEBUG keeps a log of every query
        DJANGO_SECRET_KEY="benchmark-only-secret-key",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_HTTPS="0",
        DATABASE_URL=DATABASE_URL,
        CELERY_BROKER_URL=REDIS_URL,
        VAPID_PUBLIC_KEY=public,
        VAPID_PRIVATE_KEY=b64url(private),
        VAPID_SUBJECT="mailto:bench@example.com",
        LOG_LEVEL="WARNING",
    )
    create_database_if_missing(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return public, b64url(private)


def start_stub(public_key: str) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "tests.push_service", "--vapid-public-key", public_key]
    # Our own interpreter and fixed arguments: nothing from outside reaches the command.
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    origin = process.stdout.readline().strip()
    if not origin.startswith("http://127.0.0.1:"):
        process.kill()
        raise SystemExit("The push service stub did not start")
    return process, origin


def reset_and_fill(*, devices: int, gone_every: int, origin: str) -> tuple[list[dict], set[int]]:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from tests.push_service import subscription_for
    from tracker.models import PushSubscription, User, UserSession

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE tracker_user RESTART IDENTITY CASCADE")
    if connection.vendor != "postgresql":
        User.objects.all().delete()
    users = [
        User(
            email=f"patient{i}@bench.example",
            first_name=f"Pat{i}",
            password="!",  # unusable: nobody logs in
            time_zone="America/New_York",
            reminders_enabled=False,  # push only: the figure is the pushes', not SMTP's
            reminder_weekday=1,  # Monday 00:00: due all week
            reminder_hour=0,
        )
        for i in range(devices)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    UserSession.objects.bulk_create(
        [UserSession(user_id=pk, session_key=f"bench{pk}", browser="Chrome on Android", created_at=now) for pk in ids],
        batch_size=2000,
    )
    sessions = dict(UserSession.objects.values_list("user_id", "pk"))
    subscriptions, gone = [], set()
    rows = []
    for index, pk in enumerate(ids):
        answer = 410 if index % gone_every == 0 else 201
        sub = subscription_for(origin, f"device{index}", answer=answer)
        subscriptions.append(sub)
        rows.append(
            PushSubscription(
                user_id=pk,
                session_id=sessions[pk],
                endpoint=sub["endpoint"],
                p256dh=sub["keys"]["p256dh"],
                auth=sub["keys"]["auth"],
                created_at=now - dt.timedelta(days=1),
            )
        )
        if answer == 410:
            gone.add(index)
    PushSubscription.objects.bulk_create(rows, batch_size=2000)
    return subscriptions, gone


def stub_stats(origin: str) -> dict:
    import requests

    return requests.get(origin + "/", timeout=5).json()


def start_worker(concurrency: int, log_path: Path) -> tuple[subprocess.Popen, object]:
    command = [sys.executable, "-m", "celery", "-A", "wellness", "worker", "--pool=prefork",
               f"--concurrency={concurrency}", "--loglevel=INFO", "--without-gossip", "--without-mingle",
               "--without-heartbeat", "-n", f"bench-push-{os.getpid()}@%h"]  # fmt: skip
    log = open(log_path, "w")  # noqa: SIM115 (closed in stop_worker)
    # Our own interpreter and fixed arguments: nothing from outside reaches the command.
    process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if " ready." in log_path.read_text():
            return process, log
        if process.poll() is not None:
            raise SystemExit(f"The worker exited; see {log_path}")
        time.sleep(0.1)
    stop_worker(process, log)
    raise SystemExit(f"The worker did not start; see {log_path}")


def stop_worker(process: subprocess.Popen, log) -> None:
    process.send_signal(signal.SIGTERM)  # warm shutdown
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def crash_window(origin: str) -> list[float]:
    """Seconds from the stub's acceptance of each push to the sender's record of it (`sent_at`,
    taken just before the commit of the answers it was recorded with), sorted."""
    import requests

    from tracker.models import PushDelivery

    accepted = requests.get(origin + "/accepted", timeout=30).json()
    rows = PushDelivery.objects.filter(status=PushDelivery.Status.SENT).values_list("subscription__endpoint", "sent_at")
    return sorted(sent_at.timestamp() - accepted[endpoint.rsplit("/", 1)[1]] for endpoint, sent_at in rows)


def all_recorded(devices: int) -> bool:
    from tracker.models import ReminderDelivery

    reminders = ReminderDelivery.objects.count()
    return reminders == devices and not ReminderDelivery.objects.filter(status=ReminderDelivery.Status.PENDING).exists()


def baseline(subscriptions: list[dict], private_key: str, count: int) -> float:
    """pywebpush's one-call webpush(): a new connection and a new VAPID signature each time."""
    from pywebpush import WebPushException, webpush

    chosen = [s for s in subscriptions if "/201/" in s["endpoint"]][:count]
    started = time.perf_counter()
    for sub in chosen:
        try:
            webpush(
                sub,
                data='{"title": "Time for today\'s check-in"}',
                vapid_private_key=private_key,
                vapid_claims={"sub": "mailto:bench@example.com"},
                ttl=3600,
            )
        except WebPushException as error:
            raise SystemExit(f"baseline push refused: {error}") from None
    return len(chosen) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", type=int, default=20_000)
    parser.add_argument("--gone-every", type=int, default=10, help="every Nth device answers 410 (default 10)")
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes (default 4)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds to wait for every push (default 600)")
    parser.add_argument("--baseline", action="store_true", help="also time pywebpush's webpush() on 1,000 devices")
    args = parser.parse_args()

    public, private = configure()
    stub, origin = start_stub(public)
    try:
        print(f"database: {DATABASE_URL.rsplit('@', 1)[-1]}; push service stub at {origin}")
        print("load average (1, 5, 15 min) at the start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        started = time.perf_counter()
        subscriptions, gone = reset_and_fill(devices=args.devices, gone_every=args.gone_every, origin=origin)
        print(f"seeded {args.devices:,} devices ({len(gone):,} answer 410) in {time.perf_counter() - started:.1f}s")

        import redis

        from tracker.models import PushDelivery, PushSubscription, ReminderDelivery
        from tracker.tasks import dispatch_weekly_reminders

        redis.Redis.from_url(REDIS_URL).flushdb()
        log_path = ROOT / "var" / "bench-push-worker.log"
        log_path.parent.mkdir(exist_ok=True)
        worker, log = start_worker(args.concurrency, log_path)
        try:
            started = time.perf_counter()
            dispatch_weekly_reminders.delay()
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                if sum(stub_stats(origin)["answers"].values()) >= args.devices and all_recorded(args.devices):
                    break
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
        finally:
            stop_worker(worker, log)
        summary = {"created": ReminderDelivery.objects.count()}
        stats = stub_stats(origin)
        answers = {int(k): v for k, v in stats["answers"].items()}
        pushed = sum(answers.values())
        remaining_gone = PushSubscription.objects.filter(endpoint__contains="/push/410/").count()
        sent = PushDelivery.objects.filter(status=PushDelivery.Status.SENT).count()
        print(f"worker: prefork x {args.concurrency}; {summary['created']:,} reminders")
        rate = pushed / elapsed
        print(f"pushes: {pushed:,} pushed and recorded in {elapsed:.1f}s = {rate:,.0f} pushes/s (target >= 200)")
        print("load average (1, 5, 15 min) at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        print(f"stub answers: {answers}; rejected by the stub's checks: {stats['rejected']}")
        removed = len(gone) - remaining_gone
        print(f"410 answers whose subscription was removed: {removed:,} of {answers.get(410, 0):,} "
              f"({removed / max(answers.get(410, 0), 1):.0%}; target: all)")  # fmt: skip
        duplicates = pushed - args.devices
        print(f"pushes marked sent: {sent:,} (expected {args.devices - len(gone):,}); duplicates: {duplicates}")
        window = crash_window(origin)
        if window:
            print(f"crash window, acceptance to record, per push: median {window[len(window) // 2] * 1000:,.0f} ms, "
                  f"99th percentile {window[int(len(window) * 0.99)] * 1000:,.0f} ms, "
                  f"max {window[-1] * 1000:,.0f} ms")  # fmt: skip
        if args.baseline:
            base = baseline(subscriptions, private, 1000)
            print(f"baseline pywebpush.webpush(), 1,000 devices: {base:,.0f} pushes/s; the worker: {rate / base:.2f}x")
        ok = stats["rejected"] == 0 and remaining_gone == 0 and duplicates == 0 and rate >= 200
        print("OK" if ok else "TARGET MISSED")
    finally:
        stub.terminate()
        stub.wait(timeout=10)


if __name__ == "__main__":
    main()
