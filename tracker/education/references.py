"""APA 7 references and safe Markdown note bodies with numbered citation markers."""

import re

import markdown
import nh3
from django.utils.dateformat import format as date_format
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from tracker.content import MARKER_RE
from tracker.models import Citation, Note

FACTOR_ORDER = [factor for factor, _ in Note.Factor.choices]
APA_MAX_LISTED_AUTHORS = 20
FIELD_LABELS = {"container": "journal", "doi": "DOI", "url": "web address", "article_number": "article number"}


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
        parts.append(_journal_source(citation, container))
    elif container and container not in citation.authors:
        parts.append(escape(_end(container)))  # a web page's site name, unless it is the author

    link = _link(citation)
    if link:
        parts.append(link)
    for extra in (_gap_note(citation), citation.source_note and _end(citation.source_note)):
        if extra:
            parts.append(format_html('<span class="ref-note">{}</span>', extra))
    return mark_safe(" ".join(str(p) for p in parts))  # noqa: S308 (every part is escaped above)


def _link(citation: Citation) -> SafeString:
    """The DOI link, else the web address; a page read on a known day says so (APA: "Retrieved ... from")."""
    doi, url = _shown(citation, "doi"), _shown(citation, "url")
    link = f"https://doi.org/{doi}" if doi else url
    if not link:
        return SafeString("")
    anchor = format_html('<a href="{}">{}</a>', link, link)
    if citation.retrieved and not doi:
        return format_html("Retrieved {}, from {}", date_format(citation.retrieved, "F j, Y"), anchor)
    return anchor


def _journal_source(citation: Citation, journal: str) -> SafeString:
    """ "*Journal*, *volume*(issue), pages." with only the confirmed parts."""
    source = format_html("<em>{}</em>", journal)
    volume = _shown(citation, "volume")
    if volume:
        source = format_html("{}, <em>{}</em>", source, volume)
        if _shown(citation, "issue"):
            source = format_html("{}({})", source, _shown(citation, "issue"))
    if _shown(citation, "pages"):
        source = format_html("{}, {}", source, _shown(citation, "pages").replace("-", "\u2013"))
    elif _shown(citation, "article_number"):
        source = format_html("{}, Article {}", source, _shown(citation, "article_number"))
    return format_html("{}.", source)


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
            return format_html(' <span class="cite-missing">[{}]</span>', gettext("reference missing"))
        n, citation = numbers[match[1]]
        # The reference's short label (its authors and year) stays as the reference list writes it.
        name = gettext("Reference %(number)s: %(label)s") % {"number": n, "label": short_label(citation)}
        return format_html('<sup class="cite"><a href="#ref-{}" aria-label="{}">[{}]</a></sup>', citation.key, name, n)

    return mark_safe(_MARKER_IN_HTML.sub(marker, html))  # noqa: S308 (nh3-cleaned, markers built with format_html)
