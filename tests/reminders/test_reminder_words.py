"""No guilt: every reminder email, in every cadence, back-off variant and language, says nothing
that blames, scolds or counts a lapse, and passes the content rules (tracker/content/rules.py)."""

import datetime as dt
import html
import itertools
import re

import pytest
from django.utils.html import strip_tags

from tests.factories import ReminderPatientFactory
from tracker.content.rules import violations
from tracker.models import Cadence, ReminderDelivery
from tracker.reminders.emails import Teaser, reminder_email

pytestmark = pytest.mark.django_db

GUILT = {
    "en": [
        r"\bmiss(?:ed|ing)?\b",
        r"\bfail(?:ed|ing|ure)?\b",
        r"\bdon'?t break\b",
        r"\blost your streak\b",
        r"\bbroke your streak\b",
        r"\bbehind\b",
        r"\bshould have\b",
        r"\bshould'?ve\b",
        r"\bforgot\b",
        r"\byou haven'?t\b",
        r"\bstill haven'?t\b",
        r"\bdisappoint",
        r"\blazy\b",
        r"\bslipp(?:ed|ing)\b",
        r"\bonly \d+ days?\b",
        r"\b0 days?\b",
    ],
    "es": [
        r"\bperdi[óo]\b",
        r"\bperdid[oa]s?\b",
        r"\bfall[óo]\b",
        r"\bfallaste\b",
        r"\bfallid[oa]\b",
        r"\bno rompa\b",
        r"\bperdi[óo] su racha\b",
        r"\brompi[óo] su racha\b",
        r"\batrasad[oa]\b",
        r"\bdeber[íi]a haber\b",
        r"\bolvid[óo]\b",
        r"\btodav[íi]a no\b",
        r"\bdecepci",
        r"\bperezos[oa]\b",
        r"\bsolo \d+ d[íi]as?\b",
        r"\b0 d[íi]as?\b",
    ],
}
TEASER = Teaser(title="Sleep", summary="What studies looked at.", citation="Doe J. 2020.", url="http://x/learn/sleep/")


def every_reminder(language: str):
    """(what, subject, plain text, HTML as text) for each cadence, variant, name and count."""
    patient = ReminderPatientFactory(language=language, reminder_days="35")
    for cadence, variant, first_name, days_logged, teaser in itertools.product(
        Cadence.values, ReminderDelivery.Variant.values, ["Ana", ""], [0, 1, 5], [TEASER, None]
    ):
        patient.reminder_cadence, patient.first_name = cadence, first_name
        message = reminder_email(
            patient=patient,
            variant=variant,
            days_logged=days_logged,
            streak=days_logged,
            teaser=teaser,
            checkin_url="http://x/today/",
            unsubscribe_url="http://x/reminders/unsubscribe/t/",
            today=dt.date(2026, 11, 27),
        )
        [(body, _)] = message.alternatives
        shown = html.unescape(strip_tags(body))
        yield f"{language} {cadence} {variant} {first_name!r} {days_logged}", message.subject, message.body, shown


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_reminder_says_anything_that_blames_or_scolds(language):
    found = []
    rendered = 0
    for what, subject, text, shown in every_reminder(language):
        rendered += 1
        for part in (subject, text, shown):
            found += [f"{what}: {pattern}" for pattern in GUILT[language] if re.search(pattern, part, re.I)]
            found += [f"{what}: {v}" for v in violations(part, language=language)]
    assert rendered == 3 * 3 * 2 * 3 * 2
    assert found == []


def test_the_guilt_list_catches_what_it_is_for():
    for language, sentence in [
        ("en", "You missed yesterday. Don't break your streak!"),
        ("en", "You lost your streak and fell behind."),
        ("en", "You should have checked in."),
        ("es", "Usted perdió su racha."),
        ("es", "Debería haber registrado ayer."),
    ]:
        assert any(re.search(pattern, sentence, re.I) for pattern in GUILT[language]), sentence


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_variant_is_translated_and_carries_the_crisis_line(language):
    texts = {text for _, _, text, _ in every_reminder(language)}
    for text in texts:
        assert "988" in text
        assert ("medical advice" if language == "en" else "consejo médico") in text
    if language == "es":
        assert not any("reminder" in text.split("--")[0].lower() for text in texts)
