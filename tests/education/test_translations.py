"""Notes in the reader's language (tracker/education/notes.py): the Learn pages, the note card after a
check-in and the references in Spanish, the fall back to the reviewed English, and how the
translations are loaded (tracker/content/load.py, migration 0009)."""

import datetime as dt
import importlib

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils.html import escape

from tests.factories import UserFactory
from tracker.content import read_notes, read_translations
from tracker.content.load import content_upsert, translations_upsert
from tracker.models import Note, NoteTranslation

pytestmark = pytest.mark.django_db
SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}
SLEEP_ES = "El sueño y la química calmante de su cerebro"
SLEEP_EN = "Sleep and your brain&#x27;s calming chemistry"


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


@pytest.fixture
def elena(db):
    """A patient who reads the app in Spanish."""
    return UserFactory(email="elena@example.com", first_name="Elena", language="es")


def spanish(slug):
    return NoteTranslation.objects.get(note__slug=slug, language="es")


def reference_ids(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('<li id="ref-')[1:]]


# --- the Learn pages in Spanish ------------------------------------------------------------------------


def test_the_library_in_spanish_lists_every_note_by_its_spanish_title_under_spanish_headings(client):
    html = client.get(reverse("learn"), **SPANISH).content.decode()
    for translation in NoteTranslation.objects.filter(language="es"):
        assert escape(translation.title) in html
        assert escape(translation.summary) in html
    headings = ["Contexto", "Sueño", "Estrés", "Omega-3", "Frutas, verduras y alimentación", "Contexto clínico"]
    positions = [html.index(f">{h}</h2>") for h in headings]
    assert positions == sorted(positions)
    assert '<h1 class="h3">Aprender</h1>' in html


def test_a_note_page_in_spanish_shows_the_translation_and_says_what_it_translates(client):
    english = client.get(reverse("learn_note", args=["sleep"])).content.decode()
    html = client.get(reverse("learn_note", args=["sleep"]), **SPANISH).content.decode()
    assert f'<h1 class="h3" lang="es">{SLEEP_ES}</h1>' in html
    assert '<div class="note-body" lang="es">' in html
    assert "Aconsejan dormir 7 horas o más cada noche" in html
    assert (
        "Traducción de la versión en inglés revisada el 30 de noviembre de 2026, hecha por el editor de contenido de "
        "salud de la aplicación, que es bilingüe (no es un clínico). La revisión en inglés la hizo el editor de "
        "contenido de salud de la aplicación (no es un clínico) y comprobó cada afirmación con su fuente citada"
    ) in html
    assert "Información general, no consejos médicos." in html
    # The same sources, numbered the same, in their own (English) words.
    assert reference_ids(html) == reference_ids(english) != []
    assert '<ol class="references small" lang="en">' in html
    assert 'aria-label="Referencia 1: Watson et al., 2015">[1]</a>' in html
    assert "[@" not in html


def test_every_note_page_reads_in_spanish(client):
    for translation in NoteTranslation.objects.filter(language="es").select_related("note"):
        html = client.get(reverse("learn_note", args=[translation.note.slug]), **SPANISH).content.decode()
        assert f'lang="es">{escape(translation.title)}</h1>' in html
        assert "Traducción de la versión en inglés revisada el 30 de noviembre de 2026" in html


def test_without_a_translation_a_spanish_reader_gets_the_english_marked_as_english(client):
    spanish("sleep").delete()
    html = client.get(reverse("learn_note", args=["sleep"]), **SPANISH).content.decode()
    assert f'<h1 class="h3" lang="en">{SLEEP_EN}</h1>' in html
    assert '<div class="note-body" lang="en">' in html
    # The page around the note is in Spanish, the review line with it.
    assert "Revisada por última vez el 30 Nov 2026" in html
    assert "Traducción de la versión" not in html
    assert "Información general, no consejos médicos." in html  # the page around it is still Spanish


def test_once_the_english_is_reviewed_again_spanish_readers_get_the_reviewed_english(client):
    Note.objects.filter(slug="sleep").update(last_reviewed=dt.date(2027, 3, 1))
    html = client.get(reverse("learn_note", args=["sleep"]), **SPANISH).content.decode()
    assert f'lang="en">{SLEEP_EN}</h1>' in html
    assert SLEEP_ES not in html
    library = client.get(reverse("learn"), **SPANISH).content.decode()
    assert SLEEP_EN in library
    assert SLEEP_ES not in library


def test_the_references_page_in_spanish_names_the_citing_notes_by_their_spanish_titles(client):
    html = client.get(reverse("learn_references"), **SPANISH).content.decode()
    watson = html.split('id="ref-watson-2015"', 1)[1].split("</li>", 1)[0]
    assert f'href="{reverse("learn_note", args=["sleep"])}" lang="es">{SLEEP_ES}</a>' in watson
    assert "Citada en:" in watson
    assert html.count('<li class="mb-3" id="ref-') == 25


def test_an_english_reader_never_sees_a_translation(client):
    for url in (reverse("learn"), reverse("learn_references"), reverse("learn_note", args=["sleep"])):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert SLEEP_ES not in html
        assert "Traducción" not in html


@pytest.mark.parametrize(
    ("url", "queries"),
    [(reverse("learn"), 3), (reverse("learn_references"), 4), (reverse("learn_note", args=["omega3"]), 8)],
)
def test_the_spanish_pages_take_no_more_queries_than_the_english(
    client, elena, django_assert_max_num_queries, url, queries
):
    client.force_login(elena)
    client.get(url)
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert 'lang="es"' in response.content.decode()


# --- after a check-in, and in the reminder ---------------------------------------------------------------


def test_the_note_card_after_a_check_in_is_in_the_patients_language(client, elena):
    client.force_login(elena)
    location = client.post(reverse("today"), {"stress": "4"})["Location"]
    html = client.get(location).content.decode()
    stress = spanish("stress")
    assert '<div lang="es">' in html
    assert f'href="{reverse("learn_note", args=["stress"])}">{escape(stress.title)}</a>' in html
    assert escape(stress.summary) in html
    assert "Aprenda más sobre algo que acaba de registrar" in html
    assert "Fuente: Locci, A., &amp; Pinna, G. (2017)." in html


# --- loading -------------------------------------------------------------------------------------------------


def historical_apps(migration: str):
    return MigrationLoader(connection).project_state(("tracker", migration)).apps


def test_the_files_hold_a_translation_of_every_note_in_every_language_but_english():
    languages = {code for code, _ in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    held = {(t["language"], t["slug"]) for t in read_translations()}
    assert held == {(language, note["slug"]) for language in languages for note in read_notes()}


def test_the_migration_loads_the_translations_and_running_it_again_changes_nothing():
    NoteTranslation.objects.all().delete()
    migration = importlib.import_module("tracker.migrations.0012_note_translations")
    migration.load_translations(historical_apps("0012_note_translations"), None)
    assert NoteTranslation.objects.count() == len(read_translations())
    assert spanish("sleep").translated_from_reviewed_on == dt.date(2026, 11, 30)
    assert translations_upsert(historical_apps("0012_note_translations")) == 0
    assert content_upsert(historical_apps("0012_note_translations"))["translations"] == 0


def test_loading_translations_leaves_the_notes_and_staff_edits_alone():
    Note.objects.filter(slug="sleep").update(summary="Edited by staff.")
    translation = spanish("sleep")
    translation.title = "Old title"
    translation.save()
    assert translations_upsert(historical_apps("0012_note_translations")) == 1
    assert Note.objects.get(slug="sleep").summary == "Edited by staff."
    assert spanish("sleep").title == "El sueño y la química calmante de su cerebro"


def test_a_note_staff_deleted_gets_no_translation_back():
    Note.objects.filter(slug="sleep").delete()
    translations_upsert(historical_apps("0012_note_translations"))
    assert not NoteTranslation.objects.filter(note__slug="sleep").exists()


def test_before_0009_the_upsert_knows_nothing_of_translations():
    assert translations_upsert(historical_apps("0006_content_review_2")) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "nonexistent"}, "notes/es/nonexistent.md: translates a note the files do not hold"),
        ({"cites": ["watson-2015", "nobody-1999"]}, r"notes/es/sleep.md: cites \['nobody-1999'\]"),
    ],
)
def test_the_loader_refuses_a_translation_of_no_note_or_citing_what_its_note_does_not(monkeypatch, change, message):
    from tracker.content import load

    broken = [{**t, **change} if t["slug"] == "sleep" and t["language"] == "es" else t for t in read_translations()]
    monkeypatch.setattr(load, "read_translations", lambda: broken)
    with pytest.raises(ValueError, match=message):
        translations_upsert(historical_apps("0012_note_translations"))
