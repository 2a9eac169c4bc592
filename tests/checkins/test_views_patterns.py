"""The patterns page: choices, bad input, words checked on the rendered page, query counts."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.checkins.wording import page_words, seed, wording_problems
from tests.factories import CheckInFactory, UserFactory
from tracker.checkins.patterns import CAUTION

TODAY = dt.date(2026, 11, 27)
PATTERNS = reverse("patterns")


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


# ---------------------------------------------------------------- patterns


def test_patterns_default_to_sleep_hours_and_stress_over_30_days(alice_client, alice):
    seed(alice, 40, today=TODAY)
    response = alice_client.get(PATTERNS)
    assert response.status_code == 200
    text = page_words(response)
    assert "Sleep (hours) and Stress (0–10), the last 30 days" in text
    assert re.search(
        r"On the \d+ days you slept more than your usual [\d.]+ hours, your stress rating averaged \d+\.\d; "
        r"on the \d+ other days, \d+\.\d\.",
        text,
    )
    assert str(CAUTION) in text
    assert response.content.decode().count('<svg class="chart"') == 2


@pytest.mark.parametrize("a", ["sleep_hours", "sleep_quality", "stress", "omega3_servings", "fruit_veg_servings"])
@pytest.mark.parametrize("days", [30, 90])
def test_every_pair_renders_words_that_pass_the_rules(alice_client, alice, a, days):
    seed(alice, 90, today=TODAY)
    for b in ("sleep_hours", "stress", "fruit_veg_servings"):
        if a == b:
            continue
        response = alice_client.get(PATTERNS, {"a": a, "b": b, "days": days})
        assert response.status_code == 200
        assert wording_problems(page_words(response)) == [], (a, b)


def test_fewer_than_5_days_a_side_lists_the_days_instead(alice_client, alice):
    for offset, (hours, stress) in enumerate([(8, 2), (8, 3), (6, 6), (6, 5), (6, 7), (6, 5), (6, 6)]):
        CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=offset), sleep_hours=Decimal(hours), stress=stress)
    response = alice_client.get(PATTERNS)
    text = page_words(response)
    assert "averaged" not in text
    assert "Of the 7 days with both logged, 2 were days you slept more than your usual 6 hours, and 5 were" in text
    html = response.content.decode()
    assert '<details class="chart-table" open>' in html
    assert html.count("above your usual</td>") == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"a": "stress", "b": "stress", "days": 30}, "Pick two different factors to compare."),
        ({"a": "note", "b": "stress", "days": 30}, "Pick one of the listed factors to split the days by."),
        ({"a": "sleep_hours", "b": "stress", "days": 365}, "Pick 30 or 90 days."),
        ({"a": "sleep_hours", "b": "omega3_supplement", "days": 30}, "Pick one of the listed factors to look at."),
        ({"a": "\x00", "b": "stress", "days": "x"}, "Pick 30 or 90 days."),
    ],
)
def test_bad_choices_get_a_message_and_keep_the_form(alice_client, alice, query, message):
    response = alice_client.get(PATTERNS, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_patterns_take_the_same_queries_for_a_month_or_three_years(client, db, django_assert_max_num_queries):
    counts = []
    for days in (30, 1096):
        patient = UserFactory()
        seed(patient, days, today=TODAY)
        client.force_login(patient)
        with django_assert_max_num_queries(3), CaptureQueriesContext(connection) as queries:  # session, user, rows
            assert client.get(PATTERNS, {"a": "stress", "b": "sleep_quality", "days": 90}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
