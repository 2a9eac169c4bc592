"""Educational notes: APA 7 references, safe Markdown, the Learn pages' reads, and view counts.

Notes and citations are data (loaded from `tracker/content/` by a migration, edited by staff in
the admin). Nothing here looks at a patient's values: the note shown after a check-in depends only
on which factors were logged, never on what was logged.
"""

import datetime as dt
import re
import time
import zoneinfo
from dataclasses import dataclass

import markdown
import nh3
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from tracker.checkins import patient_today
from tracker.content import MARKER_RE
from tracker.models import CheckIn, Citation, Note, NoteCitation, NoteOpened, NoteViewDay

# Which note factor each check-in field belongs to, in the order the form asks them.
FACTOR_OF_FIELD = {
    "sleep_hours": Note.Factor.SLEEP,
    "sleep_quality": Note.Factor.SLEEP,
    "stress": Note.Factor.STRESS,
    "omega3_servings": Note.Factor.OMEGA3,
    "omega3_supplement": Note.Factor.OMEGA3,
    "fruit_veg_servings": Note.Factor.NUTRITION,
}
FACTOR_ORDER = [factor for factor, _ in Note.Factor.choices]
APA_MAX_LISTED_AUTHORS = 20
FIELD_LABELS = {"container": "journal", "doi": "DOI", "url": "web address", "article_number": "article number"}

# --- APA 7 ---------------------------------------------------------------------------------


def _shown(citation: Citation, field: str) -> str:
    """A field's value, or "" when it is empty or not confirmed."""
    if field in (citation.unconfirmed or []):
        return ""
    value = getattr(citation, field)
    return "" if value is None else str(value).strip()


def _authors_shown(citation: Citation) -> list[str]:
    return [] if "authors" in (citation.unconfirmed or []) else list(citation.authors or [])


def _end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def apa_authors(names: list[str]) -> str:
    """APA 7: everyone up to 20 authors, "&" before the last; past 20, the first 19, ". . .", the last."""
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]}, & {names[1]}"
    if len(names) <= APA_MAX_LISTED_AUTHORS:
        return ", ".join(names[:-1]) + ", & " + names[-1]
    return ", ".join(names[: APA_MAX_LISTED_AUTHORS - 1]) + ", . . . " + names[-1]


def apa_date(citation: Citation) -> str:
    year = _shown(citation, "year")
    if not year:
        return "(n.d.)."
    return f"({year}, {citation.date_detail})." if citation.date_detail else f"({year})."


def _gap_note(citation: Citation) -> str:
    missing = [
        FIELD_LABELS.get(f, f) for f in citation.unconfirmed or [] if getattr(citation, f, None) not in ("", None)
    ]
    if not missing:
        return ""
    listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    return f"({capfirst(listed)} not confirmed.)"


def format_apa(citation: Citation) -> SafeString:
    """The reference as HTML: italics for the journal (and volume) or a web page's title, links for DOI/URL."""
    authors = apa_authors(_authors_shown(citation))
    title = _shown(citation, "title")
    is_article = citation.kind == Citation.Kind.ARTICLE
    if is_article:
        title_html = escape(_end(title))
    else:  # a web page's title is italic; its full stop stays outside the italics
        title_html = format_html("<em>{}</em>{}", title.rstrip("."), "" if title.endswith(("?", "!")) else ".")
    parts = (
        [escape(_end(authors)), escape(apa_date(citation)), title_html] if authors else [title_html, apa_date(citation)]
    )

    container = _shown(citation, "container")
    if is_article and container:
        source = format_html("<em>{}</em>", container)
        volume = _shown(citation, "volume")
        if volume:
            source = format_html("{}, <em>{}</em>", source, volume)
            if _shown(citation, "issue"):
                source = format_html("{}({})", source, _shown(citation, "issue"))
        if _shown(citation, "pages"):
            source = format_html("{}, {}", source, _shown(citation, "pages").replace("-", "\u2013"))
        elif _shown(citation, "article_number"):
            source = format_html("{}, Article {}", source, _shown(citation, "article_number"))
        parts.append(format_html("{}.", source))
    elif container and container not in citation.authors:
        parts.append(escape(_end(container)))  # a web page's site name, unless it is the author

    doi, url = _shown(citation, "doi"), _shown(citation, "url")
    link = f"https://doi.org/{doi}" if doi else url
    if link:
        parts.append(format_html('<a href="{}">{}</a>', link, link))
    for extra in (_gap_note(citation), citation.source_note and _end(citation.source_note)):
        if extra:
            parts.append(format_html('<span class="ref-note">{}</span>', extra))
    return mark_safe(" ".join(str(p) for p in parts))  # noqa: S308 (every part is escaped above)


def apa_text(citation: Citation) -> str:
    return strip_tags(format_apa(citation)).replace("&amp;", "&").replace("&#x27;", "'").replace("&quot;", '"')


def short_label(citation: Citation) -> str:
    """ "Reddy, 2010" / "Paul & Purdy, 1992" / "Wang et al., 2005": for a marker's accessible name."""
    surnames = [name.split(",")[0] for name in _authors_shown(citation)]
    year = _shown(citation, "year") or "n.d."
    if not surnames:
        return f"{citation.title}, {year}"
    who = surnames[0] if len(surnames) == 1 else " & ".join(surnames) if len(surnames) == 2 else f"{surnames[0]} et al."
    return f"{who}, {year}"


# --- Note bodies ---------------------------------------------------------------------------

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br"}
_MARKER_IN_HTML = re.compile(r"\s*" + MARKER_RE.pattern)


def render_body(body: str, citations: list[Citation]) -> SafeString:
    """Markdown to sanitised HTML; [@key] markers become numbered links into the reference list.

    Raw HTML in the content is shown as text (escaped before Markdown) and anything that still
    slips through is removed by nh3's allow-list. The marker links are added after sanitising.
    """
    html = markdown.markdown(body.replace("<", "&lt;"), output_format="html")
    html = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"https", "mailto", "tel"})
    numbers = {c.key: (n, c) for n, c in enumerate(citations, start=1)}

    def marker(match):
        if match[1] not in numbers:
            return ' <span class="cite-missing">[reference missing]</span>'
        n, citation = numbers[match[1]]
        return format_html(
            '<sup class="cite"><a href="#ref-{}" aria-label="Reference {}: {}">[{}]</a></sup>',
            citation.key,
            n,
            short_label(citation),
            n,
        )

    return mark_safe(_MARKER_IN_HTML.sub(marker, html))  # noqa: S308 (nh3-cleaned, markers built with format_html)


# --- Reads for the Learn pages ---------------------------------------------------------------


@dataclass
class Reference:
    number: int
    citation: Citation
    html: SafeString


def _references_prefetch():
    return Prefetch("references", queryset=NoteCitation.objects.select_related("citation").order_by("position", "id"))


def notes_by_factor() -> list[tuple[str, list[Note]]]:
    """The library: (factor label, notes) in the factors' order, skipping empty factors. One query."""
    notes = list(Note.objects.only("slug", "title", "factor", "summary").order_by("title"))
    labels = dict(Note.Factor.choices)
    return [(labels[f], [n for n in notes if n.factor == f]) for f in FACTOR_ORDER if any(n.factor == f for n in notes)]


def note_page(*, slug: str) -> tuple[Note, SafeString, list[Reference]]:
    """A note, its body as HTML and its numbered references. Raises Note.DoesNotExist. Two queries."""
    note = Note.objects.prefetch_related(_references_prefetch()).get(slug=slug)
    citations = [ref.citation for ref in note.references.all()]
    references = [Reference(n, c, format_apa(c)) for n, c in enumerate(citations, start=1)]
    return note, render_body(note.body, citations), references


def references_index() -> list[dict]:
    """Every citation in APA order with the notes that cite it. Two queries."""
    uses = NoteCitation.objects.select_related("note").only("citation_id", "note__slug", "note__title")
    citations = Citation.objects.prefetch_related(Prefetch("note_references", queryset=uses.order_by("note__title")))
    rows = [
        {"citation": c, "html": format_apa(c), "notes": [r.note for r in c.note_references.all()]} for c in citations
    ]
    return sorted(rows, key=lambda row: apa_text(row["citation"]).lower())


# --- After a check-in ------------------------------------------------------------------------


def factors_logged(checkin: CheckIn) -> list[str]:
    """The note factors a check-in recorded anything for, in the form's order (never the values)."""
    return list(dict.fromkeys(f for field, f in FACTOR_OF_FIELD.items() if getattr(checkin, field) is not None))


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


def note_card(*, slug: str | None) -> dict | None:
    """What the check-in confirmation shows of a note: title, summary, link, first reference."""
    if not slug or len(slug) > 50:
        return None
    note = Note.objects.filter(slug=slug).prefetch_related(_references_prefetch()).first()
    if note is None:
        return None
    first = next(iter(note.references.all()), None)
    return {"note": note, "first_reference": format_apa(first.citation) if first else None}


# --- Counting views ------------------------------------------------------------------------------


def site_today(now: dt.datetime | None = None) -> dt.date:
    """The per-note counter's day: the site's zone, not the viewer's (anonymous readers have none)."""
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


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


# --- Aggregates for the clinician dashboard ---------------------------------------------------------


# --- The weekly reminder's teaser ----------------------------------------------------------------


def note_of_the_week(*, iso_year: int, iso_week: int) -> tuple[Note, str] | None:
    """The note teased in one ISO week's reminder emails, with its first reference as plain text.

    Everyone gets the same note that week, and the weeks walk through the notes in turn. Nothing
    depends on anyone's values. Two queries.
    """
    notes = list(Note.objects.order_by("slug").only("id", "slug", "title", "summary"))
    if not notes:
        return None
    note = notes[(iso_year * 53 + iso_week) % len(notes)]
    first = note.references.select_related("citation").order_by("position", "id").first()
    citation = strip_tags(format_apa(first.citation)) if first else ""
    return note, citation
