"""Small-cell suppression: no figure drawn from fewer than N patients is shown."""

import datetime as dt

import pytest

from tests.factories import ClinicFactory
from tracker.clinics.disclosure import REMAINDER_TEXT, engagement_report
from tracker.clinics.engagement import ClinicEngagement, Period, RetentionCounts, WeekCounts
from tracker.clinics.engagement_csv import engagement_csv_rows
from tracker.models import RETENTION_WEEKS

WEEK = dt.date(2026, 11, 16)
TODAY = dt.date(2026, 11, 27)


def _week(enrolled, histogram, week=WEEK, factors=None):
    checkins = sum(d * n for d, n in enumerate(histogram, start=1))
    return WeekCounts(
        week_start=week,
        enrolled=enrolled,
        days_histogram=tuple(histogram),
        factor_logged=factors or {"sleep": checkins, "stress": 0, "omega3": 0, "fruit_veg": 0},
    )


def _engagement(weeks, retention=()):
    clinic = ClinicFactory.build(name="Clinic")
    period = Period(first_week=weeks[0].week_start, last_week=weeks[-1].week_start)
    return ClinicEngagement(clinic=clinic, period=period, weeks=list(weeks), retention=list(retention))


def _report(weeks, retention=(), min_cell=5):
    return engagement_report(engagement=_engagement(weeks, retention), today=TODAY, min_cell=min_cell)


def test_it_shows_a_week_with_enough_active_and_inactive_patients():
    row = _report([_week(20, [0, 5, 5, 0, 0, 0, 0])]).rows[0]
    assert (row.enrolled.text, row.active.text, row.active_share.text) == ("20", "10", "50%")
    assert row.mean_days.text == "2.5"
    assert row.median_days.text == "2.5"
    assert row.factor_rates[0][1].text == "100%"


def test_it_shows_figures_drawn_from_exactly_5_patients():
    # The boundary: "fewer than 5" withholds 4, never 5 (mutation testing found this untested).
    row = _report([_week(10, [5, 0, 0, 0, 0, 0, 0])]).rows[0]
    assert (row.enrolled.text, row.active.text, row.active_share.text, row.mean_days.text) == ("10", "5", "50%", "1.0")
    row = _report([_week(5, [0, 5, 0, 0, 0, 0, 0])]).rows[0]
    assert (row.enrolled.text, row.active.text, row.mean_days.text) == ("5", "5", "2.0")


def test_the_charts_text_alternative_gives_the_range_the_latest_week_and_what_is_withheld():
    weeks = [
        _week(20, [0, 6, 0, 0, 0, 0, 0], week=WEEK - dt.timedelta(weeks=2)),
        _week(20, [2, 0, 0, 0, 0, 0, 0], week=WEEK - dt.timedelta(weeks=1)),
        _week(20, [5, 5, 0, 0, 0, 0, 0], week=WEEK),
    ]
    assert _report(weeks).text_summary == (
        "Over the 3 weeks from the week of 2 November 2026 to the week of 16 November 2026, weekly active "
        "patients ranged from 6 (week of 2 Nov) to 10 (week of 16 Nov). In the week of 16 Nov, 10 of 20 "
        "enrolled patients checked in (50%). 1 week not shown: fewer than 5 active patients."
    )
    few = [_week(20, [2, 0, 0, 0, 0, 0, 0], week=WEEK - dt.timedelta(weeks=1)), _week(20, [3, 0, 0, 0, 0, 0, 0])]
    assert _report(few).text_summary == (
        "Over the 2 weeks from the week of 9 November 2026 to the week of 16 November 2026, no finished week's "
        "count of active patients can be shown. 2 weeks not shown: fewer than 5 active patients."
    )


@pytest.mark.parametrize("active", [1, 4])
def test_it_withholds_every_figure_drawn_from_fewer_than_5_active_patients(active):
    row = _report([_week(20, [active, 0, 0, 0, 0, 0, 0])]).rows[0]
    assert row.enrolled.text == "20"
    for cell in [row.active, row.active_share, row.mean_days, row.median_days, *[c for _, c in row.factor_rates]]:
        assert cell.text == "fewer than 5"
        assert cell.csv == ""


def test_it_withholds_everything_when_fewer_than_5_are_enrolled():
    row = _report([_week(4, [4, 0, 0, 0, 0, 0, 0])]).rows[0]
    assert row.enrolled.text == "fewer than 5"
    assert row.active.withheld


@pytest.mark.parametrize("inactive", [1, 4])
def test_it_withholds_every_figure_of_the_active_group_when_the_inactive_remainder_is_small(inactive):
    # 20 active of 20 + inactive: showing 20 would single out the few who did not check in, and so
    # would any figure drawn from the active group (it would tell that at least 5 were active).
    row = _report([_week(20 + inactive, [20, 0, 0, 0, 0, 0, 0])]).rows[0]
    assert row.enrolled.text == str(20 + inactive)
    for cell in [row.active, row.active_share, row.mean_days, row.median_days, *[c for _, c in row.factor_rates]]:
        assert cell.text == "withheld: protects a small group"
        assert cell.csv == ""


def test_a_clinic_of_six_with_five_active_shows_nothing_of_the_five():
    # The hostile test's clinic: 6 enrolled, 5 active. Its CSV row read "6,,,1.00,1.00,100.0,...".
    report = _report([_week(6, [5, 0, 0, 0, 0, 0, 0])])
    row = [r for r in engagement_csv_rows(report) if r and r[0] == WEEK.isoformat()][0]
    assert row == [WEEK.isoformat(), "6", "", "", "", "", "", "", "", ""]


def test_a_withheld_cell_says_why():
    small = _report([_week(34, [3, 0, 0, 0, 0, 0, 0])]).rows[0]
    remainder = _report([_week(34, [31, 0, 0, 0, 0, 0, 0])]).rows[0]
    assert small.active.text == "fewer than 5"
    assert remainder.active.text == "withheld: protects a small group"
    assert remainder.active.text != "fewer than 5"  # 31 of 34 active must not read as almost nobody


def test_the_summary_never_says_every_week_had_few_active_patients_when_they_were_many():
    weeks = [_week(34, [31, 0, 0, 0, 0, 0, 0], week=WEEK + dt.timedelta(weeks=i)) for i in range(2)]
    text = _report(weeks).text_summary
    assert "fewer than 5 active" not in text
    assert "2 weeks withheld to protect a small group" in text


def test_it_shows_everyone_active_when_no_one_is_left_over():
    row = _report([_week(20, [20, 0, 0, 0, 0, 0, 0])]).rows[0]
    assert row.active_share.text == "100%"


def test_a_smaller_minimum_cell_size_shows_more(settings):
    row = _report([_week(20, [3, 0, 0, 0, 0, 0, 0])], min_cell=3).rows[0]
    assert row.active.text == "3"
    settings.CLINIC_MIN_CELL_SIZE = 10
    report = engagement_report(engagement=_engagement([_week(20, [6, 0, 0, 0, 0, 0, 0])]), today=TODAY)
    assert report.rows[0].active.text == "fewer than 10"


def test_period_figures_pool_only_fully_shown_weeks_so_hidden_weeks_cannot_be_subtracted_back():
    shown = _week(20, [0, 10, 0, 0, 0, 0, 0], week=WEEK)
    hidden = _week(22, [20, 0, 0, 0, 0, 0, 0], week=WEEK + dt.timedelta(weeks=1))  # 2 inactive: withheld
    report = _report([shown, hidden])
    assert report.rows[1].active.withheld
    assert report.summary["weeks_published"] == 1
    assert report.summary["mean_days"].value == 2.0  # the hidden week's 1.0 is not pooled in
    assert report.summary["mean_active"].value == 10


def test_it_withholds_small_retention_cells_and_cohorts():
    months = [dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    retention = [
        RetentionCounts(
            cohort_month=months[0],
            joined=12,
            eligible=dict.fromkeys(RETENTION_WEEKS, 12),
            retained={1: 12, 2: 10, 4: 6, 8: 3, 12: 0},
        ),
        RetentionCounts(
            cohort_month=months[1],
            joined=3,
            eligible=dict.fromkeys(RETENTION_WEEKS, 3),
            retained=dict.fromkeys(RETENTION_WEEKS, 3),
        ),
    ]
    report = _report([_week(20, [10, 0, 0, 0, 0, 0, 0])], retention)
    big, small = report.retention
    # 12 of 12 shown; 10 of 12 leaves 2: withheld; 6 of 12 shown; 3 and 0 withheld.
    assert [cell.text for cell in big.cells] == ["100%", REMAINDER_TEXT, "50%", "fewer than 5", "fewer than 5"]
    assert small.joined.text == "fewer than 5"
    assert all(cell.withheld for cell in small.cells)


def test_the_csv_leaves_withheld_figures_empty_and_never_says_fewer_than():
    report = _report([_week(20, [3, 0, 0, 0, 0, 0, 0]), _week(20, [0, 10, 0, 0, 0, 0, 0], week=WEEK + dt.timedelta(7))])
    rows = engagement_csv_rows(report)
    week_rows = [row for row in rows if row and row[0] in ("2026-11-16", "2026-11-23")]
    assert week_rows[0] == ["2026-11-16", "20", "", "", "", "", "", "", "", ""]
    assert week_rows[1][:6] == ["2026-11-23", "20", "10", "50.0", "2.00", "2.00"]
    assert not any("fewer" in str(cell) for row in rows for cell in row[1:])


def test_the_range_leaves_out_the_week_in_progress():
    weeks = [
        _week(40, [0, 20, 0, 0, 0, 0, 0], week=dt.date(2026, 11, 9)),
        _week(40, [0, 25, 0, 0, 0, 0, 0], week=dt.date(2026, 11, 16)),
        _week(40, [6, 0, 0, 0, 0, 0, 0], week=dt.date(2026, 11, 23)),  # today is in this week: 6 so far
    ]
    report = _report(weeks)
    assert report.rows[-1].in_progress
    text = report.text_summary
    assert "ranged from 20 (week of 9 Nov) to 25 (week of 16 Nov)." in text
    assert "In the week of 23 Nov (still in progress), 6 of 40 enrolled patients have checked in so far" in text


def test_the_retention_table_stops_at_this_month():
    # A period ending with a week that runs into next month: no row for a month that hasn't begun.
    months = [dt.date(2026, 11, 1), dt.date(2026, 12, 1)]
    retention = [
        RetentionCounts(
            cohort_month=month,
            joined=0,
            eligible=dict.fromkeys(RETENTION_WEEKS, 0),
            retained=dict.fromkeys(RETENTION_WEEKS, 0),
        )
        for month in months
    ]
    report = _report([_week(20, [10, 0, 0, 0, 0, 0, 0], week=dt.date(2026, 11, 30))], retention)
    assert [row.cohort_month for row in report.retention] == [dt.date(2026, 11, 1)]


def test_a_one_week_period_reads_in_the_singular():
    summary = _report([_week(20, [0, 6, 0, 0, 0, 0, 0], week=WEEK - dt.timedelta(weeks=1))]).text_summary
    assert summary.startswith("Over the 1 week from the week of 9 November 2026 to the week of 9 November 2026,")
