"""The authentication backend's per-request user lookup (plain SQL) returns what Django's would."""

import datetime as dt

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tracker.accounts.backends import UserBackend


def test_it_loads_the_same_user_as_djangos_backend_with_the_same_types(alice):
    mine, djangos = UserBackend().get_user(str(alice.pk)), ModelBackend().get_user(str(alice.pk))
    assert mine == djangos == alice
    for field in alice._meta.concrete_fields:
        assert getattr(mine, field.attname) == getattr(djangos, field.attname), field.name
    assert isinstance(mine.date_joined, dt.datetime)
    assert mine.date_joined.tzinfo is not None
    assert mine.is_active is True
    assert mine.tzinfo.key == "America/New_York"


def test_it_refuses_an_inactive_user(db):
    user = UserFactory(is_active=False)
    assert UserBackend().get_user(str(user.pk)) is None


def test_it_returns_nobody_for_an_unknown_or_malformed_id(alice):
    assert UserBackend().get_user(str(alice.pk + 1000)) is None
    assert UserBackend().get_user("not-a-number") is None
    assert UserBackend().get_user("1; DROP TABLE tracker_user") is None


def test_logging_in_uses_it_for_every_later_request(client, alice):
    response = client.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "tracker.accounts.backends.UserBackend"
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user == alice
