"""Spanish beyond the templates: every email (but the reminders') in Spanish with no English left,
the generated sentences and chart words in Spanish with the language's dates and decimal comma,
the FHIR export's display text, and the Spanish safety rules over all of it, which catch a
regression planted in the catalogue."""

import datetime as dt
import re
from decimal import Decimal

import polib
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from fhir.resources.bundle import Bundle

from tests.factories import CheckInFactory, ClinicFactory, ClinicianFactory, UserFactory
from tracker.accounts import security_emails
from tracker.accounts.emails import password_reset_email, signup_attempt_email, verification_email
from tracker.accounts.notices import _links
from tracker.checkins.patterns import pattern_from_rows
from tracker.checkins.summaries import factor_panels, week_lines
from tracker.checkins.trends import DayValues, figures_from_rows
from tracker.clinics.invitations import send_clinician_invitation
from tracker.content.rules import violations
from tracker.core.l10n import day_text, number_text
from tracker.core.svg import tick_text
from tracker.models import FIELD_BY_NAME, AuditEvent
from tracker.privacy.export import TRANSLATION, export_fhir_bundle

# Words that are English and not Spanish: one of them in a Spanish email means a string was missed.
ENGLISH = re.compile(
    r"\b(the|your|you|and|was|were|with|this|that|from|if|is|are|of|to|it|on|in|link|password|email|browser"
    r"|account|sign|signed|someone|change|reset|days|hours|week|weeks|logged|average|servings)\b",
    re.I,
)
# Names, addresses and the like that stay as they are in any language.
ALLOWED = re.compile(
    r"Wellness Tracker|https?://\S+|\S+@\S+|988lifeline\.org|\bFHIR\b|\bCSV\b|\bZIP\b|\bJSON\b|Firefox|Linux|"
    r"America/New York",
)


def english_left(text: str) -> list[str]:
    return sorted({m[0] for m in ENGLISH.finditer(ALLOWED.sub(" ", text))})


def spanish_problems(text: str) -> list[str]:
    """What a Spanish text must not hold: English left over, and what the Spanish rules forbid."""
    return [f"English: {word}" for word in english_left(text)] + [str(v) for v in violations(text, language="es")]


def _words(message) -> str:
    html = message.alternatives[0][0]
    return " ".join([message.subject, message.body, re.sub(r"<[^>]+>", " ", html)])


@pytest.fixture
def ana(db):
    return UserFactory(email="ana@example.com", first_name="Ana", language="es")


def security_event(action, **metadata):
    return AuditEvent(action=action, at=dt.datetime(2026, 12, 7, 15, 30, tzinfo=dt.UTC), metadata=metadata)


def every_email(user) -> dict:
    links = _links()
    event = security_event(AuditEvent.Action.LOGGED_IN, browser="Firefox", browser_system="Linux")
    return {
        "verify-email": verification_email(user=user, verify_url="https://x.example/v/1", max_age_days=3),
        "password-reset": password_reset_email(user=user, reset_url="https://x.example/r/1", max_age_days=3),
        "signup-attempt": signup_attempt_email(
            user=user, login_url="https://x.example/l", reset_url="https://x.example/r"
        ),
        "new-browser": security_emails.new_browser_email(user=user, event=event, links=links),
        "password-changed": security_emails.password_changed_email(user=user, event=event, links=links),
        "password-reset-done": security_emails.password_was_reset_email(user=user, event=event, links=links),
        "two-factor-on": security_emails.two_factor_on_email(user=user, event=event, links=links),
        "two-factor-off": security_emails.two_factor_off_email(user=user, event=event, links=links),
        "data-exported": security_emails.data_exported_email(
            user=user, event=security_event(AuditEvent.Action.DATA_EXPORTED, format="csv"), links=links
        ),
    }


def test_it_writes_every_account_and_security_email_in_spanish_to_a_spanish_reader(ana):
    # Whatever language the sender runs in (a worker, an English page), the reader's own.
    with translation.override("en"):
        emails = every_email(ana)
    for name, message in emails.items():
        words = _words(message)
        assert spanish_problems(words) == [], name
        assert message.body.startswith("Hola, Ana:" if name != "password-reset" else "Hola:"), name
        assert "Este correo no es un consejo médico." in message.body, name
        assert "988" in message.body, name
    assert (
        "Se inició sesión en su cuenta de Wellness Tracker desde Firefox en Linux el lunes 7 de diciembre de 2026"
        in (emails["new-browser"].body)
    )
    assert "CSV (un ZIP de hojas de cálculo)" in emails["data-exported"].body


def test_it_writes_the_same_emails_in_english_to_an_english_reader(alice):
    for name, message in every_email(alice).items():
        assert english_left(message.body), name
        assert violations(_words(message)) == [], name


def test_the_clinician_invitation_goes_out_in_the_inviting_clinicians_language(db):
    clinic = ClinicFactory(name="Clínica Norte")
    inviter = ClinicianFactory(first_name="Marta", language="es")
    with translation.override("en"):
        send_clinician_invitation(to="new@example.com", clinic=clinic, inviter=inviter, url="https://x.example/i/1")
    message = mail.outbox[-1]
    assert message.subject == "Invitación para unirse a Clínica Norte en Wellness Tracker"
    assert "Marta le invitó a unirse a Clínica Norte" in message.body
    assert 'lang="es"' in message.alternatives[0][0]
    assert spanish_problems(_words(message)) == []


# --- generated sentences ---------------------------------------------------------------------------

MONDAY = dt.date(2026, 11, 2)


def _rows(days=30):
    rows = []
    for offset in range(days):
        day = MONDAY + dt.timedelta(days=offset)
        if offset % 5 == 4:
            rows.append(DayValues(day=day))
            continue
        rows.append(
            DayValues(
                day=day,
                sleep_hours=Decimal("6.5") + Decimal(offset % 4) / 2,
                sleep_quality=1 + offset % 5,
                stress=offset % 11,
                omega3_servings=offset % 3,
                omega3_supplement=offset % 2 == 0,
                fruit_veg_servings=offset % 7,
            )
        )
    return rows


def spanish_sentences(rows) -> list[str]:
    figures = figures_from_rows(rows, first_day=rows[0].day, last_day=rows[-1].day)
    texts = [f"{line.label}: {line.text}" for line in week_lines(figures)]
    for panel in factor_panels(figures=figures, rows=rows, charts={}):
        texts += [sentence.text for sentence in panel.sentences]
        texts += [" ".join([label, *cells]) for label, cells in panel.rows + panel.weekly_rows]
    for a, b in (("sleep_hours", "stress"), ("stress", "sleep_quality"), ("fruit_veg_servings", "omega3_servings")):
        for part in (rows, rows[:6], rows[:1]):
            texts += pattern_from_rows(part, a=FIELD_BY_NAME[a], b=FIELD_BY_NAME[b]).sentences()
    return texts


def test_the_generated_sentences_are_spanish_and_pass_the_spanish_rules():
    with translation.override("es"):
        texts = spanish_sentences(_rows(90)) + spanish_sentences(_rows(7))
    words = " ".join(texts)
    assert spanish_problems(words.replace("Omega-3", " ")) == []
    assert "Horas dormidas: registrado 72 de 90 días, promedio 7,3 horas." in texts
    assert "Semana del 2 nov" in words
    assert "lun 2 nov" in words


def test_dates_numbers_and_ticks_follow_the_language():
    day = dt.date(2026, 12, 7)
    with translation.override("es"):
        assert day_text(day) == "lun 7 dic"
        assert day_text(day, "LONG_DAY_YEAR_FORMAT") == "lunes 7 de diciembre de 2026"
        assert number_text(Decimal("7.5")) == "7,5"
        assert tick_text(2500.0) == "2\xa0500"
        assert tick_text(12.5) == "12,5"
    with translation.override("en"):
        assert day_text(day) == "Mon 7 Dec"
        assert number_text(Decimal("7.5")) == "7.5"
        assert tick_text(2500.0) == "2,500"


def test_the_spanish_sleep_box_takes_a_decimal_comma():
    from tracker.checkins.forms import CheckInForm

    with translation.override("es"):
        form = CheckInForm({"sleep_hours": "7,5"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["sleep_hours"] == Decimal("7.5")


# --- FHIR -----------------------------------------------------------------------------------------


def test_the_fhir_export_of_a_spanish_reader_keeps_the_codes_and_localises_the_display_text(ana):
    CheckInFactory(patient=ana, day=dt.date(2026, 12, 1), sleep_hours=Decimal("7.5"), stress=4)
    with translation.override("en"):
        bundle = export_fhir_bundle(patient=ana)
    Bundle.parse_obj(bundle)  # raises on anything invalid in FHIR R4, the extension included
    observations = {entry["resource"]["code"]["coding"][0]["code"]: entry["resource"] for entry in bundle["entry"][1:]}
    sleep = observations["93832-4"]
    assert sleep["language"] == "es"
    assert sleep["code"]["coding"][0]["system"] == "http://loinc.org"
    assert sleep["code"]["coding"][0]["display"] == "Sleep duration"  # LOINC's own display
    assert sleep["code"]["text"] == "Duración del sueño"
    translated = sleep["code"]["coding"][0]["_display"]["extension"][0]
    assert translated["url"] == TRANSLATION
    assert {e["url"]: e.get("valueCode") or e.get("valueString") for e in translated["extension"]} == {
        "lang": "es",
        "content": "Duración del sueño",
    }
    assert sleep["valueQuantity"] == {"value": 7.5, "unit": "horas", "system": "http://unitsofmeasure.org", "code": "h"}
    assert observations["stress-rating"]["code"]["text"].startswith("Estrés")


def test_the_fhir_export_of_an_english_reader_has_no_translation_extension(alice):
    CheckInFactory(patient=alice, day=dt.date(2026, 12, 1), sleep_hours=Decimal("7.5"))
    bundle = export_fhir_bundle(patient=alice)
    coding = bundle["entry"][1]["resource"]["code"]["coding"][0]
    assert "_display" not in coding
    assert bundle["entry"][1]["resource"]["language"] == "en"


# --- a planted regression -------------------------------------------------------------------------


@pytest.fixture
def planted_catalogue(tmp_path, settings):
    """A copy of locale/ whose Spanish says what the rules forbid, compiled and in use."""
    import shutil
    from pathlib import Path

    copy = tmp_path / "locale"
    shutil.copytree(Path(__file__).resolve().parent.parent / "locale", copy)
    settings.LOCALE_PATHS = [copy]
    po_path = copy / "es" / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    catalogue.find("your stress rating averaged %(average)s").msgstr = "su estrés fue demasiado alto: %(average)s"
    catalogue.find("Every other browser was signed out.").msgstr = "Usted debería dormir más."
    catalogue.save()
    call_command("compile_catalogues")
    return copy


def test_the_spanish_rules_catch_a_regression_planted_in_the_catalogue(planted_catalogue, ana):
    with translation.override("es"):
        sentences = " ".join(spanish_sentences(_rows(30)))
    assert "a verdict on a value" in {v.rule for v in violations(sentences, language="es")}
    email = every_email(ana)["password-changed"]
    assert "telling the reader what to do" in {v.rule for v in violations(_words(email), language="es")}
