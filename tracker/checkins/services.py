"""Daily check-ins: which days a patient may fill in, and saving them.

"Today" always means the calendar day in the patient's own time zone.
"""

import datetime as dt
from functools import cache, partial

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.checkins.rollup import rollup_statements_after_save
from tracker.core.l10n import day_text
from tracker.core.locks import lock_patient_statements
from tracker.core.sqlbatch import execute_atomically, sql_column, sql_table
from tracker.core.time import patient_today
from tracker.models import FACTOR_FIELDS, CheckIn, User

EMPTY_CHECKIN_MESSAGE = gettext_lazy(
    "Please log at least one factor (sleep, stress, omega-3 or fruit and vegetables) before saving."
)


class CheckInRefused(Exception):
    """A check-in that must not be stored; the message is shown to the patient."""


def editable_days(*, patient: User, now: dt.datetime | None = None) -> list[dt.date]:
    """The days a patient may fill in or edit, newest first."""
    today = patient_today(patient=patient, now=now)
    return [today - dt.timedelta(days=offset) for offset in range(settings.CHECKIN_EDIT_WINDOW_DAYS)]


def day_refusal(*, patient: User, day: dt.date, now: dt.datetime | None = None) -> str | None:
    """Why `day` cannot be filled in, or None when it can."""
    today = patient_today(patient=patient, now=now)
    words = {"day": day_text(day, "LONG_DAY_YEAR_FORMAT"), "count": _window()}
    if day > today:
        return _("%(day)s is in the future. You can log today or any of the last %(count)s days.") % words
    if day < today - dt.timedelta(days=settings.CHECKIN_EDIT_WINDOW_DAYS - 1):
        return (
            _(
                "%(day)s is more than %(count)s days ago. "
                "Check-ins can be added or changed for the last %(count)s days only."
            )
            % words
        )
    return None


def _window() -> int:
    return settings.CHECKIN_EDIT_WINDOW_DAYS


def checkin_for_day(*, patient: User, day: dt.date) -> CheckIn | None:
    return CheckIn.objects.filter(patient=patient, day=day).first()


def checkin_save(*, patient: User, day: dt.date, values: dict) -> CheckIn:
    """Create or update the patient's check-in for `day`.

    `values` holds the cleaned factor fields and the note. Raises
    CheckInRefused for a day outside the window or a check-in with no factor.
    """
    refusal = day_refusal(patient=patient, day=day)
    if refusal:
        raise CheckInRefused(refusal)
    if all(values.get(name) is None for name in FACTOR_FIELDS):
        raise CheckInRefused(EMPTY_CHECKIN_MESSAGE)
    fields = {name: values.get(name) for name in FACTOR_FIELDS}
    fields["note"] = values.get("note") or ""
    now = timezone.now()
    checkin = CheckIn(patient=patient, day=day, created_at=now, updated_at=now, **fields)
    # Lock the patient, upsert the check-in (INSERT ... ON CONFLICT DO UPDATE, so the unique
    # (patient, day) constraint decides between a new day and an edit, even under a race), then
    # refresh the clinician dashboard's rollup: all of it or none of it, in one round trip where
    # the database allows. The upsert returns what it stored: the row's id and, for an edit, the
    # first save's created_at.
    locks = lock_patient_statements(patient_id=patient.pk)
    (stored,) = execute_atomically(
        [
            *locks,
            (_upsert_checkin_sql(), [_db_value(checkin, name) for name in _UPSERT_COLUMNS]),
            *rollup_statements_after_save(patient_id=patient.pk, day=day),
        ],
        rows_of=len(locks),
    )
    for name, value in zip(_RETURNED, stored, strict=True):
        setattr(checkin, name, _python_value(name, value))
    checkin._state.adding = False
    return checkin


# Plain SQL that PostgreSQL and SQLite both run (see tracker.core.sqlbatch for why the save is one
# round trip); every name comes from the model's _meta.
_UPSERT_COLUMNS = ("patient", "day", *FACTOR_FIELDS, "note", "created_at", "updated_at")
_UPDATED_ON_CONFLICT = (*FACTOR_FIELDS, "note", "updated_at")
_RETURNED = ("id", "created_at", "updated_at")


@cache
def _upsert_checkin_sql() -> str:
    column = partial(sql_column, CheckIn)
    return (
        f"INSERT INTO {sql_table(CheckIn)} ({', '.join(map(column, _UPSERT_COLUMNS))}) "  # noqa: S608 - _meta names
        f"VALUES ({', '.join(['%s'] * len(_UPSERT_COLUMNS))}) "
        f"ON CONFLICT ({column('patient')}, {column('day')}) DO UPDATE SET "
        + ", ".join(f"{column(name)} = excluded.{column(name)}" for name in _UPDATED_ON_CONFLICT)
        + f" RETURNING {', '.join(map(column, _RETURNED))}"
    )


def _db_value(checkin: CheckIn, name: str):
    field = CheckIn._meta.get_field(name)
    return field.get_db_prep_save(getattr(checkin, field.attname), connection)


def _python_value(name: str, value):
    """A value the cursor returned, as the ORM would read it (SQLite returns datetimes as text)."""
    field = CheckIn._meta.get_field(name)
    column = field.get_col(CheckIn._meta.db_table)
    for converter in connection.ops.get_db_converters(column) + field.get_db_converters(connection):
        value = converter(value, column, connection)
    return value


def checkins_for_patient(*, patient: User):
    """The patient's own check-ins, newest first."""
    return CheckIn.objects.filter(patient=patient).order_by("-day")


def checkins_in_window(*, patient: User, days: list[dt.date]) -> dict[dt.date, CheckIn]:
    """The patient's check-ins on `days`, by day (one query)."""
    return {checkin.day: checkin for checkin in CheckIn.objects.filter(patient=patient, day__in=days)}


def queue_owner(*, user: User) -> str:
    """An opaque tag of the patient, stored with a check-in kept on a phone while offline, so one
    patient's check-in is never sent while someone else is logged in on the same phone."""
    return salted_hmac("tracker.checkins.queue-owner", str(user.pk)).hexdigest()[:24]
