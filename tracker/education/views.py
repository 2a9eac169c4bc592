"""The Learn pages: the library, one page per note, and the references. Public: general education.
Each shows the notes in the page's language where a current translation exists (education/notes.py).

Views by anyone are counted per note per day; a logged-in patient's opening is also recorded (no
health values) so a clinic can count notes opened by its own patients.
"""

from django.http import Http404
from django.shortcuts import render

from tracker.education.notes import note_page, note_view_record, notes_by_factor, references_index
from tracker.models import Note


def learn_index(request):
    return render(request, "tracker/learn/index.html", {"groups": notes_by_factor()})


def learn_note(request, slug):
    try:
        text, body, references = note_page(slug=slug)
    except Note.DoesNotExist:
        raise Http404("No such note.") from None
    note_view_record(note=text.note, viewer=request.user)
    return render(request, "tracker/learn/note.html", {"text": text, "body": body, "references": references})


def learn_references(request):
    return render(request, "tracker/learn/references.html", {"rows": references_index()})
