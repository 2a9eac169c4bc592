"""0006_content_review_2 brings a deployed database's notes and citations up to the files, and
0002_education still loads a new database now that the files carry fields it predates."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tracker.content import read_notes
from tracker.content.load import content_upsert
from tracker.models import Citation, Note, NoteCitation

pytestmark = pytest.mark.django_db

review_2 = importlib.import_module("tracker.migrations.0006_content_review_2")
NEW_KEYS = [
    "who-healthy-diet",
    "hrsa-mmh-hotline",
    "zurzuvae-label",
    "purdy-1991",
    "uzunova-1998",
    "rasmusson-2006",
    "insana-2013",
]
# The omega-3 note's last section as review 1 left it.
OLD_OMEGA3_ENDING = """## Food or supplements?

There is moderate evidence that eating seafood has health benefits [@nccih-omega3]. The benefits of omega-3
supplements are unclear [@nccih-omega3] [@nih-news-in-health-2025].
"""


def historical_apps(migration: str):
    return MigrationLoader(connection).project_state(("tracker", migration)).apps


def files_body(slug: str) -> str:
    return next(note["body"] for note in read_notes() if note["slug"] == slug)


def as_review_1_left_it():
    """The database before 0006: old wording, the WHO record under its old key, initials, no new records."""
    NoteCitation.objects.filter(citation__key__in=NEW_KEYS).delete()
    Citation.objects.filter(key__in=NEW_KEYS).delete()
    who = Citation.objects.create(
        key="who-2014",
        kind=Citation.Kind.WEBPAGE,
        authors=["World Health Organization"],
        year=2014,
        title="Healthy diet (Fact sheet No. 394)",
        url="https://www.who.int/mediacentre/factsheets/fs394/en/",
    )
    NoteCitation.objects.create(note=Note.objects.get(slug="nutrition"), citation=who, position=1)
    Citation.objects.filter(key="nccih-omega3").update(url="https://www.nccih.nih.gov/health/omega3", retrieved=None)
    omega3 = files_body("omega3").split("## Food or supplements?", 1)[0] + OLD_OMEGA3_ENDING
    Note.objects.filter(slug="omega3").update(body=omega3)
    Note.objects.update(reviewed_by="LE", last_reviewed=dt.date(2026, 11, 27), review_scope="")


def test_the_migration_brings_an_old_database_up_to_the_files():
    as_review_1_left_it()
    review_2.apply_review(historical_apps("0006_content_review_2"), None)

    omega3 = Note.objects.get(slug="omega3")
    assert omega3.body == files_body("omega3")
    assert "moderate evidence" not in omega3.body
    assert "the evidence for benefits from eating seafood is stronger" in omega3.body
    assert (
        Citation.objects.get(key="nccih-omega3").url == "https://www.nccih.nih.gov/health/omega3-supplements-in-depth"
    )
    assert not Citation.objects.filter(key="who-2014").exists()
    assert set(Citation.objects.filter(key__in=NEW_KEYS).values_list("key", flat=True)) == set(NEW_KEYS)
    for note in read_notes():
        listed = Note.objects.get(slug=note["slug"]).references.order_by("position")
        assert list(listed.values_list("citation__key", flat=True)) == note["cites"], note["slug"]
    assert set(Note.objects.values_list("reviewed_by", "last_reviewed")) == {
        ("the app's health-content editor (not a clinician)", dt.date(2026, 11, 30))
    }


def test_running_it_again_changes_nothing():
    apps = historical_apps("0006_content_review_2")
    as_review_1_left_it()
    first = content_upsert(apps, retire=review_2.RETIRED_CITATIONS)
    assert first["notes"] == len(read_notes())
    assert first["retired"] == 1
    assert content_upsert(apps, retire=review_2.RETIRED_CITATIONS) == {
        "citations": 0,
        "notes": 0,
        "reference_lists": 0,
        "retired": 0,
        "translations": 0,
    }


def test_a_database_the_migrations_built_is_already_up_to_date():
    changed = content_upsert(historical_apps("0006_content_review_2"), retire=review_2.RETIRED_CITATIONS)
    assert changed == {"citations": 0, "notes": 0, "reference_lists": 0, "retired": 0, "translations": 0}


def test_it_keeps_what_staff_added_and_a_retired_citation_a_note_still_cites():
    as_review_1_left_it()
    staff_note = Note.objects.create(
        slug="staff-note", title="Staff", factor="sleep", summary="s", body="b", last_reviewed=dt.date(2026, 1, 1)
    )
    NoteCitation.objects.create(note=staff_note, citation=Citation.objects.get(key="who-2014"), position=1)
    review_2.apply_review(historical_apps("0006_content_review_2"), None)
    assert Note.objects.get(slug="staff-note").body == "b"
    assert Citation.objects.filter(key="who-2014").exists()
    assert not Note.objects.get(slug="nutrition").references.filter(citation__key="who-2014").exists()


def test_the_first_content_migration_still_loads_with_the_fields_it_had():
    # Before review 2 taught it to skip them, 0002 failed on fields the files gained later ("retrieved").
    importlib.import_module("tracker.migrations.0002_education").load_education(historical_apps("0002_education"), None)
    assert Citation.objects.get(key="cdc-managing-stress").title == "Managing stress"


def test_the_loader_refuses_a_note_citing_a_record_the_files_lack(monkeypatch):
    from tracker.content import load

    broken = [{**note, "cites": [*note["cites"], "nobody-1999"]} for note in read_notes()]
    monkeypatch.setattr(load, "read_notes", lambda: broken)
    with pytest.raises(ValueError, match="nobody-1999"):
        content_upsert(historical_apps("0006_content_review_2"))
