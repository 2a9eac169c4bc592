"""Run a few SQL statements as one atomic unit, in one round trip where the database allows it.

A check-in save is four short statements. On PostgreSQL with client-side parameter binding
(psycopg's default, and Django's unless OPTIONS["server_side_binding"] is set), the statements
travel in one simple-protocol message. PostgreSQL runs such a message as one implicit
transaction, so the statements commit together or not at all, in order, each with a fresh
snapshot in READ COMMITTED (so a lock taken by the first one is held when the later ones read).
Inside an enclosing transaction they simply become part of it. Elsewhere (SQLite, or server-side
binding) the statements run one by one in transaction.atomic(), with the same result.
"""

from django.db import connection, transaction

Statement = tuple[str, list]


def one_round_trip_possible() -> bool:
    return connection.vendor == "postgresql" and not connection.settings_dict["OPTIONS"].get("server_side_binding")


def execute_atomically(statements: list[Statement]) -> None:
    if one_round_trip_possible():
        sql = ";\n".join(sql for sql, _ in statements)
        params = [param for _, statement_params in statements for param in statement_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
