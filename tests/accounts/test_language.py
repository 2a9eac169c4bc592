"""Which language a page is in (tracker/accounts/language.py): the account's choice, else the
language cookie, else the browser's; the footer's switch; the language saved at sign-up and
applied at log-in."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tracker.accounts.language import language_save
from tracker.models import User

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME
SPANISH_FOOTER = "Esta aplicación no es un consejo médico."
ENGLISH_FOOTER = "This app is not medical advice."


@pytest.fixture
def elena(db):
    """A patient who reads the app in Spanish."""
    return UserFactory(email="elena@example.com", first_name="Elena", language="es")


def page_language(response) -> str:
    html = response.content.decode()
    assert response["Content-Language"] in html.split("<html lang=", 1)[1][:6]
    if SPANISH_FOOTER in html:
        return "es"
    assert ENGLISH_FOOTER in html
    return "en"


# --- a visitor: the cookie, else the browser ---------------------------------------------------------


def test_a_first_visit_follows_the_browser(client):
    assert page_language(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")) == "es"
    assert page_language(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")) == "en"
    assert page_language(client.get(reverse("login"))) == "en"


def test_the_cookie_wins_over_the_browser(client):
    client.cookies[COOKIE] = "en"
    assert page_language(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es")) == "en"


def test_the_page_says_its_language_and_varies_on_it(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="es">' in response.content.decode()
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]


# --- the switch in the footer ------------------------------------------------------------------------


def switch(client, language, next_url="/learn/", **extra):
    return client.post(reverse("set_language"), {"language": language, "next": next_url}, **extra)


def test_every_page_has_the_switch_as_a_plain_form_with_each_language_named_in_itself(client):
    html = client.get(reverse("learn")).content.decode()
    form = html.split('<form class="language-switch', 1)[1].split("</form>", 1)[0]
    assert f'action="{reverse("set_language")}" method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/learn/">' in form
    assert '<label class="mb-0" for="language-switch">Language</label>' in form
    assert '<option value="en" lang="en" selected>English</option>' in form
    assert '<option value="es" lang="es">Español</option>' in form
    assert '<button class="btn btn-outline-secondary btn-sm" type="submit">Change language</button>' in form
    assert "<script" not in form
    assert " on" not in form.replace(" one", "")  # no inline event handler either


def test_a_visitor_switches_language_with_a_cookie_and_comes_back_to_the_page(client):
    response = switch(client, "es")
    assert response.status_code == 302
    assert response["Location"] == "/learn/"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "es"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert page_language(client.get("/learn/", HTTP_ACCEPT_LANGUAGE="en")) == "es"


def test_the_switch_refuses_a_language_the_app_does_not_speak_and_a_foreign_next_address(client):
    response = switch(client, "fr", next_url="https://evil.example/")
    assert response["Location"] == "/"
    assert COOKIE not in response.cookies


def test_the_switch_needs_the_forms_csrf_token_and_a_post(db):
    client = Client(enforce_csrf_checks=True)
    assert switch(client, "es").status_code == 403
    assert client.get(reverse("set_language"), {"language": "es"}).status_code == 405


def test_a_patient_switching_language_keeps_it_on_their_account(alice_client, alice):
    switch(alice_client, "es")
    alice.refresh_from_db()
    assert alice.language == "es"
    other_device = Client()
    other_device.force_login(alice)
    assert page_language(other_device.get(reverse("today"), HTTP_ACCEPT_LANGUAGE="en")) == "es"


@pytest.mark.parametrize("language", ["xx", "fr"])  # Django has a French catalogue; the app speaks no French
def test_a_refused_language_changes_nothing_on_the_account(alice_client, alice, language):
    response = switch(alice_client, language)
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en", "the account's language, not the refused one"
    alice.refresh_from_db()
    assert alice.language == "en"


def test_the_service_refuses_an_unknown_language(alice):
    with pytest.raises(ValueError, match="'klingon'"):
        language_save(user=alice, language="klingon")


def test_the_error_page_without_a_request_has_no_switch(client):
    from django.test import RequestFactory
    from django.views import defaults

    html = defaults.server_error(RequestFactory().get("/")).content.decode()
    assert "language-switch" not in html
    assert ENGLISH_FOOTER in html


# --- an account: its language wins --------------------------------------------------------------------


def test_the_accounts_language_wins_over_the_cookie_and_the_browser(client, elena):
    client.force_login(elena)
    client.cookies[COOKIE] = "en"
    response = client.get(reverse("today"), HTTP_ACCEPT_LANGUAGE="en")
    assert page_language(response) == "es"
    assert response.cookies[COOKIE].value == "es", "the cookie follows the account"


def test_logging_in_applies_the_accounts_language_and_keeps_it_after_logging_out(client, elena):
    client.cookies[COOKIE] = "en"
    response = client.post(reverse("login"), {"username": elena.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "es"
    assert page_language(client.get(response["Location"], follow=True, HTTP_ACCEPT_LANGUAGE="en")) == "es"
    client.post(reverse("logout"))
    assert page_language(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")) == "es"


def test_an_english_account_reads_english_whatever_the_browser(alice_client):
    assert page_language(alice_client.get(reverse("today"), HTTP_ACCEPT_LANGUAGE="es")) == "en"


SIGNUP = {
    "email": "nueva@example.com",
    "first_name": "Nia",
    "time_zone": "America/Mexico_City",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
}


@pytest.mark.parametrize(
    ("browser", "cookie", "saved"), [("es-MX,es", None, "es"), ("es", "en", "en"), ("de", None, "en")]
)
def test_signing_up_saves_the_language_the_page_was_in(client, browser, cookie, saved):
    if cookie:
        client.cookies[COOKIE] = cookie
    assert client.post(reverse("signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE=browser).status_code == 302
    assert User.objects.get(email="nueva@example.com").language == saved
