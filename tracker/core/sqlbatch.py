"""Run a few SQL statements as one atomic unit, in one round trip where the database allows it.

A check-in save is four short statements. On PostgreSQL with client-side parameter binding
(psycopg's default, and Django's unless OPTIONS["server_side_binding"] is set), the statements
travel in one simple-protocol message. PostgreSQL runs such a message as one implicit
transaction, so the statements commit together or not at all, in order, each with a fresh
snapshot in READ COMMITTED (so a lock taken by the first one is held when the later ones read).
Inside an enclosing transaction they simply become part of it. Elsewhere (SQLite, or server-side
binding) the statements run one by one in transaction.atomic(), with the same result.
"""

from django.conf import settings
from django.db import connection, transaction

Statement = tuple[str, list]


def one_round_trip_possible() -> bool:
    return (
        settings.CHECKIN_SAVE_ONE_ROUND_TRIP
        and connection.vendor == "postgresql"
        and not connection.settings_dict["OPTIONS"].get("server_side_binding")
    )


def execute_atomically(statements: list[Statement], *, rows_of: int | None = None) -> list[tuple] | None:
    """Run `statements` all or nothing; return the rows of statement number `rows_of`, if given."""
    rows = None
    if one_round_trip_possible():
        sql = ";\n".join(sql for sql, _ in statements)
        params = [param for _, statement_params in statements for param in statement_params]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            # psycopg keeps one result per statement; step to the one asked for.
            for index in range(len(statements)):
                if index == rows_of:
                    rows = cursor.fetchall()
                if not cursor.nextset():
                    break
        return rows
    with transaction.atomic(), connection.cursor() as cursor:
        for index, (sql, params) in enumerate(statements):
            cursor.execute(sql, params)
            if index == rows_of:
                rows = cursor.fetchall()
    return rows


def sql_table(model) -> str:
    """A model's table, quoted: the statements here name tables only through the models' _meta."""
    return connection.ops.quote_name(model._meta.db_table)


def sql_column(model, name: str) -> str:
    """A model field's column, quoted."""
    return connection.ops.quote_name(model._meta.get_field(name).column)
