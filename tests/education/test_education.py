"""tracker/education/: APA 7 references, note bodies, the note after a check-in, view counts."""

import datetime as dt

import pytest

from tests.conftest import NOW
from tests.factories import CheckInFactory, UserFactory
from tracker.education.notes import factors_logged, note_after_checkin, note_card, note_view_record
from tracker.education.references import apa_authors, apa_text, format_apa, render_body, short_label
from tracker.models import Citation, Note, NoteOpened, NoteViewDay

TODAY = dt.date(2026, 11, 27)


def article(**fields):
    values = {
        "key": "maguire-mody-2008",
        "authors": ["Maguire, J.", "Mody, I."],
        "year": 2008,
        "title": "GABA(A)R plasticity during pregnancy: Relevance to postpartum depression",
        "container": "Neuron",
        "volume": "59",
        "issue": "2",
        "pages": "207-213",
        "doi": "10.1016/j.neuron.2008.06.019",
        "unconfirmed": [],
    }
    return Citation(**(values | fields))


# --- APA 7 ------------------------------------------------------------------------------------


def test_it_formats_a_journal_article_in_apa_7():
    assert apa_text(article()) == (
        "Maguire, J., & Mody, I. (2008). GABA(A)R plasticity during pregnancy: Relevance to postpartum "
        "depression. Neuron, 59(2), 207\u2013213. https://doi.org/10.1016/j.neuron.2008.06.019"
    )


def test_it_puts_the_journal_and_volume_in_italics_and_links_the_doi():
    html = str(format_apa(article()))
    assert "<em>Neuron</em>, <em>59</em>(2), 207\u2013213." in html
    assert (
        '<a href="https://doi.org/10.1016/j.neuron.2008.06.019">https://doi.org/10.1016/j.neuron.2008.06.019</a>'
        in html
    )


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "A1, A."),
        (2, "A1, A., & A2, A."),
        (3, "A1, A., A2, A., & A3, A."),
        (20, ", ".join(f"A{i}, A." for i in range(1, 20)) + ", & A20, A."),
        (21, ", ".join(f"A{i}, A." for i in range(1, 20)) + ", . . . A21, A."),
        (25, ", ".join(f"A{i}, A." for i in range(1, 20)) + ", . . . A25, A."),
    ],
)
def test_it_lists_up_to_20_authors_then_the_first_19_and_the_last(count, expected):
    assert apa_authors([f"A{i}, A." for i in range(1, count + 1)]) == expected


def test_it_never_writes_et_al_in_a_reference():
    twelve = [f"Author{i}, B." for i in range(12)]
    text = apa_text(article(authors=twelve))
    assert "et al" not in text
    assert "Author10, B., & Author11, B. (2008)." in text


def undated_page(**fields):
    values = {
        "key": "cdc",
        "kind": Citation.Kind.WEBPAGE,
        "authors": ["Centers for Disease Control and Prevention"],
        "year": None,
        "title": "Managing stress",
        "url": "https://www.cdc.gov/mental-health/living-with",
    }
    return Citation(**(values | fields))


def test_it_shows_a_missing_year_as_no_date():
    page = undated_page()
    assert apa_text(page) == (
        "Centers for Disease Control and Prevention. (n.d.). Managing stress. https://www.cdc.gov/mental-health/living-with"
    )
    assert "<em>Managing stress</em>." in str(format_apa(page))


def test_it_formats_a_dated_web_page_with_its_site_name():
    page = Citation(
        key="nih",
        kind=Citation.Kind.WEBPAGE,
        authors=["National Institutes of Health"],
        year=2025,
        date_detail="August",
        title="What are omega-3s?",
        container="NIH News in Health",
        url="https://newsinhealth.nih.gov/2025/08/what-are-omega-3s",
    )
    assert apa_text(page) == (
        "National Institutes of Health. (2025, August). What are omega-3s? NIH News in Health. "
        "https://newsinhealth.nih.gov/2025/08/what-are-omega-3s"
    )


def test_it_says_when_an_undated_page_was_read():
    page = undated_page(retrieved=dt.date(2026, 11, 30))
    assert apa_text(page) == (
        "Centers for Disease Control and Prevention. (n.d.). Managing stress. "
        "Retrieved November 30, 2026, from https://www.cdc.gov/mental-health/living-with"
    )
    assert 'from <a href="https://www.cdc.gov/mental-health/living-with">' in str(format_apa(page))


def test_it_uses_an_article_number_when_there_are_no_pages():
    text = apa_text(article(volume="9", issue="", pages="", article_number="190"))
    assert "Neuron, 9, Article 190." in text


def test_it_hides_unconfirmed_fields_and_says_so():
    reddy = article(
        authors=["Reddy, D. S."],
        year=2010,
        title="Neurosteroids: Endogenous role in the human brain and therapeutic potentials",
        container="Progress in Brain Research",
        volume="186",
        issue="",
        pages="113-137",
        doi="10.1016/B978-0-444-53630-3.00008-7",
        url="https://pmc.ncbi.nlm.nih.gov/articles/PMC3139029/",
        unconfirmed=["volume", "pages", "doi"],
    )
    text = apa_text(reddy)
    assert "186" not in text
    assert "113" not in text
    assert "doi.org" not in text
    assert text.endswith(
        "Progress in Brain Research. https://pmc.ncbi.nlm.nih.gov/articles/PMC3139029/ "
        "(Volume, pages and DOI not confirmed.)"
    )


def test_it_hides_unconfirmed_authors_and_moves_the_title_first():
    text = apa_text(article(unconfirmed=["authors", "doi"]))
    assert text.startswith("GABA(A)R plasticity during pregnancy: Relevance to postpartum depression. (2008). Neuron")
    assert "Maguire" not in text
    assert text.endswith("(Authors and DOI not confirmed.)")


def test_it_shows_a_source_note_with_the_reference():
    text = apa_text(article(source_note="Seen only in a secondary summary"))
    assert text.endswith("Seen only in a secondary summary.")


def test_it_escapes_html_in_citation_fields():
    html = str(format_apa(article(title="<script>alert(1)</script>")))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_it_labels_markers_with_author_and_year():
    assert short_label(article()) == "Maguire & Mody, 2008"
    assert short_label(article(authors=["Wang, J. M.", "B, B.", "C, C."], year=2005)) == "Wang et al., 2005"
    assert short_label(article(authors=["Reddy, D. S."], year=None)) == "Reddy, n.d."


# --- note bodies ---------------------------------------------------------------------------------


def test_it_turns_markers_into_numbered_links_to_the_reference_list():
    first, second = article(), article(key="wang-2005", authors=["Wang, J. M."], year=2005)
    html = str(
        render_body("One claim [@maguire-mody-2008]. Another [@wang-2005] [@maguire-mody-2008].", [first, second])
    )
    assert html.count('href="#ref-maguire-mody-2008"') == 2
    assert (
        'claim<sup class="cite"><a href="#ref-maguire-mody-2008" aria-label="Reference 1: Maguire &amp; Mody, 2008">'
        "[1]</a></sup>." in html
    )
    assert 'aria-label="Reference 2: Wang, 2005">[2]</a>' in html
    assert "[@" not in html


def test_it_marks_a_marker_with_no_reference_visibly():
    html = str(render_body("A claim [@nobody-1999].", []))
    assert "[reference missing]" in html
    assert "nobody" not in html


def test_it_renders_markdown_but_never_raw_html():
    body = (
        "## Heading\n\nSome *emphasis* and a [link](https://example.org).\n\n- item\n\n"
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n[bad](javascript:alert(1))\n'
    )
    html = str(render_body(body, []))
    assert "<h2>Heading</h2>" in html
    assert "<em>emphasis</em>" in html
    assert '<a href="https://example.org"' in html
    assert "<li>item</li>" in html
    assert "<script" not in html
    assert "<img" not in html
    assert "javascript:" not in html


# --- the note after a check-in --------------------------------------------------------------------


def test_it_maps_check_in_fields_to_note_factors(alice):
    checkin = CheckInFactory.build(
        patient=alice, sleep_hours=None, sleep_quality=3, stress=None, omega3_servings=None, omega3_supplement=False
    )
    assert factors_logged(checkin) == ["sleep", "omega3", "nutrition"]


def _checkin(patient, day, **values):
    blank = dict.fromkeys(
        ["sleep_hours", "sleep_quality", "stress", "omega3_servings", "omega3_supplement", "fruit_veg_servings"]
    )
    return CheckInFactory(patient=patient, day=day, **(blank | values))


def test_it_rotates_the_note_over_the_factors_logged(alice):
    shown = []
    for offset in range(5):
        checkin = _checkin(alice, TODAY - dt.timedelta(days=4 - offset), sleep_hours=7, stress=3, fruit_veg_servings=2)
        shown.append(note_after_checkin(checkin=checkin).slug)
    # Consecutive days walk through the three notes in order, from wherever the calendar starts.
    order = ["sleep", "stress", "nutrition"]
    start = order.index(shown[0])
    assert shown == [order[(start + i) % 3] for i in range(5)]


def test_it_only_shows_a_note_for_a_factor_just_logged(alice):
    for offset in range(3):
        checkin = _checkin(alice, TODAY - dt.timedelta(days=offset), omega3_supplement=True)
        assert note_after_checkin(checkin=checkin).slug == "omega3"


def test_it_shows_the_same_note_again_when_the_same_day_is_saved_again(alice):
    checkin = _checkin(alice, TODAY, sleep_hours=7, stress=3)
    assert note_after_checkin(checkin=checkin) == note_after_checkin(checkin=checkin)


def test_it_shows_no_note_when_no_note_covers_the_factor(alice):
    Note.objects.filter(factor="stress").delete()
    assert note_after_checkin(checkin=_checkin(alice, TODAY, stress=3)) is None


def test_it_builds_the_card_with_the_first_reference(django_assert_max_num_queries, db):
    note = Note.objects.get(slug="sleep")
    with django_assert_max_num_queries(2):
        card = note_card(slug=note.slug)
    assert card["note"].note == note
    assert (card["note"].title, card["note"].summary, card["note"].language) == (note.title, note.summary, "en")
    assert "Watson, N. F." in str(card["first_reference"])
    assert note_card(slug=None) is None
    assert note_card(slug="no-such-note") is None


# --- counting views ------------------------------------------------------------------------------------


def test_it_counts_views_per_note_per_day_including_anonymous_readers(alice, frozen_now):
    from django.contrib.auth.models import AnonymousUser

    note = Note.objects.get(slug="sleep")
    note_view_record(note=note, viewer=AnonymousUser())
    note_view_record(note=note, viewer=alice)
    note_view_record(note=note, viewer=alice, now=NOW + dt.timedelta(days=1))
    assert list(NoteViewDay.objects.filter(note=note).order_by("day").values_list("day", "views")) == [
        (dt.date(2026, 11, 27), 2),
        (dt.date(2026, 11, 28), 1),
    ]


def test_it_recovers_when_another_request_creates_the_days_counter_first(alice, frozen_now, monkeypatch):
    from django.db.models import QuerySet

    note = Note.objects.get(slug="sleep")
    real_update = QuerySet.update
    calls = []

    def racing_update(queryset, **kwargs):
        if queryset.model is NoteViewDay and not calls:
            calls.append(1)
            NoteViewDay.objects.create(note=note, day=TODAY, views=5)  # the other request wins the race
            return 0
        return real_update(queryset, **kwargs)

    monkeypatch.setattr(QuerySet, "update", racing_update)
    note_view_record(note=note, viewer=alice)
    assert NoteViewDay.objects.get(note=note, day=TODAY).views == 6


def test_it_records_a_patient_opening_a_note_once_per_day_in_their_zone(alice, frozen_now):
    auckland = UserFactory(time_zone="Pacific/Auckland")
    note = Note.objects.get(slug="stress")
    for viewer in (alice, alice, auckland):
        note_view_record(note=note, viewer=viewer)
    assert set(NoteOpened.objects.values_list("patient__email", "day")) == {
        (alice.email, dt.date(2026, 11, 27)),
        (auckland.email, dt.date(2026, 11, 28)),
    }


def test_it_does_not_record_openings_by_clinicians(charlie, frozen_now):
    note_view_record(note=Note.objects.get(slug="stress"), viewer=charlie)
    assert not NoteOpened.objects.exists()
    assert NoteViewDay.objects.get().views == 1


def test_it_reads_the_rotation_notes_once_and_sees_a_new_note_at_once(alice, django_assert_num_queries):
    checkin = _checkin(alice, TODAY, omega3_supplement=True)
    note_after_checkin(checkin=checkin)
    with django_assert_num_queries(0):
        assert note_after_checkin(checkin=checkin).slug == "omega3"
    # A note saved in this process clears the copy: the next check-in can show it.
    Note.objects.filter(factor="omega3").delete()
    assert note_after_checkin(checkin=checkin) is None
    Note.objects.create(
        slug="fish-and-omega3",
        title="Fish",
        factor="omega3",
        summary="s",
        body="b",
        last_reviewed=TODAY,
        reviewed_by="LE",
    )
    assert note_after_checkin(checkin=checkin).slug == "fish-and-omega3"
