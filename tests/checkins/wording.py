"""The wording checks for what the insight pages generate: the notes' forbidden dosing, diagnosis
and judgement patterns (tracker/content/rules.py),
plus words that judge a value or claim a cause, which a sentence about the patient's own figures
must never use. The pattern caution ("doesn't show that one causes the other") is the one sentence
allowed to speak of causes, to deny one. Also the insight tests' seeding and page reading."""

import datetime as dt
import re

from django.utils.html import strip_tags

from tracker.checkins.patterns import CAUTION
from tracker.content.rules import violations
from tracker.demo import demo_checkin_values
from tracker.models import CheckIn

JUDGING = (
    r"\b(good|bad|poor|better|worse|best|worst|too (high|low|much|little)|healthy|unhealthy|normal|abnormal|target"
    r"|goal|great|well done|ideal|optimal|improv\w*|risk|should|recommend\w*|try to|aim)\b"
)
CAUSAL = r"\b(because|caus\w*|leads? to|due to|results? in|helps?|boost\w*|effect\w*|makes? you)\b"
# The check-in's own scale labels, quoted on the pages that explain the ratings.
SCALE_LABELS = re.compile(r"\(?1\)? \(?very poor\)?,? (to )?\(?5\)? \(?very good\)?|1 very poor, 5 very good")


def wording_problems(text: str) -> list[str]:
    text = " ".join(text.replace("\u2019", "'").split())
    text = SCALE_LABELS.sub(" ", text.replace(str(CAUTION), " "))
    problems = [f"{v.rule}: {v.words!r}" for v in violations(text)]
    problems += [f"judging: {m[0]!r}" for m in re.finditer(JUDGING, text, re.I)]
    problems += [f"causal: {m[0]!r}" for m in re.finditer(CAUSAL, text, re.I)]
    return problems


def visible_main(html: str) -> str:
    """What a reader sees in a page's <main>: tags, scripts and SVG marks gone, entities decoded."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", main, flags=re.S)
    return strip_tags(main.split(">", 1)[1]).replace("&#x27;", "'").replace("&amp;", "&").replace("&quot;", '"')


def seed(patient, days: int, *, today: dt.date, notes: bool = False) -> None:
    """`days` days of the demo's varied check-ins ending `today`, notes only when asked for."""
    rows = []
    for offset in range(days):
        day = today - dt.timedelta(days=offset)
        values = demo_checkin_values(patient.email, day)
        if not notes:
            values["note"] = ""
        rows.append(CheckIn(patient=patient, day=day, **values))
    CheckIn.objects.bulk_create(rows)


def page_words(response) -> str:
    """The words of a page's <main>, as one line."""
    return " ".join(visible_main(response.content.decode()).split())
