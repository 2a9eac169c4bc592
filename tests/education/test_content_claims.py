"""Content review 2 (issue #18): each note's claims held to their sources, the help it names, and
the words it defines. Every check returns its problems; each has a companion test that makes the
content regress (the wording review 2 replaced, or a sentence removed) and proves the check fails.
"""

import re

import pytest

from tests.education.test_content import citation_problems, plain_text
from tracker.checkins.forms import CheckInForm
from tracker.content import MARKER_RE, read_notes
from tracker.education.references import apa_text
from tracker.models import FIELD_BY_NAME, Citation, Note

pytestmark = pytest.mark.django_db


def body(slug: str) -> str:
    return Note.objects.get(slug=slug).body


def flat(text: str) -> str:
    return " ".join(text.split())


def unlinked(text: str) -> str:
    """Markdown links as the words they show: "[988](tel:988)" reads "988"."""
    return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)


def cited_passage(text: str, key: str, sentences: int = 3) -> str:
    """Each sentence citing `key`, with the sentences just before it in its paragraph: a marker
    often closes a short run of sentences about one source."""
    passages = []
    for paragraph in re.split(r"\n\s*\n", unlinked(text)):
        parts = re.split(r"(?<=[.!?:])\s+", " ".join(paragraph.split()))
        for n, sentence in enumerate(parts):
            if f"[@{key}]" in sentence:
                passages.append(" ".join(parts[max(0, n - sentences + 1) : n + 1]))
    return MARKER_RE.sub("", " ".join(passages))


def regress(text: str, new: str, old: str) -> str:
    assert new in text, new
    return text.replace(new, old)


# --- 2. the new-parent note names the maternal mental health hotline ---------------------------------


def hotline_problems(text):
    hotline = cited_passage(text, "hrsa-mmh-hotline", sentences=4)
    problems = [
        f"the hotline passage lacks {phrase!r}"
        for phrase in (
            "National Maternal Mental Health Hotline",
            "Call or text 1-833-TLC-MAMA (1-833-852-6262)",
            "free, confidential",
            "24 hours a day, 7 days a week",
            "It is not a crisis line",
            "call or text 988",
        )
        if phrase not in hotline and phrase not in cited_passage(text, "hrsa-mmh-hotline", sentences=6)
    ]
    if "Hotline" in text and "Brexanolone" in text and text.index("Hotline") > text.index("Brexanolone"):
        problems.append("the hotline comes after the medicines: help first")
    return problems


def test_the_new_parent_note_names_the_maternal_mental_health_hotline():
    assert hotline_problems(body("clinical")) == []


def test_the_hotline_check_fails_without_the_hotline_or_its_not_a_crisis_line():
    text = body("clinical")
    assert hotline_problems(re.sub(r"## Support for new.*?(?=## What animal)", "", text, flags=re.S))
    assert hotline_problems(regress(text, "It is not a crisis line. ", "")) == [
        "the hotline passage lacks 'It is not a crisis line'"
    ]


# --- 3 and 4. omega-3: the cautions, and claims as their sources make them -----------------------------


def omega3_problems(text):
    problems = []
    caution = cited_passage(text, "nih-news-in-health-2025", sentences=2)
    for phrase in (
        "health care provider",
        "blood clotting",
        "pregnant or breastfeeding",
        "allergic to fish or shellfish",
    ):
        if phrase not in caution:
            problems.append(f"the caution lacks {phrase!r}")
    if re.search(r"moderate evidence", text, re.I):
        problems.append("'moderate evidence' is not on the NCCIH page cited")
    nccih = cited_passage(text, "nccih-omega3")
    if not re.search(r"for some health conditions, the evidence .* seafood is stronger", nccih, re.I):
        problems.append("the seafood claim is not NCCIH's: stronger evidence for seafood, for some conditions")
    bloch = cited_passage(text, "bloch-hannestad-2012", sentences=3)
    if not re.search(r"found no clear benefit\.", bloch):
        problems.append("Bloch & Hannestad: no clear benefit even before adjusting for publication bias")
    if "more likely to be published" not in bloch:
        problems.append("Bloch & Hannestad: the signs of publication bias")
    return problems


def test_the_omega3_note_gives_the_cautions_and_holds_its_claims_to_their_sources():
    assert omega3_problems(body("omega3")) == []


def test_the_omega3_check_fails_on_the_wording_review_2_replaced():
    text = body("omega3")
    no_caution = re.sub(r"## Before an omega-3.*?(?=## The neurosteroid)", "", text, flags=re.S)
    assert "the caution lacks 'blood clotting'" in omega3_problems(no_caution)
    old_seafood = regress(
        text,
        "For some health conditions, the evidence for benefits from eating seafood is stronger than the evidence for "
        "omega-3 supplements [@nccih-omega3].",
        "There is moderate evidence that eating seafood has health benefits [@nccih-omega3].",
    )
    assert "'moderate evidence' is not on the NCCIH page cited" in omega3_problems(old_seafood)
    old_bloch = re.sub(
        r"The other, of 13 trials.*?\[@bloch-hannestad-2012\]",
        "Another, of 13 trials, found no clear benefit once it allowed for the fact that positive results are more "
        "likely to be published [@bloch-hannestad-2012]",
        text,
        flags=re.S,
    )
    assert "Bloch & Hannestad: no clear benefit even before adjusting for publication bias" in omega3_problems(
        old_bloch
    )


# --- 5. the clinical note -------------------------------------------------------------------------------


def clinical_problems(text):
    problems = []
    trials = cited_passage(text, "meltzer-brody-2018", sentences=6)
    for phrase in ("two clinical trials", "moderate to severe postpartum depression", "over 60 hours", "placebo"):
        if phrase not in trials:
            problems.append(f"the trials passage lacks {phrase!r}")
    if "watch the patient closely" not in cited_passage(text, "fda-2019", sentences=1):
        problems.append("brexanolone's monitoring, cited")
    withdrawal = cited_passage(text, "fda-2025-zulresso-withdrawal", sentences=2)
    if "no longer an approved medicine" not in withdrawal or "effective 14 April 2025" not in withdrawal:
        problems.append("'no longer an approved medicine' cites the withdrawal notice and its effective date")
    if not re.search(r"boxed warning.*driving", cited_passage(text, "zurzuvae-label", sentences=2)):
        problems.append("zuranolone's boxed warning about driving, cited to its label")
    mice = cited_passage(text, "maguire-mody-2008", sentences=3)
    for phrase in ("less or none", "after giving birth", "pups"):
        if phrase not in mice:
            problems.append(f"the mouse study passage lacks {phrase!r}")
    return problems


def test_the_clinical_note_holds_its_claims_to_their_sources():
    assert clinical_problems(body("clinical")) == []


def test_the_clinical_check_fails_on_the_wording_review_2_replaced():
    text = body("clinical")
    old = regress(text, "The women in these trials had moderate to severe postpartum depression. ", "")
    old = regress(
        old,
        "The FDA withdrew that approval, effective 14 April 2025, after",
        "In 2025, the FDA withdrew that approval after",
    )
    old = re.sub(r"Its label has a boxed warning.*?\[@zurzuvae-label\]", "", old)
    old = regress(
        old,
        "Mice with less or none of one part of this receptor acted in ways that looked like depression after giving "
        "birth. They also cared for their pups poorly, and fewer pups lived [@maguire-mody-2008].",
        "Mice that lacked one part of this receptor showed behavior that looked like depression [@maguire-mody-2008].",
    )
    assert set(clinical_problems(old)) == {
        "the trials passage lacks 'moderate to severe postpartum depression'",
        "'no longer an approved medicine' cites the withdrawal notice and its effective date",
        "zuranolone's boxed warning about driving, cited to its label",
        "the mouse study passage lacks 'less or none'",
        "the mouse study passage lacks 'after giving birth'",
        "the mouse study passage lacks 'pups'",
    }


# --- 6. stress ---------------------------------------------------------------------------------------------


def stress_problems(text):
    problems = []
    if "severe or long-lasting stress" not in cited_passage(text, "locci-pinna-2017", sentences=1):
        problems.append("say 'severe or long-lasting stress' (short-term stress raises these steroids)")
    if re.search(r"too much stress", text, re.I):
        problems.append("'too much stress' is not what the review says")
    if "rats and mice" not in cited_passage(text, "locci-pinna-2017"):
        problems.append("the review's findings come mostly from rats and mice")
    if "short stress quickly raised" not in cited_passage(text, "purdy-1991", sentences=1):
        problems.append("short-term stress raises these steroids (in rats), cited")
    people = flat(MARKER_RE.sub("", text))
    if not re.search(r"studies of patients found lower allopregnanolone.*This is a link, not proof of cause", people):
        problems.append("lower allopregnanolone in depression and PTSD: studies of patients, a link, not proof")
    return problems


def test_the_stress_note_holds_its_claims_to_their_sources():
    assert stress_problems(body("stress")) == []


def test_the_stress_check_fails_on_the_wording_review_2_replaced():
    old = regress(
        body("stress"),
        "It reports that severe or long-lasting stress is linked",
        "It reports that too much stress, or stress that lasts a long time, is linked",
    )
    old = regress(old, "This is a link, not proof of cause.", "Most of this work was done in animals.")
    assert set(stress_problems(old)) == {
        "say 'severe or long-lasting stress' (short-term stress raises these steroids)",
        "'too much stress' is not what the review says",
        "lower allopregnanolone in depression and PTSD: studies of patients, a link, not proof",
    }


# --- 7 and 8. portions, and a short night -------------------------------------------------------------------


def nutrition_problems(text):
    who = cited_passage(text, "who-healthy-diet", sentences=1)
    problems = [f"the WHO sentence lacks {p!r}" for p in ("at least 400 g", "about five portions") if p not in who]
    if "not a target for any one day you log" not in text:
        problems.append("say the guidance is general advice, not a target for a day logged")
    return problems


def sleep_problems(text):
    problems = []
    if "It is not a comment on any night you logged." not in text.split("##", 1)[0]:
        problems.append("the note opens by saying it is no verdict on a night logged")
    if "after a baby arrives" not in cited_passage(text, "insana-2013", sentences=2):
        problems.append("sleep is often broken after a baby, cited")
    return problems


def test_the_nutrition_note_says_how_big_a_portion_is_as_general_advice():
    assert nutrition_problems(body("nutrition")) == []


def test_the_sleep_note_reads_as_no_verdict_and_speaks_of_new_parents():
    assert sleep_problems(body("sleep")) == []


def test_the_portion_and_sleep_checks_fail_on_the_wording_review_2_replaced():
    nutrition = re.sub(
        r"The World Health Organization says.*?\[@who-healthy-diet\]",
        "The World Health Organization advises adults to eat at least five portions of fruit and vegetables a day "
        "[@who-healthy-diet]",
        body("nutrition"),
    )
    assert "the WHO sentence lacks 'at least 400 g'" in nutrition_problems(nutrition)
    sleep = regress(body("sleep"), " It is not a comment on any night you logged.", "")
    sleep = re.sub(r"## After a baby arrives.*?(?=## Sleep and stress)", "", sleep, flags=re.S)
    assert len(sleep_problems(sleep)) == 2


# --- 9. the records ------------------------------------------------------------------------------------------


def test_the_records_carry_what_review_2_verified():
    assert not Citation.objects.filter(key="who-2014").exists()
    who = Citation.objects.get(key="who-healthy-diet")
    assert who.url.startswith("https://www.who.int/")
    assert "mediacentre" not in who.url
    assert "Retrieved November 30, 2026, from https://www.who.int/" in apa_text(who)
    notice = apa_text(Citation.objects.get(key="fda-2025-zulresso-withdrawal"))
    assert "Its publication date and page number could not be confirmed" in notice
    assert "Correction published" not in notice
    liao = apa_text(Citation.objects.get(key="liao-2019"))
    assert liao.endswith(
        "Correction: https://doi.org/10.1038/s41398-021-01582-6 (Translational Psychiatry, 11, Article 465, 2021)."
    )
    nccih = Citation.objects.get(key="nccih-omega3")
    assert not nccih.url.endswith("/health/omega3")
    assert nccih.title == "Omega-3 supplements: What you need to know"
    assert "zurzuvae-label" in Note.objects.get(slug="clinical").references.values_list("citation__key", flat=True)


def test_every_undated_web_page_says_when_it_was_read():
    undated = Citation.objects.filter(kind=Citation.Kind.WEBPAGE, year=None)
    assert undated.count() >= 5
    assert {c.key: "Retrieved " in apa_text(c) for c in undated} == {c.key: True for c in undated}


def test_the_record_check_fails_on_an_undated_page_with_no_retrieval_date():
    page = Citation.objects.get(key="cdc-managing-stress")
    assert citation_problems(page) == []
    page.retrieved = None
    assert citation_problems(page) == ["no year"]


# --- 11. the check-in does not assume a supplement ------------------------------------------------------------


def assumes_a_usual_supplement(text: str) -> bool:
    return bool(re.search(r"\b(your|usual) (usual )?omega-3 supplement", text, re.I))


def test_the_check_in_and_the_export_ask_about_an_omega3_supplement_without_assuming_one(alice_client):
    field = FIELD_BY_NAME["omega3_supplement"]
    label = CheckInForm().fields["omega3_supplement"].label
    assert label == "Did you take an omega-3 supplement today?"
    assert field.fhir.display == "Took an omega-3 supplement"
    page = alice_client.get("/today/").content.decode()
    assert not any(assumes_a_usual_supplement(str(text)) for text in (label, field.fhir.display, field.heading, page))


def test_the_supplement_check_catches_the_old_wording():
    assert assumes_a_usual_supplement("Did you take your usual omega-3 supplement today?")
    assert assumes_a_usual_supplement("Took usual omega-3 supplement")


# --- 12. each note defines its terms where the reader meets them ----------------------------------------------

# term: (how the term appears, how the note defines it). The definition must sit within
# DEFINITION_REACH characters of the term's first use in the note.
TERMS = {
    "neurosteroid": (r"\bneurosteroids?\b", r"natural steroids? that acts? on the brain"),
    "allopregnanolone": (
        r"\ballopregnanolone\b",
        r"one of (?:them|these steroids|the best known neurosteroids)|allopregnanolone, a neurosteroid"
        r"|allopregnanolone is a neurosteroid",
    ),
    "GABA-A receptor": (r"\bGABA-A\b", r"docking points on nerve cells"),
    "clinical trial": (r"\btrials?\b", r"A trial is a study that tests a treatment in people"),
    "placebo": (r"\bplacebo\b", r"A placebo is a dummy treatment"),
    "animal model": (r"\banimal model\b", r"An animal model is a way to study"),
    "pooling many trials": (r"\bpool\b", r"pool the results of many trials"),
    "cell culture": (r"\bcell culture\b", r"cells grown in a lab dish"),
    "PPAR receptors": (r"\bPPAR\b", r"switches in cells called PPAR receptors"),
    "PTSD": (r"\bPTSD\b", r"post-traumatic stress disorder \(PTSD\)"),
    "postpartum": (r"\bpostpartum\b", r"also called postpartum depression"),
    "EPA": (r"\bEPA\b", r"EPA, one type of omega-3"),
    "boxed warning": (r"\bboxed warning\b", r"set in a box at the top of the label"),
}
DEFINITION_REACH = 300


def undefined_terms(text: str, terms: dict = TERMS) -> list[str]:
    """The terms (of `terms`, English by default) whose definition is not within DEFINITION_REACH
    characters of their first use."""
    prose = flat(plain_text(unlinked(text)))
    problems = []
    for term, (used, defined) in terms.items():
        first = re.search(used, prose, re.I)
        if not first:
            continue
        definitions = [m.start() for m in re.finditer(defined, prose, re.I)]
        if not any(abs(start - first.start()) <= DEFINITION_REACH for start in definitions):
            problems.append(term)
    return problems


@pytest.mark.parametrize("slug", sorted(n["slug"] for n in read_notes()))
def test_each_note_defines_its_terms_where_the_reader_meets_them(slug):
    assert undefined_terms(body(slug)) == []


def test_the_terms_check_fails_when_a_definition_goes():
    text = body("clinical")
    assert undefined_terms(regress(text, " A placebo is a dummy treatment with no medicine in it", "")) == ["placebo"]
    no_definition = regress(
        text, "An animal model is a way to study a human condition in animals.", "Some research uses an animal model."
    )
    assert undefined_terms(no_definition) == ["animal model"]
