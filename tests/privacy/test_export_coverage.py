"""The export holds every row of the patient's, in every format: found from the models, so a new
model that points at a patient fails here until it is exported or deliberately left out."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from fhir.resources.bundle import Bundle

from tests.conftest import NOW
from tests.privacy.patient_rows import (
    EXPORTED,
    HELD_WITHOUT_A_KEY,
    NOT_EXPORTED,
    USER_FIELDS_NOT_EXPORTED,
    make_full_patient,
    make_world,
    rows_held_without_a_key,
    rows_of,
    user_relations,
)
from tracker.core.spreadsheet import escape_cell
from tracker.models import FACTOR_FIELDS, User

SECTIONS = {
    "account",
    "preferences",
    "checkins",
    "pauses",
    "clinic_history",
    "notes_opened",
    "reminder_emails",
    "sessions",
    "push_devices",
}


@pytest.fixture
def erin(db, frozen_now):
    return make_full_patient(make_world(), now=NOW)


@pytest.fixture
def exported(erin):
    return json.loads(erin.client.get(reverse("export_json")).content)


def test_every_model_that_points_at_a_user_is_exported_or_deliberately_left_out():
    relations = user_relations()
    undecided = relations - set(EXPORTED) - set(NOT_EXPORTED)
    assert not undecided, (
        f"{sorted(undecided)} point at the user: export them (tracker/privacy/export.py and EXPORTED) "
        "or say in NOT_EXPORTED (tests/privacy/patient_rows.py) why not"
    )
    assert set(EXPORTED) | set(NOT_EXPORTED) <= relations, "a decided relation no longer exists"


def test_every_column_of_the_user_is_exported_or_deliberately_left_out(exported):
    exported_columns = set(exported["account"][0]) | set(exported["preferences"][0])
    columns = {field.name for field in User._meta.concrete_fields}
    assert columns - set(USER_FIELDS_NOT_EXPORTED) == exported_columns


def test_the_full_patient_has_a_row_in_every_model_that_points_at_a_user(erin):
    empty = [relation for relation in sorted(user_relations()) if not rows_of(relation, erin.user.pk)]
    assert not empty, f"make_full_patient (tests/privacy/patient_rows.py) gives Erin no row in {empty}"


def test_the_full_patient_has_sessions_and_login_records_kept_without_a_key(erin):
    held = rows_held_without_a_key(erin.user)
    assert set(held) == set(HELD_WITHOUT_A_KEY)
    assert held == {"sessions.Session": 2, "axes.AccessAttempt": 1, "axes.AccessLog": 2, "axes.AccessFailureLog": 0}


def test_each_exported_model_has_its_section_with_every_row_of_the_patients(erin, exported):
    for relation, section in EXPORTED.items():
        assert len(exported[section]) == rows_of(relation, erin.user.pk) > 0, relation


def test_the_json_export_holds_exactly_these_sections_and_rows(exported):
    assert set(exported) == SECTIONS | {"exported_at", "format"}
    assert exported["format"] == "wellness-tracker export v1"
    assert exported["exported_at"] == "2026-11-27T15:00:00+00:00"
    assert exported["account"] == [
        {
            "email": "erin@example.com",
            "first_name": "Erin",
            "time_zone": "America/New_York",
            "date_joined": "2026-01-05T09:00:00+00:00",
            "email_verified_at": "2026-01-05T09:30:00+00:00",
        }
    ]
    assert exported["preferences"] == [
        {
            "reminders_enabled": True,
            "reminder_cadence": "weekly",
            "reminder_weekday": 3,
            "reminder_days": "",
            "reminder_hour": 19,
            "reminders_since": None,
            "language": "en",
        }
    ]
    stamp = "2026-11-27T15:00:00+00:00"
    assert exported["checkins"] == [
        {
            "day": "2026-11-26",
            "sleep_hours": "6.75",
            "sleep_quality": None,
            "stress": None,
            "omega3_servings": None,
            "omega3_supplement": True,
            "fruit_veg_servings": None,
            "note": "",
            "created_at": stamp,
            "updated_at": stamp,
        },
        {
            "day": "2026-11-27",
            "sleep_hours": None,
            "sleep_quality": 3,
            "stress": 4,
            "omega3_servings": None,
            "omega3_supplement": None,
            "fruit_veg_servings": 5,
            "note": "=SUM(A1) walked to work",
            "created_at": stamp,
            "updated_at": stamp,
        },
    ]
    assert exported["clinic_history"] == [
        {"clinic": "Riverside", "joined_at": "2026-11-07T15:00:00+00:00", "left_at": "2026-11-17T15:00:00+00:00"},
        {"clinic": "Hillside", "joined_at": "2026-11-25T15:00:00+00:00", "left_at": None},
    ]
    assert exported["pauses"] == [
        {"first_day": "2026-11-30", "last_day": "2026-12-06", "reason": "Visiting family", "created_at": stamp}
    ]
    assert exported["notes_opened"] == [{"note": "sleep", "day": "2026-11-26"}]
    # Her two signed-in devices (the test client names no browser), never a session key.
    assert [sorted(row) for row in exported["sessions"]] == [
        ["browser", "kept_signed_in", "last_seen_at", "signed_in_at"]
    ] * 2
    assert {row["kept_signed_in"] for row in exported["sessions"]} == {False}
    assert exported["reminder_emails"] == [
        {
            "kind": "week",
            "period_start": "2026-11-16",
            "iso_year": 2026,
            "iso_week": 47,
            "variant": "regular",
            "status": "sent",
            "sent_at": "2026-11-19T00:01:00+00:00",
        }
    ]
    # The device with push reminders: the service's origin, never the endpoint's path or the keys.
    assert exported["push_devices"] == [
        {"browser": exported["sessions"][0]["browser"], "push_service": "https://fcm.googleapis.com",
         "turned_on_at": stamp, "last_reached_at": "2026-11-19T00:01:00+00:00"}
    ]  # fmt: skip


def test_the_csv_zip_has_one_file_per_section_with_the_same_rows_as_the_json(erin, exported):
    archive = zipfile.ZipFile(io.BytesIO(erin.client.get(reverse("export_csv")).content))
    assert set(archive.namelist()) == {f"{section}.csv" for section in SECTIONS}
    for section in SECTIONS:
        rows = list(csv.DictReader(io.StringIO(archive.read(f"{section}.csv").decode())))
        # The same cells, made safe to open in a spreadsheet (a leading = becomes '=).
        assert rows == [{k: escape_cell(v) for k, v in row.items()} for row in exported[section]], section


def test_the_fhir_bundle_has_one_observation_per_factor_logged_and_nothing_else(erin, exported):
    """Only check-ins map to FHIR (Observations); clinics, notes opened and reminders have no
    Observation to map to, and the Patient resource carries no identifying data."""
    raw = erin.client.get(reverse("export_fhir")).content
    bundle = Bundle.parse_raw(raw)  # raises on anything invalid in FHIR R4
    resources = [entry.resource for entry in bundle.entry]
    assert [r.resource_type for r in resources].count("Patient") == 1
    observations = {
        (o.code.coding[0].code, str(o.effectiveDateTime), _value(o))
        for o in resources
        if o.resource_type == "Observation"
    }
    assert len(resources) == 1 + len(observations)
    assert observations == {
        ("93832-4", "2026-11-26", 6.75),
        ("omega3-usual-supplement", "2026-11-26", True),
        ("sleep-quality", "2026-11-27", 3),
        ("stress-rating", "2026-11-27", 4),
        ("fruit-veg-servings", "2026-11-27", 5),
    }
    logged = sum(checkin[field] is not None for checkin in exported["checkins"] for field in FACTOR_FIELDS)
    assert len(observations) == logged


def _value(observation):
    if observation.valueQuantity is not None:
        return observation.valueQuantity.value
    if observation.valueInteger is not None:
        return observation.valueInteger
    return observation.valueBoolean
