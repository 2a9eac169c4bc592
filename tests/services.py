"""Real services for the tests that need them.

Without a service, its tests are skipped with a message saying how to start
it. With REQUIRE_SERVICES=1 (as CI sets), a missing service fails instead.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest

# Each engineer's tests use their own Redis database number on the shared server.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") not in ("", "0")


def unavailable(service: str, why: str):
    message = f"{service} is not available ({why}). Start it, or run `.ci/run`, to include these tests."
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {message}", pytrace=False)
    pytest.skip(message)


def require_redis() -> str:
    parsed = urlparse(REDIS_URL)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(16).startswith(b"+PONG"):
                unavailable("Redis", f"no PONG from {REDIS_URL}")
    except OSError as error:
        unavailable("Redis", f"{REDIS_URL}: {error}")
    return REDIS_URL


# The PostgreSQL server on which tests that need a database of their own (say, the backup
# test's) create and drop it, whatever DATABASE_URL the suite runs on.
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def require_postgres(*programs: str) -> str:
    """The server's URL, once it answers; `programs` (say pg_dump) must be on the PATH too."""
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=2).close()
    except psycopg.Error as error:
        unavailable("PostgreSQL", f"{POSTGRES_URL}: {error}")
    for program in programs:
        if not shutil.which(program):
            unavailable(program, "not on the PATH; it comes with the PostgreSQL client package")
    return POSTGRES_URL
