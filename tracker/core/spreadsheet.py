"""CSV that is safe to open in a spreadsheet.

A cell starting with = + - @ (or a tab or carriage return) can run as a
formula in Excel, LibreOffice or Google Sheets ("CSV injection"). Such cells
get a leading apostrophe, which spreadsheets show as plain text.
"""

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return buffer.getvalue()
