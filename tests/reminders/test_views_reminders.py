"""The one-click unsubscribe link (RFC 8058): signed token, no login, no CSRF."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from tests.factories import ReminderPatientFactory
from tracker.core.tokens import EMAIL_VERIFICATION_SALT, email_verification_token, unsubscribe_token


def url_for(token):
    return reverse("reminders_unsubscribe", args=[token])


@pytest.fixture
def patient(db):
    return ReminderPatientFactory(email="dana@example.com")


@pytest.fixture
def strict_client():
    """A client that enforces CSRF, as a mail client's POST would meet it."""
    return Client(enforce_csrf_checks=True)


def test_a_one_click_post_unsubscribes_with_200_and_no_redirect(strict_client, patient):
    response = strict_client.post(url_for(unsubscribe_token(patient_id=patient.pk)), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You're unsubscribed" in response.content.decode()
    patient.refresh_from_db()
    assert patient.reminders_enabled is False


def test_a_get_asks_for_confirmation_and_changes_nothing(client, patient):
    url = url_for(unsubscribe_token(patient_id=patient.pk))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<form method="post" action="{url}">' in html
    assert "Unsubscribe from reminders" in html
    assert "Call or text" in html  # it extends base.html
    patient.refresh_from_db()
    assert patient.reminders_enabled is True


def test_posting_twice_keeps_reminders_off(strict_client, patient):
    url = url_for(unsubscribe_token(patient_id=patient.pk))
    for _ in range(2):
        response = strict_client.post(url)
        assert response.status_code == 200
        assert "You're unsubscribed" in response.content.decode()
        patient.refresh_from_db()
        assert patient.reminders_enabled is False


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda p: unsubscribe_token(patient_id=p.pk)[:-2] + "xx", id="tampered-signature"),
        pytest.param(
            lambda p: (
                unsubscribe_token(patient_id=p.pk + 1).split(":")[0]
                + ":"
                + unsubscribe_token(patient_id=p.pk).split(":")[1]
            ),
            id="other-patient-payload",
        ),  # fmt: skip
        pytest.param(lambda p: email_verification_token(user=p), id="verification-token"),
        pytest.param(lambda p: signing.Signer(salt=EMAIL_VERIFICATION_SALT).sign_object({"u": p.pk}), id="other-salt"),
        pytest.param(lambda p: signing.Signer(key="another-site").sign_object({"u": p.pk}), id="other-key"),
        pytest.param(lambda p: "not-a-token", id="garbage"),
        pytest.param(lambda p: unsubscribe_token(patient_id=999999), id="no-such-patient"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_token_changes_nothing_and_says_so(strict_client, patient, make_token, method):
    response = getattr(strict_client, method)(url_for(make_token(patient)))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was changed." in html
    assert "not valid" in html or "not for a current account" in html
    patient.refresh_from_db()
    assert patient.reminders_enabled is True


def test_other_methods_are_refused_not_errors(client, patient):
    assert client.put(url_for(unsubscribe_token(patient_id=patient.pk))).status_code == 405


def test_the_unsubscribe_page_runs_a_fixed_number_of_queries(client, patient, django_assert_max_num_queries):
    url = url_for(unsubscribe_token(patient_id=patient.pk))
    with django_assert_max_num_queries(1):
        assert "Unsubscribe from reminders" in client.get(url).content.decode()
    with django_assert_max_num_queries(2):
        assert "You're unsubscribed" in client.post(url).content.decode()
