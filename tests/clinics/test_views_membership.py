"""Joining a clinic with its code or link, leaving it, and clinician invitations."""

import datetime as dt

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from tests.factories import ClinicFactory, ClinicianFactory, JoinCodeFactory, UserFactory
from tracker.clinics.invitations import (
    InvitationRefused,
    clinician_invitation_create,
    clinician_invite_read,
    clinician_invite_token,
    clinician_signup,
)
from tracker.clinics.join_codes import format_code
from tracker.clinics.services import clinic_join
from tracker.models import AuditEvent, ClinicianInvitation, ClinicMembership, Enrolment, User

ROLES = ["anonymous", "patient", "own_clinician", "other_clinician", "staff"]


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


def _login(client, role, alice, charlie, dora, sam):
    user = {"patient": alice, "own_clinician": charlie, "other_clinician": dora, "staff": sam}.get(role)
    if user:
        client.force_login(user)


@pytest.fixture
def code(alices_clinic):
    return JoinCodeFactory(clinic=alices_clinic).code


@pytest.mark.parametrize("role", ROLES)
def test_the_join_page_shows_what_the_clinic_will_see_to_everyone(
    client, alice, charlie, dora, sam, alices_clinic, code, role
):
    _login(client, role, alice, charlie, dora, sam)
    response = client.get(reverse("join", args=[code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "never</strong> sees your name, your email, your answers or your notes" in html
    can_confirm = 'type="submit" class="btn btn-primary">Join' in html
    assert can_confirm == (role == "patient")


@pytest.mark.parametrize("role", ROLES)
def test_only_a_patient_can_confirm_joining(client, alice, charlie, dora, sam, alices_clinic, code, role):
    _login(client, role, alice, charlie, dora, sam)
    response = client.post(reverse("join", args=[code]))
    assert response.status_code == 302
    joined = Enrolment.objects.filter(clinic=alices_clinic)
    if role == "patient":
        assert joined.get().patient == alice
        assert response["Location"] == reverse("settings")
    else:
        assert not joined.exists()
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_the_settings_code_form_leads_to_the_join_page(alice_client, code):
    typed = format_code(code).lower()
    response = alice_client.post(reverse("join_with_code"), {"code": typed})
    assert response["Location"] == reverse("join", args=[code])


@pytest.mark.parametrize("code", ["WRONGCODE234", "x" * 300, "%00"])
def test_a_bad_code_says_so_and_keeps_what_was_typed(alice_client, db, code):
    response = alice_client.get(reverse("join", args=[code]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "doesn&#x27;t match any clinic" in html
    assert 'name="code"' in html


def test_joining_twice_explains_instead_of_failing(alice_client, alice, alices_clinic, code):
    url = reverse("join", args=[code])
    alice_client.post(url)
    assert "You are a member of" in alice_client.get(url).content.decode()
    second = reverse("join", args=[JoinCodeFactory(clinic=alices_clinic).code])
    response = alice_client.post(second, follow=True)
    assert "already a member" in response.content.decode()
    assert Enrolment.objects.count() == 1


def test_a_patient_leaves_from_settings(alice_client, alice, alices_clinic):
    clinic_join(patient=alice, clinic=alices_clinic)
    settings_html = alice_client.get(reverse("settings")).content.decode()
    assert reverse("leave_clinic", args=[alices_clinic.pk]) in settings_html
    assert alice_client.get(reverse("leave_clinic", args=[alices_clinic.pk])).status_code == 200
    response = alice_client.post(reverse("leave_clinic", args=[alices_clinic.pk]))
    assert response["Location"] == reverse("settings")
    assert Enrolment.objects.get().left_at is not None
    assert alice_client.post(reverse("leave_clinic", args=[alices_clinic.pk])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_leaving_is_for_the_enrolled_patient_only(client, alice, bob, charlie, dora, sam, alices_clinic, role):
    clinic_join(patient=bob, clinic=alices_clinic)
    _login(client, role, alice, charlie, dora, sam)
    response = client.post(reverse("leave_clinic", args=[alices_clinic.pk]))
    expected = {"anonymous": 302, "patient": 404, "own_clinician": 403, "other_clinician": 403, "staff": 403}
    assert response.status_code == expected[role]
    assert Enrolment.objects.get(patient=bob).left_at is None


@pytest.fixture
def admin_charlie(charlie, alices_clinic):
    alices_clinic.memberships.update(is_admin=True)
    return charlie


def _invite_url(inviter, clinic, email):
    invitation = clinician_invitation_create(inviter=inviter, clinic=clinic, email=email)
    return reverse("clinician_invitation", args=[clinician_invite_token(invitation=invitation)])


def test_an_invited_clinician_creates_an_account_and_joins(client, admin_charlie, alices_clinic):
    url = _invite_url(admin_charlie, alices_clinic, "New.Doc@Example.com")
    assert "Create your clinician account" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "first_name": "Nia",
            "time_zone": "Europe/London",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response["Location"] == reverse("clinician_home")
    user = User.objects.get(email="new.doc@example.com")
    assert user.is_clinician
    assert alices_clinic.clinicians.filter(pk=user.pk).exists()
    assert client.get(reverse("clinician_home")).wsgi_request.user == user  # logged in, and stays so


def test_an_existing_clinician_logs_in_and_accepts(client, admin_charlie, alices_clinic, dora):
    url = _invite_url(admin_charlie, alices_clinic, dora.email)
    assert "Log in to accept" in client.get(url).content.decode()
    client.force_login(dora)
    assert client.post(url)["Location"] == reverse("clinician_home")
    assert alices_clinic.clinicians.filter(pk=dora.pk).exists()
    assert client.get(reverse("clinic_dashboard", args=[alices_clinic.pk])).status_code == 200


def test_the_link_works_only_for_the_invited_address(client, admin_charlie, alices_clinic, dora):
    url = _invite_url(admin_charlie, alices_clinic, "someone.else@example.com")
    client.force_login(dora)
    response = client.post(url)
    assert response.status_code == 400
    assert "This invitation was sent to someone.else@example.com" in response.content.decode()
    assert not alices_clinic.clinicians.filter(pk=dora.pk).exists()


def test_a_patient_account_cannot_accept(client, admin_charlie, alices_clinic, alice):
    client.force_login(alice)
    response = client.post(_invite_url(admin_charlie, alices_clinic, alice.email))
    assert response.status_code == 400
    assert "only be accepted by a clinician account" in response.content.decode()


@pytest.mark.parametrize("token", ["garbage", "eyJjIjoxfQ:1abc:deadbeef", "x" * 400])
def test_a_bad_link_gets_a_clear_message(client, db, token):
    response = client.get(reverse("clinician_invitation", args=[token]))
    assert response.status_code == 400
    assert "isn&#x27;t valid" in response.content.decode()


def test_an_expired_link_gets_a_clear_message(client, admin_charlie, alices_clinic):
    url = _invite_url(admin_charlie, alices_clinic, "late@example.com")
    with time_machine.travel(dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.UTC)):
        response = client.get(url)
    assert response.status_code == 400
    assert "has expired" in response.content.decode()


def test_a_link_from_someone_no_longer_admin_is_withdrawn(client, admin_charlie, alices_clinic):
    url = _invite_url(admin_charlie, alices_clinic, "late@example.com")
    alices_clinic.memberships.update(is_admin=False)
    response = client.get(url)
    assert response.status_code == 400
    assert "no longer valid" in response.content.decode()


def test_a_link_for_one_clinic_cannot_be_replayed_for_another(client, admin_charlie, alices_clinic):
    other = ClinicFactory()
    other.clinicians.add(ClinicianFactory())
    invitation = clinician_invitation_create(inviter=admin_charlie, clinic=alices_clinic, email="x@example.com")
    token = clinician_invite_token(invitation=invitation)
    claims = f'{{"c":{other.pk},"e":"x@example.com","i":{admin_charlie.pk},"n":{invitation.pk}}}'
    payload = signing.b64_encode(claims.encode()).decode()
    forged = ":".join([payload, *token.split(":")[1:]])
    assert forged != token
    response = client.get(reverse("clinician_invitation", args=[forged]))
    assert response.status_code == 400


# --- single use, pending, withdrawn ---------------------------------------------------------------


def test_an_accepted_link_cannot_be_used_again_by_a_clinician_staff_removed(client, admin_charlie, alices_clinic, dora):
    # The hostile test: a clinician removed by staff rejoined with the same link, for its 7 days.
    url = _invite_url(admin_charlie, alices_clinic, dora.email)
    client.force_login(dora)
    assert client.post(url)["Location"] == reverse("clinician_home")
    ClinicMembership.objects.filter(clinic=alices_clinic, clinician=dora).delete()  # staff remove her
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "already been used" in response.content.decode()
    assert not alices_clinic.clinicians.filter(pk=dora.pk).exists()


def test_a_new_clinicians_link_cannot_make_a_second_account_either(client, admin_charlie, alices_clinic):
    url = _invite_url(admin_charlie, alices_clinic, "new.doc@example.com")
    form = {
        "first_name": "Nia",
        "time_zone": "UTC",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
    }
    client.post(url, form)
    client.logout()
    response = client.get(url)
    assert response.status_code == 400
    assert "already been used" in response.content.decode()


def test_an_admin_clinician_sees_pending_invitations_and_withdraws_one(client, admin_charlie, alices_clinic):
    url = _invite_url(admin_charlie, alices_clinic, "pending@example.com")
    client.force_login(admin_charlie)
    page = client.get(reverse("clinic_invite", args=[alices_clinic.pk])).content.decode()
    assert "pending@example.com" in page
    invitation = ClinicianInvitation.objects.get(email="pending@example.com")
    withdraw = reverse("clinic_invitation_withdraw", args=[alices_clinic.pk, invitation.pk])
    assert client.post(withdraw)["Location"] == reverse("clinic_invite", args=[alices_clinic.pk])
    assert "pending@example.com" not in client.get(reverse("clinic_invite", args=[alices_clinic.pk])).content.decode()
    client.logout()
    response = client.get(url)
    assert response.status_code == 400
    assert "The clinic has withdrawn this invitation" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CLINICIAN_INVITATION_WITHDRAWN).count() == 1


def test_only_admin_clinicians_of_the_clinic_withdraw_its_invitations(client, admin_charlie, alices_clinic, dora):
    _invite_url(admin_charlie, alices_clinic, "pending@example.com")
    invitation = ClinicianInvitation.objects.get()
    client.force_login(dora)
    assert client.post(reverse("clinic_invitation_withdraw", args=[alices_clinic.pk, invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None


def test_inviting_an_address_again_retires_the_earlier_link(client, admin_charlie, alices_clinic):
    first = _invite_url(admin_charlie, alices_clinic, "twice@example.com")
    second = _invite_url(admin_charlie, alices_clinic, "Twice@Example.com")
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200


def test_a_link_withdrawn_while_the_sign_up_form_was_open_says_so(client, admin_charlie, alices_clinic):
    url = _invite_url(admin_charlie, alices_clinic, "slow@example.com")
    invitation = ClinicianInvitation.objects.get()
    read = clinician_invite_read(token=url.rstrip("/").rsplit("/", 1)[1])
    ClinicianInvitation.objects.filter(pk=invitation.pk).update(withdrawn_at=invitation.created_at)
    with pytest.raises(InvitationRefused, match="already been used"):
        clinician_signup(invitation=read, password="a-long-pass-phrase", first_name="", time_zone="UTC")
    assert not User.objects.filter(email="slow@example.com").exists()


def test_staff_withdraw_pending_invitations_in_the_admin(client, admin_charlie, alices_clinic):
    _invite_url(admin_charlie, alices_clinic, "pending@example.com")
    invitation = ClinicianInvitation.objects.get()
    staff = UserFactory(email="root@example.com", role=User.Role.STAFF, is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert "pending@example.com" in client.get(reverse("admin:tracker_clinicianinvitation_changelist")).content.decode()
    client.post(
        reverse("admin:tracker_clinicianinvitation_changelist"),
        {"action": "withdraw", "_selected_action": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert (invitation.withdrawn_at is not None, invitation.withdrawn_by) == (True, staff)
