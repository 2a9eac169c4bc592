"""The Learn pages (tracker/education/views.py) and the note shown after saving a check-in."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.factories import CheckInFactory, ClinicianFactory
from tracker.models import Note, NoteOpened, NoteViewDay

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


def test_the_library_lists_every_note_grouped_by_factor(client):
    html = client.get(reverse("learn")).content.decode()
    for note in Note.objects.all():
        assert f'href="{reverse("learn_note", args=[note.slug])}"' in html
        assert note.summary.replace("'", "&#x27;") in html
    headings = ["Background", "Sleep", "Stress", "Omega-3", "Fruit, vegetables and nutrition", "Clinical context"]
    positions = [html.index(f">{h}</h2>") for h in headings]
    assert positions == sorted(positions)


def test_a_note_page_shows_the_body_its_review_and_numbered_references(client):
    html = client.get(reverse("learn_note", args=["sleep"])).content.decode()
    assert '<h1 class="h3" lang="en">Sleep and your brain&#x27;s calming chemistry</h1>' in html
    assert "Last reviewed 30 Nov 2026 by the app&#x27;s health-content editor (not a clinician)." in html
    assert '<li id="ref-watson-2015">Watson, N. F., Badr, M. S.' in html
    assert 'href="#ref-watson-2015" aria-label="Reference 1: Watson et al., 2015">[1]</a>' in html
    assert (
        html.index('id="ref-watson-2015"')
        < html.index('id="ref-nimh-stressed-out"')
        < html.index('id="ref-reddy-2010"')
    )
    assert "[@" not in html


def test_an_unknown_note_is_a_404(client):
    assert client.get(reverse("learn_note", args=["no-such-note"])).status_code == 404


def test_the_references_page_lists_every_citation_with_the_notes_citing_it(client):
    html = client.get(reverse("learn_references")).content.decode()
    assert html.count('<li class="mb-3" id="ref-') == 25
    watson = html.split('id="ref-watson-2015"', 1)[1].split("</li>", 1)[0]
    assert f'href="{reverse("learn_note", args=["sleep"])}"' in watson
    reddy = html.split('id="ref-reddy-2010"', 1)[1].split("</li>", 1)[0]
    for slug in ("background", "sleep"):
        assert f'href="{reverse("learn_note", args=[slug])}"' in reddy
    assert "(Volume, pages and DOI not confirmed.)" in reddy


def test_learn_pages_are_public_and_in_the_navigation(alice_client):
    anonymous = Client()
    assert anonymous.get(reverse("learn")).status_code == 200
    assert f'href="{reverse("learn")}">Learn</a>' in anonymous.get(reverse("login")).content.decode()
    assert f'href="{reverse("learn")}">Learn</a>' in alice_client.get(reverse("today")).content.decode()
    alice_client.force_login(ClinicianFactory())
    assert f'href="{reverse("learn")}">Learn</a>' in alice_client.get(reverse("settings")).content.decode()


def test_learn_pages_have_no_inline_script_or_style(client):
    for url in (reverse("learn"), reverse("learn_references"), reverse("learn_note", args=["clinical"])):
        html = client.get(url).content.decode()
        assert "<script>" not in html
        assert "style=" not in html
        assert "<style" not in html


def test_opening_a_note_counts_a_view_for_anyone_and_records_patients_openings(alice_client, alice):
    url = reverse("learn_note", args=["stress"])
    Client().get(url)
    alice_client.get(url)
    alice_client.get(url)
    assert NoteViewDay.objects.get(note__slug="stress", day=TODAY).views == 3
    assert list(NoteOpened.objects.values_list("patient", "note__slug", "day")) == [(alice.pk, "stress", TODAY)]


def test_a_404_counts_nothing(client):
    client.get(reverse("learn_note", args=["no-such-note"]))
    assert not NoteViewDay.objects.exists()


@pytest.mark.parametrize(
    ("url", "queries", "shows"),
    [
        (reverse("learn"), 3, "Long-term stress and neurosteroids"),
        (reverse("learn_references"), 4, "Locci, A., &amp; Pinna, G. (2017). Neurosteroid biosynthesis"),
        (reverse("learn_note", args=["omega3"]), 8, "Omega-3 fats: what the research says"),
    ],
)
def test_learn_pages_take_a_fixed_number_of_queries(alice_client, django_assert_max_num_queries, url, queries, shows):
    # Session and user (2), then the page's reads; a note page also counts its view (up to 4 writes).
    alice_client.get(url)
    with django_assert_max_num_queries(queries):
        response = alice_client.get(url)
    assert response.status_code == 200
    assert shows in response.content.decode()


# --- after a check-in ----------------------------------------------------------------------------------


def test_the_confirmation_shows_a_note_for_a_factor_just_logged(alice_client):
    response = alice_client.post(reverse("today"), {"stress": "4"})
    html = alice_client.get(response["Location"]).content.decode()
    assert "Saved your check-in for today" in html
    assert f'href="{reverse("learn_note", args=["stress"])}">Long-term stress and neurosteroids</a>' in html
    assert escape(Note.objects.get(slug="stress").summary) in html
    assert "Source: Locci, A., &amp; Pinna, G. (2017)." in html


def test_the_note_is_shown_once_only(alice_client):
    alice_client.post(reverse("today"), {"stress": "4"})
    alice_client.get(reverse("today"))
    assert "Long-term stress and neurosteroids" not in alice_client.get(reverse("today")).content.decode()


def test_the_confirmation_rotates_over_the_logged_factors_day_by_day(alice_client, alice):
    post = {"sleep_hours": "7", "stress": "4", "omega3_supplement": "True", "fruit_veg_servings": "3"}
    titles = []
    for offset in (3, 2, 1, 0):
        url = reverse("checkin_day", args=[TODAY - dt.timedelta(days=offset)])
        html = alice_client.get(alice_client.post(url, post)["Location"]).content.decode()
        titles.append(html.split('id="learn-card-title"><a href="/learn/', 1)[1].split("/", 1)[0])
    order = ["sleep", "stress", "omega3", "nutrition"]
    start = order.index(titles[0])
    assert titles == [order[(start + i) % 4] for i in range(4)]


def test_a_refused_check_in_shows_no_note(alice_client):
    response = alice_client.post(reverse("today"), {"note": "nothing logged"})
    assert response.status_code == 400
    assert "learn-card" not in response.content.decode()


def test_the_check_in_page_with_a_note_takes_a_fixed_number_of_queries(
    alice_client, alice, django_assert_max_num_queries
):
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=1))
    location = alice_client.post(reverse("today"), {"stress": "4"})["Location"]
    with django_assert_max_num_queries(9):
        assert "learn-card" in alice_client.get(location).content.decode()
