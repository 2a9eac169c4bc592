"""Every bound of the check-in form: edges accepted, just outside refused with a message."""

import re

import pytest

from tracker.checkins.forms import CheckInForm

EDGE_VALUES = [
    ("sleep_hours", "0"),
    ("sleep_hours", "24"),
    ("sleep_hours", "7.25"),
    ("sleep_hours", "0.25"),
    ("sleep_quality", "1"),
    ("sleep_quality", "5"),
    ("stress", "0"),
    ("stress", "10"),
    ("omega3_servings", "0"),
    ("omega3_servings", "10"),
    ("omega3_supplement", "True"),
    ("omega3_supplement", "False"),
    ("fruit_veg_servings", "0"),
    ("fruit_veg_servings", "20"),
]

OUTSIDE_VALUES = [
    ("sleep_hours", "-0.25", "from 0 to 24"),
    ("sleep_hours", "24.25", "from 0 to 24"),
    ("sleep_hours", "7.1", "quarter hours"),
    ("sleep_hours", "7.333", "quarter hours"),
    ("sleep_hours", "seven", "from 0 to 24"),
    ("sleep_hours", "1e400", "from 0 to 24"),
    ("sleep_hours", "NaN", "from 0 to 24"),
    ("sleep_hours", "9" * 500, "from 0 to 24"),
    ("sleep_quality", "0", "from 1 (very poor) to 5"),
    ("sleep_quality", "6", "from 1 (very poor) to 5"),
    ("sleep_quality", "good", "from 1 (very poor) to 5"),
    ("stress", "-1", "from 0 to 10"),
    ("stress", "11", "from 0 to 10"),
    ("omega3_servings", "-1", "from 0 to 10"),
    ("omega3_servings", "11", "from 0 to 10"),
    ("omega3_servings", "1.5", "from 0 to 10"),
    ("omega3_servings", "lots", "from 0 to 10"),
    ("fruit_veg_servings", "-1", "from 0 to 20"),
    ("fruit_veg_servings", "21", "from 0 to 20"),
    ("fruit_veg_servings", "9" * 400, "from 0 to 20"),
]


@pytest.mark.parametrize(("field", "value"), EDGE_VALUES)
def test_it_accepts_each_edge_value(field, value):
    form = CheckInForm(data={field: value})
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(("field", "value", "message"), OUTSIDE_VALUES)
def test_it_rejects_each_value_just_outside_with_a_message(field, value, message):
    form = CheckInForm(data={field: value, "stress" if field != "stress" else "fruit_veg_servings": "3"})
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_it_accepts_a_note_of_1000_characters():
    form = CheckInForm(data={"stress": "2", "note": "n" * 1000})
    assert form.is_valid(), form.errors


def test_it_rejects_a_note_over_1000_characters():
    form = CheckInForm(data={"stress": "2", "note": "n" * 1001})
    assert not form.is_valid()
    assert "at most 1000 characters" in form.errors["note"][0]


def test_it_rejects_a_note_with_a_null_character():
    form = CheckInForm(data={"stress": "2", "note": "a\x00b"})
    assert not form.is_valid()
    assert "note" in form.errors


def test_it_refuses_an_empty_checkin():
    form = CheckInForm(data={"note": "just a note"})
    assert not form.is_valid()
    assert "at least one factor" in form.non_field_errors()[0]


def test_it_treats_a_supplement_answer_of_no_as_a_logged_factor():
    form = CheckInForm(data={"omega3_supplement": "False"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["omega3_supplement"] is False


def test_it_asks_for_no_amounts_or_doses():
    html = CheckInForm().as_div().lower()
    assert not re.search(r"\b(mg|mcg|iu|ml|grams?)\b|dose|dosage", html)
