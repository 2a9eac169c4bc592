"""Per-patient locks: writes that change one patient's rows wait for each other."""

from django.db import connection

from tracker.core.sqlbatch import Statement, sql_column, sql_table
from tracker.models import User


def lock_patient(*, patient_id: int) -> None:
    """Serialise writes to one patient's rows until the transaction ends (call inside atomic())."""
    list(User.objects.select_for_update().filter(pk=patient_id).values_list("pk", flat=True))


def lock_patient_statements(*, patient_id: int) -> list[Statement]:
    """The same lock as a statement, for the check-in save's one round trip (core.sqlbatch); none on
    SQLite, which has no row locks and needs none: it lets one transaction write at a time."""
    if not connection.features.has_select_for_update:
        return []
    table, pk = sql_table(User), sql_column(User, User._meta.pk.name)
    return [(f"SELECT 1 FROM {table} WHERE {pk} = %s FOR UPDATE", [patient_id])]  # noqa: S608 - names from _meta
