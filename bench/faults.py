"""The fault suite: weekly reminders and check-in saves through the faults a deployment meets.

    make faults                                    # every scenario, 2,000 due patients each
    make faults BENCH_ARGS="--patients 1000 --only baseline smtp-down"

Everything is real and on this machine: a Celery worker (prefork, 4 processes) and beat as
separate processes, a Redis server of its own on port 6390 (started here without persistence,
as the broker's worst case, and restarted for the Redis scenario; the shared Redis on 6379 is
never touched), PostgreSQL (BENCH_DATABASE_URL, default database wt_faults, emptied at each
scenario), an aiosmtpd sink in its own process that can go down and come back, and for the web
scenario gunicorn with production settings. The app's code is not changed: the short lease and
dispatch interval that make a scenario take seconds instead of minutes are the documented
settings (REMINDER_LEASE_SECONDS=20, REMINDER_DISPATCH_SECONDS=10, EMAIL_TIMEOUT=5,
CELERY_VISIBILITY_TIMEOUT_SECONDS=60), so a recovery of S seconds here is one of about
S - 30 + 7 minutes with the defaults (lease 5 minutes, dispatch every 2).

It prints one table: per scenario, emails sent, unique recipients, duplicates, missed
patients, rows failed, and the seconds from the end of the fault until the last due reminder
arrived; then the share of a send's cycle taken by the window between the SMTP server's
acceptance and the commit of the mark (the only place a duplicate can come from), and the web
run's saves acknowledged against stored and its 5xx outside the fault moments. It exits
non-zero when a target is missed. Logs are under var/faults/.
"""

import argparse
import contextlib
import datetime as dt
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "faults"
REDIS_PORT = 6390
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
# Not the test suite's 8600-8699, which other test runs on this machine probe and bind.
SINK_PORTS = range(8790, 8800)
# bench/reminders.py, whose database filling this reuses, reads these when imported.
os.environ["BENCH_REDIS_URL"] = REDIS_URL
os.environ["BENCH_DATABASE_URL"] = (
    os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/wt_faults"
)
sys.path.insert(0, str(ROOT / "bench"))

import reminders  # noqa: E402 - bench/, beside this file

# The documented settings that compress minutes into seconds; nothing else differs from production.
FAST = {
    "REMINDER_LEASE_SECONDS": "20",
    "REMINDER_DISPATCH_SECONDS": "10",
    "EMAIL_TIMEOUT": "5",
    "CELERY_VISIBILITY_TIMEOUT_SECONDS": "60",
    "REMINDER_BATCH_SIZE": "100",
}
TARGET_RECOVERY_SECONDS = 600
SETTLE_TIMEOUT = 300


# --- Services ---------------------------------------------------------------------------------


def redis_start():
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--daemonize", "yes", "--dir", str(OUT), "--pidfile", str(OUT / "redis.pid"),
         "--logfile", str(OUT / "redis.log")],
        check=True,
    )  # fmt: skip
    for _ in range(100):
        if subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True).returncode == 0:
            return
        time.sleep(0.05)
    raise SystemExit(f"Our Redis did not start on port {REDIS_PORT}; see {OUT / 'redis.log'}")


def redis_stop():
    """Shut down our own Redis (port 6390) only, found by the pid file it wrote."""
    pidfile = OUT / "redis.pid"
    if not pidfile.exists():
        return
    pid = int(pidfile.read_text())
    subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True)
    for _ in range(100):
        if not Path(f"/proc/{pid}").exists():
            break
        time.sleep(0.05)
    pidfile.unlink(missing_ok=True)


def _sink_main(pipe):
    """The SMTP sink: per recipient, the wall-clock time of each message. 'down' stops listening
    (connections are refused and open ones dropped), 'up' listens again on the same port."""
    from aiosmtpd.controller import Controller

    arrivals = {}
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            now = time.time()
            with lock:
                for rcpt in envelope.rcpt_tos:
                    arrivals.setdefault(rcpt, []).append(now)
            return "250 OK"

    def listen(port):
        controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        controller.start()
        return controller

    state = {}
    for port in SINK_PORTS:
        try:
            state["controller"] = listen(port)
            break
        except (OSError, RuntimeError):
            continue
    pipe.send(state["controller"].port if state else None)

    def down():
        # The port stays ours while down (bound, not listening: connections are refused), so that
        # no other program's test server takes it and receives our emails meanwhile.
        state["controller"].stop()
        state["placeholder"] = socket.socket()
        state["placeholder"].setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        state["placeholder"].bind(("127.0.0.1", state["controller"].port))

    def up():
        state.pop("placeholder").close()
        state["controller"] = listen(state["controller"].port)

    commands = {
        "arrivals": lambda: {rcpt: list(times) for rcpt, times in arrivals.items()},
        "total": lambda: sum(len(times) for times in arrivals.values()),
        "reset": arrivals.clear,
        "down": down,
        "up": up,
        "stop": lambda: state["controller"].stop(),
    }
    while True:
        command = pipe.recv()
        with lock:
            pipe.send(commands[command]())
        if command == "stop":
            return


class Processes:
    """Celery workers and beats of one scenario, each in a process group of its own."""

    def __init__(self, scenario):
        self.scenario = scenario
        self.running = {}

    def start(self, name, *args, wait_for=None, env=None):
        log_path = OUT / f"{self.scenario}-{name}.log"
        log = open(log_path, "w")  # noqa: SIM115 (closed in stop)
        command = [sys.executable, "-m", "celery", "-A", "wellness", *args]
        process = subprocess.Popen(
            command, cwd=ROOT, env=env or os.environ.copy(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.running[name] = (process, log)
        deadline = time.monotonic() + 60
        while wait_for and wait_for not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{name} did not start; see {log_path}")
            time.sleep(0.1)
        return process

    def worker(self, name):
        return self.start(
            name, "worker", "--pool=prefork", "--concurrency=4", "--loglevel=INFO", "--without-gossip",
            "--without-mingle", "--without-heartbeat", "-n", f"faults-{name}-{os.getpid()}@%h", wait_for=" ready.",
        )  # fmt: skip

    def beat(self, name):
        schedule = OUT / f"{self.scenario}-{name}-schedule"
        schedule.unlink(missing_ok=True)
        return self.start(name, "beat", "--loglevel=INFO", f"--schedule={schedule}", wait_for="beat: Starting")

    def kill(self, name):
        process, log = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)  # the worker and its pool processes, as a crash does
        process.wait()
        log.close()

    def stop_all(self):
        for name in list(self.running):
            process, log = self.running.pop(name)
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(20)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


def pool_children(pid):
    return [
        int(child) for task in Path(f"/proc/{pid}/task").iterdir() for child in (task / "children").read_text().split()
    ]


def terminate_database_connections():
    """pg_terminate_backend on every connection to our database but this one, as a failover
    does; returns once they are all gone, with how many there were."""
    from django.db import close_old_connections, connection

    close_old_connections()  # a health check: this process's own connection may be one a fault cut
    with connection.cursor() as cursor:
        # In the select list, not the WHERE clause, where PostgreSQL may call it before the test
        # that leaves out our own connection.
        cursor.execute(
            "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        pids = [pid for pid, _ in cursor.fetchall()]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids])
            if not cursor.fetchone()[0]:
                break
            time.sleep(0.01)
    return len(pids)


# --- Reminder scenarios -----------------------------------------------------------------------


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise SystemExit(f"Timed out waiting for {what}")


def run_scenario(name, sink, patients, *, fault=None, workers=1, beats=1, cron=False):
    from django.db import close_old_connections

    from tracker.models import ReminderDelivery
    from tracker.tasks import dispatch_weekly_reminders

    Status = ReminderDelivery.Status
    emails, _ = reminders.reset_and_fill(patients)
    sink.ask("reset")
    processes = Processes(name)
    notes = ""
    try:
        for n in range(workers):
            processes.worker(f"worker{n + 1}")
        for n in range(beats):
            processes.beat(f"beat{n + 1}")
        started = time.time()
        dispatch_weekly_reminders.delay()  # the tick; beat's own follow every REMINDER_DISPATCH_SECONDS
        crons = []
        if cron:
            env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}  # cron without a broker
            crons = [
                subprocess.Popen([sys.executable, "manage.py", "send_weekly_reminders"], cwd=ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=open(OUT / f"{name}-cron{i}.log", "w"))  # noqa: SIM115
                for i in range(2)
            ]  # fmt: skip
        fault_ended, notes = fault(sink, processes, patients) if fault else (started, "")
        for process in crons:
            process.wait(SETTLE_TIMEOUT)

        def settled():
            close_old_connections()
            return ReminderDelivery.objects.exclude(status=Status.PENDING).count() >= patients

        try:
            wait_until(settled, SETTLE_TIMEOUT, "every reminder to be sent")
        except SystemExit:
            notes += "; did not settle"
        time.sleep(2)  # a duplicate in flight arrives
        arrivals = sink.ask("arrivals")
        failed = ReminderDelivery.objects.filter(status=Status.FAILED).count()
        marked = set(ReminderDelivery.objects.filter(status=Status.SENT).values_list("patient__email", flat=True))
        if marked - set(arrivals):
            notes += f"; {len(marked - set(arrivals))} marked sent but never received"
    finally:
        processes.stop_all()
    firsts = [min(arrivals[email]) for email in emails if email in arrivals]
    sent = sum(len(times) for times in arrivals.values())
    if firsts and max(firsts) < fault_ended:
        notes += "; every reminder arrived before the fault ended"
    return {
        "scenario": name,
        "sent": sent,
        "unique": len(firsts),
        "duplicates": sent - len(arrivals),
        "missed": sum(1 for email in emails if email not in arrivals),
        "failed": failed,
        "recovery": max(max(firsts) - fault_ended, 0) if firsts else float("nan"),
        "notes": notes,
    }


def _when_a_third_is_sent(sink, patients):
    wait_until(lambda: sink.ask("total") >= patients // 3, 120, "a third of the emails")


def kill_worker(sink, processes, patients):
    _when_a_third_is_sent(sink, patients)
    processes.kill("worker1")  # four pool processes, each mid-send
    time.sleep(2)  # a supervisor restarts it
    processes.worker("worker1")
    return time.time(), "4 busy pool processes killed; restarted after 2 s"


def kill_pool_process(sink, processes, patients):
    _when_a_third_is_sent(sink, patients)
    main, _ = processes.running["worker1"]
    victim = pool_children(main.pid)[0]
    os.kill(victim, signal.SIGKILL)
    return time.time(), "the worker replaces it and requeues its task"


def redis_down(sink, processes, patients):
    _when_a_third_is_sent(sink, patients)
    subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True)
    time.sleep(20)
    redis_start()
    return time.time(), "restarted empty (no persistence): queued batches lost"


def smtp_down(sink, processes, patients):
    _when_a_third_is_sent(sink, patients)
    sink.ask("down")
    time.sleep(30)
    sink.ask("up")
    return time.time(), "the in-flight row waits out its 2-minute back-off"


def database_dropped(sink, processes, patients):
    killed = 0
    for share in (3, 2):
        wait_until(lambda s=share: sink.ask("total") >= patients // s, 120, "emails")
        killed += terminate_database_connections()
    return time.time(), f"{killed} connections terminated in two rounds"


# --- The window between acceptance and the mark's commit ----------------------------------


def measure_window(sink, patients):
    """Run send_batch in this process with timers, against the whole cycle of one email (from
    one message reaching the sink to the next): the time from the sink's receipt of a message
    (before it answers "250") until the statement that commits the mark is handed to PostgreSQL
    (a sender killed after that no longer matters: the server commits what it received), and
    until that commit is acknowledged. One clock: time.time() here and in the sink."""
    from django.db import connection

    from tracker.reminders import sending
    from tracker.reminders.dispatch import dispatch

    reminders.reset_and_fill(patients)
    sink.ask("reset")
    recipients, handed_over, committed = [], [], []
    state = {"waiting": False}

    def record(execute, sql, params, many, context):
        autocommit = state["waiting"] and not connection.in_atomic_block  # committed with the statement
        if autocommit:
            handed_over.append(time.time())
        result = execute(sql, params, many, context)
        if autocommit:
            committed.append(time.time())
            state["waiting"] = False
        return result

    real_commit = connection.commit

    def commit():
        waiting = state["waiting"]
        if waiting:
            handed_over.append(time.time())
        real_commit()
        if waiting:
            committed.append(time.time())
            state["waiting"] = False

    real_open = sending.get_connection

    def timed_connection():
        smtp = real_open()
        real_send = smtp.send_messages

        def send_messages(messages):
            result = real_send(messages)
            recipients.append(messages[0].to[0])
            state["waiting"] = True
            return result

        smtp.send_messages = send_messages
        return smtp

    sending.get_connection = timed_connection
    connection.commit = commit
    try:
        with connection.execute_wrapper(record):
            dispatch(enqueue=lambda ids: sending.send_batch(delivery_ids=ids))
    finally:
        sending.get_connection = real_open
        del connection.commit
    arrivals = sink.ask("arrivals")
    received = [min(arrivals[recipient]) for recipient in recipients]
    cycles = [b - a for a, b in zip(received, received[1:], strict=False)]
    result = {"emails": len(received), "cycle_ms": statistics.median(cycles) * 1000}
    for name, ends in (("handed_over", handed_over), ("committed", committed)):
        windows = [end - start for start, end in zip(received, ends, strict=True)][: len(cycles)]
        result[f"{name}_ms"] = statistics.median(windows) * 1000
        result[f"{name}_share"] = sum(windows) / sum(cycles[: len(windows)])
    return result


# --- The web run ----------------------------------------------------------------------------


def web_env(port):
    env = os.environ.copy()
    env.update(
        DJANGO_DEBUG="0", DJANGO_HTTPS="0", DJANGO_ALLOWED_HOSTS="127.0.0.1", SITE_URL=f"http://127.0.0.1:{port}",
        DATABASE_CONN_MAX_AGE="600", REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/1", PORT=str(port),
        HOST="127.0.0.1", GUNICORN_ACCESS_LOG=str(OUT / "web-access.log"), LOG_LEVEL="WARNING",
    )  # fmt: skip
    return env


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Saver(threading.Thread):
    """One patient saving check-ins back to back over one keep-alive connection; each save
    writes a note of its own, so the database can tell which save it kept."""

    CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, port, number, patient_id, session, until):
        super().__init__(daemon=True)
        self.port, self.number, self.patient_id, self.until = port, number, patient_id, until
        self.cookies = {"sessionid": session}
        self.attempts = []  # (day, note, started, ended, status)

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text
        except OSError:
            return 0, ""
        finally:
            conn.close()

    def run(self):
        status, page = self.request("GET", "/today/")
        if status != 200:
            raise SystemExit(f"GET /today/ answered {status}; see {OUT / 'web-gunicorn.log'}")
        token = self.CSRF.search(page).group(1)
        n = 0
        while time.time() < self.until:
            n += 1
            day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1 + n % 12)
            note = f"save {self.number}-{n}"
            body = urllib.parse.urlencode({"stress": str(n % 11), "note": note, "csrfmiddlewaretoken": token})
            started = time.time()
            status, _ = self.request("POST", f"/checkin/{day.isoformat()}/", body)
            self.attempts.append((day, note, started, time.time(), status))
            self.cookies.pop("messages", None)


def web_run(seconds=75, savers=8):
    from django.conf import settings
    from django.test import Client

    from tracker.models import CheckIn, User

    reminders.reset_and_fill(savers)
    port = free_port()
    log = open(OUT / "web-gunicorn.log", "w")  # noqa: SIM115
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wellness.wsgi"],
        cwd=ROOT, env=web_env(port), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    faults = []
    try:
        wait_until(lambda: _get_status(port, "/livez") == 200, 60, "gunicorn")
        patients = list(User.objects.order_by("pk")[:savers])
        sessions = []
        for patient in patients:
            client = Client()
            client.force_login(patient, backend="django.contrib.auth.backends.ModelBackend")
            sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        until = time.time() + seconds
        threads = [Saver(port, i, p.pk, s, until) for i, (p, s) in enumerate(zip(patients, sessions, strict=True))]
        for thread in threads:
            thread.start()
        while time.time() < until - 10:
            time.sleep(15)
            began = time.time()
            count = terminate_database_connections()
            faults.append((began, time.time(), count))
        for thread in threads:
            thread.join()
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(30)
        log.close()

    stored = {(c.patient_id, c.day): c.note for c in CheckIn.objects.filter(patient__in=patients)}
    return {**_tally(threads, faults, stored), "faults": len(faults), "terminated": sum(f[2] for f in faults)}


def _tally(threads, faults, stored):
    """Saves acknowledged against what PostgreSQL holds, and failed requests at and outside the faults."""
    tally = {"saves": 0, "acknowledged": 0, "pairs_checked": 0, "lost": 0, "errors_at_fault": 0, "errors_outside": 0}
    for thread in threads:
        last_ack, later = {}, {}
        for day, note, started, ended, status in thread.attempts:
            tally["saves"] += 1
            if status == 302:
                tally["acknowledged"] += 1
                last_ack[day], later[day] = note, []
                continue
            later.setdefault(day, []).append(note)
            # Any other answer (a 5xx, a 400 for an interrupted session, no answer) failed the save.
            in_flight = any(started <= end and ended >= begin for begin, end, _ in faults)
            tally["errors_at_fault" if in_flight else "errors_outside"] += 1
        tally["pairs_checked"] += len(last_ack)
        # What the database holds is the last acknowledged save, or one sent after it whose answer
        # was lost (a save can commit and its response still fail).
        tally["lost"] += sum(
            1 for day, note in last_ack.items() if stored.get((thread.patient_id, day)) not in [note, *later[day]]
        )
    return tally


def _get_status(port, path):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return 0


# --- The suite ------------------------------------------------------------------------------

SCENARIOS = {
    "baseline": {},
    "two-beats-two-workers-cron": {"workers": 2, "beats": 2, "cron": True},
    "worker-kill-9": {"fault": kill_worker},
    "pool-process-kill-9": {"fault": kill_pool_process},
    "redis-down-20s": {"fault": redis_down},
    "smtp-down-30s": {"fault": smtp_down},
    "database-connections-terminated": {"fault": database_dropped},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=2000, help="due patients per scenario")
    parser.add_argument("--only", nargs="+", choices=[*SCENARIOS, "window", "web"], help="run just these")
    parser.add_argument("--web-seconds", type=int, default=75)
    args = parser.parse_args()
    chosen = args.only or [*SCENARIOS, "window", "web"]

    OUT.mkdir(parents=True, exist_ok=True)
    os.environ.update(FAST)
    redis_stop()  # one left by an interrupted run
    redis_start()
    sink = reminders.Sink(main=_sink_main)
    try:
        reminders.configure(sink.port)
        os.environ["CELERY_BROKER_URL"] = REDIS_URL
        print(f"PostgreSQL {reminders.DATABASE_NAME}, Redis {REDIS_URL} (our own), SMTP sink on port {sink.port}")
        print("settings: " + " ".join(f"{k}={v}" for k, v in FAST.items()))
        print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        results = []
        for name in (n for n in SCENARIOS if n in chosen):
            results.append(run_scenario(name, sink, args.patients, **SCENARIOS[name]))
            print(f"  {name}: done", flush=True)
        window = measure_window(sink, min(args.patients, 1000)) if "window" in chosen else None
        web = web_run(args.web_seconds) if "web" in chosen else None
    finally:
        sink.ask("stop")
        redis_stop()

    print(f"\n{args.patients:,} due patients per scenario; recovery = seconds from the end of the fault "
          "until the last due reminder arrived (baseline: from the first dispatch)\n")  # fmt: skip
    header = f"{'scenario':<34}{'sent':>6}{'unique':>8}{'dupes':>7}{'missed':>8}{'failed':>8}{'recovery s':>12}  notes"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['scenario']:<34}{r['sent']:>6}{r['unique']:>8}{r['duplicates']:>7}{r['missed']:>8}{r['failed']:>8}"
            f"{r['recovery']:>12.1f}  {r['notes']}"
        )
    problems = [r["scenario"] for r in results if r["missed"] or r["failed"] or r["recovery"] > TARGET_RECOVERY_SECONDS]
    problems += [r["scenario"] for r in results if r["duplicates"] and r["scenario"] in ("baseline", "smtp-down-30s")]
    if window:
        print(
            f"\nper email, medians over {window['emails']}: a cycle (message to message at the sink) of "
            f"{window['cycle_ms']:.2f} ms; from the sink's receipt until the mark's committing statement "
            f"is handed to PostgreSQL {window['handed_over_ms']:.2f} ms ({window['handed_over_share']:.1%} of the "
            f"cycle: a worker killed then sends it twice), until that commit is acknowledged "
            f"{window['committed_ms']:.2f} ms ({window['committed_share']:.1%})"
        )
    if web:
        print(
            f"\nweb run ({args.web_seconds} s, 8 patients saving; database connections terminated {web['faults']} "
            f"times, {web['terminated']} connections): {web['saves']} saves, {web['acknowledged']} acknowledged, "
            f"{web['pairs_checked']} (patient, day) checked against PostgreSQL, {web['lost']} lost; failed requests "
            f"in flight at a fault: {web['errors_at_fault']}, outside the faults: {web['errors_outside']}"
        )
        if web["lost"] or web["errors_outside"] or not web["acknowledged"]:
            problems.append("web")
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if problems:
        raise SystemExit(f"Targets missed: {problems}")


if __name__ == "__main__":
    main()
