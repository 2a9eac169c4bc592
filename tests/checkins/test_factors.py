"""The factor registry is the one list: the model, the rollup and the notes all agree with it."""

import datetime as dt

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import NOW
from tracker.checkins.services import checkin_save
from tracker.core.time import patient_today
from tracker.models import FACTOR_FIELDS, FACTORS, CheckIn, Note, PatientWeek

NOT_FACTORS = {"id", "patient", "day", "note", "created_at", "updated_at"}


def test_it_lists_every_factor_field_of_the_checkin_model_once():
    model_fields = [f.name for f in CheckIn._meta.concrete_fields if f.name not in NOT_FACTORS]
    assert sorted(model_fields) == sorted(FACTOR_FIELDS)
    assert len(set(FACTOR_FIELDS)) == len(FACTOR_FIELDS)


def test_it_gives_every_factor_a_rollup_column_and_a_kind_of_note():
    week_columns = {f.name for f in PatientWeek._meta.concrete_fields}
    assert {factor.rollup_field for factor in FACTORS} <= week_columns
    assert {factor.note_factor for factor in FACTORS} <= set(Note.Factor.values)


def test_it_gives_every_field_a_fhir_code_and_a_heading():
    for factor in FACTORS:
        for field in factor.fields:
            assert all((field.fhir.code, field.fhir.display, field.heading, field.column)), field.name


values = st.fixed_dictionaries(
    {
        "sleep_hours": st.none() | st.sampled_from(["0", "7.25", "24"]),
        "sleep_quality": st.none() | st.integers(1, 5),
        "stress": st.none() | st.integers(0, 10),
        "omega3_servings": st.none() | st.integers(0, 10),
        "omega3_supplement": st.none() | st.booleans(),
        "fruit_veg_servings": st.none() | st.integers(0, 20),
    }
).filter(lambda v: any(x is not None for x in v.values()))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=values)
def test_it_says_logged_in_sql_exactly_when_it_says_so_in_python(alice, values):
    with time_machine.travel(NOW, tick=False):
        checkin = checkin_save(patient=alice, day=patient_today(patient=alice), values=values)
    for factor in FACTORS:
        in_sql = CheckIn.objects.filter(pk=checkin.pk).filter(factor.logged).exists()
        assert in_sql == factor.logged_on(checkin), factor.key


def test_it_returns_the_saved_row_with_its_stored_id_and_times(alice, frozen_now):
    today = patient_today(patient=alice)
    first = checkin_save(patient=alice, day=today, values={"stress": 3})
    stored = CheckIn.objects.get(patient=alice, day=today)
    assert (first.pk, first.created_at, first.updated_at) == (stored.pk, stored.created_at, stored.updated_at)
    frozen_now.shift(dt.timedelta(minutes=5))
    edit = checkin_save(patient=alice, day=today, values={"stress": 4})
    assert edit.pk == first.pk
    assert edit.created_at == first.created_at  # an edit keeps the first save's time
    assert edit.updated_at == first.updated_at + dt.timedelta(minutes=5)
    assert not edit._state.adding
