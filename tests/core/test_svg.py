"""The one chart idiom: axes, marks, escaping, naming, and the stylesheet's contrast."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tracker.core.svg import Axis, Frame, Plot, axis_rounded, axis_up_to, rect, svg, text, tick_text

FRAME = Frame(width=200, height=100, left=20, right=10, top=10, bottom=20)


def _plot(slots=4):
    return Plot(frame=FRAME, axis=Axis(0, 10, (0, 5, 10)), slots=slots)


def _heights(markup, css):
    return [float(h) for h in re.findall(rf'<rect class="{css}"[^>]* height="([\d.]+)"', markup)]


def test_it_maps_the_axis_onto_the_plot():
    plot = _plot()
    assert (plot.y(0), plot.y(10)) == (80, 10)  # the axis at the frame's bottom margin, the top at its top
    assert (plot.x(0), plot.x(3)) == (41.25, 168.75)  # the middle of the first and last slots


def test_the_axis_grows_to_fit_the_largest_value():
    assert axis_up_to(0, at_least=12, step=4).high == 12
    assert axis_up_to(13.5, at_least=12, step=4).high == 16
    assert axis_up_to(24, at_least=12, step=4).ticks == (0, 4, 8, 12, 16, 20, 24)


@pytest.mark.parametrize(("largest", "high"), [(None, 5), (3, 5), (6, 10), (42, 50), (120, 200), (10_000, 10_000)])
def test_it_rounds_a_count_axis_to_1_2_or_5_times_a_power_of_ten(largest, high):
    axis = axis_rounded(largest, at_least=5)
    assert axis.high == high
    assert axis.ticks == (0, high / 4, high / 2, 3 * high / 4, high)


def test_it_labels_ticks_as_people_write_them():
    assert [tick_text(v) for v in (0, 4.0, 12.5, 1.25, 2500)] == ["0", "4", "12.5", "1.25", "2,500"]


def test_it_draws_a_grid_line_and_a_label_at_every_tick_then_the_axis():
    parts = _plot().axes()
    assert sum('class="chart-grid"' in part for part in parts) == 3
    assert [re.search(r">(.*)</text>", part)[1] for part in parts if "<text" in part] == ["0", "5", "10"]
    assert parts[-1] == '<line class="chart-axis" x1="20" x2="190" y1="80" y2="80"/>'


def test_it_keeps_the_first_and_last_labels_inside_the_frame():
    first, middle, last = _plot().x_labels([(0, "a", "start"), (1, "b", "middle"), (3, "c", "end")])
    assert 'x="20"' in first  # the plot's left edge, not the first slot's middle
    assert 'x="83.8"' in middle
    assert 'x="190"' in last


def test_it_draws_a_zero_a_value_and_a_withheld_value_three_different_ways():
    plot = _plot()
    markup = "".join([plot.bar(0, 0, series="x"), plot.bar(1, 5, series="x"), plot.placeholder(2, title="hidden")])
    zero, bar, withheld = (
        _heights(markup, "chart-zero"),
        _heights(markup, "chart-bar series-x"),
        _heights(markup, "chart-withheld"),
    )
    assert zero == [2]
    assert bar == [35]
    assert withheld[0] > zero[0]  # an outline taller than a zero's mark, so the two never read alike
    assert "<title>hidden</title>" in markup


def test_it_breaks_a_line_at_every_missing_value():
    parts = _plot(slots=5).line([1, 2, None, 3, None], series="x", radius=2)
    assert sum(part.startswith("<path") for part in parts) == 1
    assert sum(part.startswith("<circle") for part in parts) == 3


def test_it_escapes_every_word_it_draws():
    markup = text(0, 0, "<script>alert(1)</script>") + rect(0, 0, 1, 1, css="chart-bar", title='5 & "more"')
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    assert "<title>5 &amp; &quot;more&quot;</title>" in markup


def test_it_names_a_chart_by_page_text_or_by_its_own_title_and_desc():
    named_by_page = svg([], width=300, height=150, labelled_by="summary")
    assert named_by_page.startswith('<svg class="chart" viewBox="0 0 300 150" role="img" aria-labelledby="summary"')
    own = svg(["<g/>"], width=10, height=10, labelled_by="t d", title=("t", "Title"), desc=("d", "Fewer than <5>"))
    assert '<title id="t">Title</title><desc id="d">Fewer than &lt;5&gt;</desc><g/>' in own
    assert 'aria-labelledby="t d"' in own


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_chart_colour_has_3_to_1_contrast_on_white():
    css = "".join(
        (Path(settings.BASE_DIR) / "static" / "css" / name).read_text() for name in ("charts.css", "trends.css")
    )
    decorative = {"#fff", "#e9ecef"}  # backgrounds, grid lines and the score track
    colours = set(re.findall(r"(?:fill|stroke|color):\s*(#[0-9a-fA-F]{3,6})", css)) - decorative
    assert len(colours) >= 6
    for colour in colours:
        assert len(colour) == 7, colour
        assert 1.05 / (_luminance(colour) + 0.05) >= 3, colour
