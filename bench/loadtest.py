"""Load test: gunicorn with production settings on PostgreSQL and Redis, driven
by locust in headless mode on loopback.

    make loadtest [BENCH_ARGS="--users 20 --seconds 60 --rounds 3 --phase-seconds 20 --no-faults"]

Against one gunicorn:
  1. throughput, in alternating phases (--rounds of each): the minimal Django view
     /livez (no database), the framework's limit; then back-to-back check-in saves
     by logged-in patients. Alternating phases share the machine's slow and fast
     moments (a shared VM's speed drifts by 20% within minutes), so their ratio
     is steadier than that of two long runs one after the other;
  2. mixed: patients log in, open the dashboard and save check-ins; clinicians
     open their dashboard. During this run Redis is restarted and one gunicorn
     worker is killed; failed requests are counted and recovery is checked.
It prints requests per second and p50/p95/p99 per endpoint. Needs PostgreSQL and
Redis on 127.0.0.1 (make serve-prod's set-up) and locust (`make bench-install`).
Its database is BENCH_DATABASE_URL (default wellness_load, created when missing;
never the app's DATABASE_URL); the app's cache, sessions and broker use BENCH_REDIS_URL
(default database 3). The faults restart the Redis server on 127.0.0.1:6379 itself,
whatever the database: use --no-faults where others share that server.
"""

import argparse
import csv
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORT = int(os.environ.get("LOAD_PORT", "8031"))
HOST = f"http://127.0.0.1:{PORT}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/3"
OUT = ROOT / "var" / "loadtest"
REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
    "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip
PATIENT_PAGES = {"patient dashboard", "today (form)", "history", "save check-in"}
LIVEZ, SAVE = "livez (minimal view)", "save check-in"
WARM_UP_SECONDS = 5


def production_env():
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=HOST,
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/wellness_load",
        DATABASE_CONN_MAX_AGE="600",
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        LOG_LEVEL="WARNING",
        PORT=str(PORT),
        HOST="127.0.0.1",
        GUNICORN_ACCESS_LOG=str(OUT / "access.log"),
        # Login throttling would lock out the load test's own users.
        AXES_FAILURE_LIMIT="1000000",
        # The load test's clinician has no authenticator app: measure the dashboard, not a code prompt.
        OTP_REQUIRED_FOR_CLINICIANS="0",
    )
    return env


def ensure_database(env):
    url = env["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(
        ["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(["psql", server, "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def locust(profile, users, seconds, env, tag, spawn_rate=None):
    prefix = OUT / tag
    # Locust exits 1 when any request failed: the figures below report that, so don't stop here.
    subprocess.run(
        [
            str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), *profile.split(), "--headless",
            "-u", str(users), "-r", str(spawn_rate or users), "-t", f"{seconds}s", "--host", HOST,
            "--csv", str(prefix), "--csv-full-history", "--only-summary", "--loglevel", "WARNING",
        ],
        env=env,
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def steady_rate(tag, name, skip_seconds):
    """Requests per second after the first `skip_seconds` (users starting, connections opening):
    the growth of the run's request count over that window, from locust's per-second history."""
    with open(OUT / f"{tag}_stats_history.csv") as f:
        rows = [(int(r["Timestamp"]), int(r["Total Request Count"])) for r in csv.DictReader(f) if r["Name"] == name]
    start = rows[0][0] + skip_seconds
    window = [row for row in rows if row[0] >= start]
    if len(window) < 2:
        return 0.0
    (t0, n0), (t1, n1) = window[0], window[-1]
    return (n1 - n0) / (t1 - t0)


def worker_pids(master_pid):
    out = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def started_workers(master_pid, seconds=10):
    """How many workers gunicorn runs, once it has forked them all (the count stops growing)."""
    count, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = len(worker_pids(master_pid))
        if now == count:
            break
        count = now
    return count


def inject_faults(master_pid, seconds, log):
    """Restart Redis a third of the way in, kill a gunicorn worker at two thirds."""
    time.sleep(seconds / 3)
    log.append((time.time(), "redis restart"))
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
    time.sleep(2)
    subprocess.run(REDIS_START, capture_output=True)
    time.sleep(seconds / 3 - 2)
    victim = worker_pids(master_pid)[0]
    log.append((time.time(), f"kill -9 gunicorn worker {victim}"))
    os.kill(victim, signal.SIGKILL)


def failures_after(tag, since):
    """Requests and failures per second from the history, after `since` (unix time)."""
    rows = []
    with open(OUT / f"{tag}_stats_history.csv") as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated" and int(row["Timestamp"]) >= since:
                rows.append((int(row["Timestamp"]), float(row["Requests/s"]), int(row["Total Failure Count"])))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60, help="length of the mixed run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating throughput phases of each kind")
    parser.add_argument("--phase-seconds", type=int, default=20, help="length of each throughput phase")
    parser.add_argument("--spawn-rate", type=float, default=2, help="users starting per second in the mixed run")
    parser.add_argument("--no-faults", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    env = production_env()

    ensure_database(env)
    run([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"], env)
    seeded = run([str(BIN / "python"), "bench/seed_load.py"], env, capture_output=True, text=True).stdout
    lines = seeded.strip().splitlines()
    print(lines[0])
    values = dict(line.split("=", 1) for line in lines if "=" in line)
    env["LOAD_CLINIC_ID"], sessions = values["CLINIC_ID"], values["SESSIONS"]
    run([str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"], env)

    log_file = open(OUT / "gunicorn.log", "w")  # noqa: SIM115 - open for gunicorn's whole life
    gunicorn = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wellness.wsgi"],
        env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        if not wait_for(f"{HOST}/livez"):
            sys.exit("gunicorn did not start; see var/loadtest/gunicorn.log")
        workers = started_workers(gunicorn.pid)
        print(f"gunicorn: {workers} workers x {os.environ.get('GUNICORN_THREADS', '2')} threads on {HOST}")
        env["LOAD_SESSIONS"] = sessions
        phases = []
        for _ in range(args.rounds):
            livez = locust("LivezUser", args.users, args.phase_seconds, env, "livez")[LIVEZ]
            livez_rps = steady_rate("livez", LIVEZ, WARM_UP_SECONDS)
            save = locust("SaveUser", args.users, args.phase_seconds, env, "save")[SAVE]
            save_rps = steady_rate("save", SAVE, WARM_UP_SECONDS)
            phases.append((livez_rps, livez, save_rps, save))

        faults: list = []
        injector = None
        started = time.time()
        if not args.no_faults:
            injector = threading.Thread(target=inject_faults, args=(gunicorn.pid, args.seconds, faults))
            injector.start()
        # Patients arrive over the first seconds rather than all in one: 20 password hashes at
        # once would hold both cores for seconds, which no clinic's morning looks like.
        mixed = locust("PatientUser ClinicianUser", args.users, args.seconds, env, "mixed", args.spawn_rate)
        if injector:
            injector.join()
        healthy = wait_for(f"{HOST}/healthz", seconds=10)
        workers_after = len(worker_pids(gunicorn.pid))
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        log_file.close()

    print(f"\nMixed run: {args.users} users for {args.seconds}s (production settings, PostgreSQL, Redis)")
    print(f"{'endpoint':<24}{'requests':>9}{'failed':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    for name, row in mixed.items():
        print(
            f"{name:<24}{row['Request Count']:>9}{row['Failure Count']:>8}{float(row['Requests/s']):>8.1f}"
            f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
        )
    worst_patient_p95 = max(int(mixed[n]["95%"]) for n in PATIENT_PAGES if n in mixed)
    print(f"\nThroughput, {args.rounds} rounds of {args.phase_seconds}s phases, {args.users} users, "
          f"the first {WARM_UP_SECONDS}s of each phase left out:")  # fmt: skip
    print(f"{'round':<7}{'livez req/s':>12}{'p95 ms':>8}{'saves req/s':>13}{'p95 ms':>8}{'failed':>8}{'ratio':>7}")
    for n, (livez_rps, livez, save_rps, save) in enumerate(phases, start=1):
        failed = int(livez["Failure Count"]) + int(save["Failure Count"])
        print(
            f"{n:<7}{livez_rps:>12.1f}{livez['95%']:>8}{save_rps:>13.1f}{save['95%']:>8}{failed:>8}"
            f"{save_rps / livez_rps:>7.0%}"
        )
    livez_rps = sum(p[0] for p in phases) / len(phases)
    save_rps = sum(p[2] for p in phases) / len(phases)
    print(f"minimal view (livez): {livez_rps:.1f} req/s; check-in saves: {save_rps:.1f} req/s (means of the rounds)")
    print(f"check-in save throughput / minimal view: {save_rps / livez_rps:.0%} (target at least 30%)")
    print(f"worst patient-page p95 in the mixed run: {worst_patient_p95} ms (target at most 100 ms)")
    if not args.no_faults:
        for at, what in faults:
            print(f"fault at +{at - started:.0f}s: {what}")
        total_failed = int(mixed["Aggregated"]["Failure Count"])
        last_fault = faults[-1][0] if faults else started
        tail = failures_after("mixed", int(last_fault) + 5)
        recovered = bool(tail) and tail[-1][2] == tail[0][2] and tail[-1][1] > 0
        print(f"failed requests during the faults: {total_failed}")
        print(f"recovered by itself: {'yes' if recovered and healthy else 'NO'} "
              f"(no new failures from 5s after the last fault; /healthz {'200' if healthy else 'not 200'}; "
              f"{workers_after} workers)")  # fmt: skip


if __name__ == "__main__":
    main()
