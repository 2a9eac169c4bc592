"""Database expressions that PostgreSQL and SQLite spell differently."""

from django.db.models import DateField, Func


class AddDays(Func):
    """A date plus a fixed whole number of days, on PostgreSQL and SQLite."""

    output_field = DateField()

    def __init__(self, expression, days: int):
        self.days = int(days)
        super().__init__(expression)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({sql} + {self.days})", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"date({sql}, '{self.days:+d} days')", params

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"AddDays has no SQL for {connection.vendor}.")
