"""The benchmarks' databases: each uses one of its own, named by BENCH_DATABASE_URL, never the
app's DATABASE_URL, so a benchmark that empties its tables can't touch a database you work on."""

import os


def bench_database_url(default: str) -> str:
    """The benchmark's database URL, exported as DATABASE_URL for the settings (and any child process)."""
    url = os.environ.get("BENCH_DATABASE_URL") or default
    os.environ["DATABASE_URL"] = url
    return url


def create_database_if_missing(url: str) -> None:
    """Create a PostgreSQL database named by `url` when it does not exist (SQLite creates its own)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    db = dj_database_url.parse(url)
    if db["ENGINE"] != "django.db.backends.postgresql":
        return
    params = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None}
    params["password"] = db["PASSWORD"] or None
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
