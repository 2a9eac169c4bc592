import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import connection

from tests.factories import ClinicFactory, ClinicianFactory, UserFactory
from tests.smtp import SmtpSink

# 27 November 2026, 15:00 UTC: Friday morning in Los Angeles, Saturday 04:00 in Auckland.
NOW = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)


def pytest_report_header(config):
    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alice(db):
    """A patient in New York. She owns the data in most tests."""
    return UserFactory(email="alice@example.com", first_name="Alice", time_zone="America/New_York")


@pytest.fixture
def bob(db):
    """Another patient: must never see Alice's data."""
    return UserFactory(email="bob@example.com", first_name="Bob", time_zone="Europe/London")


@pytest.fixture
def charlie(db):
    """A clinician at Alice's clinic."""
    clinician = ClinicianFactory(email="charlie@example.com", first_name="Charlie")
    ClinicFactory(name="Alice's clinic").clinicians.add(clinician)
    return clinician


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def tz(name):
    return zoneinfo.ZoneInfo(name)


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server that Django's SMTP backend sends to."""
    sink = SmtpSink()
    port = sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield sink
    sink.stop()
