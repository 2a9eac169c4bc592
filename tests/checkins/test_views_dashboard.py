"""The patient's dashboard page: access, the period switch, numbers that match the data, query count."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import NOW
from tests.factories import CheckInFactory, UserFactory
from tracker.demo import DEMO_PATIENT_EMAIL, demo_checkin_values, seed_demo
from tracker.models import CheckIn, User

TODAY = dt.date(2026, 11, 27)  # Alice is in New York; NOW is 10:00 there.
URL = reverse("dashboard")


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


class _Tables(HTMLParser):
    """Cell texts of each <table data-chart="...">, row by row."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-chart" in attrs:
            self._table = self.tables.setdefault(attrs["data-chart"], [])
        elif self._table is not None and tag == "tr":
            self._row = []
        elif self._row is not None and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html):
    parser = _Tables()
    parser.feed(html)
    return {name: rows[1:] for name, rows in parser.tables.items()}  # without the header row


def seed(patient, days, *, start=TODAY):
    """`days` days of varied check-ins ending at `start`, with some days missed."""
    rows = []
    for offset in range(days):
        day = start - dt.timedelta(days=offset)
        if offset % 7 == 3:
            continue
        values = demo_checkin_values(patient.email, day)
        rows.append(CheckIn(patient=patient, day=day, **values))
    CheckIn.objects.bulk_create(rows)


def test_it_sends_anonymous_users_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_clinicians_like_every_patient_page(client, charlie):
    client.force_login(charlie)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("today")).status_code == 403


def test_patients_land_on_the_dashboard(alice_client):
    assert alice_client.get(reverse("home"))["Location"] == URL
    html = alice_client.get(URL).content.decode()
    assert f'<a class="nav-link" href="{URL}" aria-current="page">Dashboard</a>' in html
    assert f'href="{reverse("today")}">Log today\'s check-in</a>' in html


def test_it_offers_to_change_today_once_logged(alice_client, alice):
    CheckInFactory(patient=alice, day=TODAY)
    assert "Change today's check-in" in alice_client.get(URL).content.decode()


def test_it_welcomes_a_patient_with_no_checkins_yet(alice_client):
    html = alice_client.get(URL).content.decode()
    assert "Nothing logged yet" in html
    assert '<svg class="chart' not in html


@pytest.mark.parametrize(("query", "days"), [("", 30), ("?days=7", 7), ("?days=30", 30), ("?days=90", 90),
                                             ("?days=365", 30), ("?days=banana", 30), ("?days=", 30),
                                             ("?days=7&days=90", 90), ("?days=%00", 30)])  # fmt: skip
def test_it_switches_between_7_30_and_90_days(alice_client, alice, query, days):
    seed(alice, 120)
    response = alice_client.get(URL + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h2 class="h4 mb-0" id="charts-heading">The last {days} days</h2>' in html
    assert re.search(rf'href="\?days={days}" aria-current="page">{days} days</a>', html)
    assert len(re.findall(r'aria-current="page">\d+ days</a>', html)) == 1
    for name in ("sleep", "stress", "omega3", "fruit_veg"):
        table = tables(html)[name]
        assert len(table) == days
        assert table[-1][0] == "Fri 27 Nov"
    assert f"of {days} days" in html


def _show(value):
    return "–" if value is None else str(value)


SUPPLEMENT = {None: "–", True: "Yes", False: "No"}


def _hours(value):
    """7.50 -> "7.5", 10.00 -> "10", as the page shows them."""
    if value is None:
        return "–"
    return format(value.normalize(), "f")


def _avg(values):
    values = [Decimal(v) for v in values]
    return str((sum(values) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("days", [7, 30, 90])
def test_the_chart_tables_and_summaries_match_the_stored_checkins(alice_client, alice, bob, days):
    seed(alice, 100)
    seed(bob, 100)
    html = alice_client.get(f"{URL}?days={days}").content.decode()
    stored = {c.day: c for c in CheckIn.objects.filter(patient=alice, day__gt=TODAY - dt.timedelta(days=days))}
    window = [TODAY - dt.timedelta(days=days - 1 - i) for i in range(days)]

    def value(day, field):
        return getattr(stored[day], field) if day in stored else None

    def label(day):
        return f"{day:%a %-d %b}"

    expected = {
        "sleep": [[label(d), _hours(value(d, "sleep_hours")), _show(value(d, "sleep_quality"))] for d in window],
        "stress": [[label(d), _show(value(d, "stress"))] for d in window],
        "omega3": [
            [label(d), _show(value(d, "omega3_servings")), SUPPLEMENT[value(d, "omega3_supplement")]] for d in window
        ],
        "fruit_veg": [[label(d), _show(value(d, "fruit_veg_servings"))] for d in window],
    }
    shown = tables(html)
    for name, rows in expected.items():
        assert shown[name] == rows, name

    # The summaries give the same numbers as the tables they sit above.
    hours = [row[1] for row in shown["sleep"] if row[1] != "–"]
    stress = [row[1] for row in shown["stress"] if row[1] != "–"]
    fruit_veg = [row[1] for row in shown["fruit_veg"] if row[1] != "–"]
    omega3 = [row for row in shown["omega3"] if row[1:] != ["–", "–"]]
    omega3_days = [row for row in omega3 if row[2] == "Yes" or row[1] not in ("–", "0")]
    assert f"Hours slept: logged {len(hours)} of {days} days, average {_avg(hours)} hours." in html
    assert f"logged {len(stress)} of {days} days, average {_avg(stress)}.</span>" in html
    assert f"Fruit and vegetables: logged {len(fruit_veg)} of {days} days, average {_avg(fruit_veg)} servings." in html
    assert f"Omega-3: logged {len(omega3)} of {days} days; omega-3 foods or supplement on {len(omega3_days)}" in html


def test_the_calendar_table_matches_the_checkin_days(alice_client, alice):
    seed(alice, 200)
    html = alice_client.get(URL).content.decode()
    weeks = tables(html)["calendar"]
    assert len(weeks) == 26
    assert weeks[-1][0] == "23 Nov"
    assert weeks[-1][1:] == ["Yes", "No", "Yes", "Yes", "Yes", "", ""]  # seed() skips Tuesdays
    stored = set(CheckIn.objects.filter(patient=alice).values_list("day", flat=True))
    first_monday = dt.date(2026, 6, 1)
    shown_yes = sum(row.count("Yes") for row in weeks)
    assert shown_yes == len({d for d in stored if d >= first_monday})
    assert f"Checked in on {shown_yes} of the {(TODAY - first_monday).days + 1} days" in html


def test_bob_never_sees_alices_data(client, alice, bob):
    CheckInFactory(patient=alice, day=TODAY, stress=9, sleep_hours=Decimal("11.75"))
    CheckInFactory(patient=bob, day=TODAY - dt.timedelta(days=1), stress=1, sleep_hours=Decimal(6))
    client.force_login(bob)
    html = client.get(URL + "?days=7").content.decode()
    assert "11.75" not in html
    shown = tables(html)
    assert [row[1] for row in shown["stress"]] == ["–"] * 5 + ["1", "–"]  # Bob's today is 15:00 in London
    assert 'Current: <span class="figure">1</span> day' in html


def test_it_explains_the_score_and_the_week(alice_client, alice):
    CheckInFactory(patient=alice, day=TODAY)
    html = alice_client.get(URL).content.decode()
    assert "a day's weight halves" in html
    assert "Weeks run Monday to Sunday in your time zone (America/New_York)" in html
    assert "Monday 23 Nov to Sunday 29 Nov" in html


def test_it_never_judges_what_was_logged(alice_client, alice):
    seed(alice, 90)
    html = alice_client.get(URL + "?days=90").content.decode().lower()
    html = html[html.index("<main") : html.index("</main>")]
    html = html.replace("1 very poor, 5 very good", "")  # the check-in form's own scale labels
    for word in ("good", "bad", "poor", "too high", "too low", "target", "goal", "healthy", "great", "well done"):
        assert word not in html, word


def test_the_page_needs_no_inline_script_or_style(alice_client, alice):
    seed(alice, 30)
    html = alice_client.get(URL).content.decode()
    assert "<script>" not in html
    assert "style=" not in html
    assert "<style" not in html
    assert "/static/css/trends.css" in html


@pytest.mark.parametrize("days", [7, 90])
def test_it_takes_the_same_few_queries_for_10_or_400_days_of_history(client, db, days, django_assert_max_num_queries):
    counts = []
    for history in (10, 400):
        patient = UserFactory()
        seed(patient, history)
        client.force_login(patient)
        # session, user, per-day flags over all history, pauses, the chart period's rows
        with django_assert_max_num_queries(5), CaptureQueriesContext(connection) as queries:
            response = client.get(f"{URL}?days={days}")
        counts.append(len(queries))
        assert response.status_code == 200
        period = CheckIn.objects.filter(patient=patient, day__gt=TODAY - dt.timedelta(days=days))
        slept = period.filter(sleep_hours__isnull=False).count()
        assert f"Hours slept: logged {slept} of {days} days" in response.content.decode()
    assert 0 < counts[0] == counts[1]


def test_it_draws_no_empty_chart_for_a_factor_not_logged_in_the_period(alice_client, alice):
    CheckInFactory(patient=alice, day=TODAY, sleep_hours=None, sleep_quality=None, stress=4)
    CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=8), sleep_hours=Decimal(7))
    html = alice_client.get(URL + "?days=7").content.decode()
    assert "Hours slept: logged 0 of 7 days." in html
    assert "Stress (0 no stress at all, 10 the most I can imagine): logged 1 of 7 days, average 4.0." in html
    assert 'aria-labelledby="summary-sleep-hours"' not in html
    assert 'aria-labelledby="summary-stress"' in html
    assert "sleep" not in tables(html)


def test_the_demo_patient_sees_a_full_dashboard(client, db):
    seed_demo(now=NOW)
    client.force_login(User.objects.get(email=DEMO_PATIENT_EMAIL))
    html = client.get(URL + "?days=90").content.decode()
    assert "Nothing logged yet" not in html
    assert html.count('<svg class="chart') == 6  # sleep hours and quality, stress, omega-3, fruit & veg, calendar
    assert re.search(r"Hours slept: logged (\d\d) of 90 days", html)
    assert re.search(r"Checked in on (\d{3}) of the \d{3} days", html)
