"""The Spanish notes (tracker/content/notes/es/), as loaded by the 0009 migration, held to what the
English notes are held to: the safety rules (in Spanish), the same citations in the same order,
the limits of the evidence, the terms defined where the reader meets them, the claims as their
sources make them, "usted" throughout, and a fairly easy read. Each check has a companion test
that plants a regression and proves the check catches it.
"""

import re
from pathlib import Path

import pytest

from tests.education.spanish import (
    FERNANDEZ_HUERTA_MIN,
    SZIGRISZT_PAZOS_MIN,
    readability,
    spanish_prose,
    syllables,
    unlinked,
)
from tests.education.test_content import plain_text
from tests.education.test_content_claims import cited_passage, flat, regress, undefined_terms
from tracker.content import MARKER_RE, read_notes, read_translations
from tracker.content.rules import violations
from tracker.models import Note, NoteTranslation

pytestmark = pytest.mark.django_db

SLUGS = sorted(note["slug"] for note in read_notes())
# Spanish takes 10 to 25 % more words than English for the same note (1.12 to 1.25 here), so the
# English notes' 400 becomes 500.
MIN_WORDS, MAX_WORDS = 120, 500


def spanish(slug: str) -> NoteTranslation:
    return NoteTranslation.objects.select_related("note").get(note__slug=slug, language="es")


def body(slug: str) -> str:
    return spanish(slug).body


def visible_text(translation: NoteTranslation) -> str:
    return " ".join([translation.title, translation.summary, plain_text(translation.body)])


# --- loaded, current, citing what the English cites ------------------------------------------------


def test_every_note_has_its_spanish_translation_loaded_from_the_files():
    files = {t["slug"]: t for t in read_translations() if t["language"] == "es"}
    assert set(files) == set(SLUGS)
    for translation in NoteTranslation.objects.filter(language="es").select_related("note"):
        record = files[translation.note.slug]
        assert (translation.title, translation.summary, translation.body) == (
            record["title"],
            record["summary"],
            record["body"],
        )


def test_every_spanish_translation_translates_the_english_as_last_reviewed():
    # When a review changes an English note, its readers in Spanish get the reviewed English until
    # the translation is redone: this fails so that the review redoes it.
    stale = {
        t.note.slug: (t.translated_from_reviewed_on, t.note.last_reviewed)
        for t in NoteTranslation.objects.select_related("note")
        if not t.is_current
    }
    assert stale == {}, "translate the reviewed English again, then set translated_from_reviewed_on"


@pytest.mark.parametrize("slug", SLUGS)
def test_each_translation_cites_what_its_note_cites_in_the_same_order(slug):
    english = list(dict.fromkeys(MARKER_RE.findall(Note.objects.get(slug=slug).body)))
    assert list(dict.fromkeys(MARKER_RE.findall(body(slug)))) == english


@pytest.mark.parametrize("slug", SLUGS)
def test_each_spanish_note_is_120_to_500_words(slug):
    words = len(re.findall(r"\w[\w'’-]*", plain_text(body(slug))))
    print(f"{slug}: {words} words")
    assert MIN_WORDS <= words <= MAX_WORDS


# --- the safety rules ------------------------------------------------------------------------------------


def test_no_spanish_note_breaks_the_spanish_rules():
    found = {t.note.slug: [str(v) for v in violations(visible_text(t), language="es")] for t in _all()}
    assert found == {slug: [] for slug in SLUGS}


def _all():
    return NoteTranslation.objects.filter(language="es").select_related("note")


def test_the_rules_catch_a_regression_planted_in_a_spanish_note():
    omega3 = spanish("omega3")
    omega3.body += "\nTome 1 g de EPA una vez al día. Usted tiene depresión y debería dormir más.\n"
    assert {v.rule for v in violations(visible_text(omega3), language="es")} == {
        "amount with a unit",
        "take ... daily",
        "times a day",
        "you have (a condition)",
        "telling the reader what to do",
    }


# --- a fairly easy read ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def textstat_es(textstat_offline):
    """textstat in Spanish, on its own instance (the English tests share the module's). Spanish
    syllables come from Pyphen's bundled dictionary, so nothing is downloaded (textstat_offline
    makes any NLTK download fail)."""
    from textstat.textstat import textstatistics

    measure = textstatistics()
    measure.set_lang("es")
    return measure


@pytest.mark.parametrize("slug", SLUGS)
def test_each_spanish_note_is_fairly_easy_to_read(textstat_es, slug):
    scores = readability(spanish_prose(body(slug)), textstat_es)
    print(f"{slug}: " + ", ".join(f"{name} {value:.1f}" for name, value in scores.items()))
    assert scores["fernandez_huerta"] >= FERNANDEZ_HUERTA_MIN
    assert scores["szigriszt_pazos"] >= SZIGRISZT_PAZOS_MIN
    # And with every syllable counted (tests/education/spanish.py says what Pyphen misses).
    assert scores["fernandez_huerta_by_vowels"] >= FERNANDEZ_HUERTA_MIN
    assert scores["szigriszt_pazos_by_vowels"] >= SZIGRISZT_PAZOS_MIN


def test_the_docs_publish_the_figures_the_notes_have(textstat_es):
    docs = (Path(__file__).resolve().parents[2] / "docs" / "content.md").read_text(encoding="utf-8")
    for slug in SLUGS:
        scores = readability(spanish_prose(body(slug)), textstat_es)
        words = len(re.findall(r"\w[\w'’-]*", plain_text(body(slug))))
        figures = " | ".join(f"{value:.1f}" for value in scores.values())
        assert f"| `{slug}` | {words} | {figures} |" in docs, f"docs/content.md: update the row of {slug}"


def test_the_spanish_reading_ease_is_measured_offline_and_can_fail(textstat_es):
    import pyphen

    assert (Path(pyphen.__file__).parent / "dictionaries" / "hyph_es.dic").exists(), "bundled, not downloaded"
    hard = (
        "La neuroesteroidogénesis manifiesta una considerable heterogeneidad interindividual, lo que "
        "hace imprescindibles metodologías exhaustivas de caracterización farmacológica longitudinal."
    )
    scores = readability(hard, textstat_es)
    assert scores["fernandez_huerta"] < FERNANDEZ_HUERTA_MIN
    assert scores["szigriszt_pazos"] < SZIGRISZT_PAZOS_MIN
    assert scores["fernandez_huerta_by_vowels"] < FERNANDEZ_HUERTA_MIN


@pytest.mark.parametrize(
    ("word", "count"),
    [
        ("alopregnanolona", 7),  # a-lo-preg-na-no-lo-na
        ("neuroesteroides", 6),  # neu-ro-es-te-roi-des
        ("ayuda", 3),
        ("actúan", 3),  # ac-tú-an
        ("día", 2),
        ("agua", 2),
        ("oído", 3),
        ("ciudad", 2),
        ("muy", 1),
        ("y", 1),
        ("que", 1),
        ("guerra", 2),
    ],
)
def test_it_counts_spanish_syllables(word, count):
    assert syllables(word) == count


# --- what the evidence is, and what it is not -----------------------------------------------------------


LIMITS = {
    "background": ["en cultivos celulares", "sobre todo en animales"],
    "clinical": ["en ratones", "modelo animal", "dos ensayos clínicos"],
    "stress": ["ratas y ratones", "en ratas", "pequeños estudios en pacientes", "una relación, no una prueba de causa"],
    "omega3": ["en ratones", "no se ha demostrado en personas"],
    "nutrition": ["estudios en animales", "no prueba"],
    "sleep": ["no prueba"],
}


def limit_problems(slug, text):
    return [phrase for phrase in LIMITS[slug] if phrase not in flat(text).lower()]


@pytest.mark.parametrize("slug", SLUGS)
def test_each_spanish_note_states_the_limits_of_its_evidence(slug):
    assert limit_problems(slug, body(slug)) == []


def test_the_limits_check_fails_when_a_limit_goes():
    text = regress(body("omega3"), "No se ha demostrado en personas", "Funciona en personas")
    assert limit_problems("omega3", text) == ["no se ha demostrado en personas"]


def test_public_health_guidance_is_quoted_with_its_citation():
    sleep, nutrition = unlinked(body("sleep")), unlinked(body("nutrition"))
    assert "7 horas o más" in cited_passage(sleep, "watson-2015", sentences=1)
    who = cited_passage(nutrition, "who-healthy-diet", sentences=1)
    assert "al menos 400 g de frutas y verduras" in who
    assert "unas cinco porciones" in who


def test_the_stress_note_speaks_of_chronic_stress():
    assert "estrés crónico" in body("stress")


# --- the claims, as their sources make them ---------------------------------------------------------------

# slug: [(citation key, sentences up to and including the marker, phrases the passage must hold)]
CLAIMS = {
    "clinical": [
        (
            "hrsa-mmh-hotline",
            7,
            [
                "National Maternal Mental Health Hotline",
                "Llame o envíe un mensaje de texto al 1-833-TLC-MAMA (1-833-852-6262)",
                "gratuita, confidencial",
                "las 24 horas del día, los 7 días de la semana",
                "Sus consejeros hablan inglés y español",
                "No es una línea de crisis",
                "llame o envíe un mensaje de texto al 988",
                "llame al 911",
            ],
        ),
        (
            "maguire-mody-2008",
            3,
            ["menos de una parte de este receptor, o que no la tenían", "después de dar a luz", "crías"],
        ),
        (
            "meltzer-brody-2018",
            7,
            ["dos ensayos clínicos", "depresión posparto de moderada a grave", "durante 60 horas", "placebo"],
        ),
        ("fda-2019", 2, ["vigilar de cerca"]),
        (
            "fda-2025-zulresso-withdrawal",
            2,
            ["con efecto desde el 14 de abril de 2025", "ya no es un medicamento aprobado"],
        ),
        ("zurzuvae-label", 2, ["advertencia en recuadro", "manejar no sea seguro"]),
    ],
    "omega3": [
        (
            "nih-news-in-health-2025",
            3,
            [
                "proveedor de atención médica",
                "coagulación de la sangre",
                "embarazadas o amamantando",
                "alérgicas al pescado o a los mariscos",
            ],
        ),
        (
            "nccih-omega3",
            1,
            ["Para algunos problemas de salud, hay más pruebas de beneficios al comer pescados y mariscos"],
        ),
        ("liao-2019", 4, ["26 ensayos", "pequeño beneficio", "EPA, un tipo de omega-3"]),
        (
            "bloch-hannestad-2012",
            3,
            ["No encontró un beneficio claro.", "se publicaban más", "casi no quedó beneficio"],
        ),
        ("locci-pinna-2019", 2, ["En ratones", "otra sustancia, no omega-3 de la comida"]),
    ],
    "stress": [
        ("locci-pinna-2017", 3, ["estrés intenso o prolongado", "ratas y ratones"]),
        ("purdy-1991", 1, ["un estrés breve aumentó rápido"]),
        ("cdc-managing-stress", 1, ["problemas de salud que empeoran con el tiempo"]),
    ],
    "sleep": [
        ("watson-2015", 1, ["7 horas o más"]),
        ("insana-2013", 2, ["después de la llegada de un bebé"]),
    ],
    "nutrition": [
        ("who-healthy-diet", 1, ["al menos 400 g", "unas cinco porciones"]),
        ("matrisciano-pinna-2020", 3, ["no prueba que algún alimento aumente los neuroesteroides en las personas"]),
    ],
}
# Wording the English review replaced, in Spanish: never back.
FORBIDDEN = [
    r"pruebas moderadas",
    r"demasiado estrés",
    r"mucho estrés",
    r"la brexanolona (?:está|es un medicamento) (?:disponible|aprobad)",
]
OPENINGS = {
    "sleep": "No es un comentario sobre ninguna noche que usted haya registrado.",
    "nutrition": "No es una meta para ningún día que usted registre.",
}


def claim_problems(slug: str, text: str) -> list[str]:
    text = unlinked(text).replace("EE. UU.", "EEUU")  # its full stops end no sentence
    problems = []
    for key, sentences, phrases in CLAIMS.get(slug, []):
        passage = cited_passage(text, key, sentences=sentences)
        problems += [f"{key}: the passage lacks {phrase!r}" for phrase in phrases if phrase not in passage]
    problems += [f"{pattern!r} is back" for pattern in FORBIDDEN if re.search(pattern, text, re.I)]
    if slug in OPENINGS and OPENINGS[slug] not in text:
        problems.append(f"it no longer says {OPENINGS[slug]!r}")
    if slug == "clinical" and text.index("Hotline") > text.index("brexanolona"):
        problems.append("the hotline comes after the medicines: help first")
    return problems


@pytest.mark.parametrize("slug", SLUGS)
def test_each_spanish_note_holds_its_claims_to_their_sources(slug):
    assert claim_problems(slug, body(slug)) == []


def test_the_claims_check_fails_on_a_regression():
    clinical = regress(body("clinical"), "Sus consejeros hablan inglés y español [@hrsa-mmh-hotline]. ", "")
    clinical = regress(clinical, "ya no es un medicamento aprobado", "sigue siendo una opción")
    assert claim_problems("clinical", clinical) == [
        "hrsa-mmh-hotline: the passage lacks 'Sus consejeros hablan inglés y español'",
        "fda-2025-zulresso-withdrawal: the passage lacks 'ya no es un medicamento aprobado'",
    ]
    omega3 = regress(
        body("omega3"),
        "Para algunos problemas de salud, hay más pruebas de beneficios al comer pescados y mariscos que al tomar "
        "suplementos de omega-3",
        "Hay pruebas moderadas de que comer pescados y mariscos trae beneficios",
    )
    assert len(claim_problems("omega3", omega3)) == 2
    sleep = regress(body("sleep"), " No es un comentario sobre ninguna noche que usted haya registrado.", "")
    assert claim_problems("sleep", sleep) == [f"it no longer says {OPENINGS['sleep']!r}"]


def test_the_spanish_note_for_new_parents_puts_help_first():
    text = body("clinical")
    moved = text.split("## Apoyo si espera", 1)[0] + text.split("## Lo que sugieren", 1)[1]
    moved += "\n## Apoyo\n\nLa National Maternal Mental Health Hotline [@hrsa-mmh-hotline].\n"
    assert "the hotline comes after the medicines: help first" in claim_problems("clinical", moved)


# --- the reader is "usted" ---------------------------------------------------------------------------------

# Forms that can only be "tú" (not "usted" or a third person, as "llama" in "se llama" is).
INFORMAL = re.compile(
    r"\b(?:tú|tu|tus|te|ti|contigo|puedes|tienes|eres|estás|sabes|quieres|necesitas|hablas|registras"
    r"|duermes|comes|tomas|sientes)\b",
    re.I,
)


def informal_words(text: str) -> list[str]:
    return INFORMAL.findall(plain_text(unlinked(text)))


@pytest.mark.parametrize("slug", SLUGS)
def test_each_spanish_note_speaks_to_the_reader_as_usted(slug):
    translation = spanish(slug)
    assert informal_words(" ".join([translation.title, translation.summary, translation.body])) == []


def test_the_register_check_catches_tu():
    assert informal_words("Si tienes preguntas sobre tu salud, puedes hablar con tu médico.") == [
        "tienes",
        "tu",
        "puedes",
        "tu",
    ]


# --- terms defined where the reader meets them (within test_content_claims.DEFINITION_REACH) -------------

TERMS = {
    "neuroesteroide": (r"\bneuroesteroides?\b", r"esteroides? naturale?s? que actúan? sobre el cerebro"),
    "alopregnanolona": (
        r"\balopregnanolona\b",
        r"uno de (?:ellos|estos esteroides|los neuroesteroides más conocidos)|alopregnanolona es un neuroesteroide",
    ),
    "receptor GABA-A": (r"\bGABA-A\b", r"puntos de anclaje en las células nerviosas"),
    "ensayo clínico": (r"\bensayos?\b", r"Un ensayo es un estudio que prueba un tratamiento en personas"),
    "placebo": (r"\bplacebo\b", r"Un placebo es un tratamiento falso"),
    "modelo animal": (r"\bmodelo animal\b", r"Un modelo animal es una forma de estudiar"),
    "combinar ensayos": (r"\bcombinan\b", r"combinan los resultados de muchos ensayos"),
    "cultivo celular": (r"\bcultivos? celular(?:es)?\b", r"células que crecen en un plato de laboratorio"),
    "receptores PPAR": (r"\bPPAR\b", r"interruptores de las células llamados receptores PPAR"),
    "TEPT": (r"\bTEPT\b", r"trastorno de estrés postraumático \(TEPT\)"),
    "posparto": (r"\bposparto\b", r"también se le llama depresión posparto"),
    "EPA": (r"\bEPA\b", r"EPA, un tipo de omega-3"),
    "advertencia en recuadro": (r"\badvertencia en recuadro\b", r"un aviso dentro de un recuadro"),
}


@pytest.mark.parametrize("slug", SLUGS)
def test_each_spanish_note_defines_its_terms_where_the_reader_meets_them(slug):
    assert undefined_terms(body(slug), TERMS) == []


def test_the_terms_check_fails_when_a_definition_goes():
    text = regress(body("clinical"), " Un placebo es un tratamiento falso, sin medicamento", "")
    assert undefined_terms(text, TERMS) == ["placebo"]
