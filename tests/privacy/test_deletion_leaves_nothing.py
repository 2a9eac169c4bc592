"""Deleting an account leaves every table as it was before the patient existed, but for the audit
log: her own activity is erased, her security events (failed logins, lockouts, password and
two-factor changes) stay with every link to her removed, and one more event records the deletion
(docs/privacy.md)."""

from django.urls import reverse

from tests.conftest import NOW
from tests.factories import PASSWORD
from tests.privacy.patient_rows import make_full_patient, make_world, table_counts
from tracker.models import AuditEvent


def test_deleting_a_patient_brings_every_table_back_to_its_count_before_she_existed(db, frozen_now):
    world = make_world()
    before = table_counts()
    erin = make_full_patient(world, now=NOW)
    erin_id = erin.user.pk
    security_events = AuditEvent.objects.filter(action__in=AuditEvent.SECURITY_ACTIONS).count()
    assert security_events  # her mistyped password

    response = erin.client.post(reverse("delete_account"), {"password": PASSWORD})
    assert response.status_code == 302

    expected = {**before, "tracker.AuditEvent": before["tracker.AuditEvent"] + security_events + 1}
    changed = {label: (expected[label], count) for label, count in table_counts().items() if count != expected[label]}
    assert changed == {}, "row counts unlike before Erin existed, as {table: (expected, found)}"
    deleted = AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_DELETED).get()
    assert (deleted.actor_id, deleted.metadata) == (None, {"account": erin_id})
    assert not AuditEvent.objects.filter(actor_id=erin_id).exists()
    assert erin.other_device.get(reverse("history")).status_code == 302  # her other session is gone


def test_her_security_events_stay_without_a_link_to_her_and_her_activity_goes(db, frozen_now):
    erin = make_full_patient(make_world(), now=NOW)
    erin_id = erin.user.pk
    security = set(AuditEvent.objects.filter(action__in=AuditEvent.SECURITY_ACTIONS).values_list("pk", flat=True))
    activity = set(AuditEvent.objects.filter(actor_id=erin_id).values_list("pk", flat=True)) - security
    assert security
    assert activity

    erin.client.post(reverse("delete_account"), {"password": PASSWORD})

    kept = AuditEvent.objects.filter(pk__in=security)
    assert set(kept.values_list("pk", flat=True)) == security
    assert [(e.actor_id, e.actor_ref, e.metadata) for e in kept] == [(None, None, {})] * len(security)
    assert not AuditEvent.objects.filter(pk__in=activity).exists()
