"""0006_content_review_2 brings a deployed database's notes and citations up to the files, and
0002_education still loads a new database now that the files carry fields it predates."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tracker.content import read_notes
from tracker.content.load import content_upsert
from tracker.models import Citation

pytestmark = pytest.mark.django_db

review_2 = importlib.import_module("tracker.migrations.0006_content_review_2")


def historical_apps(migration: str):
    return MigrationLoader(connection).project_state(("tracker", migration)).apps


def test_a_database_the_migrations_built_is_already_up_to_date():
    changed = content_upsert(historical_apps("0006_content_review_2"), retire=review_2.RETIRED_CITATIONS)
    assert changed == {"citations": 0, "notes": 0, "reference_lists": 0, "retired": 0}


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
