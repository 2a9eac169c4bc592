"""The Pause days page: adding, ending and removing pauses, with clear refusals and nothing lost."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.checkins.wording import visible_main, wording_problems
from tests.factories import CheckInFactory
from tracker.models import Pause

TODAY = dt.date(2026, 11, 27)
URL = reverse("pauses")


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


def day(offset):
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def test_alice_pauses_a_week_ahead(alice_client, alice):
    response = alice_client.post(URL, {"first_day": day(3), "last_day": day(9), "reason": "Family visit"})
    assert response.status_code == 302
    html = alice_client.get(response["Location"]).content.decode()
    assert "Paused Monday 30 November to Sunday 6 December." in html
    assert "Reason (private): Family visit" in html
    pause = Pause.objects.get(patient=alice)
    assert (pause.first_day.isoformat(), pause.last_day.isoformat()) == (day(3), day(9))


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (-14, -14, "is more than 14 days ago"),  # just before the edit window
        (-20, 5, "is more than 14 days ago"),
        (31, 31, "up to 30 days ahead"),
        (0, 30, "A pause covers at most 30 days"),
        (5, 1, "The last day comes before the first day"),
    ],
)
def test_a_range_outside_the_rules_is_refused_with_the_form_kept(alice_client, alice, first, last, message):
    response = alice_client.post(URL, {"first_day": day(first), "last_day": day(last), "reason": "Away"})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'value="{day(first)}"' in html  # nothing typed is lost
    assert 'value="Away"' in html
    assert not Pause.objects.exists()


def test_the_whole_edit_window_can_be_paused_and_not_a_day_more(alice_client, alice):
    assert alice_client.post(URL, {"first_day": day(-13), "last_day": day(0)}).status_code == 302
    Pause.objects.all().delete()
    assert alice_client.post(URL, {"first_day": day(-14), "last_day": day(0)}).status_code == 400


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"first_day": "yesterday", "last_day": day(0)}, "Enter a date as year-month-day"),
        ({"first_day": "", "last_day": day(0)}, "Enter the first day."),
        ({"first_day": day(0), "last_day": day(1), "reason": "x" * 101}, "100 characters or fewer"),
        ({"first_day": "2026-02-30", "last_day": day(1)}, "Enter a date as year-month-day"),
        ({"first_day": "9999999-01-01", "last_day": day(1)}, "Enter a date as year-month-day"),
    ],
)
def test_bad_input_gets_a_message_never_a_500(alice_client, data, message):
    response = alice_client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_overlap_is_refused_naming_the_pause_in_the_way(alice_client, alice):
    alice_client.post(URL, {"first_day": day(1), "last_day": day(4)})
    response = alice_client.post(URL, {"first_day": day(4), "last_day": day(6)})
    assert response.status_code == 400
    assert "overlaps your pause from Saturday 28 November 2026 to Tuesday 1 December 2026" in response.content.decode()


def test_a_pause_over_logged_days_keeps_them_logged(alice_client, alice):
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=4))
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=2))
    assert alice_client.post(URL, {"first_day": day(-3), "last_day": day(-1)}).status_code == 302
    html = alice_client.get(reverse("dashboard")).content.decode()
    table = html.split('data-chart="calendar"', 1)[1]
    assert "<td>Yes</td><td>Paused</td><td>Yes</td><td>Paused</td><td>No</td>" in table  # Mon to Fri
    assert 'Current: <span class="figure">2</span> days' in html


def test_alice_ends_a_pause_early_and_removes_another(alice_client, alice):
    ongoing = Pause.objects.create(patient=alice, first_day=TODAY - dt.timedelta(days=3), last_day=TODAY)
    ahead = Pause.objects.create(
        patient=alice, first_day=TODAY + dt.timedelta(days=5), last_day=TODAY + dt.timedelta(days=6)
    )
    html = alice_client.post(reverse("pause_end", args=[ongoing.pk]), follow=True).content.decode()
    assert "Your pause now ends Thursday 26 November: today counts again." in html
    ongoing.refresh_from_db()
    assert ongoing.last_day == TODAY - dt.timedelta(days=1)
    html = alice_client.post(reverse("pause_remove", args=[ahead.pk]), follow=True).content.decode()
    assert "Removed the pause of Wednesday 2 December to Thursday 3 December." in html
    assert not Pause.objects.filter(pk=ahead.pk).exists()


def test_a_settled_pause_cannot_be_removed_and_the_page_offers_no_button(alice_client, alice):
    old = Pause.objects.create(
        patient=alice, first_day=TODAY - dt.timedelta(days=25), last_day=TODAY - dt.timedelta(days=20)
    )
    html = alice_client.get(URL).content.decode()
    assert reverse("pause_remove", args=[old.pk]) not in html
    assert reverse("pause_end", args=[old.pk]) not in html
    response = alice_client.post(reverse("pause_remove", args=[old.pk]), follow=True)
    assert "its days are settled" in response.content.decode()
    assert Pause.objects.filter(pk=old.pk).exists()


def test_bob_gets_a_404_for_alices_pause(client, alice, bob):
    pause = Pause.objects.create(patient=alice, first_day=TODAY, last_day=TODAY + dt.timedelta(days=2))
    client.force_login(bob)
    assert client.post(reverse("pause_end", args=[pause.pk])).status_code == 404
    assert client.post(reverse("pause_remove", args=[pause.pk])).status_code == 404
    assert client.post(reverse("pause_remove", args=[999999])).status_code == 404
    assert Pause.objects.get(pk=pause.pk).last_day == TODAY + dt.timedelta(days=2)
    assert "Family" not in client.get(URL).content.decode()


def test_the_page_words_pass_the_rules_and_need_no_script(alice_client, alice):
    Pause.objects.create(patient=alice, first_day=TODAY, last_day=TODAY + dt.timedelta(days=2), reason="Travel")
    html = alice_client.get(URL).content.decode()
    assert wording_problems(visible_main(html)) == []
    assert "<script>" not in html
    assert "style=" not in html


def test_the_page_takes_a_fixed_number_of_queries(alice_client, alice, django_assert_max_num_queries):
    for offset in range(0, 300, 10):
        Pause.objects.create(
            patient=alice,
            first_day=TODAY - dt.timedelta(days=offset + 5),
            last_day=TODAY - dt.timedelta(days=offset + 1),
        )
    with django_assert_max_num_queries(3):  # session, user, pauses
        assert alice_client.get(URL).status_code == 200


def test_clinic_figures_ignore_pauses(alice, charlie):
    """Clinic figures describe check-ins as they are: the rollup holds no trace of a pause."""
    from tracker.checkins.services import checkin_save
    from tracker.models import PatientWeek

    checkin_save(patient=alice, day=TODAY, values={"stress": 3})
    before = list(PatientWeek.objects.filter(patient=alice).values())
    Pause.objects.create(patient=alice, first_day=TODAY - dt.timedelta(days=6), last_day=TODAY - dt.timedelta(days=1))
    assert list(PatientWeek.objects.filter(patient=alice).values()) == before
