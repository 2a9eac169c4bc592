"""The audit log is append-only and holds no health values."""

import pytest
from django.db import transaction

from tests.factories import ClinicFactory, UserFactory
from tracker.audit.services import audit_record
from tracker.models import AuditEvent, AuditLogIsAppendOnly


@pytest.fixture
def event(alice):
    return audit_record(actor=alice, action=AuditEvent.Action.DASHBOARD_VIEWED, clinic=ClinicFactory(), page="1")


def test_it_records_who_what_which_clinic_and_when(event, alice, frozen_now):
    event.refresh_from_db()
    assert event.actor == alice
    assert event.actor_ref == alice.pk
    assert event.clinic_ref == event.clinic.pk
    assert event.metadata == {"page": "1"}
    assert event.at is not None


def test_it_refuses_to_change_an_event(event):
    event.action = AuditEvent.Action.CLINIC_LEFT
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()


def test_it_refuses_to_delete_an_event(event):
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_bulk_updates(event):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="clinic_left")
    assert AuditEvent.objects.get(pk=event.pk).action == AuditEvent.Action.DASHBOARD_VIEWED


def test_it_refuses_bulk_deletes(event):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_keeps_the_event_and_the_user_id_when_the_user_is_deleted(event, alice):
    alice_id = alice.pk
    with transaction.atomic():
        alice.delete()
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_ref == alice_id


def test_it_refuses_unknown_actions_and_non_scalar_metadata(alice):
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(actor=alice, action="looked_around")
    with pytest.raises(TypeError):
        audit_record(actor=alice, action=AuditEvent.Action.DASHBOARD_VIEWED, values={"stress": 7})
    assert not AuditEvent.objects.exists()


def test_it_records_anonymous_actors_as_nobody(db):
    from django.contrib.auth.models import AnonymousUser

    event = audit_record(actor=AnonymousUser(), action=AuditEvent.Action.CHECKINS_LISTED)
    assert event.actor is None
    assert event.actor_ref is None


def test_a_later_feature_can_add_its_own_metadata(db):
    user = UserFactory()
    event = audit_record(actor=user, action=AuditEvent.Action.CLINIC_JOINED, ip_hint="10.0.0.0/8", attempts=3)
    assert event.metadata == {"ip_hint": "10.0.0.0/8", "attempts": 3}
