"""A backup is only as good as its restore: dump a seeded database with pg_dump, restore it
into a fresh one with pg_restore, and find everything there, served by the app.

The commands are the ones docs/deploying.md gives. The databases are the test's own, on the
server of TEST_POSTGRES_URL, whatever database the rest of the suite runs on.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.services import require_postgres

ROOT = Path(__file__).resolve().parent.parent

# Runs in a process of its own against one database: what it holds, and a patient's page from it.
INSPECT = """
import json
import django
django.setup()
from django.test import Client
from django.urls import reverse
from tracker.models import AuditEvent, CheckIn, Enrolment, PatientWeek, ReminderDelivery, User
from tracker.demo import DEMO_PATIENT_EMAIL
from tracker.audit.services import audit_record

if {record_audit!r}:
    patient = User.objects.get(email=DEMO_PATIENT_EMAIL)
    for action in ("logged_in", "data_exported", "password_changed"):
        audit_record(actor=patient, action=action)
held = {{
    "users": User.objects.count(),
    "checkins": CheckIn.objects.count(),
    "checkin_days": sorted(str(d) for d in CheckIn.objects.values_list("day", flat=True).distinct())[-3:],
    "weeks": PatientWeek.objects.count(),
    "enrolments": Enrolment.objects.count(),
    "audit_events": sorted(AuditEvent.objects.values_list("action", "actor_ref")),
    "deliveries": ReminderDelivery.objects.count(),
}}
# Counted first: logging in appends an audit event of its own.
client = Client()
client.force_login(User.objects.get(email=DEMO_PATIENT_EMAIL))
page = client.get(reverse("dashboard"))
content = page.content.decode()
charted = "<svg" in content and "streak" in content.lower()  # the history, drawn
print(json.dumps({{**held, "dashboard": page.status_code, "charted": charted}}))
"""


def _manage(database_url: str, *args: str, code: str | None = None) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "wellness.settings",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, f"{' '.join(command[:3])}: {result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture
def two_databases():
    server = require_postgres("pg_dump", "pg_restore")
    base = server.rsplit("/", 1)[0]
    names = [f"test_backup_{os.getpid()}_{which}" for which in ("live", "restored")]

    def drop_all(conn):
        for name in names:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    with psycopg.connect(server, autocommit=True) as conn:
        drop_all(conn)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(names[0])))
    yield [f"{base}/{name}" for name in names]
    with psycopg.connect(server, autocommit=True) as conn:
        drop_all(conn)


@pytest.mark.services
def test_a_pg_dump_of_a_seeded_database_restores_whole_into_a_fresh_one_and_serves(two_databases, tmp_path):
    live, restored = two_databases
    _manage(live, "migrate", "--noinput", "-v", "0")
    _manage(live, "seed_demo", "-v", "0")
    _manage(live, code=INSPECT.format(record_audit=True))

    dump = tmp_path / "wellness.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", live], check=True, timeout=300)
    before = json.loads(_manage(live, code=INSPECT.format(record_audit=False)))  # counts what was dumped
    assert before["checkins"] > 1000
    assert before["enrolments"] > 10
    assert len(before["audit_events"]) >= 4  # the three above and a log-in
    assert before["dashboard"] == 200
    with psycopg.connect(live.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(restored.rsplit("/", 1)[1])))
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)], check=True, timeout=300
    )

    after = json.loads(_manage(restored, code=INSPECT.format(record_audit=False)))
    assert after == before
    assert after["charted"]
    # Nothing left to migrate: the restore carries the migration history with the schema.
    _manage(restored, "migrate", "--check", "--noinput")
    _manage(restored, "check", "--database", "default")
