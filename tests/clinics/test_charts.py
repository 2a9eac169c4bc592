"""The clinic's weekly chart: withheld weeks stay visible, every bar is named, the axis is round."""

import datetime as dt
import re
from types import SimpleNamespace

from tracker.clinics.charts import weekly_active_chart
from tracker.clinics.disclosure import Cell

WEEK = dt.date(2026, 11, 16)


def _report(actives, *, last_in_progress=False):
    """A report with one row per week; None is a week withheld for having too few patients."""
    rows = [
        SimpleNamespace(
            week_start=WEEK + dt.timedelta(weeks=i),
            in_progress=last_in_progress and i == len(actives) - 1,
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


def _y_ticks(svg):
    return re.findall(r'<text class="chart-tick"[^>]*text-anchor="end"[^>]*>([^<]+)</text>', svg)


def test_it_ticks_the_y_axis_in_whole_patients_up_to_a_round_number():
    assert _y_ticks(weekly_active_chart(_report([42, None, 30]))) == ["0", "10", "20", "30", "40", "50"]
    assert _y_ticks(weekly_active_chart(_report([3]))) == ["0", "1", "2", "3", "4", "5"]
    for largest in (7, 12, 99, 180, 450, 9_000):
        ticks = _y_ticks(weekly_active_chart(_report([largest])))
        assert all(float(tick.replace(",", "")).is_integer() for tick in ticks), ticks


def test_it_draws_the_week_in_progress_apart_and_labels_it():
    svg = weekly_active_chart(_report([30, 40, 8], last_in_progress=True))
    assert svg.count("chart-in-progress") == 2  # the lighter bar and its label
    assert svg.count('class="chart-bar series-active"') == 2  # the finished weeks, drawn as before
    assert '<text class="chart-in-progress"' in svg
    assert ">so far</text>" in svg
    assert "<title>Week of 30 Nov (in progress): 8 active so far</title>" in svg


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
