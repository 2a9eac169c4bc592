"""The clinic's weekly chart: withheld weeks stay visible, every bar is named, the axis is round."""

import datetime as dt
import re
from types import SimpleNamespace

from tracker.clinics.charts import weekly_active_chart
from tracker.clinics.disclosure import Cell

WEEK = dt.date(2026, 11, 16)


def _report(actives):
    """A report with one row per week; None is a week withheld for having too few patients."""
    rows = [
        SimpleNamespace(
            week_start=WEEK + dt.timedelta(weeks=i),
            active=Cell(value=None, kind="count", withheld_below=5) if active is None else Cell(active, "count"),
        )
        for i, active in enumerate(actives)
    ]
    return SimpleNamespace(rows=rows, text_summary="Weekly active patients ranged from 12 to 42 & more.")


def test_it_draws_a_withheld_week_as_an_outline_distinct_from_a_zero_week():
    svg = weekly_active_chart(_report([None, 0, 12]))
    assert svg.count('class="chart-withheld"') == 1
    assert svg.count('class="chart-zero"') == 1
    assert svg.count('class="chart-bar series-active"') == 1
    withheld = float(re.search(r'class="chart-withheld"[^>]* height="([\d.]+)"', svg)[1])
    zero = float(re.search(r'class="chart-zero"[^>]* height="([\d.]+)"', svg)[1])
    assert withheld > zero


def test_it_titles_every_week_with_its_figure():
    svg = weekly_active_chart(_report([None, 12]))
    assert "<title>Week of 16 Nov: fewer than 5 active</title>" in svg
    assert "<title>Week of 23 Nov: 12 active</title>" in svg


def test_it_ticks_the_y_axis_up_to_a_round_number():
    svg = weekly_active_chart(_report([42, None, 30]))
    ticks = re.findall(r'<text class="chart-tick"[^>]*text-anchor="end"[^>]*>([^<]+)</text>', svg)
    assert ticks == ["0", "12.5", "25", "37.5", "50"]


def test_it_labels_at_most_12_weeks():
    def labels(weeks):
        svg = weekly_active_chart(_report([10] * weeks))
        return re.findall(r'<text class="chart-tick"[^>]*text-anchor="middle"[^>]*>([^<]+)</text>', svg)

    assert len(labels(12)) == 12
    assert labels(52)[:2] == ["16 Nov", "21 Dec"]  # every 5th week
    assert len(labels(52)) == 11


def test_it_is_named_by_its_own_title_and_description_and_needs_nothing_inline():
    svg = weekly_active_chart(_report([None, 12, 20]))
    assert 'role="img" aria-labelledby="trend-title trend-desc"' in svg
    assert '<title id="trend-title">Weekly active patients, 3 weeks</title>' in svg
    assert '<desc id="trend-desc">Weekly active patients ranged from 12 to 42 &amp; more.</desc>' in svg
    assert "style" not in svg
    assert "<script" not in svg
