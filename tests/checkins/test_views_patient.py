"""The patient's pages: Today, any day in the window, and history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import CheckInFactory
from tracker.models import CheckIn

TODAY = dt.date(2026, 11, 27)  # Alice is in New York; NOW is 10:00 there.

GOOD_POST = {
    "sleep_hours": "7.25",
    "sleep_quality": "4",
    "stress": "3",
    "omega3_servings": "2",
    "omega3_supplement": "True",
    "fruit_veg_servings": "5",
    "note": "Walked to work",
}


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


@pytest.mark.parametrize(
    "url", [reverse("today"), reverse("history"), reverse("settings"), reverse("checkin_day", args=[TODAY])]
)
def test_it_sends_anonymous_users_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_records_todays_checkin(alice_client, alice):
    response = alice_client.post(reverse("today"), GOOD_POST)
    assert response.status_code == 302
    checkin = CheckIn.objects.get(patient=alice)
    assert checkin.day == TODAY
    assert checkin.sleep_hours == Decimal("7.25")
    assert checkin.sleep_quality == 4
    assert checkin.omega3_supplement is True
    assert checkin.note == "Walked to work"
    page = alice_client.get(response["Location"])
    assert "Saved your check-in for today" in page.content.decode()


def test_it_shows_the_saved_values_when_reopening_the_day(alice_client, alice):
    CheckInFactory(patient=alice, day=TODAY, stress=8, note="tired")
    html = alice_client.get(reverse("today")).content.decode()
    assert 'name="stress" value="8" id="id_stress_8" checked' in html
    assert '<option value="7.5" selected>7½ hours</option>' in html
    assert "tired" in html


def test_it_updates_the_same_day_instead_of_adding_one(alice_client, alice):
    alice_client.post(reverse("today"), GOOD_POST)
    alice_client.post(reverse("today"), {**GOOD_POST, "stress": "6"})
    assert CheckIn.objects.filter(patient=alice).count() == 1
    assert CheckIn.objects.get(patient=alice).stress == 6


def test_it_records_yesterday_on_its_own_day(alice_client, alice):
    yesterday = TODAY - dt.timedelta(days=1)
    response = alice_client.post(reverse("checkin_day", args=[yesterday]), {"stress": "2"})
    assert response.status_code == 302
    assert CheckIn.objects.get(patient=alice).day == yesterday


def test_it_keeps_everything_typed_when_a_value_is_out_of_range(alice_client):
    post = {**GOOD_POST, "sleep_hours": "25", "note": "<b>my words</b>"}
    response = alice_client.post(reverse("today"), post)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a number from 0 to 24 hours." in html
    assert 'value="25"' in html
    assert 'value="2"' in html  # omega-3 servings kept
    assert "&lt;b&gt;my words&lt;/b&gt;" in html  # kept, and escaped
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"omega3_servings": "many"},
        {"fruit_veg_servings": "9" * 5000},
        {"sleep_hours": "NaN"},
        {"sleep_hours": "Infinity"},
        {"stress": "'; DROP TABLE tracker_checkin; --"},
        {"note": "x" * 100_000},
        {"sleep_quality": "\u202e\u0000"},
        {"omega3_supplement": "maybe"},
    ],
)
def test_it_never_errors_on_hostile_input(alice_client, bad):
    response = alice_client.post(reverse("today"), {**GOOD_POST, **bad})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert not CheckIn.objects.exists()


def test_it_refuses_an_empty_checkin_with_a_message(alice_client):
    response = alice_client.post(reverse("today"), {"note": "only words"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please log at least one factor" in html
    assert "only words" in html
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(("offset", "allowed"), [(0, True), (13, True), (14, False), (-1, False), (400, False)])
def test_it_allows_only_the_last_14_days(alice_client, alice, offset, allowed):
    day = TODAY - dt.timedelta(days=offset)
    response = alice_client.post(reverse("checkin_day", args=[day]), {"stress": "5", "note": "keep me"})
    assert CheckIn.objects.filter(patient=alice, day=day).exists() == allowed
    if not allowed:
        assert response.status_code == 400
        html = response.content.decode()
        assert "in the future" in html or "more than 14 days ago" in html
        assert "keep me" in html


def test_it_explains_a_day_outside_the_window_on_get(alice_client):
    response = alice_client.get(reverse("checkin_day", args=[TODAY + dt.timedelta(days=1)]))
    assert response.status_code == 400
    assert "is in the future" in response.content.decode()


def test_it_gives_a_404_for_an_impossible_date(alice_client):
    assert alice_client.get("/checkin/2026-02-30/").status_code == 404


def test_bob_never_sees_alices_checkin_for_the_same_day(client, alice, bob):
    CheckInFactory(patient=alice, day=TODAY, note="alice's secret", stress=9)
    client.force_login(bob)
    for url in (reverse("today"), reverse("checkin_day", args=[TODAY]), reverse("history")):
        html = client.get(url).content.decode()
        assert "alice&#x27;s secret" not in html
        assert "alice's secret" not in html
    client.post(reverse("checkin_day", args=[TODAY]), {"stress": "1"})
    assert CheckIn.objects.get(patient=alice).stress == 9


def test_it_gives_clinicians_no_patient_pages(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("today")).status_code == 403
    assert client.get(reverse("history")).status_code == 403


def test_it_lists_history_newest_first_and_paginates(alice_client, alice):
    for offset in range(45):
        CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=offset), stress=offset % 11)
    first = alice_client.get(reverse("history")).content.decode()
    assert first.index("Fri 27 Nov 2026") < first.index("Thu 26 Nov 2026")
    assert "Page 1 of 3" in first
    third = alice_client.get(reverse("history") + "?page=3").content.decode()
    oldest = TODAY - dt.timedelta(days=44)
    assert f"{oldest:%a %-d %b %Y}" in third
    assert f"{oldest - dt.timedelta(days=1):%a %-d %b %Y}" not in third
    assert "Fri 27 Nov 2026" not in third
    assert alice_client.get(reverse("history") + "?page=nonsense").status_code == 200


def test_history_offers_edit_links_only_inside_the_window(alice_client, alice):
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=13))
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=14))
    html = alice_client.get(reverse("history")).content.decode()
    assert reverse("checkin_day", args=[TODAY - dt.timedelta(days=13)]) in html
    assert reverse("checkin_day", args=[TODAY - dt.timedelta(days=14)]) not in html


def test_history_takes_a_fixed_number_of_queries(alice_client, alice, django_assert_max_num_queries):
    for offset in range(60):
        CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=offset))
    with django_assert_max_num_queries(6):
        html = alice_client.get(reverse("history")).content.decode()
    assert html.index("Fri 27 Nov 2026") < html.index("Thu 26 Nov 2026")  # newest first


def test_today_takes_a_fixed_number_of_queries(alice_client, alice, django_assert_max_num_queries):
    for offset in range(14):
        CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=offset))
    with django_assert_max_num_queries(6):
        html = alice_client.get(reverse("today")).content.decode()
    assert html.count(", logged</span>") == 14  # every day of the strip marked as logged
