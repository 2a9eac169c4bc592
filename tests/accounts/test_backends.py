"""Who a logged-in request belongs to: Django's ModelBackend loads the user from the session."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, load_backend
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def backend():
    return load_backend(settings.AUTHENTICATION_BACKENDS[-1])


def test_it_loads_the_sessions_user_in_one_query(alice, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = backend().get_user(alice.pk)
    assert user == alice
    assert user.tzinfo.key == "America/New_York"


def test_it_refuses_an_inactive_user(db):
    user = UserFactory(is_active=False)
    assert backend().get_user(user.pk) is None


def test_it_returns_nobody_for_an_unknown_id(alice):
    assert backend().get_user(alice.pk + 1000) is None


def test_logging_in_uses_it_for_every_later_request(client, alice):
    response = client.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == MODEL_BACKEND == settings.AUTHENTICATION_BACKENDS[-1]
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user == alice


def test_a_deactivated_user_is_logged_out_on_their_next_request(client, alice):
    client.force_login(alice, backend=MODEL_BACKEND)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.wsgi_request.user.is_anonymous
