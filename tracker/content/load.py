"""Bring the notes and citations in the database in line with the files in tracker/content/.

Called by the content data migrations (with their historical models) and by tests that empty the
tables. It writes only the fields the model it is given has, so a migration written before a
field existed keeps working after the files gain it.
"""

import datetime as dt

from tracker.content import read_citations, read_notes, read_translations

NOTE_FIELDS = ("title", "factor", "summary", "body", "last_reviewed", "reviewed_by", "review_scope")
TRANSLATION_FIELDS = (
    "title",
    "summary",
    "body",
    "translated_from_reviewed_on",
    "translated_by",
    "reviewed_by",
    "review_scope",
)
DATE_FIELDS = ("retrieved", "last_reviewed", "translated_from_reviewed_on")


def _field_names(model) -> set[str]:
    return {field.name for field in model._meta.concrete_fields} - {"id"}


def _value(name, value):
    if name in DATE_FIELDS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if name == "year":
        return value or None
    return value


def _sync(model, lookup: dict, values: dict) -> tuple[object, bool]:
    """Create the row, or update only the fields that differ. Returns (row, whether anything was written)."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
    return row, bool(changed)


def content_upsert(apps, *, retire: tuple[str, ...] = ()) -> dict[str, int]:
    """Upsert every citation (by key), note (by slug) and translation (by note and language) from
    the files; idempotent.

    A note's reference list is rewritten only when it differs from the note's markers. Notes and
    citations the files don't name (added by staff in the admin) are left alone. `retire` names
    citation keys the files dropped: each is deleted only if no note cites it any more, so a
    note staff wrote around one keeps it. Translations are loaded once the models have them (0009):
    each must translate a note of the files and cite only what that note cites. Returns how many
    rows changed, for tests and logs.
    """
    Citation = apps.get_model("tracker", "Citation")
    Note = apps.get_model("tracker", "Note")
    NoteCitation = apps.get_model("tracker", "NoteCitation")
    counts = {"citations": 0, "notes": 0, "reference_lists": 0, "retired": 0, "translations": 0}

    citation_fields = _field_names(Citation) - {"key"}
    citations = {}
    for record in read_citations():
        values = {name: _value(name, value) for name, value in record.items() if name in citation_fields}
        citations[record["key"]], changed = _sync(Citation, {"key": record["key"]}, values)
        counts["citations"] += changed

    note_fields = _field_names(Note) & set(NOTE_FIELDS)
    for record in read_notes():
        missing = [key for key in record["cites"] if key not in citations]
        if missing:
            raise ValueError(f"{record['slug']}: cites {missing}, which citations.json does not hold")
        values = {name: _value(name, record[name]) for name in note_fields if name in record}
        note, changed = _sync(Note, {"slug": record["slug"]}, values)
        counts["notes"] += changed
        listed = list(
            NoteCitation.objects.filter(note=note).order_by("position", "id").values_list("citation__key", "position")
        )
        wanted = [(key, n) for n, key in enumerate(record["cites"], start=1)]
        if listed != wanted:
            NoteCitation.objects.filter(note=note).delete()
            NoteCitation.objects.bulk_create(
                [NoteCitation(note=note, citation=citations[key], position=n) for key, n in wanted]
            )
            counts["reference_lists"] += 1

    for key in retire:
        if not NoteCitation.objects.filter(citation__key=key).exists():
            counts["retired"] += Citation.objects.filter(key=key).delete()[1].get("tracker.Citation", 0)
    counts["translations"] = translations_upsert(apps)
    return counts


def translations_upsert(apps) -> int:
    """Upsert every translation from notes/<language>/ (by note and language); idempotent.

    A translation must translate a note of the files and cite only what that note cites (else
    ValueError). One whose note is not in the database (staff deleted it) is skipped. Nothing is
    done before the models have translations (0009). Returns how many rows changed.
    """
    try:
        NoteTranslation = apps.get_model("tracker", "NoteTranslation")
    except LookupError:
        return 0
    Note = apps.get_model("tracker", "Note")
    cites = {record["slug"]: record["cites"] for record in read_notes()}
    records = read_translations()
    notes = Note.objects.in_bulk([record["slug"] for record in records], field_name="slug")
    fields = _field_names(NoteTranslation) & set(TRANSLATION_FIELDS)
    changed_rows = 0
    for record in records:
        where = f"notes/{record['language']}/{record['slug']}.md"
        if record["slug"] not in cites:
            raise ValueError(f"{where}: translates a note the files do not hold")
        extra = [key for key in record["cites"] if key not in cites[record["slug"]]]
        if extra:
            raise ValueError(f"{where}: cites {extra}, which the English note does not")
        if record["slug"] not in notes:
            continue
        values = {name: _value(name, record[name]) for name in fields if name in record}
        _, changed = _sync(NoteTranslation, {"note": notes[record["slug"]], "language": record["language"]}, values)
        changed_rows += changed
    return changed_rows
