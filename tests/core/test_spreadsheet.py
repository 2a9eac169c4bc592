"""CSV cells can't run as spreadsheet formulas."""

import csv
import io

import pytest

from tracker.core.spreadsheet import csv_text, escape_cell


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Riverside clinic", "Riverside clinic"),
        ("42", "42"),
        ("", ""),
        (None, ""),
        ("a=b", "a=b"),
    ],
)
def test_it_prefixes_a_quote_to_cells_that_start_like_a_formula(raw, escaped):
    assert escape_cell(raw) == escaped


def test_it_writes_escaped_cells_that_read_back_as_text():
    text = csv_text([["Clinic", "=cmd|' /C calc'!A0"], ["Week", "12"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Clinic", "'=cmd|' /C calc'!A0"], ["Week", "12"]]
