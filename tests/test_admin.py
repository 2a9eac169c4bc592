"""The admin: staff manage clinics; individual check-ins are break-glass and audited."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.conftest import NOW
from tests.factories import CheckInFactory, JoinCodeFactory, UserFactory
from tracker.models import AuditEvent, User


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@example.com", password="x")


@pytest.fixture
def granted_superuser(superuser):
    superuser.user_permissions.add(Permission.objects.get(codename="view_individual_checkins"))
    return superuser


@pytest.fixture
def checkin(alice):
    return CheckInFactory(patient=alice, note="PRIVATE NOTE")


def test_a_superuser_without_the_grant_cannot_see_checkins(client, superuser, checkin):
    client.force_login(superuser)
    assert client.get(reverse("admin:tracker_checkin_changelist")).status_code == 403
    assert client.get(reverse("admin:tracker_checkin_change", args=[checkin.pk])).status_code == 403
    assert "tracker/checkin" not in client.get(reverse("admin:index")).content.decode()
    assert not AuditEvent.objects.exclude(action=AuditEvent.Action.LOGGED_IN).exists()


def test_the_grant_without_superuser_status_is_not_enough(client, checkin):
    staff = UserFactory(role=User.Role.STAFF, is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_individual_checkins", "view_checkin"]))
    client.force_login(staff)
    assert client.get(reverse("admin:tracker_checkin_changelist")).status_code == 403


def test_a_granted_superuser_sees_checkins_and_every_look_is_audited(client, granted_superuser, checkin):
    client.force_login(granted_superuser)
    assert client.get(reverse("admin:tracker_checkin_changelist")).status_code == 200
    detail = client.get(reverse("admin:tracker_checkin_change", args=[checkin.pk]))
    assert detail.status_code == 200
    assert "PRIVATE NOTE" in detail.content.decode()
    logged = AuditEvent.objects.exclude(action=AuditEvent.Action.LOGGED_IN)
    actions = list(logged.order_by("id").values_list("action", "actor_id", "metadata"))
    assert actions == [
        (AuditEvent.Action.CHECKINS_LISTED, granted_superuser.pk, {"page": "0"}),
        (AuditEvent.Action.CHECKIN_VIEWED, granted_superuser.pk, {"checkin": str(checkin.pk)}),
    ]


def test_checkins_are_read_only_even_for_a_granted_superuser(client, granted_superuser, checkin):
    client.force_login(granted_superuser)
    assert client.get(reverse("admin:tracker_checkin_add")).status_code == 403
    client.post(reverse("admin:tracker_checkin_change", args=[checkin.pk]), {"stress": "9"})
    checkin.refresh_from_db()
    assert checkin.stress == 3
    assert client.post(reverse("admin:tracker_checkin_delete", args=[checkin.pk]), {"post": "yes"}).status_code == 403


def test_the_audit_log_is_read_only_and_for_superusers(client, superuser, sam):
    sam.user_permissions.add(*Permission.objects.filter(content_type__model="auditevent"))
    client.force_login(sam)
    assert client.get(reverse("admin:tracker_auditevent_changelist")).status_code == 403
    client.force_login(superuser)
    assert client.get(reverse("admin:tracker_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:tracker_auditevent_add")).status_code == 403


def test_staff_manage_clinics_and_their_clinicians(client, superuser, charlie, alices_clinic):
    client.force_login(superuser)
    response = client.get(reverse("admin:tracker_clinic_change", args=[alices_clinic.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "is_admin" in html


def test_staff_see_join_codes_and_withdraw_unused_ones(client, superuser, alices_clinic):
    unused, used = JoinCodeFactory(clinic=alices_clinic), JoinCodeFactory(clinic=alices_clinic, used_at=NOW)
    client.force_login(superuser)
    html = client.get(reverse("admin:tracker_joincode_changelist")).content.decode()
    assert unused.code in html
    client.post(
        reverse("admin:tracker_joincode_changelist"),
        {"action": "withdraw", "_selected_action": [unused.pk, used.pk]},
    )
    unused.refresh_from_db()
    used.refresh_from_db()
    assert (unused.withdrawn_at is not None, used.withdrawn_at) == (True, None)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.JOIN_CODES_WITHDRAWN, actor=superuser).exists()
