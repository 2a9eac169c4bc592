"""Compile the translation catalogues (locale/*/LC_MESSAGES/*.po to .mo) in pure Python.

The compiled .mo files are committed, so `make run` works on a machine without GNU gettext.
This command (`make compilemessages`) writes them with polib instead of msgfmt, and with --check
(what the tests run) writes nothing and fails if any .mo does not hold exactly what its .po says.

"The same" means what Django would read: every translated, non-fuzzy entry with its text, and the
header's plural rule and charset. A file's date is not compared (git does not keep dates), and a
.mo from msgfmt (Django's own compilemessages) passes as long as it holds the same translations.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

HEADER_FIELDS = ("Plural-Forms", "Content-Type")


def catalogue_paths(locale_dirs=None) -> list[Path]:
    """Every .po file under the project's locale folders."""
    dirs = [Path(d) for d in (locale_dirs if locale_dirs is not None else settings.LOCALE_PATHS)]
    return sorted(path for folder in dirs for path in folder.glob("*/LC_MESSAGES/*.po"))


def _entries(catalogue) -> set[tuple]:
    """The entries gettext would use: translated, not fuzzy, not obsolete (polib's translated_entries)."""
    found = set()
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            text = tuple(sorted((int(n), value) for n, value in entry.msgstr_plural.items()))
        else:
            text = entry.msgstr
        found.add((entry.msgctxt or "", entry.msgid, entry.msgid_plural or "", text))
    return found


def _header(catalogue) -> dict[str, str]:
    return {name: " ".join(catalogue.metadata.get(name, "").split()) for name in HEADER_FIELDS}


def stale_reason(po_path: Path) -> str | None:
    """Why the .mo beside `po_path` is not what the .po says, or None when it is."""
    import polib  # a development requirement; the app itself only reads the .mo files

    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return "no .mo"
    po, mo = polib.pofile(str(po_path)), polib.mofile(str(mo_path))
    if _header(po) != _header(mo):
        return f"header differs: {_header(mo)} in the .mo, {_header(po)} in the .po"
    missing, extra = _entries(po) - _entries(mo), _entries(mo) - _entries(po)
    if missing or extra:
        return f"{len(missing)} translation(s) of the .po not in the .mo, {len(extra)} in the .mo not in the .po"
    return None


def compile_catalogue(po_path: Path) -> Path:
    import polib

    mo_path = po_path.with_suffix(".mo")
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return mo_path


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo without GNU gettext; --check only compares."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Write nothing; fail if a .mo is out of date.")

    def handle(self, *args, check=False, **options):
        paths = catalogue_paths()
        if not paths:
            raise CommandError(f"No catalogues under {settings.LOCALE_PATHS}.")
        if check:
            stale = {path: reason for path in paths if (reason := stale_reason(path))}
            if stale:
                listed = "; ".join(f"{path}: {reason}" for path, reason in stale.items())
                raise CommandError(f"Out of date, run `make compilemessages`: {listed}")
            self.stdout.write(f"{len(paths)} catalogue(s) up to date.")
            return
        for path in paths:
            self.stdout.write(f"Compiled {compile_catalogue(path)}")
