"""Download my data (JSON, CSV, FHIR R4) and delete my account."""

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from fhir.resources.bundle import Bundle

from tests.factories import PASSWORD, CheckInFactory, ClinicFactory, EnrolmentFactory, JoinCodeFactory
from tracker.audit.services import audit_record
from tracker.clinics.join_codes import clinic_join_with_code
from tracker.clinics.services import clinic_leave
from tracker.models import AuditEvent, CheckIn, User
from tracker.privacy.export import export_fhir_bundle

DAY = dt.date(2026, 11, 27)


@pytest.fixture
def alice_data(alice, bob):
    CheckInFactory(patient=alice, day=DAY, note='=HYPERLINK("http://evil")', omega3_supplement=None)
    CheckInFactory(
        patient=alice,
        day=DAY - dt.timedelta(days=1),
        sleep_hours=Decimal("6.75"),
        stress=None,
        omega3_servings=None,
        fruit_veg_servings=None,
        sleep_quality=None,
        omega3_supplement=True,
    )
    CheckInFactory(patient=bob, day=DAY, note="bob's own note")
    EnrolmentFactory(patient=alice, clinic=ClinicFactory(name="Riverside"))
    return alice


def test_the_json_export_holds_everything_alice_entered_and_nothing_of_bobs(alice_client, alice_data):
    response = alice_client.get(reverse("export_json"))
    assert response["Content-Disposition"].startswith('attachment; filename="wellness-tracker-')
    data = json.loads(response.content)
    assert data["account"][0]["email"] == "alice@example.com"
    assert [c["day"] for c in data["checkins"]] == ["2026-11-26", "2026-11-27"]
    assert data["checkins"][0]["sleep_hours"] == "6.75"
    assert data["checkins"][0]["omega3_supplement"] is True
    assert data["clinic_history"][0]["clinic"] == "Riverside"
    assert data["preferences"] == [
        {
            "reminders_enabled": False,
            "reminder_cadence": "weekly",
            "reminder_weekday": alice_data.reminder_weekday,
            "reminder_days": "",
            "reminder_hour": alice_data.reminder_hour,
            "reminders_since": None,
            "language": "en",
        }
    ]
    assert "bob" not in response.content.decode()


def test_the_csv_export_is_a_zip_of_spreadsheets_safe_to_open(alice_client, alice_data):
    response = alice_client.get(reverse("export_csv"))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"account.csv", "checkins.csv", "clinic_history.csv", "notes_opened.csv"} <= set(archive.namelist())
    rows = list(csv.DictReader(io.StringIO(archive.read("checkins.csv").decode())))
    assert [r["day"] for r in rows] == ["2026-11-26", "2026-11-27"]
    assert rows[1]["note"] == '\'=HYPERLINK("http://evil")'  # a formula stays text


def test_the_fhir_export_is_a_valid_r4_bundle_with_one_observation_per_factor_per_day(alice_client, alice_data):
    response = alice_client.get(reverse("export_fhir"))
    bundle = Bundle.parse_raw(response.content)  # raises on anything invalid in FHIR R4
    observations = [e.resource for e in bundle.entry if e.resource.resource_type == "Observation"]
    expected = sum(
        getattr(c, f) is not None
        for c in CheckIn.objects.filter(patient=alice_data)
        for f in [
            "sleep_hours",
            "sleep_quality",
            "stress",
            "omega3_servings",
            "omega3_supplement",
            "fruit_veg_servings",
        ]
    )
    assert len(observations) == expected == 7
    sleep = [o for o in observations if o.code.coding[0].code == "93832-4"]
    assert {str(o.effectiveDateTime) for o in sleep} == {"2026-11-26", "2026-11-27"}
    assert all(o.code.coding[0].system == "http://loinc.org" for o in sleep)
    assert {float(o.valueQuantity.value) for o in sleep} == {6.75, 7.5}
    supplement = [o for o in observations if o.code.coding[0].code == "omega3-usual-supplement"]
    assert [o.valueBoolean for o in supplement] == [True]


def test_the_fhir_bundle_uses_loinc_only_for_sleep_duration(alice_data):
    codes = {
        e["resource"]["code"]["coding"][0]["system"]
        for e in export_fhir_bundle(patient=alice_data)["entry"]
        if e["resource"]["resourceType"] == "Observation" and e["resource"]["code"]["coding"][0]["code"] != "93832-4"
    }
    assert "http://loinc.org" not in codes


@pytest.mark.parametrize("name", ["my_data", "export_json", "export_csv", "export_fhir"])
def test_data_pages_need_a_logged_in_patient(client, charlie, name):
    assert client.get(reverse(name)).status_code == 302
    client.force_login(charlie)
    assert client.get(reverse(name)).status_code == 403


def test_deleting_needs_the_password(alice_client, alice_data):
    response = alice_client.post(reverse("delete_account"), {"password": "not it"})
    assert response.status_code == 400
    assert "That password isn&#x27;t right." in response.content.decode()
    assert User.objects.filter(email="alice@example.com").exists()


def test_deleting_removes_everything_of_alices_and_nothing_of_bobs(alice_client, alice_data, bob):
    other_device = Client()
    other_device.post(reverse("login"), {"username": "alice@example.com", "password": PASSWORD})
    alice_id = alice_data.pk
    response = alice_client.post(reverse("delete_account"), {"password": PASSWORD})
    assert response.status_code == 302

    assert not User.objects.filter(pk=alice_id).exists()
    leftovers = _rows_referring_to(alice_id, "alice@example.com")
    assert leftovers == []
    assert CheckIn.objects.filter(patient=bob).count() == 1
    assert other_device.get(reverse("history")).status_code == 302  # that session is gone too


def _rows_referring_to(user_id, email):
    """Walk every model: any row pointing at the user, or holding their email, is a leftover."""
    leftovers = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                count = model._default_manager.filter(**{field.name: user_id}).count()
                if count:
                    leftovers.append(f"{model.__name__}.{field.name}: {count}")
            elif isinstance(field, (models.CharField, models.TextField, models.EmailField)) and not field.choices:
                count = model._default_manager.filter(**{f"{field.name}__icontains": email}).count()
                if count:
                    leftovers.append(f"{model.__name__}.{field.name} holds the email: {count}")
    for session_model in [apps.get_model("sessions", "Session")]:
        for session in session_model.objects.all():
            if session.get_decoded().get("_auth_user_id") == str(user_id):
                leftovers.append("a session")
    return leftovers


def test_deleting_erases_alices_audit_trail_and_keeps_only_unlinked_security_events(
    client, alice_data, bob, charlie, sam
):
    # The hostile test: after deletion her logins, exports, and clinic join and leave stayed under her old id.
    alice = alice_data
    clinic = charlie.clinics.get()
    code = JoinCodeFactory(clinic=clinic)
    for _ in range(5):
        client.post(
            reverse("login"), {"username": "alice@example.com", "password": "wrong password"}
        )  # failures, a lockout
    AccessAttempt.objects.all().delete()  # the lockout ends; she logs in
    client.force_login(alice)
    clinic_join_with_code(patient=alice, code=code.code)
    clinic_leave(patient=alice, clinic_id=clinic.pk)
    client.get(reverse("export_json"))
    audit_record(actor=alice, action=AuditEvent.Action.LOGGED_IN)
    audit_record(actor=alice, action=AuditEvent.Action.PASSWORD_CHANGED)
    audit_record(actor=bob, action=AuditEvent.Action.LOGGED_IN)
    audit_record(actor=sam, action=AuditEvent.Action.CHECKIN_VIEWED, checkin="1")
    alice_id = alice.pk

    assert client.post(reverse("delete_account"), {"password": PASSWORD}).status_code == 302

    left = sorted(
        (e.action, e.actor_ref, e.metadata)
        for e in AuditEvent.objects.exclude(action=AuditEvent.Action.JOIN_CODES_ISSUED)
    )
    assert left == sorted(
        [
            # Security events stay, for the shape and times of an attack, linked to no one.
            *[("login_failed", None, {})] * 5,
            ("locked_out", None, {}),
            ("password_changed", None, {}),
            # Other people's actions stay as they were.
            ("logged_in", bob.pk, {}),
            ("checkin_viewed", sam.pk, {"checkin": "1"}),
            # The one record of her: that account N was deleted, and when.
            ("account_deleted", None, {"account": alice_id}),
        ]
    )
    code.refresh_from_db()
    assert (code.used_by, code.used_at is not None) == (None, True)  # still used, by no one
