"""Staff edit notes and citations in the admin; view counts are read-only there."""

import pytest
from django.urls import reverse

from tracker.models import Citation, Note, NoteViewDay, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser(email="staff@example.com", password="x" * 16))
    return client


def test_staff_can_edit_a_note_with_its_reference_list_inline(staff_client):
    note = Note.objects.get(slug="sleep")
    html = staff_client.get(reverse("admin:tracker_note_change", args=[note.pk])).content.decode()
    assert 'id="references-group"' in html
    assert "watson-2015" in html


def test_staff_can_edit_a_notes_translations_inline(staff_client):
    note = Note.objects.get(slug="sleep")
    html = staff_client.get(reverse("admin:tracker_note_change", args=[note.pk])).content.decode()
    assert 'id="translations-group"' in html
    assert "El sueño y la química calmante de su cerebro" in html
    assert "translated_from_reviewed_on" in html


def test_staff_can_edit_a_citation(staff_client):
    citation = Citation.objects.get(key="reddy-2010")
    response = staff_client.get(reverse("admin:tracker_citation_change", args=[citation.pk]))
    assert response.status_code == 200
    assert "unconfirmed" in response.content.decode()


def test_view_counts_are_read_only_in_the_admin(staff_client):
    NoteViewDay.objects.create(note=Note.objects.get(slug="sleep"), day="2026-11-27", views=3)
    assert staff_client.get(reverse("admin:tracker_noteviewday_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:tracker_noteviewday_add")).status_code == 403


def test_a_note_cannot_take_the_references_pages_address():
    from django.core.exceptions import ValidationError

    note = Note.objects.get(slug="sleep")
    note.slug = "references"
    with pytest.raises(ValidationError):
        note.full_clean()
