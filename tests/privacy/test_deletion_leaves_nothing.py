"""Deleting an account leaves every table as it was before the patient existed, but for the audit
log: the events she caused stay (append-only, their actor set to NULL, a copy of her id kept, as
the docs say) and one more records the deletion."""

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
    events_of_her_life = AuditEvent.objects.count() - before["tracker.AuditEvent"]

    response = erin.client.post(reverse("delete_account"), {"password": PASSWORD})
    assert response.status_code == 302

    expected = {**before, "tracker.AuditEvent": before["tracker.AuditEvent"] + events_of_her_life + 1}
    changed = {label: (expected[label], count) for label, count in table_counts().items() if count != expected[label]}
    assert changed == {}, "row counts unlike before Erin existed, as {table: (expected, found)}"
    deleted = AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_DELETED).get()
    assert (deleted.actor_id, deleted.metadata) == (None, {"account": erin_id})
    assert not AuditEvent.objects.filter(actor_id=erin_id).exists()
    assert erin.other_device.get(reverse("history")).status_code == 302  # her other session is gone


def test_the_audit_events_she_caused_stay_without_a_link_to_her(db, frozen_now):
    erin = make_full_patient(make_world(), now=NOW)
    erin_id = erin.user.pk
    hers = set(AuditEvent.objects.filter(actor_id=erin_id).values_list("pk", flat=True))
    assert hers

    erin.client.post(reverse("delete_account"), {"password": PASSWORD})

    kept = AuditEvent.objects.filter(pk__in=hers)
    assert set(kept.values_list("pk", flat=True)) == hers
    assert set(kept.values_list("actor_id", "actor_ref")) == {(None, erin_id)}
