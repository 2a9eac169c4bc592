"""The dosing, diagnosis and judgement rules (tracker/content/rules.py) run over everything the app
shows: every email template rendered with demo data, every page a patient sees (with the
dashboard's generated sentences), and the Learn pages. The browser journeys run them too
(tests/browser/conftest.py). Each check has a companion test that plants a breaking sentence and
proves the check catches it.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags

from tests.factories import CheckInFactory, ClinicFactory, UserFactory
from tracker.content import read_notes
from tracker.content.rules import ALLOWED, RULES, rules_markdown, violations
from tracker.models import Note

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "content.md"


def visible_main(html: str) -> str:
    """What a reader sees in a page's <main>: tags and scripts gone, entities decoded."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return strip_tags(main.split(">", 1)[1]).replace("&#x27;", "'").replace("&amp;", "&").replace("&quot;", '"')


# --- the rule list ---------------------------------------------------------------------------------


RULE_CASES = [(language, rule) for language, rules in RULES.items() for rule in rules]


@pytest.mark.parametrize(("language", "rule"), RULE_CASES, ids=lambda case: getattr(case, "name", case))
def test_each_rule_catches_its_own_examples(language, rule):
    for sentence in rule.catches:
        assert rule.name in {v.rule for v in violations(sentence, language=language)}, sentence


def test_every_language_the_app_speaks_has_its_rules_and_the_same_ones():
    assert set(RULES) == {code for code, _ in settings.LANGUAGES}
    names = {language: [rule.name for rule in rules] for language, rules in RULES.items()}
    assert all(listed == names["en"] for listed in names.values()), "each language keeps every rule, by its name"


def test_the_allowed_quotations_pass_but_nothing_around_them():
    for language, entries in ALLOWED.items():
        for entry in entries:
            assert violations(entry.example, language=language) == [], entry.example
    assert violations("Have at least 400 g of fruit and vegetables, and 500 mg of fish oil.")
    assert violations("Coma al menos 400 g de frutas y verduras, y 500 mg de aceite de pescado.", language="es")


def test_plain_everyday_wording_passes():
    for sentence in [
        "Sleep quality (1 very poor, 5 very good): logged 5 of 30 days, average 3.4.",
        "Did you take an omega-3 supplement today?",
        "They advise 7 or more hours of sleep a night, on a regular basis.",
        "The FDA withdrew that approval, effective 14 April 2025.",
    ]:
        assert violations(sentence) == [], sentence


def test_plain_everyday_spanish_wording_passes():
    for sentence in [
        "Calidad del sueño (1 muy mala, 5 muy buena): registrada 5 de 30 días, promedio 3,4.",
        "Estrés (0 tranquilo, 10 muy estresado).",
        "¿Tomó hoy un suplemento de omega-3?",
        "Aconsejan dormir 7 horas o más cada noche, de forma regular.",
        "Su etiqueta tiene una advertencia en recuadro.",
        "La FDA retiró esa aprobación, con efecto desde el 14 de abril de 2025.",
        "Por eso, la brexanolona ya no es un medicamento aprobado en EE. UU.",
        "Si está en crisis, llame o envíe un mensaje de texto al 988.",
    ]:
        assert violations(sentence, language="es") == [], sentence


def test_the_spanish_rules_catch_what_the_english_ones_would_miss():
    # The English patterns know no Spanish: a Spanish page needs its own rules.
    planted = "Usted debería tomar 2 gramos de EPA dos veces al día; su estrés es demasiado alto."
    assert violations(planted) == []
    assert {v.rule for v in violations(planted, language="es")} == {
        "amount with a unit",
        "unit of a supplement or medicine",
        "take ... daily",
        "times a day",
        "telling the reader what to do",
        "a verdict on a value",
    }


def test_the_docs_publish_the_rule_list_as_the_code_has_it():
    docs = DOCS.read_text(encoding="utf-8")
    published = docs.split("<!-- rules:start -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert published.strip() == rules_markdown().strip(), (
        "docs/content.md is out of date: paste the output of `.venv/bin/python -m tracker.content.rules` between "
        "the rules markers"
    )


def test_the_docs_check_fails_when_a_rule_changes(monkeypatch):
    from tracker.content import rules

    changed = rules.RULES["en"][0].__class__("new rule", r"\bnew\b", "Why.", ("new",))
    monkeypatch.setitem(rules.RULES, "en", (*rules.RULES["en"], changed))
    with pytest.raises(AssertionError, match="out of date"):
        test_the_docs_publish_the_rule_list_as_the_code_has_it()


# --- emails ----------------------------------------------------------------------------------------


def email_templates() -> list[Path]:
    """Every template under an emails/ folder of the template directories (the password reset
    email is ours too, in emails/)."""
    found = []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        found += sorted((Path(folder) / "emails").glob("*"))
    return [path for path in found if path.exists() and path.name != "base.html"]


def demo_email_context(note: Note) -> dict:
    """What the email functions pass, with demo values; the reminder teases `note`."""
    from tracker.reminders.emails import Teaser

    inviter = UserFactory.build(first_name="Charlie", email="charlie@example.com")
    return {
        "first_name": "Alice",
        "days_logged": 5,
        "streak": 12,
        "checkin_url": "https://example.org/today/",
        "unsubscribe_url": "https://example.org/reminders/unsubscribe/x/",
        "settings_url": "https://example.org/settings/",
        "site_url": "https://example.org",
        "teaser": Teaser(note.title, note.summary, "Source text.", f"https://example.org/learn/{note.slug}/"),
        "verify_url": "https://example.org/accounts/verify-email/x/",
        "reset_url": "https://example.org/accounts/reset/MQ/set-password/",
        "login_url": "https://example.org/accounts/login/",
        "max_age_days": 7,
        "inviter": inviter,
        "clinic": ClinicFactory.build(name="Riverside Clinic"),
        "url": "https://example.org/clinician/invitations/x/",
        "days": 7,
        "email": "alice@example.com",
        "protocol": "https",
        "domain": "example.org",
        "uid": "MQ",
        "token": "set-password",
        # The security emails (tracker/accounts/security_emails.py).
        "when": dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC),
        "time_zone": "America/New York",
        "browser": "Chrome on Android",
        "export_format": "JSON",
        "password_change_url": "https://example.org/accounts/password/change/",
        "signed_in_url": "https://example.org/settings/sessions/",
        "activity_url": "https://example.org/settings/activity/",
    }


def rendered_emails() -> dict[str, str]:
    """Each email template as its reader sees it, once per note teased (the teaser changes weekly)."""
    texts = {}
    for note in Note.objects.all():
        context = demo_email_context(note)
        for path in email_templates():
            name = f"{path.parent.name}/{path.name}"
            text = render_to_string(name, context)
            texts[f"{name} teasing {note.slug}"] = strip_tags(text) if path.suffix == ".html" else text
    return texts


def test_every_email_template_is_checked():
    names = {f"{path.parent.name}/{path.name}" for path in email_templates()}
    assert {
        "emails/reminder-body-html.html",
        "emails/reminder-body-text.txt",
        "emails/verify-email-body-text.txt",
        "emails/clinician_invitation.txt",
        "emails/password-reset-body-text.txt",
        "emails/signup-attempt-body-text.txt",
        "emails/security-new-browser-body-html.html",
        "emails/security-data-exported-body-text.txt",
    } <= names


def test_no_email_breaks_the_rules():
    found = {name: [str(v) for v in violations(text)] for name, text in rendered_emails().items()}
    assert found == {name: [] for name in found}


def test_the_email_check_catches_a_planted_sentence(settings, tmp_path):
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "planted-body-text.txt").write_text("You should take 1,000 mg of fish oil daily.\n")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    planted = {name: violations(text) for name, text in rendered_emails().items() if "planted" in name}
    assert planted
    assert all(
        {"amount with a unit", "telling the reader what to do"} <= {v.rule for v in found} for found in planted.values()
    )


# --- pages -----------------------------------------------------------------------------------------


def patient_with_data():
    """A patient with 30 days of check-ins, so the dashboard writes every one of its sentences."""
    patient = UserFactory(email="rules@example.com", time_zone="America/New_York")
    for offset in range(30):
        CheckInFactory(
            patient=patient,
            day=TODAY - dt.timedelta(days=offset),
            sleep_hours=[5, 7.5, 9.25][offset % 3],
            stress=offset % 11,
            omega3_supplement=offset % 2 == 0,
            note="private words",
        )
    return patient


def patient_pages(client, patient) -> dict[str, str]:
    client.force_login(patient)
    urls = [
        reverse("dashboard"),
        reverse("dashboard") + "?days=7",
        reverse("dashboard") + "?days=90",
        reverse("today"),
        reverse("checkin_day", args=[TODAY - dt.timedelta(days=1)]),
        reverse("history"),
        reverse("patterns"),
        reverse("summary"),
        reverse("pauses"),
        reverse("settings"),
        reverse("account_activity"),
        reverse("my_data"),
        reverse("learn"),
        reverse("learn_references"),
        *[reverse("learn_note", args=[note["slug"]]) for note in read_notes()],
    ]
    pages = {url: client.get(url).content.decode() for url in urls}
    # The confirmation after a save, with its note card: a short night logged, then each factor.
    for values in [{"sleep_hours": "5"}, {"stress": "9"}, {"omega3_supplement": "True"}, {"fruit_veg_servings": "0"}]:
        response = client.post(reverse("today"), values)
        pages[f"saved {values}"] = client.get(response["Location"]).content.decode()
    return pages


@pytest.fixture
def pages(client, frozen_now):
    return patient_pages(client, patient_with_data())


def test_no_patient_page_breaks_the_rules(pages):
    assert "Hours slept: logged" in visible_main(pages[reverse("dashboard")])  # the generated sentences are there
    found = {url: [str(v) for v in violations(visible_main(html))] for url, html in pages.items()}
    assert found == {url: [] for url in found}


def test_the_page_check_catches_a_planted_dashboard_sentence(client, frozen_now, monkeypatch):
    from tracker.checkins import summaries

    real = summaries._sentences

    def judging(factor, counts, window_days):
        return [
            *real(factor, counts, window_days),
            summaries.Sentence("planted", "Your sleep was too short this week."),
        ]

    monkeypatch.setattr(summaries, "_sentences", judging)
    html = patient_pages(client, patient_with_data())[reverse("dashboard")]
    assert {v.rule for v in violations(visible_main(html))} == {"a verdict on a value"}


def test_the_note_card_after_a_short_night_passes_and_is_no_verdict(pages):
    card = visible_main(pages["saved {'sleep_hours': '5'}"])
    assert "Sleep and your brain's calming chemistry" in card
    assert violations(card) == []
    assert "5 hours" not in card.split("Saved your check-in", 1)[1]  # the card never repeats the value
