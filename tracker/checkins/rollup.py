"""The engagement rollup: what the clinician dashboard reads instead of raw check-ins.

Two pieces, both derived only from a patient's own check-ins and enrolments:

- PatientWeek: per patient and ISO week, how many days they checked in and
  how many of those check-ins included each factor.
- Enrolment.active_week_N: whether the patient checked in during the Nth week
  of that enrolment while still enrolled (the retention table).

Every write that changes check-ins or enrolments refreshes the affected rows
in the same transaction, recomputing them from the source rows rather than
adding deltas, so the rollup is exactly right after edits too. The patient's
row is locked first so two saves for one patient cannot interleave.
`rollup_rebuild` recomputes everything (management command rebuild_rollups).
"""

import datetime as dt
from collections.abc import Iterable
from functools import cache

from django.db import connection, transaction
from django.db.models import Case, Count, DateField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import TruncWeek

from tracker.core.expressions import AddDays
from tracker.core.sqlbatch import Statement, sql_column, sql_table
from tracker.core.time import monday_of
from tracker.models import FACTORS, RETENTION_WEEKS, CheckIn, Enrolment, PatientWeek

FACTOR_LOGGED = {factor.rollup_field: factor.logged for factor in FACTORS}
ROLLUP_FIELDS = ("checkin_days", *FACTOR_LOGGED)
FLAG_FIELDS = tuple(f"active_week_{n}" for n in RETENTION_WEEKS)


def _week_aggregates() -> dict:
    return {"checkin_days": Count("id"), **{name: Count("id", filter=q) for name, q in FACTOR_LOGGED.items()}}


def rollup_statements_after_save(*, patient_id: int, day: dt.date) -> list[Statement]:
    """The statements that refresh the rollup after a check-in for `day` was saved.

    They run after the save in the same transaction, after lock_patient. The week now holds at
    least that check-in, so it is active: no statement depends on another's result, and all of
    them can travel together (see tracker.sqlbatch). Two plain SQL statements, as they run on every
    save: an upsert computed from the week's check-ins, and the retention flags.
    """
    week_start = monday_of(day)
    return [
        _upsert_week_statement(patient_id=patient_id, week_start=week_start),
        _flags_statement(patient_id=patient_id, week_start=week_start, active=True),
    ]


@cache
def _upsert_week_sql() -> str:
    """The week's counts straight from its check-ins, one SUM per factor of the registry.

    An edit that changes no count (most do not) leaves the row alone rather than writing an
    identical new version of it; an edit that changes any count, up or down, rewrites the row.
    """
    week, checkin = PatientWeek, CheckIn
    counts = ", ".join(
        f"SUM(CASE WHEN {factor.logged_sql(lambda name: sql_column(checkin, name))} THEN 1 ELSE 0 END)"
        for factor in FACTORS
    )
    targets = ", ".join(sql_column(week, name) for name in ("patient", "week_start", *ROLLUP_FIELDS))
    rollup = [sql_column(week, name) for name in ROLLUP_FIELDS]
    return (
        f"INSERT INTO {sql_table(week)} ({targets}) "  # noqa: S608 - names from the models' _meta only
        f"SELECT %s, %s, COUNT(*), {counts} FROM {sql_table(checkin)} "
        f"WHERE {sql_column(checkin, 'patient')} = %s AND {sql_column(checkin, 'day')} >= %s "
        f"AND {sql_column(checkin, 'day')} < %s HAVING COUNT(*) > 0 "
        f"ON CONFLICT ({sql_column(week, 'patient')}, {sql_column(week, 'week_start')}) DO UPDATE SET "
        + ", ".join(f"{column} = excluded.{column}" for column in rollup)
        + " WHERE "
        + " OR ".join(f"{sql_table(week)}.{column} <> excluded.{column}" for column in rollup)
    )


def _upsert_week_statement(*, patient_id: int, week_start: dt.date) -> Statement:
    return _upsert_week_sql(), [patient_id, week_start, patient_id, week_start, week_start + dt.timedelta(days=7)]


def _flags_statement(*, patient_id: int, week_start: dt.date, active: bool) -> Statement:
    # The enrolments for which this week is week 1, 2, 4, 8 or 12: each such flag becomes "active
    # this week while still enrolled"; other flags stay. Only rows whose flag changes are written
    # (no column here is ever NULL, so <> is exact; SQLite before 3.39 lacks IS DISTINCT FROM).
    from_weeks = {n: week_start - dt.timedelta(weeks=n - 1) for n in RETENTION_WEEKS}
    from_week_col, until_week = sql_column(Enrolment, "from_week"), sql_column(Enrolment, "until_week")
    sets, changes, set_params, change_params = [], [], [], []
    for n, from_week in from_weeks.items():
        flag_col = sql_column(Enrolment, f"active_week_{n}")
        flag = f"(%s AND ({until_week} IS NULL OR {until_week} > %s))"
        sets.append(f"{flag_col} = CASE WHEN {from_week_col} = %s THEN {flag} ELSE {flag_col} END")
        set_params += [from_week, active, week_start]
        changes.append(f"({from_week_col} = %s AND {flag_col} <> {flag})")
        change_params += [from_week, active, week_start]
    sql = (
        f"UPDATE {sql_table(Enrolment)} SET {', '.join(sets)} "  # noqa: S608 - names from the models' _meta only
        f"WHERE {sql_column(Enrolment, 'patient')} = %s AND ({' OR '.join(changes)})"
    )
    return sql, [*set_params, patient_id, *change_params]


def enrolment_refresh_flags(*, enrolment: Enrolment) -> None:
    """Recompute one enrolment's retention flags (after joining or leaving)."""
    weeks = {n: enrolment.from_week + dt.timedelta(weeks=n - 1) for n in RETENTION_WEEKS}
    active_weeks = set(
        PatientWeek.objects.filter(patient_id=enrolment.patient_id, week_start__in=weeks.values()).values_list(
            "week_start", flat=True
        )
    )
    for n, week in weeks.items():
        enrolled_then = enrolment.until_week is None or enrolment.until_week > week
        setattr(enrolment, f"active_week_{n}", enrolled_then and week in active_weeks)
    enrolment.save(update_fields=list(FLAG_FIELDS))


def rollup_rebuild(*, patient_ids: Iterable[int] | None = None) -> int:
    """Recompute the whole rollup (or some patients') from the source rows.

    One INSERT ... SELECT and one UPDATE, so it is fast on millions of
    check-ins. Returns the number of patient-weeks written.
    """
    weeks = PatientWeek.objects.all()
    checkins = CheckIn.objects.all()
    enrolments = Enrolment.objects.all()
    if patient_ids is not None:
        patient_ids = list(patient_ids)
        weeks = weeks.filter(patient_id__in=patient_ids)
        checkins = checkins.filter(patient_id__in=patient_ids)
        enrolments = enrolments.filter(patient_id__in=patient_ids)
    source = (
        checkins.annotate(week=TruncWeek("day", output_field=DateField()))
        .values("patient_id", "week")
        .annotate(**_week_aggregates())
        .order_by()
    )
    select_sql, params = source.query.sql_with_params()
    table = sql_table(PatientWeek)
    columns = ", ".join(sql_column(PatientWeek, name) for name in ("patient", "week_start", *ROLLUP_FIELDS))
    with transaction.atomic():
        weeks.delete()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) {select_sql}", params)
            written = cursor.rowcount
        enrolments.update(**_flag_expressions())
    return written


def _flag_expressions() -> dict:
    flags = {}
    for n in RETENTION_WEEKS:
        days = 7 * (n - 1)
        active = Exists(
            PatientWeek.objects.filter(
                patient_id=OuterRef("patient_id"), week_start=AddDays(OuterRef("from_week"), days)
            )
        )
        enrolled_then = Q(until_week__isnull=True) | Q(until_week__gt=AddDays(F("from_week"), days))
        flags[f"active_week_{n}"] = Case(When(Q(active) & enrolled_then, then=Value(True)), default=Value(False))
    return flags
