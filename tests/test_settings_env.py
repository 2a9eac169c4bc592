import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from wellness.env import env_bool, env_int, env_list, env_str


def test_it_reads_booleans(monkeypatch):
    monkeypatch.setenv("FLAG", "0")
    assert env_bool("FLAG", default=True) is False
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG", default=False) is True


def test_it_fails_loudly_on_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        env_bool("FLAG", default=True)


def test_it_fails_loudly_on_a_bad_number(monkeypatch):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ImproperlyConfigured, match="PORT"):
        env_int("PORT", 1)


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example, ,b.example ")
    assert env_list("HOSTS") == ["a.example", "b.example"]


@pytest.mark.parametrize("empty", ["", "  "])
def test_it_treats_an_empty_variable_as_unset(monkeypatch, empty):
    for name in ("TEXT", "FLAG", "NUMBER", "HOSTS"):
        monkeypatch.setenv(name, empty)
    assert env_str("TEXT", "fallback") == "fallback"
    assert env_bool("FLAG", default=True) is True
    assert env_int("NUMBER", 7) == 7
    assert env_list("HOSTS", "a.example,b.example") == ["a.example", "b.example"]


def test_an_empty_database_url_means_the_local_sqlite_database():
    env = {**os.environ, "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "wellness.settings"}
    code = "import django; django.setup(); from django.conf import settings as s; print(s.DATABASES['default']['NAME'])"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("db.sqlite3")


def test_it_refuses_a_minimum_cell_size_below_one():
    env = {**os.environ, "CLINIC_MIN_CELL_SIZE": "0", "DJANGO_SETTINGS_MODULE": "wellness.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "CLINIC_MIN_CELL_SIZE must be 1 or more" in result.stderr


def _settings_in_a_fresh_process(**variables):
    env = {**os.environ, **variables, "DJANGO_SETTINGS_MODULE": "wellness.settings"}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.REMINDER_LEASE_SECONDS, s.REMINDER_DISPATCH_SECONDS, "
        "s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'])"
    )
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)


def test_the_fault_recovery_timings_come_from_the_environment():
    result = _settings_in_a_fresh_process(
        REMINDER_LEASE_SECONDS="20", EMAIL_TIMEOUT="5", REMINDER_DISPATCH_SECONDS="10",
        CELERY_VISIBILITY_TIMEOUT_SECONDS="60",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["20", "10", "60"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"REMINDER_LEASE_SECONDS": "60"}, "REMINDER_LEASE_SECONDS must be at least 4 x EMAIL_TIMEOUT (120)"),
        ({"REMINDER_DISPATCH_SECONDS": "0"}, "REMINDER_DISPATCH_SECONDS must be at least 1"),
        ({"CELERY_VISIBILITY_TIMEOUT_SECONDS": "0"}, "CELERY_VISIBILITY_TIMEOUT_SECONDS must be at least 1"),
    ],
)
def test_it_refuses_fault_recovery_timings_that_could_not_work(variables, message):
    result = _settings_in_a_fresh_process(**variables)
    assert result.returncode != 0
    assert message in result.stderr
