"""What nothing the app shows may say: the dosing, diagnosis and judgement rules, in one list.

The same list checks the notes (tests/education/test_content.py), every page a patient sees and
every email (tests/education/test_safety_rules.py), and the pages the browser journeys visit
(tests/browser/conftest.py). docs/content.md publishes it, generated from here:

    .venv/bin/python -m tracker.content.rules

Rules are per language, each with its own patterns and examples: `violations(text, language="es")`
checks a Spanish page. A language the app speaks has its entry in RULES (a test checks). Each rule
carries the sentences it must catch, so a test proves every pattern still bites.

Plain Python, no Django: the migrations and the docs command can import it.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: str
    why: str
    catches: tuple[str, ...]  # sentences the rule must flag (tested)


@dataclass(frozen=True)
class Allowed:
    """Words a rule would flag that are allowed, because they quote a cited source."""

    pattern: str
    why: str
    example: str


@dataclass(frozen=True)
class Violation:
    rule: str
    words: str
    context: str  # up to 60 characters either side, for the failure message

    def __str__(self):
        return f"{self.rule}: {self.words!r} in ...{self.context}..."


_UNITS = r"mg|mcg|µg|μg|iu|ml|milligrams?|micrograms?|millilit(?:er|re)s?|grams?"
_UNITS_ES = r"mg|mcg|µg|μg|ui|ml|miligramos?|microgramos?|mililitros?|gramos?"

RULES: dict[str, tuple[Rule, ...]] = {
    "en": (
        Rule(
            "amount with a unit",
            rf"\b\d[\d.,]*\s*(?:{_UNITS}|g)\b",
            "No supplement or medicine amounts: the app gives no dosing, and never repeats a study's doses.",
            ("Take 1,000 mg of fish oil.", "Aim for 2 grams of EPA.", "About 500 g a day."),
        ),
        Rule(
            "unit of a supplement or medicine",
            rf"\b(?:{_UNITS})\b",
            "A unit of a supplement or medicine is a dose in all but the number.",
            ("Ask how many milligrams are right.", "A few mcg of vitamin D."),
        ),
        Rule(
            "dose words",
            r"\bdos(?:e|es|ed|age|ages|ing)\b",
            "The app gives no dosing advice, so it has no reason to speak of doses.",
            ("The usual dose is small.", "Dosing depends on weight."),
        ),
        Rule(
            "take ... daily",
            r"\btak(?:e|es|ing)\b[^.]{0,60}\bdaily\b",
            "A schedule for taking something is dosing advice.",
            ("Many people take two capsules daily.",),
        ),
        Rule(
            "times a day",
            r"\b(?:once|twice|three times|\d+ times) (?:a day|daily|per day)\b",
            "A schedule for taking something is dosing advice.",
            ("Use it twice a day.", "3 times per day with food."),
        ),
        Rule(
            "you have (a condition)",
            r"\byou(?: have|'ve)(?: got)?(?: an?| some| signs of| symptoms of)?(?: [\w-]+){0,2} "
            r"(?:depress\w*|anxi\w*|ptsd|trauma\w*|disorders?|conditions?|illness\w*|diseases?|syndromes?|deficien\w*"
            r"|insomnia|burnout|bipolar|adhd|ocd|stress|sleep debt|problems?)\b",
            'The words of a diagnosis ("you have depression"): the app never tells anyone what they have.',
            ("You have postpartum depression.", "You've got high stress.", "You have a sleep problem."),
        ),
        Rule(
            "diagnosis",
            r"diagnos",
            "The app never diagnoses, and never suggests that a value points to a diagnosis.",
            ("A clinician may diagnose it.", "This is not a diagnosis, but..."),
        ),
        Rule(
            "telling the reader what to do",
            r"\byou (?:should|must|need to|ought to)\b",
            'Advice is framed as general habits to talk over with a clinician, never "you should take".',
            ("You should take omega-3.", "You need to sleep more."),
        ),
        Rule(
            "a verdict on a value",
            r"\byour (?:stress|sleep|diet|mood|anxiety|wellbeing|well-being|score)(?: levels?| scores?)? "
            r"(?:is|was|were|are|looks|seems)\b|\b(?:too high|too low|unhealthy)\b",
            "What a patient logs is shown, never judged: no verdict on a value.",
            ("Your stress is too high.", "Your sleep was poor this week.", "That is an unhealthy amount."),
        ),
        Rule(
            "a score or label for a mental state",
            r"\b(?:mood|stress|anxiety|depression|wellness|wellbeing|mental health|risk) (?:score|grade)\b"
            r"|\byou(?:'re| are| seem| may be| might be| appear)(?: to be)? "
            r"(?:depressed|anxious|stressed out|burn(?:ed|t) out|at risk)\b",
            "The app never scores or labels a mental state; the patient's own 0 to 10 rating is theirs.",
            ("Your wellness score this week: 62.", "You seem depressed lately."),
        ),
        Rule(
            "praise or blame for a goal",
            r"\byou (?:met|missed|hit|beat|reached|fell short of) (?:your |the |a )?(?:\w+ )?(?:goal|target)s?\b"
            r"|\b(?:great job|good job|well done|keep up the good work)\b",
            "Praise and blame are verdicts too: the app sets no targets for what a patient logs.",
            ("You missed your sleep target.", "Great job on your fruit!"),
        ),
        Rule(
            "brexanolone presented as available",
            r"(?:brexanolone|zulresso)[^.]{0,80}\b(?:is|remains|are)\s+(?:now\s+|still\s+)?"
            r"(?:available|approved|on the market|sold)"
            r"|\b(?:available|approved|current)\s+(?:medicine\s+|treatment\s+)?(?:brexanolone|zulresso)",
            "The FDA withdrew brexanolone's approval, effective 14 April 2025: never present it as available.",
            ("Brexanolone is available from your clinic.", "Ask about approved brexanolone."),
        ),
    ),
    # Spanish: the same rules (same names, so a failure reads the same), in the words a Spanish page
    # would use. Spanish often drops the pronoun ("debería tomar", "tiene depresión"), so the patterns
    # do not wait for "usted"; they catch the informal "tú" forms too.
    "es": (
        Rule(
            "amount with a unit",
            rf"\b\d[\d.,]*\s*(?:{_UNITS_ES}|g)\b",
            "No supplement or medicine amounts (1.000 mg, 2 gramos): no dosing, and never a study's doses.",
            ("Tome 1.000 mg de aceite de pescado.", "Trate de llegar a 2 gramos de EPA.", "Unos 500 g al día."),
        ),
        Rule(
            "unit of a supplement or medicine",
            rf"\b(?:{_UNITS_ES})\b",
            "A unit of a supplement or medicine (miligramos, microgramos) is a dose in all but the number.",
            ("Pregunte cuántos miligramos le convienen.", "Unos pocos mcg de vitamina D."),
        ),
        Rule(
            "dose words",
            r"\b(?:dosis|dosific\w*|posolog\w*)\b",
            "No dosing advice, so no reason to speak of doses (dosis, dosificación, posología).",
            ("La dosis habitual es pequeña.", "La dosificación depende del peso."),
        ),
        Rule(
            "take ... daily",
            r"\btom(?:a|as|an|e|es|en|ar|ando|amos)\b[^.]{0,60}"
            r"\b(?:a diario|diariamente|cada día|todos los días|al día)\b",
            "A schedule for taking something (tomar ... al día) is dosing advice.",
            ("Muchas personas toman dos cápsulas al día.", "Tome un suplemento todos los días."),
        ),
        Rule(
            "times a day",
            r"\b(?:una vez|dos veces|tres veces|\d+ veces) (?:al día|por día|cada día|diarias?)\b",
            "A schedule for taking something (dos veces al día) is dosing advice.",
            ("Úselo dos veces al día.", "3 veces por día con comida."),
        ),
        Rule(
            "you have (a condition)",
            r"\b(?:tiene|tienes|padece|padeces|sufre|sufres)(?: de)?(?: un| una| unos| unas| algo de| signos de"
            r"| síntomas de| mucho| mucha)?(?: [\w-]+){0,2} (?:depresi\w*|ansiedad|tept|trauma\w*|trastornos?"
            r"|condici\w*|enfermedad\w*|síndromes?|deficiencia\w*|insomnio|agotamiento|burnout|bipolar|tdah|toc"
            r"|estrés|falta de sueño|problemas?)\b",
            'The words of a diagnosis ("usted tiene depresión", often without "usted"): the app never tells anyone '
            "what they have.",
            ("Usted tiene depresión posparto.", "Tiene mucho estrés.", "Usted tiene un problema de sueño."),
        ),
        Rule(
            "diagnosis",
            r"diagn[oó]s",
            "The app never diagnoses, and never suggests that a value points to a diagnosis.",
            ("Un profesional puede diagnosticarlo.", "Esto no es un diagnóstico, pero..."),
        ),
        Rule(
            "telling the reader what to do",
            r"\bdeber[íi]as?\b|\b(?:usted|ud\.) (?:debe|tiene que|necesita|ha de)\b"
            r"|\b(?:debes?|tienes? que|necesitas?) (?:tomar|dormir|comer|consumir|hacer|bajar|reducir|evitar)\b",
            'Advice is framed as general habits to talk over with a clinician, never "debería tomar": no "debería" '
            'at all, and no "debe", "tiene que" or "necesita" telling the reader to take, sleep or eat.',
            ("Usted debería tomar omega-3.", "Debe dormir más.", "Tiene que tomar un suplemento."),
        ),
        Rule(
            "a verdict on a value",
            r"\b(?:su|sus|tu|tus) (?:niveles? de |calidad de(?:l)? |puntuación de |puntaje de )?"
            r"(?:estrés|sueño|dieta|alimentación|ánimo|estado de ánimo|humor|ansiedad|bienestar|puntuación|puntaje)"
            r"(?: \w+){0,2} (?:es|son|fue|fueron|era|eran|está|están|estuvo|estuvieron|parece|parecen|se ve)\b"
            r"|\bdemasiad[oa]s?\b|\b(?:poco|nada|no) saludables?\b"
            r"|\b(?:es|son|fue|fueron|está|están|estuvo) (?:muy )?mal[oa]s?\b",
            'What a patient logs is shown, never judged: no verdict on a value. "Demasiado" (too much, too many) '
            "always judges, so the app does not use it.",
            (
                "Su estrés es demasiado alto.",
                "Su sueño fue malo esta semana.",
                "Es una cantidad poco saludable.",
                "Duerme demasiado poco.",
            ),
        ),
        Rule(
            "a score or label for a mental state",
            r"\b(?:puntuación|puntaje) (?:de|del) (?:ánimo|estado de ánimo|estrés|ansiedad|depresión|bienestar"
            r"|salud mental|riesgo)\b"
            r"|\b(?:está|estás|parece|pareces|podría estar|puede estar|se ve|se le ve)(?: \w+)?"
            r" (?:deprimid[oa]|ansios[oa]|muy estresad[oa]|agotad[oa]|quemad[oa]|en riesgo)\b",
            "The app never scores or labels a mental state; the patient's own 0 to 10 rating is theirs.",
            ("Su puntuación de bienestar esta semana: 62.", "Usted parece deprimida últimamente."),
        ),
        Rule(
            "praise or blame for a goal",
            r"\b(?:cumplió|alcanzó|logró|superó|incumplió|no cumplió|no alcanzó|no logró|se quedó corto de"
            r"|se quedó corta de)(?: \w+){0,3} (?:metas?|objetivos?)\b"
            r"|\b(?:buen trabajo|excelente trabajo|bien hecho|siga así|sigue así)\b",
            "Praise and blame are verdicts too: the app sets no targets for what a patient logs.",
            ("No alcanzó su meta de sueño.", "¡Buen trabajo con la fruta!"),
        ),
        Rule(
            "brexanolone presented as available",
            r"(?:brexanolona|zulresso)(?:(?!\bno\b)[^.]){0,80}\b(?:está|están|sigue|siguen|es|son)\s+"
            r"(?:ahora\s+|todavía\s+|aún\s+)?(?:siendo\s+)?(?:un\s+|una\s+)?(?:medicamento\s+|tratamiento\s+)?"
            r"(?:disponibles?|aprobad[oa]s?|a la venta|en el mercado)"
            r"|\b(?:brexanolona|zulresso)\s+(?:aprobada|disponible|actual)",
            "The FDA withdrew brexanolone's approval, effective 14 April 2025: never present it as available (a "
            '"no" before the verb, as in "ya no es un medicamento aprobado", is what the note says).',
            (
                "La brexanolona está disponible en su clínica.",
                "Pregunte por la brexanolona aprobada.",
                "La brexanolona (Zulresso) es un medicamento aprobado para la depresión posparto.",
            ),
        ),
    ),
}

ALLOWED: dict[str, tuple[Allowed, ...]] = {
    "en": (
        Allowed(
            r"\bOmega-3 supplements: What you need to know\b",
            "A cited source's own title (NCCIH), in its reference.",
            "Omega-3 supplements: What you need to know.",
        ),
        Allowed(
            r"\bat least 400 g of fruit and vegetables\b",
            "The World Health Organization's guidance, quoted with its citation in the nutrition note.",
            "The World Health Organization says a healthy diet includes at least 400 g of fruit and vegetables a day.",
        ),
    ),
    "es": (
        Allowed(
            r"\bal menos 400 g de frutas y verduras\b",
            "The World Health Organization's guidance, quoted with its citation in the nutrition note.",
            "La Organización Mundial de la Salud dice que una alimentación sana incluye al menos 400 g de frutas y "
            "verduras al día.",
        ),
    ),
}


def violations(text: str, *, language: str = "en", rules: tuple[Rule, ...] | None = None) -> list[Violation]:
    """Every place `text` breaks a rule of `language`, outside the allowed quotations."""
    text = " ".join(text.replace("\u2019", "'").split())
    # Patterns are matched ignoring case; the re module keeps the compiled ones.
    allowed = [m.span() for entry in ALLOWED.get(language, ()) for m in re.finditer(entry.pattern, text, re.I)]
    found = []
    for rule in RULES[language] if rules is None else rules:
        for match in re.finditer(rule.pattern, text, re.I):
            if any(start <= match.start() and match.end() <= end for start, end in allowed):
                continue
            context = text[max(0, match.start() - 60) : match.end() + 60]
            found.append(Violation(rule.name, match[0], context))
    return found


def rules_named(*names: str, language: str = "en") -> tuple[Rule, ...]:
    by_name = {rule.name: rule for rule in RULES[language]}
    return tuple(by_name[name] for name in names)


LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def rules_markdown() -> str:
    """The rule list as Markdown, for docs/content.md (a test keeps the two the same)."""
    lines = []
    for language, rules in RULES.items():
        lines += [f"### {LANGUAGE_NAMES.get(language, language)} (`{language}`)", ""]
        for rule in rules:
            catches = "; ".join(f'"{example}"' for example in rule.catches)
            lines += [f"- **{rule.name}**: {rule.why}", f"  Catches: {catches}", f"  Pattern: `{rule.pattern}`"]
        lines += ["", "Allowed, although a rule would flag them:", ""]
        for entry in ALLOWED.get(language, ()):
            lines += [f'- `{entry.pattern}`: {entry.why} Example: "{entry.example}"']
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(rules_markdown(), end="")
