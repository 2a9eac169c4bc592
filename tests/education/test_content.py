"""Safety tests of the educational content, as loaded by the content migrations (0002, 0006).

They check the data patients actually see (the database rows, and the rendered Learn pages), and
fail if the content regresses. Expected records are spot-checked against ../shared/CONTENT-FACTS.md.
Each check is a function returning its problems, so a test can also prove the check catches a
regression.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from tracker.content import MARKER_RE, read_citations, read_notes
from tracker.content.rules import rules_named, violations
from tracker.education.references import apa_text
from tracker.models import Citation, Note, NoteCitation

pytestmark = pytest.mark.django_db

# A note defines its terms and, for new parents, names the hotline (#18): 400 words is about two
# minutes' reading.
MIN_WORDS, MAX_WORDS = 120, 400
MAX_GRADE = 9.0  # "about a grade-8 reading level" (Flesch-Kincaid)
REQUIRED_FACTORS = {"background", "sleep", "stress", "omega3", "nutrition", "clinical"}
REVIEW_DATE = dt.date(2026, 11, 30)
LIFESTYLE_WORDS = (
    r"\b(sleep\w*|diet\w*|food\w*|eat\w*|omega\w*|exercis\w*|habit\w*|lifestyle|nutri\w*|fruit|vegetable\w*"
    r"|journal|relax\w*)\b"
)
DOI_FORM = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")


def plain_text(body, *, headings=True):
    """A note body as prose: markers and Markdown syntax removed; each line ends a sentence."""
    lines = []
    for line in MARKER_RE.sub("", body).splitlines():
        if not headings and line.lstrip().startswith("#"):
            continue
        line = re.sub(r"^\s*(#+|[-*]|\d+\.)\s+", "", line).strip()
        line = re.sub(r"[*_`]", "", line).replace(" .", ".").replace(" :", ":")
        if line:
            lines.append(line if line[-1] in ".!?:" else line + ".")
    return "\n".join(lines)


def word_count(text):
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", text))


def sentences_citing(body, key):
    return [s for s in re.split(r"(?<=[.!?:])\s+", body) if f"[@{key}]" in s]


def visible_text(note):
    return " ".join([note.title, note.summary, plain_text(note.body)])


# --- checks -------------------------------------------------------------------------------------


AMOUNT_RULES = rules_named("amount with a unit", "unit of a supplement or medicine", "dose words")


def forbidden_language(text, rules=None):
    """The safety rules (tracker/content/rules.py) that `text` breaks, as (rule, words) pairs."""
    return [(v.rule, v.words) for v in violations(text, rules=rules)]


def brexanolone_problems(text):
    low = " ".join(text.lower().split())
    problems = [v.words for v in violations(low, rules=rules_named("brexanolone presented as available"))]
    if ("brexanolone" in low or "zulresso" in low) and not re.search(r"withdr[ae]w|no longer", low):
        problems.append("mentions brexanolone without saying its approval was withdrawn")
    return problems


def citation_problems(citation):
    problems = []
    shown = {f: getattr(citation, f) for f in ("year", "container", "doi", "url") if f not in citation.unconfirmed}
    if not shown.get("year") and not (citation.kind == Citation.Kind.WEBPAGE and citation.retrieved):
        problems.append("no year")  # an undated web page says when it was read instead
    if not (shown.get("container") or (citation.kind == Citation.Kind.WEBPAGE and citation.authors)):
        problems.append("no journal or publisher")
    if citation.doi and not DOI_FORM.match(citation.doi):
        problems.append(f"DOI not in valid form: {citation.doi}")
    if not ((shown.get("doi") and DOI_FORM.match(shown["doi"])) or (shown.get("url") or "").startswith("https://")):
        problems.append("no confirmed DOI or https URL")
    return problems


def misused_citations():
    """Citations backing claims their source does not support (CONTENT-FACTS)."""
    problems = []
    for ref in NoteCitation.objects.select_related("note", "citation"):
        key, factor, body = ref.citation.key, ref.note.factor, ref.note.body
        is_gee = key.startswith("gee") or any(a.startswith("Gee,") for a in ref.citation.authors)
        if is_gee and factor == "sleep":
            problems.append(f"Gee cited in the {factor} note")
        if key == "locci-pinna-2017":
            if factor in {"sleep", "omega3", "nutrition"}:
                problems.append(f"Locci & Pinna 2017 cited in the {factor} note")
            for sentence in sentences_citing(body, key):
                if re.search(LIFESTYLE_WORDS, MARKER_RE.sub("", sentence), re.I):
                    problems.append(f"Locci & Pinna 2017 cited for lifestyle: {sentence!r}")
    return problems


# --- every note ----------------------------------------------------------------------------------


def test_the_migration_loaded_every_note_and_citation_from_the_repository():
    assert set(Note.objects.values_list("slug", flat=True)) == {n["slug"] for n in read_notes()}
    assert set(Citation.objects.values_list("key", flat=True)) == {c["key"] for c in read_citations()}
    assert set(Note.objects.values_list("factor", flat=True)) >= REQUIRED_FACTORS


def review_problems(note):
    """A patient must be able to tell who reviewed a note (a role, not initials) and what was checked."""
    problems = []
    if len(note.reviewed_by.split()) < 2:
        problems.append(f"reviewer shown as initials or a bare name: {note.reviewed_by!r}")
    if "clinician" not in note.reviewed_by:
        problems.append("the reviewer's role does not say whether they are a clinician")
    if not re.search(r"\bsource", note.review_scope):
        problems.append("the review does not say what it checked")
    return problems


def test_every_note_names_its_reviewers_role_and_what_the_review_checked(client):
    notes = Note.objects.all()
    assert {(n.last_reviewed, n.reviewed_by) for n in notes} == {
        (REVIEW_DATE, "the app's health-content editor (not a clinician)")
    }
    assert {n.slug: review_problems(n) for n in notes} == {n.slug: [] for n in notes}
    html = client.get(reverse("learn_note", args=["sleep"])).content.decode().replace("&#x27;", "'")
    assert (
        "Last reviewed 30 Nov 2026 by the app's health-content editor (not a clinician). The review checked each "
        "claim against its cited source, each reference against public records, and the wording against the app's "
        "safety rules." in html
    )


def test_the_review_check_fails_on_initials_or_no_scope():
    assert len(review_problems(Note(reviewed_by="LE", review_scope=""))) == 3


@pytest.mark.parametrize("slug", sorted(n["slug"] for n in read_notes()))
def test_each_note_cites_only_its_own_references_and_uses_them_all(slug):
    note = Note.objects.get(slug=slug)
    listed = list(note.references.order_by("position").values_list("citation__key", flat=True))
    markers = list(dict.fromkeys(MARKER_RE.findall(note.body)))
    assert listed, "every note has at least one citation"
    assert markers == listed, "markers and the numbered reference list agree, in first-use order"


@pytest.mark.parametrize("slug", sorted(n["slug"] for n in read_notes()))
def test_each_note_is_120_to_300_words(slug):
    words = word_count(plain_text(Note.objects.get(slug=slug).body))
    print(f"{slug}: {words} words")
    assert MIN_WORDS <= words <= MAX_WORDS


@pytest.mark.parametrize("slug", sorted(n["slug"] for n in read_notes()))
def test_each_note_reads_at_about_grade_8(textstat_offline, slug):
    # Headings are left out: they would count as very short sentences and flatter the grade.
    grade = textstat_offline.flesch_kincaid_grade(plain_text(Note.objects.get(slug=slug).body, headings=False))
    print(f"{slug}: Flesch-Kincaid grade {grade}")
    assert grade <= MAX_GRADE


def test_the_reading_grade_is_measured_offline_and_can_fail(textstat_offline):
    hard = (
        "Neuroactive steroidogenesis demonstrates considerable interindividual heterogeneity, "
        "necessitating comprehensive pharmacological characterisation methodologies."
    )
    assert textstat_offline.flesch_kincaid_grade(hard) > MAX_GRADE


def test_no_note_contains_dosing_or_diagnostic_language():
    found = {n.slug: forbidden_language(visible_text(n)) for n in Note.objects.all()}
    assert found == {slug: [] for slug in found}
    titles = " ".join(Citation.objects.values_list("title", flat=True))
    notes = " ".join(Citation.objects.values_list("source_note", flat=True))
    # Titles are the sources' own words: on the notes' pages the full rules run (test_safety_rules).
    assert forbidden_language(titles + " " + notes, AMOUNT_RULES) == [], "no citation title shows an amount"


def test_the_forbidden_patterns_catch_dosing_and_diagnosis():
    for text in [
        "Take 1,000 mg of fish oil daily.",
        "Many people take two capsules daily.",
        "The usual dose is small.",
        "You have postpartum depression.",
        "A clinician may diagnose it.",
        "You should take omega-3.",
        "Aim for 2 grams of EPA.",
        "Your stress is too high.",
    ]:
        assert forbidden_language(text), text
    assert forbidden_language(Note.objects.get(slug="omega3").body + " Take 1 g of EPA once a day.")


def test_public_health_guidance_is_quoted_with_its_citation():
    sleep = Note.objects.get(slug="sleep").body
    nutrition = Note.objects.get(slug="nutrition").body
    assert any("7 or more hours" in s for s in sentences_citing(sleep, "watson-2015"))
    assert any("400 g" in s and "five portions" in s for s in sentences_citing(nutrition, "who-healthy-diet"))


def test_the_stress_note_speaks_of_chronic_stress():
    assert re.search(r"\bchronic\b", Note.objects.get(slug="stress").body, re.I)


def test_each_note_states_the_limits_of_its_evidence():
    limits = {
        "background": ["in cell culture", "mostly in animals"],
        "clinical": ["in mice", "animal model", "two clinical trials"],
        "stress": ["rats and mice", "in rats", "small studies of patients", "a link, not proof of cause"],
        "omega3": ["in mice", "not been shown in people"],
        "nutrition": ["animal work", "not proof"],
        "sleep": ["does not prove"],
    }
    for slug, phrases in limits.items():
        body = Note.objects.get(slug=slug).body.lower()
        assert all(p in body for p in phrases), slug


# --- citations -----------------------------------------------------------------------------------


def test_every_citation_has_a_year_a_journal_or_publisher_and_a_doi_or_url():
    problems = {c.key: citation_problems(c) for c in Citation.objects.all()}
    assert problems == {key: [] for key in problems}


def test_the_citation_check_fails_on_an_incomplete_record():
    bare = Citation(key="x", title="T", doi="doi:10.1/x", unconfirmed=[])
    assert set(citation_problems(bare)) == {
        "no year",
        "no journal or publisher",
        "DOI not in valid form: doi:10.1/x",
        "no confirmed DOI or https URL",
    }
    hidden = Citation(key="y", year=2001, container="J", doi="10.1000/y", unconfirmed=["doi"])
    assert citation_problems(hidden) == ["no confirmed DOI or https URL"]


@pytest.mark.parametrize(
    ("key", "year", "doi", "volume", "issue", "pages"),
    [
        ("maguire-mody-2008", 2008, "10.1016/j.neuron.2008.06.019", "59", "2", "207-213"),
        ("wang-2005", 2005, "10.1523/JNEUROSCI.4520-04.2005", "25", "19", "4706-4718"),
        ("locci-pinna-2017", 2017, "10.1111/bph.13843", "174", "19", "3226-3241"),
        ("meltzer-brody-2018", 2018, "10.1016/S0140-6736(18)31551-4", "392", "10152", "1058-1070"),
        ("paul-purdy-1992", 1992, "10.1096/fasebj.6.6.1347506", "6", "6", "2311-2322"),
        ("watson-2015", 2015, "10.5665/sleep.4716", "38", "6", "843-844"),
        ("purdy-1991", 1991, "10.1073/pnas.88.10.4553", "88", "10", "4553-4557"),
        ("uzunova-1998", 1998, "10.1073/pnas.95.6.3239", "95", "6", "3239-3244"),
        ("rasmusson-2006", 2006, "", "60", "7", "704-713"),
        ("insana-2013", 2013, "10.5665/sleep.2304", "36", "1", "73-81"),
    ],
)
def test_the_stored_records_are_the_corrected_ones(key, year, doi, volume, issue, pages):
    c = Citation.objects.get(key=key)
    assert (c.year, c.doi, c.volume, c.issue, c.pages) == (year, doi, volume, issue, pages)


def test_no_record_carries_the_source_articles_errors():
    dois = " ".join(Citation.objects.values_list("doi", flat=True))
    assert "bph.13912" not in dois
    assert "0014-2999(88)90503-2" not in dois
    assert not Citation.objects.filter(key__startswith="maguire", year=2016).exists()
    assert not Citation.objects.filter(authors__icontains="Maguire", year=2016).exists()
    assert not Citation.objects.filter(title__icontains="allopregnanolone promotes", year=2010).exists()


def test_unconfirmed_fields_are_marked_as_content_facts_says():
    # Review 2 searched again (PubMed and PMC copies, reference lists) and still found no record of these.
    assert {"volume", "pages", "doi"} <= set(Citation.objects.get(key="reddy-2010").unconfirmed)
    assert {"volume", "issue", "pages"} <= set(Citation.objects.get(key="locci-pinna-2017").unconfirmed)
    assert apa_text(Citation.objects.get(key="reddy-2010")).endswith("(Volume, pages and DOI not confirmed.)")
    locci = apa_text(Citation.objects.get(key="locci-pinna-2017"))
    assert "174" not in locci
    assert "3226" not in locci
    assert locci.endswith("(Volume, issue and pages not confirmed.)")


def test_no_claim_is_cited_to_a_paper_that_does_not_support_it():
    assert misused_citations() == []


def test_the_misuse_check_catches_gee_for_sleep_and_locci_pinna_for_lifestyle():
    gee = Citation.objects.create(key="gee-1987", title="GABA-dependent modulation", authors=["Gee, K. W."])
    NoteCitation.objects.create(note=Note.objects.get(slug="sleep"), citation=gee, position=9)
    locci = Citation.objects.get(key="locci-pinna-2017")
    omega3 = Note.objects.get(slug="omega3")
    NoteCitation.objects.create(note=omega3, citation=locci, position=9)
    stress = Note.objects.get(slug="stress")
    stress.body += "\nEating fish may help [@locci-pinna-2017].\n"
    stress.save()
    problems = misused_citations()
    assert "Gee cited in the sleep note" in problems
    assert "Locci & Pinna 2017 cited in the omega3 note" in problems
    assert any("cited for lifestyle" in p and "Eating fish" in p for p in problems)


# --- pages ------------------------------------------------------------------------------------------


def learn_urls():
    return [reverse("learn"), reverse("learn_references")] + [
        reverse("learn_note", args=[n["slug"]]) for n in read_notes()
    ]


def test_no_learn_page_presents_brexanolone_as_currently_available(client):
    for url in learn_urls():
        assert brexanolone_problems(strip_tags(client.get(url).content.decode())) == [], url


def test_the_availability_check_can_fail():
    assert brexanolone_problems("Brexanolone is available from your clinic.")
    assert brexanolone_problems("Brexanolone (Zulresso) is an approved medicine for postpartum depression.")
    assert brexanolone_problems("Brexanolone is given by drip.")  # no word of the withdrawal
    assert not brexanolone_problems("The FDA withdrew its approval of brexanolone in 2025.")


def test_no_learn_page_shows_an_amount_or_a_dose(client):
    for url in learn_urls():
        main = client.get(url).content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
        assert forbidden_language(strip_tags(main), AMOUNT_RULES) == [], url


def test_the_crisis_footer_shows_on_every_learn_page(client):
    for url in [*learn_urls(), reverse("learn_note", args=["no-such-note"])]:
        html = client.get(url).content.decode()
        assert 'Call or text <a href="tel:988">988</a>, or chat at' in html, url
        assert "Outside the US, call your local emergency number." in html, url
        assert "This app is not medical advice" in html, url
