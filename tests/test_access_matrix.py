"""Every URL against every kind of visitor, generated from the URL configuration.

A URL without an entry in MATRIX fails `test_every_url_is_in_the_matrix`, so a
new page can't ship without deciding who may see it. Outcomes: 200, "login"
(redirect to log in), "redirect" (elsewhere), 403, 404 or 405 (wrong method).
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import CheckInFactory, ClinicFactory, ClinicianFactory, JoinCodeFactory, UserFactory
from tracker.clinics.services import clinic_join
from tracker.models import ClinicMembership, Pause, User

PERSONAS = ["anonymous", "alice", "bob", "charlie", "dora", "staff"]
ANYONE = dict.fromkeys(PERSONAS, 200)


def only(allowed, outcome_for_others, **overrides):
    row = {p: (200 if p in allowed else outcome_for_others) for p in PERSONAS}
    row.update(overrides)
    return row


PATIENTS_ONLY = only({"alice", "bob"}, 403, anonymous="login")
LOGGED_IN = only(set(PERSONAS) - {"anonymous"}, None, anonymous="login")
CLINIC_A_ONLY = only({"charlie"}, 404, anonymous="login")

MATRIX = {
    "healthz": ANYONE,
    "livez": ANYONE,
    "home": only({"anonymous"}, "redirect"),
    "dashboard": PATIENTS_ONLY,
    "today": PATIENTS_ONLY,
    "checkin_day": PATIENTS_ONLY,
    "checkin_saved": PATIENTS_ONLY | {"bob": "redirect"},  # Bob has no check-in that day: off to log it
    "checkin_sync": PATIENTS_ONLY,
    # The installable app's files hold nothing personal: the same for everyone.
    "service_worker": ANYONE,
    "manifest": ANYONE,
    "favicon": dict.fromkeys(PERSONAS, "redirect"),
    "offline": ANYONE,
    "offline_form": ANYONE,
    "history": PATIENTS_ONLY,
    "patterns": PATIENTS_ONLY,
    "summary": PATIENTS_ONLY,
    "pauses": PATIENTS_ONLY,
    # Changing a pause is a POST (a GET is refused); Bob posting to Alice's pause gets a 404
    # (tests/checkins/test_views_pauses.py).
    "pause_end": only(set(), 403, anonymous="login", alice=405, bob=405),
    "pause_remove": only(set(), 403, anonymous="login", alice=405, bob=405),
    "settings": LOGGED_IN,
    "signed_in": LOGGED_IN,
    "sign_out_everywhere": only(set(), 405, anonymous="login"),
    # Ending a session is a POST; another user's session is a 404 (tests/accounts/test_sessions.py).
    "end_session": only(set(), 405, anonymous="login"),
    "account_activity": LOGGED_IN,
    "password_confirm": LOGGED_IN,
    "my_data": PATIENTS_ONLY,
    "export_json": PATIENTS_ONLY,
    "export_csv": PATIENTS_ONLY,
    "export_fhir": PATIENTS_ONLY,
    "delete_account": only(set(), 403, anonymous="login", alice=405, bob=405),
    "clinician_home": only({"charlie", "dora"}, 403, anonymous="login"),
    "learn": ANYONE,
    "learn_references": ANYONE,
    "learn_note": ANYONE,
    "clinic_dashboard": CLINIC_A_ONLY,
    "clinic_dashboard_csv": CLINIC_A_ONLY,
    "clinic_invite": CLINIC_A_ONLY,
    "clinic_invitation_withdraw": only(set(), 405, anonymous="login"),
    "clinic_join_codes": CLINIC_A_ONLY,
    "clinic_join_codes_handout": CLINIC_A_ONLY,
    "clinic_join_codes_withdraw": only(set(), 405, anonymous="login"),
    "clinician_invitation": only(set(), 400),
    "join_with_code": ANYONE,  # the code form; joining itself needs a patient's login
    "join": ANYONE,  # shows what the clinic will see before anyone signs up or joins
    "leave_clinic": only({"alice"}, 403, anonymous="login", bob=404),
    "signup": only({"anonymous"}, "redirect"),
    "signup_sent": ANYONE,
    "login": only({"anonymous"}, "redirect"),
    "logout": dict.fromkeys(PERSONAS, 405),
    # The footer's language switch: a form anyone may post (tests/accounts/test_language.py).
    "set_language": dict.fromkeys(PERSONAS, 405),
    "password_change": LOGGED_IN,
    "password_change_done": LOGGED_IN,
    "password_reset": ANYONE,
    "password_reset_done": ANYONE,
    "password_reset_confirm": ANYONE,
    "password_reset_complete": ANYONE,
    "two_factor_setup": only({"charlie", "dora", "staff"}, 404, anonymous="login"),
    "two_factor_verify": only(set(), "redirect", anonymous="login"),
    "two_factor_disable": only(set(), 405, anonymous="login"),
    "resend_verification": only(set(), 405, anonymous="login"),
    # JSON for the page's script, POST only: a GET is 405 for anyone; a POST needs a signed-in
    # patient (403 in JSON otherwise, tests/reminders/test_push_devices.py).
    "push_subscribe": dict.fromkeys(PERSONAS, 405),
    "push_unsubscribe": dict.fromkeys(PERSONAS, 405),
    # Signed-token links from emails: no login needed; a bad token is a 400 for everyone.
    "verify_email": dict.fromkeys(PERSONAS, 400),
    "reminders_unsubscribe": dict.fromkeys(PERSONAS, 400),
}


def _url_names(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin guards itself: see test_the_admin_is_for_staff_only
            yield from _url_names(pattern.url_patterns, pattern.namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name


def test_every_url_is_in_the_matrix():
    assert set(_url_names()) == set(MATRIX), "give each new URL a row in MATRIX (and each removed one, none)"


@pytest.fixture
def world(db, frozen_now):
    alice = UserFactory(email="alice@example.com")
    bob = UserFactory(email="bob@example.com")
    charlie = ClinicianFactory(email="charlie@example.com")
    dora = ClinicianFactory(email="dora@example.com")
    staff = UserFactory(email="staff@example.com", role=User.Role.STAFF, is_staff=True)
    clinic_a = ClinicFactory(name="A")
    ClinicMembership.objects.create(clinic=clinic_a, clinician=charlie, is_admin=True)
    ClinicFactory(name="B").clinicians.add(dora)
    clinic_join(patient=alice, clinic=clinic_a)
    code = JoinCodeFactory(clinic=clinic_a)
    CheckInFactory(patient=alice, day=dt.date(2026, 11, 27))
    pause = Pause.objects.create(patient=alice, first_day=dt.date(2026, 11, 28), last_day=dt.date(2026, 11, 30))
    users = {"alice": alice, "bob": bob, "charlie": charlie, "dora": dora, "staff": staff}
    args = {
        "checkin_day": [dt.date(2026, 11, 26)],
        "checkin_saved": [dt.date(2026, 11, 27)],
        "learn_note": ["sleep"],
        "clinic_dashboard": [clinic_a.pk],
        "clinic_dashboard_csv": [clinic_a.pk],
        "clinic_invite": [clinic_a.pk],
        "clinic_invitation_withdraw": [clinic_a.pk, 1],
        "clinician_invitation": ["not-a-real-token"],
        "join": [code.code],
        "clinic_join_codes": [clinic_a.pk],
        "clinic_join_codes_handout": [clinic_a.pk, code.batch],
        "clinic_join_codes_withdraw": [clinic_a.pk],
        "leave_clinic": [clinic_a.pk],
        "pause_end": [pause.pk],
        "pause_remove": [pause.pk],
        "end_session": [1],
        "password_reset_confirm": ["MQ", "not-a-token"],
        "verify_email": ["not-a-token"],
        "reminders_unsubscribe": ["not-a-token"],
    }
    return users, args


def _outcome(response):
    if response.status_code == 302:
        return "login" if response["Location"].startswith(reverse("login")) else "redirect"
    return response.status_code


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_matrix_holds(client, world, name):
    users, args = world
    url = reverse(name, args=args.get(name, []))
    seen = {}
    for persona in PERSONAS:
        client.logout()
        if persona != "anonymous":
            client.force_login(users[persona])
        seen[persona] = _outcome(client.get(url))
    assert seen == MATRIX[name]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_is_for_staff_only(client, world, persona):
    users, _ = world
    if persona != "anonymous":
        client.force_login(users[persona])
    response = client.get("/admin/")
    if persona == "staff":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
