"""The appointment summary page: choices, bad input, notes only when ticked, words checked on the
rendered page, query counts, and only the patient's own data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.checkins.wording import page_words, seed, wording_problems
from tests.factories import CheckInFactory, UserFactory
from tracker.checkins.appointment import HEADER
from tracker.models import Pause

TODAY = dt.date(2026, 11, 27)
SUMMARY = reverse("summary")


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


# ---------------------------------------------------------------- summary


def test_the_summary_defaults_to_the_last_30_days_and_every_factor(alice_client, alice):
    seed(alice, 40, today=TODAY)
    Pause.objects.create(
        patient=alice,
        first_day=TODAY - dt.timedelta(days=50),
        last_day=TODAY - dt.timedelta(days=41),
        reason="Hospital",
    )
    response = alice_client.get(SUMMARY)
    assert response.status_code == 200
    text = page_words(response)
    assert str(HEADER) in text
    assert "29 October 2026 to 27 November 2026" in text
    assert "Checked in on 30 of the 30 days in this period." in text
    for label in ("Hours slept: logged", "Sleep quality", "Stress", "Omega-3: logged", "Fruit and vegetables: logged"):
        assert label in text
    assert "Paused days" not in text  # that pause ended before the period
    assert "Notes" not in text
    assert wording_problems(text) == []


def test_notes_and_pause_reasons_show_only_when_ticked(alice_client, alice):
    CheckInFactory(patient=alice, day=TODAY, note="Slept at my sister's")
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=10))  # backfilled: her first day
    Pause.objects.create(
        patient=alice,
        first_day=TODAY - dt.timedelta(days=5),
        last_day=TODAY - dt.timedelta(days=2),
        reason="Hospital stay",
    )
    query = {"first_day": "2026-11-01", "last_day": "2026-11-27", "factors": ["sleep", "stress"]}
    plain = page_words(alice_client.get(SUMMARY, query))
    assert "Slept at my sister" not in plain
    assert "Hospital stay" not in plain
    assert "Paused days Sun 22 Nov to Wed 25 Nov (4 days)" in plain
    assert "4 days paused (travel, illness or a hospital stay: not counted)" in plain
    ticked = page_words(alice_client.get(SUMMARY, {**query, "include_notes": "on"}))
    assert "Fri 27 Nov Slept at my sister's" in ticked
    assert "Sun 22 Nov to Wed 25 Nov (4 days): Hospital stay" in ticked


def test_only_the_chosen_factors_appear(alice_client, alice):
    seed(alice, 10, today=TODAY)
    text = page_words(
        alice_client.get(SUMMARY, {"first_day": "2026-11-20", "last_day": "2026-11-27", "factors": ["stress"]})
    )
    assert "Stress (0 no stress at all" in text
    assert "Hours slept" not in text
    assert "Fruit and vegetables:" not in text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"first_day": "2026-11-01", "last_day": "2026-11-28"},
            "last_day",
            "Pick today (27 November 2026) or an earlier",
        ),
        ({"first_day": "2026-11-20", "last_day": "2026-11-10"}, "first_day", "The first day comes after the last one."),
        ({"first_day": "2025-01-01", "last_day": "2026-11-27"}, "first_day", "A summary covers at most 365 days."),
        ({"first_day": "27/11/2026", "last_day": "2026-11-27"}, "first_day", "Enter a date as year-month-day"),
        ({"first_day": "2026-11-01", "last_day": "2026-11-27", "factors": []}, "factors", "Pick at least one factor."),
        ({"first_day": "2026-11-01", "last_day": "2026-11-27", "factors": ["mood"]}, "factors", "Pick from the listed"),
    ],
)
def test_bad_choices_get_a_clear_message_never_a_500(alice_client, alice, query, field, message):
    query.setdefault("factors", ["sleep"])
    response = alice_client.get(SUMMARY, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Self-reported by the patient" not in html  # no summary for choices it can't honour
    assert f'value="{query["first_day"]}"' in html  # what was typed stays


def test_bob_sees_only_his_own_summary_whatever_the_url_says(client, alice, bob):
    CheckInFactory(patient=alice, day=TODAY, stress=9, note="alice's private note")
    CheckInFactory(patient=bob, day=TODAY - dt.timedelta(days=1), stress=1)
    client.force_login(bob)
    html = client.get(SUMMARY, {"first_day": "2026-11-01", "last_day": "2026-11-26", "factors": ["stress"],
                                "include_notes": "on", "patient": alice.pk}).content.decode()  # fmt: skip
    assert "alice's private note" not in html
    assert "logged 1 of 26 days, average 1.0." in html
    assert "Alice" not in html


def test_clinicians_get_no_summary(client, charlie):
    client.force_login(charlie)
    assert client.get(SUMMARY).status_code == 403


@pytest.mark.parametrize("days", [30, 365])
def test_the_summary_takes_a_fixed_number_of_queries(client, db, days, django_assert_max_num_queries):
    counts = []
    for history in (30, 1096):
        patient = UserFactory()
        seed(patient, history, today=TODAY, notes=True)
        client.force_login(patient)
        first = (TODAY - dt.timedelta(days=days - 1)).isoformat()
        factors = ["sleep", "stress", "omega3", "fruit_veg"]
        query = {"first_day": first, "last_day": TODAY.isoformat(), "factors": factors, "include_notes": "on"}
        # session, user, first check-in, the period's rows, its pauses, its notes
        with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as queries:
            assert client.get(SUMMARY, query).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_summary_page_has_print_styles_and_no_script(alice_client, alice):
    seed(alice, 30, today=TODAY)
    html = alice_client.get(SUMMARY).content.decode()
    assert "/static/css/print.css" in html
    assert "<script>" not in html
    assert "style=" not in html


def test_a_long_summary_tabulates_weeks_not_days(alice_client, alice):
    seed(alice, 200, today=TODAY)
    query = {"first_day": "2026-05-01", "last_day": "2026-11-27", "factors": ["stress"]}
    html = alice_client.get(SUMMARY, query).content.decode()
    assert 'data-chart="stress-weekly"' in html
    assert 'data-chart="stress"' not in html  # 211 days: no table of every day
    short = alice_client.get(SUMMARY, {**query, "first_day": "2026-08-28"}).content.decode()  # 92 days
    assert 'data-chart="stress"' in short
