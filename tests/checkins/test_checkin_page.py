"""The thumb-first check-in page: plain controls, one message per problem, help with a sleep time
that isn't a quarter hour, "same as yesterday", the confirmation, and sending a kept check-in."""

import datetime as dt
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CheckInFactory
from tracker.checkins.services import EMPTY_CHECKIN_MESSAGE, queue_owner
from tracker.models import CheckIn

TODAY = dt.date(2026, 11, 27)  # Alice is in New York; NOW is 10:00 there.
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


def _visible_text(html):
    """The page's text as a reader meets it: no tags, no attribute values."""
    return unescape(re.sub(r"<[^>]+>", " ", html))


# --- Controls that work without JavaScript ------------------------------------------------------


def test_sleep_hours_are_chosen_from_every_quarter_hour(alice_client):
    html = alice_client.get(reverse("today")).content.decode()
    options = re.findall(r'<option value="([^"]*)"', html.split('name="sleep_hours"', 1)[1].split("</select>", 1)[0])
    assert options == ["", *(f"{q / 4:g}" for q in range(97))]
    assert '<option value="7.25">7¼ hours</option>' in html
    assert 'type="number" name="sleep_hours"' not in html


@pytest.mark.parametrize(("name", "values"), [("sleep_quality", range(1, 6)), ("stress", range(11))])
def test_ratings_are_radio_buttons_with_both_ends_in_words(alice_client, name, values):
    html = alice_client.get(reverse("today")).content.decode()
    for value in values:
        assert f'type="radio" name="{name}" value="{value}"' in html
    assert f'type="radio" name="{name}" value="" id="id_{name}_{len(values)}" checked' in html  # not answered
    ends = {"sleep_quality": ("1: very poor", "5: very good"), "stress": ("0: no stress at all", "10: the most")}
    for words in ends[name]:
        assert words in html


def test_the_supplement_is_two_buttons_and_servings_have_steppers(alice_client):
    html = alice_client.get(reverse("today")).content.decode()
    assert 'name="omega3_supplement" value="True"' in html
    assert 'name="omega3_supplement" value="False"' in html
    for name in ("omega3_servings", "fruit_veg_servings"):
        assert f'type="number" name="{name}"' in html
        assert f'data-step="1" aria-controls="id_{name}" hidden' in html  # shown by checkin.js
    assert html.count('class="save-bar"') == 1


def test_the_page_sends_no_inline_script_or_style(alice_client, alice):
    CheckInFactory(patient=alice, day=YESTERDAY)
    html = alice_client.get(reverse("today")).content.decode()
    assert "style=" not in html
    assert "<style" not in html
    assert re.findall(r"<script(?![^>]*\ssrc=)", html) == []


# --- One message per problem --------------------------------------------------------------------


def test_an_empty_check_in_says_so_once(alice_client):
    response = alice_client.post(reverse("today"), {"note": "only words"})
    assert response.status_code == 400
    assert _visible_text(response.content.decode()).count(str(EMPTY_CHECKIN_MESSAGE)) == 1


def test_a_value_out_of_range_is_said_once_at_its_answer(alice_client):
    response = alice_client.post(reverse("today"), {"fruit_veg_servings": "25", "stress": "3"})
    text = _visible_text(response.content.decode())
    assert text.count("Enter a number from 0 to 20 servings.") == 1
    assert text.count("Nothing was saved yet") == 1
    assert 'aria-invalid="true" aria-describedby="id_fruit_veg_servings_helptext id_fruit_veg_servings_error"' in (
        response.content.decode()
    )


# --- A sleep time that isn't a quarter hour -----------------------------------------------------


def test_an_old_forms_7_3_hours_is_kept_and_met_with_the_two_nearest_quarter_hours(alice_client):
    post = {"sleep_hours": "7.3", "stress": "4", "note": "kept"}
    response = alice_client.post(reverse("today"), post)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sleep is logged in quarter hours. 7.3 is between 7¼ and 7½ hours: choose one." in html
    assert '<option value="7.3" selected>7.3 (not a quarter hour)</option>' in html  # what was sent stays
    assert 'name="sleep_hours_nearest" value="7.25">Save with 7¼ hours</button>' in html
    assert 'name="sleep_hours_nearest" value="7.5">Save with 7½ hours</button>' in html
    assert 'name="stress" value="4" id="id_stress_4" checked' in html
    assert "kept" in html
    assert not CheckIn.objects.exists()


def test_one_tap_on_a_nearest_quarter_hour_saves_that_choice(alice_client, alice):
    post = {"sleep_hours": "7.3", "stress": "4", "sleep_hours_nearest": "7.5"}
    assert alice_client.post(reverse("today"), post).status_code == 302
    assert CheckIn.objects.get(patient=alice).sleep_hours == Decimal("7.5")


def test_enter_in_a_number_box_never_picks_a_nearest_quarter_hour(alice_client):
    """Enter submits with the form's first submit button: a plain save, placed before the others."""
    html = alice_client.post(reverse("today"), {"sleep_hours": "7.3"}).content.decode()
    form = html.split("data-checkin-form", 1)[1]
    first = re.search(r"<button type=\"submit\"[^>]*>", form).group(0)
    assert "default-submit" in first
    assert "name=" not in first


@pytest.mark.parametrize(
    ("sent", "below", "above"), [("7.333", "7.25", "7.5"), ("0.1", "0", "0.25"), ("23.9", "23.75", "24")]
)
def test_the_nearest_quarter_hours_stay_in_range(alice_client, sent, below, above):
    html = alice_client.post(reverse("today"), {"sleep_hours": sent}).content.decode()
    assert re.findall(r'name="sleep_hours_nearest" value="([^"]+)"', html) == [below, above]


# --- Same as yesterday --------------------------------------------------------------------------


def test_same_as_yesterday_offers_yesterdays_answers_without_its_note(alice_client, alice):
    CheckInFactory(patient=alice, day=YESTERDAY, sleep_hours=Decimal("7.25"), stress=6, note="private words")
    html = alice_client.get(reverse("today")).content.decode()
    link = re.search(r'<a [^>]*data-fill="([^"]+)"[^>]*>Same as yesterday</a>', html)
    assert link is not None
    assert json.loads(unescape(link.group(1))) == {
        "sleep_hours": "7.25",
        "sleep_quality": "4",
        "stress": "6",
        "omega3_servings": "1",
        "omega3_supplement": "False",
        "fruit_veg_servings": "5",
    }
    assert "private words" not in html


def test_same_as_yesterday_without_javascript_fills_the_form_and_saves_nothing(alice_client, alice):
    CheckInFactory(patient=alice, day=YESTERDAY, stress=6, note="private words")
    response = alice_client.get(reverse("today") + "?fill=previous")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Filled in from your check-in for yesterday. Check the answers, then save." in html
    assert 'name="stress" value="6" id="id_stress_6" checked' in html
    assert "private words" not in html
    assert CheckIn.objects.filter(patient=alice).count() == 1


def test_same_as_names_the_day_when_it_was_not_yesterday(alice_client, alice):
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=3))
    html = alice_client.get(reverse("today")).content.decode()
    assert ">Same as Tue 24 Nov</a>" in html


def test_same_as_is_not_offered_once_the_day_is_logged_or_with_nothing_before(alice_client, alice):
    assert "data-fill=" not in alice_client.get(reverse("today")).content.decode()
    CheckInFactory(patient=alice, day=YESTERDAY)
    CheckInFactory(patient=alice, day=TODAY)
    assert "data-fill=" not in alice_client.get(reverse("today")).content.decode()


def test_same_as_never_reads_bobs_check_ins(alice_client, bob):
    CheckInFactory(patient=bob, day=YESTERDAY)
    assert "data-fill=" not in alice_client.get(reverse("today")).content.decode()


# --- After saving -------------------------------------------------------------------------------


def test_saving_leads_to_a_short_confirmation_with_the_streak(alice_client, alice):
    CheckInFactory(patient=alice, day=YESTERDAY)
    CheckInFactory(patient=alice, day=YESTERDAY - dt.timedelta(days=1))
    response = alice_client.post(reverse("today"), {"stress": "4"})
    assert response["Location"].startswith(reverse("checkin_saved", args=[TODAY]))
    html = alice_client.get(response["Location"]).content.decode()
    text = _visible_text(html)
    assert "Saved your check-in for today, Friday 27 November." in text
    assert re.search(r"Check-in streak:\s+3\s+days in a row", text)
    assert "Long-term stress and neurosteroids" in html  # the note card
    assert f'href="{reverse("dashboard")}">Go to your dashboard</a>' in html
    assert f'href="{reverse("today")}">Change this check-in</a>' in html


def test_the_confirmation_for_a_day_without_a_check_in_leads_to_logging_it(alice_client):
    response = alice_client.get(reverse("checkin_saved", args=[YESTERDAY]))
    assert response["Location"] == reverse("checkin_day", args=[YESTERDAY])


def test_the_confirmation_never_shows_bobs_day(client, alice, bob):
    CheckInFactory(patient=bob, day=TODAY)
    client.force_login(alice)
    assert client.get(reverse("checkin_saved", args=[TODAY]))["Location"] == reverse("today")


# --- Sending a check-in kept on the phone -------------------------------------------------------


@pytest.fixture
def csrf_client(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    return client


def _token(client):
    return client.get(reverse("checkin_sync"), HTTP_ACCEPT="application/json").json()["csrfToken"]


def test_the_sync_endpoint_gives_a_fresh_token_and_the_owner_tag(csrf_client, alice, bob):
    body = csrf_client.get(reverse("checkin_sync")).json()
    assert body["owner"] == queue_owner(user=alice) != queue_owner(user=bob)
    assert re.fullmatch(r"[0-9a-f]{24}", body["owner"])  # opaque: no id, no name
    assert len(body["csrfToken"]) == 64


def test_a_kept_check_in_is_saved_for_the_day_it_was_made(csrf_client, alice):
    token = _token(csrf_client)
    response = csrf_client.post(
        reverse("checkin_sync"),
        {"day": YESTERDAY.isoformat(), "stress": "3", "note": "offline"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True
    assert body["message"] == "Sent the check-in saved on this phone for yesterday, Thursday 26 November."
    assert body["url"].startswith(reverse("checkin_saved", args=[YESTERDAY]))
    checkin = CheckIn.objects.get(patient=alice)
    assert (checkin.day, checkin.stress, checkin.note) == (YESTERDAY, 3, "offline")


def test_a_kept_check_in_needs_the_csrf_token(csrf_client):
    response = csrf_client.post(reverse("checkin_sync"), {"day": TODAY.isoformat(), "stress": "3"})
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_a_kept_check_in_whose_day_left_the_window_is_refused_with_its_answers(csrf_client):
    old = TODAY - dt.timedelta(days=20)
    response = csrf_client.post(
        reverse("checkin_sync"),
        {"day": old.isoformat(), "stress": "3", "omega3_supplement": "True", "note": "from the train"},
        HTTP_X_CSRFTOKEN=_token(csrf_client),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["saved"] is False
    assert "more than 14 days ago" in body["message"]
    assert body["answers"] == [["Stress (0–10)", "3"], ["Omega-3 supplement", "Yes"], ["Note", "from the train"]]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("day", ["", "2026-13-01", "yesterday", "2026-11-27T00:00"])
def test_a_kept_check_in_with_a_bad_day_is_refused_not_an_error(csrf_client, day):
    response = csrf_client.post(
        reverse("checkin_sync"), {"day": day, "stress": "3"}, HTTP_X_CSRFTOKEN=_token(csrf_client)
    )
    assert response.status_code == 400
    assert response.json()["saved"] is False


def test_a_kept_check_in_with_a_bad_value_is_refused_with_the_message(csrf_client):
    response = csrf_client.post(
        reverse("checkin_sync"), {"day": TODAY.isoformat(), "stress": "11"}, HTTP_X_CSRFTOKEN=_token(csrf_client)
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Choose a stress rating from 0 to 10."
    assert response.json()["answers"] == [["Stress (0–10)", "11"]]


def test_the_sync_endpoint_is_for_a_logged_in_patient(client, charlie):
    assert client.get(reverse("checkin_sync"))["Location"].startswith(reverse("login"))
    client.force_login(charlie)
    assert client.get(reverse("checkin_sync")).status_code == 403


def test_a_day_outside_the_window_still_shows_which_days_are_logged(alice_client, alice):
    CheckInFactory(patient=alice, day=YESTERDAY)
    html = alice_client.get(reverse("checkin_day", args=[TODAY - dt.timedelta(days=30)])).content.decode()
    assert 'Yesterday<span class="visually-hidden">, logged</span>' in html
    assert "data-fill=" not in html


def test_same_as_yesterday_fills_only_a_day_still_to_log(alice_client, alice):
    CheckInFactory(patient=alice, day=YESTERDAY, stress=6)
    CheckInFactory(patient=alice, day=TODAY, stress=2)
    html = alice_client.get(reverse("today") + "?fill=previous").content.decode()
    assert 'name="stress" value="2" id="id_stress_2" checked' in html
    assert 'role="status">Filled in from' not in html
