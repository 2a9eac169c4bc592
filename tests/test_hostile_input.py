"""Random and hostile input to every form and token endpoint: never a 500,
nothing stored from invalid input, and what is echoed back is escaped."""

import datetime as dt
from urllib.parse import quote

from django.contrib.auth.forms import PasswordResetForm
from django.core import mail
from django.core.cache import caches
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PASSWORD, ClinicFactory, UserFactory
from tracker.models import CheckIn, Enrolment, JoinCode, User

SCRIPT = "<script>alert(1)</script>"
NASTY = st.sampled_from(
    [
        "",
        " ",
        "-1",
        "NaN",
        "Infinity",
        "1e400",
        "9" * 5000,
        "0x10",
        "7,5",
        "١٢",  # Arabic-Indic digits
        SCRIPT,
        '"><img src=x onerror=alert(1)>',
        "'; DROP TABLE tracker_checkin; --",
        "\u202e\u200b",
        "\x00",
        "😀" * 300,
        "x" * 100_000,
    ]
)
VALUES = st.one_of(NASTY, st.text(max_size=300), st.integers().map(str), st.floats().map(str))
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
CHECKIN_FIELDS = [
    "sleep_hours",
    "sleep_quality",
    "stress",
    "omega3_servings",
    "omega3_supplement",
    "fruit_veg_servings",
    "note",
]


def _clean(value: str) -> str:
    # The test client can't send surrogates; hypothesis's text() can make them.
    return value.encode("utf-8", "replace").decode("utf-8")


def _assert_escaped(response):
    html = response.content.decode()
    assert SCRIPT not in html
    assert "<img src=x" not in html


@FUZZ
@given(data=st.fixed_dictionaries({}, optional={f: VALUES.map(_clean) for f in CHECKIN_FIELDS}))
def test_the_checkin_form_survives_anything(alice_client, alice, frozen_now, data):
    before = list(CheckIn.objects.filter(patient=alice).values())
    response = alice_client.post(reverse("today"), data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert list(CheckIn.objects.filter(patient=alice).values()) == before
        _assert_escaped(response)


def test_a_saved_note_is_escaped_wherever_it_shows(alice_client, frozen_now):
    alice_client.post(reverse("today"), {"stress": "3", "note": SCRIPT})
    for name in ("today", "history"):
        html = alice_client.get(reverse(name)).content.decode()
        assert SCRIPT not in html
        assert "&lt;script&gt;" in html


@FUZZ
@given(
    email=VALUES.map(_clean),
    first_name=VALUES.map(_clean),
    time_zone=VALUES.map(_clean),
    password=VALUES.map(_clean),
)
def test_signup_survives_anything(client, db, email, first_name, time_zone, password):
    caches["default"].clear()  # each example starts under the email throttles (tests/accounts test them)
    users = User.objects.count()
    response = client.post(
        reverse("signup"),
        {
            "email": email,
            "first_name": first_name,
            "time_zone": time_zone,
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert User.objects.count() == users
        _assert_escaped(response)
    else:
        client.post(reverse("logout"))


@FUZZ
@given(first_name=VALUES.map(_clean), time_zone=VALUES.map(_clean))
def test_settings_survive_anything(alice_client, alice, first_name, time_zone):
    response = alice_client.post(reverse("settings"), {"first_name": first_name, "time_zone": time_zone})
    assert response.status_code in (302, 400)
    alice.refresh_from_db()
    if response.status_code == 400:
        _assert_escaped(response)
    assert alice.time_zone in {"America/New_York", time_zone}


def _reset_answer(client, email):
    response = client.post(reverse("password_reset"), {"email": email})
    return response.status_code, response.get("Location"), response.content


@FUZZ
@given(username=st.one_of(VALUES, st.emails()).map(_clean), password=VALUES.map(_clean))
def test_login_and_reset_survive_anything(client, db, django_capture_on_commit_callbacks, username, password):
    caches["default"].clear()
    assert client.post(reverse("login"), {"username": username, "password": password}).status_code in (200, 302, 429)
    mail.outbox.clear()
    unknown = _reset_answer(client, username)
    assert unknown[0] in (200, 302)
    form = PasswordResetForm({"email": username})
    if not form.is_valid() or len(form.cleaned_data["email"]) > 254:
        return
    # The same answer once an account has that address: a reset must not tell whether one exists.
    with transaction.atomic():
        UserFactory(email=form.cleaned_data["email"])
        # The email goes out after the request (a task, after commit): run it here.
        with django_capture_on_commit_callbacks(execute=True):
            assert _reset_answer(client, username) == unknown
        assert len(mail.outbox) == 1  # it was found, and only the email says so
        transaction.set_rollback(True)


@FUZZ
@given(code=VALUES.map(_clean))
def test_invitation_codes_survive_anything(alice_client, alice, code):
    ClinicFactory()
    enrolments = Enrolment.objects.count()
    path = f"/join/{quote(code, safe='')}/" if code.strip("/") else "/join/-/"
    assert alice_client.get(path).status_code in (200, 404)
    assert alice_client.post(path).status_code in (302, 400, 404)
    assert alice_client.post(reverse("join_with_code"), {"code": code}).status_code in (302, 400, 404)
    assert Enrolment.objects.count() <= enrolments + 1


@FUZZ
@given(token=VALUES.map(_clean))
def test_clinician_invitation_tokens_survive_anything(client, db, token):
    path = f"/clinician/invitations/{quote(token, safe='') or '-'}/"
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert client.post(path, {"password1": PASSWORD, "password2": PASSWORD}).status_code in (400, 404)


@FUZZ
@given(end=VALUES.map(_clean), weeks=VALUES.map(_clean))
def test_the_clinic_dashboard_period_survives_anything(client, charlie, end, weeks):
    client.force_login(charlie)
    clinic = charlie.clinics.get()
    response = client.get(reverse("clinic_dashboard", args=[clinic.pk]), {"end": end, "weeks": weeks})
    assert response.status_code in (200, 400)
    _assert_escaped(response)


@FUZZ
@given(day=st.text(max_size=40).map(_clean))
def test_checkin_urls_with_any_date_never_fail(alice_client, frozen_now, day):
    response = alice_client.get(f"/checkin/{quote(day, safe='') or '-'}/")
    assert response.status_code in (200, 400, 404)


@FUZZ
@given(token=VALUES.map(_clean))
def test_the_two_factor_form_survives_anything(client, charlie, token):
    client.force_login(charlie)
    assert client.post(reverse("two_factor_setup"), {"token": token}).status_code == 400


def test_far_dates_in_a_checkin_url_are_refused_not_errors(alice_client, frozen_now):
    for day in (dt.date.min, dt.date.max, dt.date(1, 1, 1)):
        assert alice_client.get(f"/checkin/{day:%Y-%m-%d}/").status_code in (400, 404)


@FUZZ
@given(token=VALUES.map(_clean))
def test_unsubscribe_and_verification_tokens_survive_anything(client, alice, token):
    alice.reminders_enabled = True
    alice.save(update_fields=["reminders_enabled"])
    path = quote(token, safe="") or "-"
    for url in (f"/reminders/unsubscribe/{path}/", f"/accounts/verify-email/{path}/"):
        assert client.get(url).status_code in (400, 404)
        assert client.post(url).status_code in (400, 404, 405)
    alice.refresh_from_db()
    assert alice.reminders_enabled is True
    assert alice.email_verified_at is None


@FUZZ
@given(count=VALUES.map(_clean), code=VALUES.map(_clean), batch=VALUES.map(_clean))
def test_the_join_code_forms_survive_anything(client, charlie, count, code, batch):
    client.force_login(charlie)
    clinic = charlie.clinics.get()
    codes = JoinCode.objects.count()
    issued = client.post(reverse("clinic_join_codes", args=[clinic.pk]), {"count": count})
    assert issued.status_code in (302, 400)
    if issued.status_code == 400:
        assert JoinCode.objects.count() == codes
        _assert_escaped(issued)
    withdrawn = client.post(reverse("clinic_join_codes_withdraw", args=[clinic.pk]), {"code": code, "batch": batch})
    assert withdrawn.status_code in (302, 400)
    _assert_escaped(withdrawn)
    assert client.get(f"/clinician/clinics/{clinic.pk}/join-codes/{quote(batch, safe='') or '-'}/").status_code in (
        200,
        404,
    )


@FUZZ
@given(email=VALUES.map(_clean))
def test_the_clinician_invitation_form_survives_anything(client, charlie, email):
    charlie.clinic_memberships.update(is_admin=True)
    client.force_login(charlie)
    clinic = charlie.clinics.get()
    response = client.post(reverse("clinic_invite", args=[clinic.pk]), {"email": email})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        _assert_escaped(response)
