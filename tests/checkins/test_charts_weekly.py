"""The 90-day charts: each day a dot or bar under a line of weekly averages, with a table of those
averages; and the supplement's row of marks explained in words with its counts."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.checkins.wording import visible_main, wording_problems
from tests.factories import CheckInFactory
from tracker.checkins.charts import field_chart
from tracker.checkins.trends import DayValues, weekly_averages
from tracker.models import FACTOR_BY_KEY, FIELD_BY_NAME

TODAY = dt.date(2026, 11, 27)  # a Friday
URL = reverse("dashboard")


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


def test_weekly_averages_follow_iso_weeks_and_skip_days_not_logged():
    days = [dt.date(2026, 11, 19) + dt.timedelta(days=i) for i in range(9)]  # Thursday to the next Friday
    rows = [DayValues(day=d, stress=None if i in (0, 5) else i) for i, d in enumerate(days)]
    weeks = weekly_averages(rows, "stress")
    assert [(w.monday, w.first, w.last, w.days, w.average) for w in weeks] == [
        (dt.date(2026, 11, 16), 0, 3, 3, Decimal("2.0")),  # 1, 2, 3 (Thursday not logged)
        (dt.date(2026, 11, 23), 4, 8, 4, Decimal("6.3")),  # 4, 6, 7, 8: 6.25
    ]
    assert weekly_averages([DayValues(day=days[0])], "stress")[0].average is None


def test_a_long_chart_draws_dots_under_the_weekly_line_and_a_short_one_a_daily_line():
    rows = [DayValues(day=TODAY - dt.timedelta(days=89 - i), stress=i % 11) for i in range(90)]
    long = field_chart(rows, FACTOR_BY_KEY["stress"], FIELD_BY_NAME["stress"], weekly=True)
    assert long.count('class="chart-weekly"') == 1
    assert 'class="chart-line' not in long
    assert long.count('class="chart-dot series-stress"') == 90
    short = field_chart(rows[-30:], FACTOR_BY_KEY["stress"], FIELD_BY_NAME["stress"])
    assert "chart-weekly" not in short
    assert 'class="chart-line series-stress"' in short


def test_the_90_day_dashboard_adds_weekly_averages_to_every_chart_and_table(alice_client, alice):
    for offset in range(90):
        CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=offset), stress=offset % 5)
    html = alice_client.get(URL + "?days=90").content.decode()
    assert html.count('class="chart-weekly"') == 5  # hours, quality, stress, omega-3, fruit & veg
    assert html.count("the dark line joins the averages of each week's logged days") == 4  # one per panel
    weekly = html.split('data-chart="stress-weekly"', 1)[1].split("</table>", 1)[0]
    assert len(re.findall(r"<tr><th scope=\"row\">Week of", weekly)) == 14  # 90 days touch 14 ISO weeks
    assert '<th scope="row">Week of 23 Nov</th><td>2.0</td>' in weekly  # Mon 23 to Fri 27: 4, 3, 2, 1, 0
    assert "chart-weekly" not in alice_client.get(URL + "?days=30").content.decode()


def test_the_supplement_row_is_explained_in_words_with_its_counts(alice_client, alice):
    for offset, answer in enumerate([True, True, False, None, True]):
        CheckInFactory(patient=alice, day=TODAY - dt.timedelta(days=offset), omega3_supplement=answer)
    html = alice_client.get(URL + "?days=7").content.decode()
    words = " ".join(visible_main(html).split())
    assert (
        "The row of marks above the bars answers “Did you take your usual omega-3 supplement?”: a filled dot for "
        "yes, an open ring for no, no mark on a day not answered. Yes on 3 of the 4 days answered."
    ) in words
    assert wording_problems(words) == []
