"""Patterns: the split at the patient's own usual value, the averages on each side, and when
they are shown."""

import datetime as dt
import statistics
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.checkins.wording import wording_problems
from tracker.checkins.patterns import CAUTION, MIN_SIDE_DAYS, pattern_from_rows
from tracker.checkins.trends import DayValues
from tracker.models import COMPARABLE_FIELDS, FIELD_BY_NAME

START = dt.date(2026, 9, 1)
SLEEP, STRESS = FIELD_BY_NAME["sleep_hours"], FIELD_BY_NAME["stress"]


def rows_of(pairs):
    """One row per day from START; None where a value was not logged."""
    return [
        DayValues(day=START + dt.timedelta(days=i), sleep_hours=None if a is None else Decimal(a), stress=b)
        for i, (a, b) in enumerate(pairs)
    ]


def direct_average(values):
    return (Decimal(sum(Decimal(v) for v in values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def test_it_words_the_sentence_as_the_issue_does():
    # Strictly above the median is at most half the days, so the issue's 12 and 9 swap sides here.
    above = [(8, s) for s in (3, 3, 3, 3, 3, 3, 3, 3, 4)]  # 28 / 9 = 3.11
    other = [(6, s) for s in (5, 5, 5, 5, 4)] + [(7, s) for s in (4, 4, 5, 5, 4, 4, 5)]  # 55 / 12 = 4.58
    pattern = pattern_from_rows(rows_of(other + above), a=SLEEP, b=STRESS)
    assert pattern.usual == 7
    assert pattern.sentences() == [
        "On the 9 days you slept more than your usual 7 hours, your stress rating averaged 3.1; "
        "on the 12 other days, 4.6.",
        CAUTION,
    ]


def test_only_days_with_both_logged_count():
    pattern = pattern_from_rows(rows_of([(7, None), (None, 4), (6, 2), (9, 5)]), a=SLEEP, b=STRESS)
    assert [p.day for p in pattern.paired] == [START + dt.timedelta(days=2), START + dt.timedelta(days=3)]


def test_the_usual_value_is_one_the_patient_logged():
    pattern = pattern_from_rows(rows_of([("6.5", 1), ("7.25", 2), ("8", 3), ("9.75", 4)]), a=SLEEP, b=STRESS)
    assert pattern.usual == Decimal("7.25")  # the lower middle of an even count, not 7.625
    assert pattern.usual_text == "7.25 hours"


def test_fewer_than_5_days_on_a_side_shows_the_days_not_the_averages():
    pairs = [(8, 2)] * 4 + [(6, 5)] * 10
    pattern = pattern_from_rows(rows_of(pairs), a=SLEEP, b=STRESS)
    assert (pattern.above.days, pattern.other.days, pattern.shows_averages) == (4, 10, False)
    text = " ".join(pattern.sentences())
    assert "averaged" not in text
    assert "Of the 14 days with both logged, 4 were days you slept more than your usual 6 hours" in text
    assert "at least 5 days" in text


def test_a_usual_of_one_serving_is_singular():
    fruit = FIELD_BY_NAME["fruit_veg_servings"]
    rows = [DayValues(day=START + dt.timedelta(days=i), fruit_veg_servings=i % 3, stress=2) for i in range(12)]
    pattern = pattern_from_rows(rows, a=fruit, b=STRESS)
    assert pattern.above_words == "you logged more than your usual 1 serving of fruit and vegetables"


def test_no_day_with_both_logged_says_so():
    pattern = pattern_from_rows(rows_of([(7, None)] * 5), a=SLEEP, b=STRESS)
    assert pattern.sentences() == ["There is no day in these 5 days with both logged yet."]


def test_a_side_of_one_day_reads_as_one():
    pattern = pattern_from_rows(rows_of([(8, 2)] + [(6, 5)] * 3), a=SLEEP, b=STRESS)
    assert "1 was a day you slept more than your usual 6 hours, and 3 were other days" in pattern.sentences()[0]


pairs = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(min_value=0, max_value=96).map(lambda q: Decimal(q) / 4)),
        st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
    ),
    min_size=1,
    max_size=90,
)


@given(pairs)
def test_the_averages_match_a_direct_computation_and_hide_below_5_days(pairs):
    pattern = pattern_from_rows(rows_of(pairs), a=SLEEP, b=STRESS)
    both = [(a, b) for a, b in pairs if a is not None and b is not None]
    assert len(pattern.paired) == len(both)
    if not both:
        assert pattern.usual is None
        return
    usual = statistics.median_low([a for a, _ in both])
    above = [b for a, b in both if a > usual]
    other = [b for a, b in both if a <= usual]
    assert pattern.usual == usual
    assert (pattern.above.days, pattern.other.days) == (len(above), len(other))
    assert pattern.above.average == (direct_average(above) if above else None)
    assert pattern.other.average == direct_average(other)
    text = " ".join(pattern.sentences())
    if len(above) >= MIN_SIDE_DAYS and len(other) >= MIN_SIDE_DAYS:
        assert f"averaged {direct_average(above)}; on the {len(other)} other days, {direct_average(other)}." in text
    else:
        assert "averaged" not in text
    assert wording_problems(text) == []


def test_every_pair_of_fields_words_its_sentence_within_the_rules():
    for a in COMPARABLE_FIELDS:
        for b in COMPARABLE_FIELDS:
            if a is b:
                continue
            rows = [
                DayValues(day=START + dt.timedelta(days=i), **{a.name: i % 4 + 1, b.name: i % 3 + 1}) for i in range(30)
            ]
            sentences = pattern_from_rows(rows, a=a, b=b).sentences()
            assert "averaged" in sentences[0], (a.name, b.name)
            assert wording_problems(" ".join(sentences)) == [], (a.name, b.name)


def test_the_wording_check_catches_judgement_causes_and_dosing():
    for sentence in (
        "Your stress is too high.",
        "On good days you slept more.",
        "Sleeping more helps your stress.",
        "Stress went down because you slept more.",
        "Take 1,000 mg daily.",
        "You should sleep 8 hours.",
    ):
        assert wording_problems(sentence), sentence
    assert wording_problems(CAUTION) == []
