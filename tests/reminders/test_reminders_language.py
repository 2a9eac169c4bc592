"""Weekly reminders in each patient's language: the week's note and the crisis line."""

import pytest

from tests.factories import ReminderPatientFactory
from tracker.models import NoteTranslation
from tracker.reminders.dispatch import dispatch
from tracker.reminders.emails import reminder_teaser
from tracker.reminders.sending import send_batch

pytestmark = pytest.mark.django_db


def queue_all():
    batches = []
    dispatch(enqueue=batches.append)
    return [pk for batch in batches for pk in batch]


def test_each_patient_gets_the_weeks_note_and_the_crisis_line_in_their_language(smtp_sink, frozen_now):
    ReminderPatientFactory(email="alice@example.com", first_name="Alice", language="en")
    ReminderPatientFactory(email="elena@example.com", first_name="Elena", language="es")
    assert send_batch(delivery_ids=queue_all()).sent == 2
    english, spanish = reminder_teaser(iso_year=2026, iso_week=48, language="en"), None
    spanish = reminder_teaser(iso_year=2026, iso_week=48, language="es")
    assert english.url == spanish.url
    assert spanish.title == NoteTranslation.objects.get(note__title=english.title, language="es").title
    texts = {
        message["To"]: " ".join(message.get_body(("plain",)).get_content().split()) for message in smtp_sink.messages()
    }
    assert f"From the reading list: {english.title}" in texts["alice@example.com"]
    assert "Call or text 988" in texts["alice@example.com"]
    assert spanish.title in texts["elena@example.com"]
    assert spanish.summary in texts["elena@example.com"]
    assert english.title not in texts["elena@example.com"]
    assert "Llame o envíe un mensaje de texto al 988" in texts["elena@example.com"]


def test_the_teaser_falls_back_to_the_english_without_a_translation():
    english = reminder_teaser(iso_year=2026, iso_week=48, language="en")
    NoteTranslation.objects.filter(note__title=english.title).delete()
    assert reminder_teaser(iso_year=2026, iso_week=48, language="es") == english
