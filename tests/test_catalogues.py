"""The translation catalogues (locale/): the committed .mo files are what their .po files say, so
`make run` works without GNU gettext; the Spanish catalogue is complete; every string the code
marks is in it; and each translation keeps its original's placeholders and links."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from tracker.management.commands.compile_catalogues import catalogue_paths, stale_reason

ROOT = Path(__file__).resolve().parent.parent
SPANISH = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def locale_copy(tmp_path, settings):
    """A copy of locale/ that a test may break, in place of the real one."""
    copy = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", copy)
    settings.LOCALE_PATHS = [copy]
    return copy


def test_there_is_a_catalogue_for_every_language_but_the_default():
    languages = {path.parts[-3] for path in catalogue_paths()}
    assert languages == {code for code, _ in settings.LANGUAGES} - {settings.LANGUAGE_CODE}


def test_every_compiled_catalogue_holds_what_its_po_file_says():
    call_command("compile_catalogues", check=True)


def test_the_check_fails_when_a_po_file_changes_without_its_mo_and_compiling_mends_it(locale_copy):
    po_path = locale_copy / "es" / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    catalogue.find("Language").msgstr = "Lengua"
    catalogue.save()
    assert stale_reason(po_path) == "1 translation(s) of the .po not in the .mo, 1 in the .mo not in the .po"
    with pytest.raises(CommandError, match="run `make compilemessages`"):
        call_command("compile_catalogues", check=True)
    call_command("compile_catalogues")
    assert stale_reason(po_path) is None


def test_the_check_fails_without_a_mo_file_or_with_another_plural_rule(locale_copy):
    po_path = locale_copy / "es" / "LC_MESSAGES" / "django.po"
    po_path.with_suffix(".mo").unlink()
    assert stale_reason(po_path) == "no .mo"
    call_command("compile_catalogues")
    catalogue = polib.pofile(str(po_path))
    catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    catalogue.save()
    assert stale_reason(po_path).startswith("header differs")


def test_django_reads_the_committed_catalogue():
    from django.utils import translation

    with translation.override("es"):
        assert translation.gettext("In crisis?") == "¿Está en crisis?"


# --- the Spanish catalogue is complete -------------------------------------------------------------


def catalogue_problems(path: Path) -> list[str]:
    catalogue = polib.pofile(str(path))
    problems = [f"untranslated: {entry.msgid!r}" for entry in catalogue.untranslated_entries()]
    problems += [f"fuzzy: {entry.msgid!r}" for entry in catalogue.fuzzy_entries()]
    if catalogue.metadata_is_fuzzy:
        problems.append("the header is fuzzy (msgfmt would drop it, and its charset with it)")
    return problems


def test_the_spanish_catalogue_has_no_untranslated_or_fuzzy_entry():
    assert catalogue_problems(SPANISH) == []


def test_the_completeness_check_catches_an_untranslated_and_a_fuzzy_entry(tmp_path):
    catalogue = polib.pofile(str(SPANISH))
    catalogue.find("Language").msgstr = ""
    catalogue.find("Change language").flags.append("fuzzy")
    catalogue.save(str(tmp_path / "django.po"))
    assert catalogue_problems(tmp_path / "django.po") == ["untranslated: 'Language'", "fuzzy: 'Change language'"]


PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|<[^>]+>|\{[^}]*\}")


def placeholder_problems(path: Path) -> list[str]:
    """Each translation keeps its original's %(name)s placeholders and HTML tags (links), so a
    link still goes where it went and no value goes missing."""
    return [
        f"{entry.msgid!r}: {sorted(PLACEHOLDER.findall(text))} for {sorted(PLACEHOLDER.findall(entry.msgid))}"
        for entry in polib.pofile(str(path)).translated_entries()
        # A plural entry's every form keeps them too.
        for text in (entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr])
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(entry.msgid))
        and entry.msgid not in DIFFERENT_LINKS
    ]


# The Spanish crisis line adds a link: "envíe AYUDA al 988" (sms:988). test_layout checks its links.
DIFFERENT_LINKS = {
    'Call or text <a href="tel:988">988</a>, or chat at <a href="https://988lifeline.org">988lifeline.org</a> (US). '
    "Outside the US, call your local emergency number."
}


def test_each_translation_keeps_its_placeholders_and_links():
    assert placeholder_problems(SPANISH) == []


def test_the_placeholder_check_catches_a_lost_placeholder(tmp_path):
    catalogue = polib.pofile(str(SPANISH))
    catalogue.append(polib.POEntry(msgid='<a href="%(url)s">Read more</a>', msgstr='<a href="%(link)s">Leer más</a>'))
    catalogue.append(polib.POEntry(msgid="In <strong>%(days)s</strong> days", msgstr="En %(days)s días"))
    catalogue.save(str(tmp_path / "django.po"))
    assert len(placeholder_problems(tmp_path / "django.po")) == 2


def gathered_msgids(root: Path, settings) -> set[str]:
    """What `make messages` would gather from a copy of the code at `root`. makemessages writes
    into any locale/ folder it walks past, so it never runs on the real tree here."""
    settings.LOCALE_PATHS = [root / "locale"]
    call_command("makemessages", locale=["es"], no_obsolete=True, verbosity=0)
    return {entry.msgid for entry in polib.pofile(str(root / "locale" / "es" / "LC_MESSAGES" / "django.po"))}


@pytest.fixture
def code_copy(tmp_path, monkeypatch):
    for folder in ("templates", "tracker", "wellness", "locale"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


needs_gettext = pytest.mark.skipif(not shutil.which("xgettext"), reason="needs GNU gettext (xgettext)")


@needs_gettext
def test_every_string_the_code_marks_is_in_the_catalogue(code_copy, settings):
    committed = {entry.msgid for entry in polib.pofile(str(SPANISH)) if not entry.obsolete}
    assert gathered_msgids(code_copy, settings) == committed, (
        "run `make messages`, translate the new entries, then `make compilemessages`"
    )


@needs_gettext
def test_the_gathering_check_sees_a_newly_marked_string(code_copy, settings):
    (code_copy / "templates" / "planted.html").write_text('{% load i18n %}{% translate "A planted string" %}')
    assert "A planted string" in gathered_msgids(code_copy, settings)
