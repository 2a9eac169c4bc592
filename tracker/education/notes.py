"""Educational notes: APA 7 references, safe Markdown, the Learn pages' reads, and view counts.

Notes and citations are data (loaded from `tracker/content/` by a migration, edited by staff in
the admin). Nothing here looks at a patient's values: the note shown after a check-in depends only
on which factors were logged, never on what was logged.

Every read that shows a note takes a `language` (by default the active one: the page's, or the one
an email is built in) and gives a NoteText: the note's translation into that language where a
current one exists, else the English it was written and reviewed in. Translations come in the same
query as their notes, so no page gains a query from them.
"""

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, FilteredRelation, Prefetch, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from tracker.core.time import patient_today, site_today
from tracker.education.references import apa_text, format_apa, render_body
from tracker.models import FACTORS, CheckIn, Citation, Note, NoteCitation, NoteOpened, NoteTranslation, NoteViewDay

FACTOR_ORDER = [factor for factor, _ in Note.Factor.choices]
APA_MAX_LISTED_AUTHORS = 20
FIELD_LABELS = {"container": "journal", "doi": "DOI", "url": "web address", "article_number": "article number"}

# --- A note in the reader's language ------------------------------------------------------------


@dataclass(frozen=True)
class NoteText:
    """A note as a reader in one language sees it: its current translation, else the English."""

    note: Note
    translation: NoteTranslation | None = None

    @property
    def slug(self) -> str:
        return self.note.slug

    @property
    def title(self) -> str:
        return (self.translation or self.note).title

    @property
    def summary(self) -> str:
        return (self.translation or self.note).summary

    @property
    def body(self) -> str:
        return (self.translation or self.note).body

    @property
    def language(self) -> str:
        return self.translation.language if self.translation else settings.LANGUAGE_CODE

    @property
    def factor_label(self) -> str:
        return self.note.get_factor_display()


def _language(language: str | None) -> str:
    return language or translation.get_language() or settings.LANGUAGE_CODE


def _with_translation(queryset, language: str, path: str = ""):
    """`queryset` with each row's translation into `language` joined in (read it with _joined):
    `path` leads from the row to its note ("note__" from a NoteCitation)."""
    relation = f"{path}translations"
    joined = FilteredRelation(relation, condition=Q(**{f"{relation}__language": language}))
    return queryset.annotate(shown_translation=joined).select_related("shown_translation")


def _joined(row) -> NoteTranslation | None:
    # Django sets the joined translation only when there is one.
    return getattr(row, "shown_translation", None)


def _by_title(text: NoteText) -> str:
    return text.title.lower()


def _text(note: Note, joined: NoteTranslation | None) -> NoteText:
    # A translation of an older review of the English is not shown: the reviewed English is.
    current = joined is not None and joined.translated_from_reviewed_on == note.last_reviewed
    return NoteText(note, joined if current else None)


# --- Reads for the Learn pages ---------------------------------------------------------------


@dataclass
class Reference:
    number: int
    citation: Citation
    html: SafeString


def _references_prefetch():
    return Prefetch("references", queryset=NoteCitation.objects.select_related("citation").order_by("position", "id"))


def notes_by_factor(*, language: str | None = None) -> list[tuple[str, list[NoteText]]]:
    """The library: (factor label, notes) in the factors' order, skipping empty factors. One query."""
    notes = list(_with_translation(Note.objects.all(), _language(language)))
    texts = sorted((_text(note, _joined(note)) for note in notes), key=_by_title)
    labels = dict(Note.Factor.choices)
    return [
        (labels[f], [t for t in texts if t.note.factor == f])
        for f in FACTOR_ORDER
        if any(t.note.factor == f for t in texts)
    ]


def note_page(*, slug: str, language: str | None = None) -> tuple[NoteText, SafeString, list[Reference]]:
    """A note, its body as HTML and its numbered references. Raises Note.DoesNotExist. Two queries."""
    note = _with_translation(Note.objects.prefetch_related(_references_prefetch()), _language(language)).get(slug=slug)
    text = _text(note, _joined(note))
    citations = [ref.citation for ref in note.references.all()]
    references = [Reference(n, c, format_apa(c)) for n, c in enumerate(citations, start=1)]
    return text, render_body(text.body, citations), references


def references_index(*, language: str | None = None) -> list[dict]:
    """Every citation in APA order with the notes that cite it. Two queries."""
    uses = _with_translation(NoteCitation.objects.select_related("note"), _language(language), path="note__")
    citations = Citation.objects.prefetch_related(Prefetch("note_references", queryset=uses))
    rows = [
        {
            "citation": c,
            "html": format_apa(c),
            "notes": sorted((_text(r.note, _joined(r)) for r in c.note_references.all()), key=_by_title),
        }
        for c in citations
    ]
    return sorted(rows, key=lambda row: apa_text(row["citation"]).lower())


# --- After a check-in ------------------------------------------------------------------------


def factors_logged(checkin: CheckIn) -> list[str]:
    """The note factors a check-in recorded anything for, in the form's order (never the values)."""
    return [factor.note_factor for factor in FACTORS if factor.logged_on(checkin)]


def note_after_checkin(*, checkin: CheckIn) -> Note | None:
    """One note about a factor just logged, rotating day by day.

    The day's number picks the note among those for the logged factors, so a patient who logs the
    same factors every day sees each of their notes in turn, and saving the same day again shows
    the same note. This runs on every check-in save, so it reads the short list of notes from a
    per-process copy (see _rotation_notes) rather than from the database.
    """
    factors = factors_logged(checkin)
    candidates = sorted(
        (n for n in _rotation_notes() if n.factor in factors), key=lambda n: (factors.index(n.factor), n.slug)
    )
    if not candidates:
        return None
    return candidates[checkin.day.toordinal() % len(candidates)]


# The notes' slugs, factors and titles, kept per process for at most ROTATION_NOTES_SECONDS.
# Saving or deleting a note clears this process's copy at once (the signals below); another
# process sees the change within that time. Until then the worst case is a card for a note whose
# slug just changed, which note_card() then doesn't find and leaves out.
ROTATION_NOTES_SECONDS = 60
_rotation = {"notes": [], "until": 0.0}


def _rotation_notes() -> list[Note]:
    now = time.monotonic()
    if now >= _rotation["until"]:
        _rotation["notes"] = list(Note.objects.only("id", "slug", "factor", "title"))
        _rotation["until"] = now + ROTATION_NOTES_SECONDS
    return _rotation["notes"]


@receiver([post_save, post_delete], sender=Note, dispatch_uid="education.rotation_notes_clear")
def rotation_notes_clear(**kwargs) -> None:
    _rotation["until"] = 0.0


def note_card(*, slug: str | None, language: str | None = None) -> dict | None:
    """What the check-in confirmation shows of a note (a NoteText): title, summary, link, first reference."""
    if not slug or len(slug) > 50:
        return None
    notes = _with_translation(Note.objects.filter(slug=slug), _language(language))
    note = notes.prefetch_related(_references_prefetch()).first()
    if note is None:
        return None
    first = next(iter(note.references.all()), None)
    return {
        "note": _text(note, _joined(note)),
        "first_reference": format_apa(first.citation) if first else None,
    }


# --- Counting views ------------------------------------------------------------------------------


def note_view_record(*, note: Note, viewer, now: dt.datetime | None = None) -> None:
    """Count one view of `note`; for a logged-in patient, also note that they opened it that day.

    The counter is incremented in SQL (F()), so concurrent views are never lost; the first view of
    a day creates the row, and a concurrent creator that loses the race falls back to the update.
    """
    now = now or timezone.now()
    day = site_today(now)
    counter = NoteViewDay.objects.filter(note=note, day=day)
    if not counter.update(views=F("views") + 1):
        try:
            with transaction.atomic():
                NoteViewDay.objects.create(note=note, day=day, views=1)
        except IntegrityError:
            counter.update(views=F("views") + 1)
    if viewer.is_authenticated and viewer.is_patient:
        opened = NoteOpened(patient=viewer, note=note, day=patient_today(patient=viewer, now=now))
        NoteOpened.objects.bulk_create([opened], ignore_conflicts=True)


# --- The weekly reminder's teaser ----------------------------------------------------------------


def note_of_the_week(*, iso_year: int, iso_week: int, language: str | None = None) -> tuple[NoteText, str] | None:
    """The note teased in one ISO week's reminder emails, in `language`, with its first reference
    as plain text.

    Everyone gets the same note that week (each in their own language), and the weeks walk through
    the notes in turn. Nothing depends on anyone's values. Two queries.
    """
    notes = list(_with_translation(Note.objects.order_by("slug"), _language(language)))
    if not notes:
        return None
    note = notes[(iso_year * 53 + iso_week) % len(notes)]
    first = note.references.select_related("citation").order_by("position", "id").first()
    citation = strip_tags(format_apa(first.citation)) if first else ""
    return _text(note, _joined(note)), citation
