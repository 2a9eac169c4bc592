"""Data rights: a patient downloads everything they entered, or deletes their account.

Exports: JSON (every section: account, reminder and language preferences, check-ins with
their notes, pause days, clinic history (joining is the patient's consent), notes opened and
reminder emails), CSV (a ZIP with one CSV file per section) and a
FHIR R4 Bundle of Observations (one per factor per day). Deletion removes the
patient's health and personal data and keeps a minimal audit record.
"""

import datetime as dt
import io
import json
import uuid
import zipfile
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tracker.accounts.browsers import Browser
from tracker.core.i18n import language_of
from tracker.core.spreadsheet import csv_text
from tracker.models import (
    FACTOR_FIELDS,
    FIELDS,
    CheckIn,
    Enrolment,
    NoteOpened,
    Pause,
    PushSubscription,
    ReminderDelivery,
    User,
    UserSession,
)

CHECKIN_COLUMNS = ["day", *FACTOR_FIELDS, "note", "created_at", "updated_at"]

UCUM = "http://unitsofmeasure.org"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"


def _iso(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _checkins(patient):
    rows = CheckIn.objects.filter(patient=patient).order_by("day").values(*CHECKIN_COLUMNS)
    return [{k: (str(v) if k == "sleep_hours" and v is not None else _iso(v)) for k, v in row.items()} for row in rows]


def export_sections(*, patient: User) -> dict[str, list[dict]]:
    """Everything the patient entered or chose, by section. No other person's data."""
    account = {
        "email": patient.email,
        "first_name": patient.first_name,
        "time_zone": patient.time_zone,
        "date_joined": _iso(patient.date_joined),
        "email_verified_at": _iso(patient.email_verified_at),
    }
    preferences = {
        "reminders_enabled": patient.reminders_enabled,
        "reminder_cadence": patient.reminder_cadence,
        "reminder_weekday": patient.reminder_weekday,
        "reminder_days": patient.reminder_days,
        "reminder_hour": patient.reminder_hour,
        "reminders_since": _iso(patient.reminders_since),
        "language": patient.language,
    }
    reminders = [
        {
            "kind": row["kind"],
            "period_start": _iso(row["period_start"]),
            "iso_year": row["iso_year"],
            "iso_week": row["iso_week"],
            "variant": row["variant"],
            "status": row["status"],
            "sent_at": _iso(row["sent_at"]),
        }
        for row in ReminderDelivery.objects.filter(patient=patient)
        .order_by("period_start", "kind")
        .values("kind", "period_start", "iso_year", "iso_week", "variant", "status", "sent_at")
    ]
    clinics = [
        {"clinic": row["clinic__name"], "joined_at": _iso(row["joined_at"]), "left_at": _iso(row["left_at"])}
        for row in Enrolment.objects.filter(patient=patient)
        .order_by("joined_at")
        .values("clinic__name", "joined_at", "left_at")
    ]
    pauses = [
        {"first_day": _iso(row["first_day"]), "last_day": _iso(row["last_day"]), "reason": row["reason"],
         "created_at": _iso(row["created_at"])}
        for row in Pause.objects.filter(patient=patient).order_by("first_day")
        .values("first_day", "last_day", "reason", "created_at")
    ]  # fmt: skip
    # The browsers signed in to the account, in words in the reader's language (no session key: it is
    # a credential).
    sessions = [
        {"browser": str(Browser(row["browser"], row["system"])), "signed_in_at": _iso(row["created_at"]),
         "last_seen_at": _iso(row["last_seen_at"]),
         "kept_signed_in": row["remembered"]}
        for row in UserSession.objects.filter(user=patient).order_by("created_at")
        .values("browser", "system", "created_at", "last_seen_at", "remembered")
    ]  # fmt: skip
    # The devices with push reminders on: where, since when, last reached. Not the endpoint or keys:
    # they are credentials for pushing to the device, and mean nothing to anyone else.
    push_devices = [
        {"browser": str(Browser(row["session__browser"], row["session__system"])),
         "push_service": _origin(row["endpoint"]), "turned_on_at": _iso(row["created_at"]),
         "last_reached_at": _iso(row["last_success_at"])}
        for row in PushSubscription.objects.filter(user=patient).order_by("created_at")
        .values("session__browser", "session__system", "endpoint", "created_at", "last_success_at")
    ]  # fmt: skip
    notes_opened = [
        {"note": row["note__slug"], "day": _iso(row["day"])}
        for row in NoteOpened.objects.filter(patient=patient).order_by("day").values("note__slug", "day")
    ]
    return {
        "account": [account],
        "preferences": [preferences],
        "checkins": _checkins(patient),
        "pauses": pauses,
        "clinic_history": clinics,
        "notes_opened": notes_opened,
        "reminder_emails": reminders,
        "sessions": sessions,
        "push_devices": push_devices,
    }


def export_json(*, patient: User) -> str:
    payload = {"exported_at": _iso(timezone.now()), "format": "wellness-tracker export v1"}
    payload.update(export_sections(patient=patient))
    return json.dumps(payload, indent=2, ensure_ascii=False)


def _csv_text(rows: list[dict]) -> str:
    if not rows:
        return ""
    columns = list(rows[0])
    return csv_text([columns, *([row[c] for c in columns] for row in rows)])


def export_csv_zip(*, patient: User) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in export_sections(patient=patient).items():
            archive.writestr(f"{name}.csv", _csv_text(rows))
    return buffer.getvalue()


def _coding(*, system: str, code: str, display: str, text: str, language: str) -> dict:
    """A Coding: the code system's own display (English, as the system defines it), and in another
    language its translation in the standard extension (FHIR's "translation" on `display`)."""
    coding = {"system": system, "code": code, "display": display}
    if language != settings.LANGUAGE_CODE and text != display:
        coding["_display"] = {
            "extension": [
                {
                    "url": TRANSLATION,
                    "extension": [{"url": "lang", "valueCode": language}, {"url": "content", "valueString": text}],
                }
            ]
        }
    return coding


def export_fhir_bundle(*, patient: User) -> dict:
    """A FHIR R4 Bundle (collection): the patient, then one Observation per factor per day.

    In the patient's language (User.language) where FHIR allows free text: each Observation's
    `language`, its `code.text` and a unit's name. The codes and each Coding's `display` stay the
    code system's own (a LOINC display is LOINC's English); another language's words for them ride
    in the display's translation extension.
    """
    language = language_of(patient)
    with translation.override(language):
        return _fhir_bundle(patient=patient, language=language)


def _fhir_bundle(*, patient: User, language: str) -> dict:
    patient_uuid = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{settings.SITE_URL}/patients/{patient.pk}')}"
    entries = [{"fullUrl": patient_uuid, "resource": {"resourceType": "Patient", "active": True}}]
    for checkin in CheckIn.objects.filter(patient=patient).order_by("day"):
        for field in FIELDS:
            code, value = field.fhir, getattr(checkin, field.name)
            if value is None:
                continue
            text = str(code.text or code.display)
            observation = {
                "resourceType": "Observation",
                "language": language,
                "status": "final",
                "category": [
                    {
                        "coding": [
                            _coding(
                                system="http://terminology.hl7.org/CodeSystem/observation-category",
                                code="survey",
                                display="Survey",
                                text=_("Survey"),
                                language=language,
                            )
                        ],
                        "text": _("Survey"),
                    }
                ],
                "code": {
                    "coding": [
                        _coding(system=code.system, code=code.code, display=code.display, text=text, language=language)
                    ],
                    "text": text,
                },
                "subject": {"reference": patient_uuid},
                "effectiveDateTime": checkin.day.isoformat(),
                "issued": checkin.updated_at.astimezone(dt.UTC).isoformat(),
            }
            if code.value == "quantity":
                unit_code, unit_name = code.unit
                observation["valueQuantity"] = {
                    "value": float(value),
                    "unit": str(unit_name),
                    "system": UCUM,
                    "code": unit_code,
                }
            elif code.value == "boolean":
                observation["valueBoolean"] = bool(value)
            else:
                observation["valueInteger"] = int(value)
            entries.append({"fullUrl": f"urn:uuid:{uuid.uuid4()}", "resource": observation})
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().astimezone(dt.UTC).isoformat(),
        "entry": entries,
    }
