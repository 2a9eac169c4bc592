"""Per-patient locks: writes that change one patient's rows wait for each other."""

from django.db import connection

from tracker.core.sqlbatch import Statement
from tracker.models import User


def lock_patient(*, patient_id: int) -> None:
    """Serialise rollup writes for one patient until the transaction ends."""
    with connection.cursor() as cursor:
        for statement in lock_patient_statements(patient_id=patient_id):
            cursor.execute(*statement)


def lock_patient_statements(*, patient_id: int) -> list[Statement]:
    """The statement that locks the patient's row; none on SQLite, which has no row locks and
    needs none: it lets one transaction write at a time. Plain SQL, as it runs on every save."""
    if not connection.features.has_select_for_update:
        return []
    return [(f"SELECT 1 FROM {User._meta.db_table} WHERE id = %s FOR UPDATE", [patient_id])]  # noqa: S608 - our table
