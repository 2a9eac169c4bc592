"""Educational notes with citations, and how often they are opened."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.core.i18n import translation_language_choices

# --- Education: notes with citations, and how often they are opened -------------------------

CITATION_FIELDS = ("authors", "year", "title", "container", "volume", "issue", "pages", "article_number", "doi", "url")
DOI_RE = r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$"


class Citation(models.Model):
    """A reference in APA 7 style. Fields listed in `unconfirmed` are never shown as fact."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Journal article or serial")
        WEBPAGE = "webpage", _("Web page or fact sheet")

    key = models.SlugField(max_length=60, unique=True, help_text=_("Used in note bodies as [@key]."))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    authors = models.JSONField(default=list, blank=True, help_text=_('List like ["Paul, S. M.", "Purdy, R. H."].'))
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Empty shows as (n.d.)."))
    date_detail = models.CharField(max_length=40, blank=True, help_text=_('Month or month and day, e.g. "August".'))
    title = models.CharField(max_length=400)
    container = models.CharField(max_length=200, blank=True, help_text=_("Journal, or site name for a web page."))
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=30, blank=True)
    article_number = models.CharField(max_length=30, blank=True)
    doi = models.CharField(
        max_length=200,
        blank=True,
        validators=[RegexValidator(DOI_RE, "A DOI looks like 10.1016/j.neuron.2008.06.019 (no https://doi.org/).")],
    )
    url = models.URLField(max_length=500, blank=True)
    pmid = models.CharField("PMID", max_length=20, blank=True)
    retrieved = models.DateField(
        null=True, blank=True, help_text=_('When an undated page was read: APA\'s "Retrieved Month Day, Year, from".')
    )
    unconfirmed = models.JSONField(
        default=list, blank=True, help_text=f"Fields not confirmed, hidden from patients. Any of: {CITATION_FIELDS}."
    )
    source_note = models.CharField(max_length=300, blank=True, help_text=_("Shown with the reference: provenance."))
    supports = models.TextField(blank=True, help_text=_("For reviewers: what this source actually shows."))

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.key

    def clean(self):
        super().clean()
        unknown = set(self.unconfirmed or []) - set(CITATION_FIELDS)
        if unknown:
            raise ValidationError({"unconfirmed": f"Unknown field names: {', '.join(sorted(unknown))}."})
        if not isinstance(self.authors, list) or not all(isinstance(a, str) for a in self.authors):
            raise ValidationError({"authors": "A list of names."})


class Note(models.Model):
    class Factor(models.TextChoices):
        # The Learn pages' headings, so translated.
        BACKGROUND = "background", _("Background")
        SLEEP = "sleep", _("Sleep")
        STRESS = "stress", _("Stress")
        OMEGA3 = "omega3", _("Omega-3")
        NUTRITION = "nutrition", _("Fruit, vegetables and nutrition")
        CLINICAL = "clinical", _("Clinical context")

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    factor = models.CharField(max_length=20, choices=Factor.choices)
    summary = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Markdown. Cite with [@key]; each key must be in the reference list below."))
    last_reviewed = models.DateField()
    # Shown to patients as "Last reviewed <date> by <reviewed_by>. The review checked <review_scope>.":
    # a role, not initials, so nobody takes an engineer's review for a clinician's.
    reviewed_by = models.CharField(
        max_length=100, help_text=_("The reviewer's role, e.g. \"the app's health-content editor (not a clinician)\".")
    )
    review_scope = models.CharField(
        max_length=300, blank=True, help_text=_('What the review checked, e.g. "each claim against its cited source".')
    )
    citations = models.ManyToManyField(Citation, through="NoteCitation", related_name="notes")

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.slug == "references":  # /learn/references/ is the reference list's own page
            raise ValidationError({"slug": "This address is taken by the References page."})


class NoteTranslation(models.Model):
    """A note in another language, translated from one reviewed English version.

    Readers in that language get it instead of the English only while it translates the English as
    last reviewed (`translated_from_reviewed_on` equals the note's `last_reviewed`): once the English
    is reviewed again, they read the reviewed English until the translation is brought up to date.
    The body cites with the English note's [@key] markers, so both share one reference list.
    """

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, choices=translation_language_choices)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Markdown, citing with the English note's [@key] markers."))
    translated_from_reviewed_on = models.DateField(
        help_text=_(
            "The English note's 'last reviewed' date when it was translated. While it differs, readers get the English."
        )
    )
    translated_by = models.CharField(max_length=100, help_text=_("The translator's role, in this language."))
    # The English note's review, as the translated page states it.
    reviewed_by = models.CharField(max_length=100, help_text=_("The English review's reviewer role, in this language."))
    review_scope = models.CharField(max_length=300, help_text=_("What the English review checked, in this language."))

    class Meta:
        ordering = ["note", "language"]
        constraints = [models.UniqueConstraint(fields=["note", "language"], name="notetranslation_one_per_language")]

    def __str__(self):
        return f"{self.note.slug} ({self.language})"

    @property
    def is_current(self) -> bool:
        """Whether it translates the English note as last reviewed."""
        return self.translated_from_reviewed_on == self.note.last_reviewed


class NoteCitation(models.Model):
    """One entry of a note's numbered reference list."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="references")
    citation = models.ForeignKey(Citation, on_delete=models.PROTECT, related_name="note_references")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["note", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["note", "citation"], name="notecitation_once_per_note")]

    def __str__(self):
        return f"{self.note.slug} cites {self.citation.key}"


class NoteViewDay(models.Model):
    """How many times a note page was opened on one day (the site's time zone), by anyone."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "note"]
        constraints = [models.UniqueConstraint(fields=["note", "day"], name="noteviewday_one_per_note_day")]

    def __str__(self):
        return f"{self.note.slug} on {self.day}: {self.views}"


class NoteOpened(models.Model):
    """That a logged-in patient opened a note on a day (their own time zone). No health values.

    Lets a clinic count notes opened by its enrolled patients, which the per-note counter cannot.
    """

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes_opened")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="openings")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patient", "note", "day"], name="noteopened_once_per_day")]
        indexes = [models.Index(fields=["day", "patient"], name="noteopened_day_patient")]

    def __str__(self):
        return f"note opened {self.pk}"
