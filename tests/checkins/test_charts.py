"""The patient's charts: gaps stay gaps, logged zeros show, a strict CSP needs nothing inline."""

import datetime as dt
import re

from tracker.checkins.charts import bar_chart, calendar_chart, field_axis, line_chart, marked_bar_chart
from tracker.checkins.trends import DayValues, calendar_weeks
from tracker.core.svg import axis_up_to
from tracker.models import FIELD_BY_NAME

TODAY = dt.date(2026, 11, 27)
STRESS_AXIS = field_axis(FIELD_BY_NAME["stress"].chart, [])
OMEGA3 = FIELD_BY_NAME["omega3_servings"]


def omega3_chart(rows, *, labelled_by):
    return marked_bar_chart(rows, field=OMEGA3, axis=field_axis(OMEGA3.chart, [2]), labelled_by=labelled_by)


DAYS = [TODAY - dt.timedelta(days=6 - i) for i in range(7)]


def test_a_line_breaks_where_a_day_was_not_logged():
    svg = line_chart(DAYS, [3, 4, None, 5, None, None, 6], axis=STRESS_AXIS, series="stress", labelled_by="s")
    paths = re.findall(r'<path class="chart-line[^"]*" d="([^"]+)"', svg)
    assert len(paths) == 1  # 3-4 joined; 5 and 6 stand alone
    assert paths[0].count("L") == 1
    assert svg.count('<circle class="chart-dot') == 4  # one dot per logged day, none for the gaps


def test_a_logged_zero_is_drawn_on_the_line_not_dropped():
    svg = line_chart(DAYS, [0, 0, 0, None, None, None, None], axis=STRESS_AXIS, series="stress", labelled_by="s")
    assert svg.count('<circle class="chart-dot') == 3
    assert 'cy="128"' in svg  # the axis: HEIGHT - BOTTOM


def test_bars_leave_gaps_and_mark_logged_zeros():
    svg = bar_chart(DAYS, [2, None, 0, 5, None, None, 1], axis=axis_up_to(5, at_least=10, step=5), series="x",
                    labelled_by="s")  # fmt: skip
    assert svg.count('class="chart-bar') == 3
    assert svg.count('class="chart-zero"') == 1


def test_omega3_marks_the_supplement_yes_and_no_differently():
    rows = [DayValues(day=d) for d in DAYS]
    rows[0] = DayValues(day=DAYS[0], omega3_servings=2, omega3_supplement=True)
    rows[1] = DayValues(day=DAYS[1], omega3_servings=0, omega3_supplement=False)
    rows[2] = DayValues(day=DAYS[2], omega3_supplement=True)
    svg = omega3_chart(rows, labelled_by="s")
    assert svg.count('<circle class="chart-dot') == 2
    assert svg.count('<circle class="chart-ring') == 1
    assert svg.count('class="chart-bar') == 1
    assert svg.count('class="chart-zero"') == 1
    assert ">Supplement</text>" in svg  # the row of marks says what it is


def test_it_draws_each_ratings_fixed_scale_and_counts_up_to_the_largest_value():
    assert STRESS_AXIS.ticks == (0, 2, 4, 6, 8, 10)
    assert field_axis(FIELD_BY_NAME["sleep_quality"].chart, []).ticks == (1, 2, 3, 4, 5)
    assert field_axis(FIELD_BY_NAME["sleep_hours"].chart, [13]).high == 16  # 0 to 16 in steps of 4


def test_the_calendar_fills_checkin_days_and_outlines_the_others():
    weeks = calendar_weeks({TODAY, TODAY - dt.timedelta(days=1)}, today=TODAY)
    svg = calendar_chart(weeks, labelled_by="s")
    assert svg.count('class="cal-yes"') == 2
    assert svg.count('class="cal-no"') == 26 * 7 - 2 - 2  # Saturday and Sunday are still to come
    assert "<title>Fri 27 Nov 2026: checked in</title>" in svg


def test_charts_scale_to_the_page_and_need_nothing_inline():
    rows = [DayValues(day=d, stress=i) for i, d in enumerate(DAYS)]
    for svg in (
        line_chart(DAYS, [r.stress for r in rows], axis=STRESS_AXIS, series="stress", labelled_by="s"),
        omega3_chart(rows, labelled_by="s"),
        calendar_chart(calendar_weeks(set(), today=TODAY), labelled_by="s"),
    ):
        assert 'viewBox="0 0 ' in svg
        assert 'role="img" aria-labelledby="s"' in svg
        assert "style" not in svg
        assert "<script" not in svg
        assert 'width="100%"' not in svg  # the width comes from CSS
