"""Pause days are the patient's own data: in the JSON and CSV exports, and gone with the account."""

import csv
import datetime as dt
import io
import json
import zipfile

from django.urls import reverse

from tests.factories import PASSWORD
from tracker.models import Pause


def test_the_exports_hold_alices_pauses_and_not_bobs(alice_client, alice, bob):
    Pause.objects.create(
        patient=alice, first_day=dt.date(2026, 11, 2), last_day=dt.date(2026, 11, 6), reason="Hospital"
    )
    Pause.objects.create(
        patient=bob, first_day=dt.date(2026, 11, 2), last_day=dt.date(2026, 11, 3), reason="Bob's trip"
    )
    data = json.loads(alice_client.get(reverse("export_json")).content)
    assert [(p["first_day"], p["last_day"], p["reason"]) for p in data["pauses"]] == [
        ("2026-11-02", "2026-11-06", "Hospital")
    ]
    archive = zipfile.ZipFile(io.BytesIO(alice_client.get(reverse("export_csv")).content))
    rows = list(csv.DictReader(io.StringIO(archive.read("pauses.csv").decode())))
    assert [(r["first_day"], r["last_day"], r["reason"]) for r in rows] == [("2026-11-02", "2026-11-06", "Hospital")]


def test_deleting_the_account_deletes_its_pauses(alice_client, alice, bob):
    Pause.objects.create(patient=alice, first_day=dt.date(2026, 11, 2), last_day=dt.date(2026, 11, 6))
    Pause.objects.create(patient=bob, first_day=dt.date(2026, 11, 2), last_day=dt.date(2026, 11, 3))
    alice_client.post(reverse("delete_account"), {"password": PASSWORD})
    assert list(Pause.objects.values_list("patient__email", flat=True)) == ["bob@example.com"]
