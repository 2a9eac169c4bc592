"""tracker/core/i18n.py and emails in their reader's language (tracker/core/emails.py)."""

import pytest
from django.utils import translation
from django.utils.html import strip_tags

from tests.factories import UserFactory
from tracker.accounts.emails import verification_email
from tracker.core.i18n import language_of, supported_or_default

ENGLISH_LINE = "In crisis? Call or text 988"
SPANISH_LINE = "¿Está en crisis? Llame o envíe un mensaje de texto al 988 (EE. UU.); para español, marque 2"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("es", "es"), ("es-MX", "es"), ("ES", "es"), ("en-us", "en"), ("fr", "en"), ("", "en"), (None, "en")],
)
def test_it_maps_a_code_to_a_language_the_app_speaks(code, expected):
    assert supported_or_default(code) == expected


def test_a_users_language_is_their_accounts_or_the_default():
    assert language_of(UserFactory.build(language="es")) == "es"
    assert language_of(UserFactory.build(language="xx")) == "en"
    assert language_of(object()) == "en"


def message_texts(message) -> tuple[str, str]:
    """The plain-text part and the HTML part's text, each on one line."""
    return " ".join(message.body.split()), " ".join(strip_tags(message.alternatives[0].content).split())


@pytest.mark.parametrize("active", ["en", "es"])
def test_an_email_is_built_in_its_readers_language_whatever_the_sender_is_in(db, active):
    elena = UserFactory(first_name="Elena", language="es")
    alice = UserFactory(first_name="Alice", language="en")
    with translation.override(active):
        to_elena = verification_email(user=elena, verify_url="https://example.org/v/x/", max_age_days=7)
        to_alice = verification_email(user=alice, verify_url="https://example.org/v/x/", max_age_days=7)
        assert translation.get_language() == active, "building an email leaves the sender's language alone"
    for part in message_texts(to_elena):
        assert SPANISH_LINE in part
    assert '<html lang="es">' in to_elena.alternatives[0].content
    assert "Este correo no es un consejo médico." in to_elena.alternatives[0].content
    for part in message_texts(to_alice):
        assert ENGLISH_LINE in part
    assert '<html lang="en">' in to_alice.alternatives[0].content
