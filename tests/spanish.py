"""What "a page in Spanish" means, for the tests that check it (tests/test_spanish_pages.py with
Django's test client, tests/browser/test_spanish.py in Chromium): the words a reader meets in
<main>, English words left among them, and what may stay in English.
"""

import re
import zoneinfo
from html.parser import HTMLParser

# Words that are English and not Spanish: any of them in a Spanish page's <main> is a string nobody
# marked (or translated). Short Spanish words that are also English ("no", "me", "son", "once",
# "sale", "total", "general") are left out on purpose.
ENGLISH_WORDS = frozenset(
    """
    the and your you with this that these those not yet day days week weeks log logged logging
    check-in check-ins checked from what when which have has was were are will can our their here
    there more sleep hours hour today yesterday history settings save saved nothing please enter
    password show shows page back dashboard only every each never any how many would should could
    about after before into than then them they its it's it is be been by or of to in on at for an
    if we all some who why also just own out up down over under again yes learn note notes stress
    fruit vegetables servings supplement clinic clinics clinician clinicians patients patient
    account sign new old first last next previous now ago minute minutes time times change delete
    download print average reminder reminders pause paused pauses join code codes withdraw invite
    invitation browser browsers activity summary compare pattern patterns data private optional
    answer answers question questions email
    """.split()  # noqa: SIM905 (a word list reads best as words)
)

# English that belongs in a Spanish page: names, formats and codes that are the same in both
# languages. Matched before the words are checked, so a word inside them passes.
ALLOWED_ENGLISH = (
    "Wellness Tracker",
    "FHIR R4",
    "JSON",
    "CSV",
    "ZIP",
    "TOTP",
    "ISO",
    "PDF",
    "APA",
    "Omega-3",
    r"[\w.+-]+@[\w-]+\.[\w.]+",  # email addresses
    # time zones
    r"\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific)/[A-Z][\w]*(?: [A-Z]\w*)*",
    r"https?://\S+",
    # Names of organisations the notes cite, as they call themselves (in the text, and as a citation
    # marker's accessible name: "Referencia 1: National Institutes of Health, 2025").
    "American Academy of Sleep Medicine",
    "Sleep Research Society",
    "National Institute of Mental Health",
    "National Institutes of Health",
    "National Center for Complementary and Integrative Health",
    "Centers for Disease Control and Prevention",
    "Health Resources and Services Administration",
    "U.S. Food and Drug Administration",
    "World Health Organization",
    '"not confirmed"',  # the marker in the reference list, quoted to explain it
    r"\b[A-Z0-9]{4}-?[A-Z0-9]{4}-?[A-Z0-9]{4}\b",  # a join code: "3WE8-B52B-2YS8" says no English "we"
    r"\b\d{1,2} ago\b",  # "31 ago 2026": agosto, as Spanish abbreviates it, is no English "ago"
)

# Places in the time zone menu ("Isle of Man", "Port of Spain"): names, not words.
PLACE_NAMES = tuple(
    re.escape(name)
    for name in sorted(
        {zone.rsplit("/", 1)[-1].replace("_", " ") for zone in zoneinfo.available_timezones()}, key=len, reverse=True
    )
    if re.search(r"[ -]", name)
)

# Attributes a reader meets too: read aloud, shown on hover or in an empty box.
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


class _MainText(HTMLParser):
    """The text of <main> and its read attributes, leaving out scripts, styles, hidden templates
    and anything marked as another language (lang="en": a citation, an English note)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, text here counts)
        self.in_main = False
        self.parts: list[str] = []

    def _counts(self) -> bool:
        return self.in_main and (not self.stack or self.stack[-1][1])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        counts = self._counts() or (tag == "main")
        if tag in ("script", "style", "template", "svg") or attrs.get("lang", self.language) != self.language:
            counts = False
        if counts:
            self.parts += [attrs[name] for name in READ_ATTRIBUTES if attrs.get(name)]
        if tag not in self.VOID:
            self.stack.append((tag, counts))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._counts():
            self.parts.append(data)


# Random codes a page shows: a join code ("3WE8-B52B-2YS8") and a two-factor key in groups of four
# ("ZSGZ 4IT5 DGIP ..."). Their letters are no words of ours: "4IT5" holds no English "it", and
# "347G" is no amount for the dosing rule.
RANDOM_CODES = re.compile(r"\b[A-Z0-9]{4}-?[A-Z0-9]{4}-?[A-Z0-9]{4}\b|\b(?:[A-Z2-7]{4} ){3,}[A-Z2-7]{1,4}\b")


def main_text(html: str, *, language: str = "es") -> str:
    """What a reader of `language` meets in the page's <main>, one space between pieces."""
    parser = _MainText(language)
    parser.feed(html)
    return " ".join(RANDOM_CODES.sub(" ", " ".join(parser.parts)).split())


def english_left(text: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    """The English words in `text`, each with a little of what surrounds it, once each."""
    # Place names first: "America/Port of Spain" is one name, not a zone followed by " of Spain".
    for pattern in (*PLACE_NAMES, *ALLOWED_ENGLISH, *allowed):
        text = re.sub(pattern, " ", text)
    found = []
    # A word is letters of any alphabet, accented ones included: "actúan" holds no English "an".
    for match in re.finditer(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*", text):
        if match[0].lower().replace("’", "'") in ENGLISH_WORDS:
            context = text[max(0, match.start() - 40) : match.end() + 40].strip()
            if context not in found:
                found.append(context)
    return found


TEMPLATE_CODE = re.compile(
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}"  # comments
    r"|{#.*?#}"
    r"|{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}"  # marked text
    r"|{%.*?%}"  # every other tag, {% translate %} with it
    r"|{{.*?}}",  # values: what the view passes is the Python side's to translate
    re.S,
)


def unmarked_template_text(source: str) -> str:
    """The words a template would show that are written in it but not marked for translation:
    its text and read attributes once every tag, value and marked block is taken out."""
    parser = _MainText("es")
    parser.in_main = True  # the whole template counts, <title> and <nav> too
    parser.feed(TEMPLATE_CODE.sub(" ", source))
    return " ".join(" ".join(parser.parts).split())
