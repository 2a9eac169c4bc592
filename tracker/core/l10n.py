"""Dates and numbers as the active language writes them.

Python's strftime and f"{value}" always write English ("Mon 3 Jan", "7.5"); a Spanish reader
expects "lun 3 ene" and "7,5". Everything the app writes for a person goes through here (or a
template's |date and number filters), with the named formats of wellness/formats/<language>/.
Machine formats (the CSV, FHIR, form values, URLs) never do: they stay ISO dates and dot decimals.
"""

import datetime as dt
from decimal import Decimal

from django.utils import formats
from django.utils.functional import lazy


def day_text(day: dt.date, name: str = "DAY_FORMAT") -> str:
    """`day` in one of the app's named formats (wellness/formats/en/formats.py): "Mon 3 Jan"."""
    return formats.date_format(day, name)


def number_text(value, *, grouping: bool = False) -> str:
    """A number as the language writes it, no trailing zeros added or removed: 7.5 -> "7,5" in
    Spanish; with `grouping`, thousands grouped ("2,500"; Spanish "2 500")."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    return formats.number_format(value, force_grouping=grouping)


def short_number_text(value) -> str:
    """A number without trailing zeros: 7.50 -> "7.5" ("7,5"), 10.00 -> "10"."""
    return number_text(Decimal(f"{float(value):g}"))


def plural_count(value) -> int:
    """The number ngettext picks a plural form by: a whole value itself, else 2 (in English and
    Spanish "1.5 hours" and "0.5 hours" take the plural)."""
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else 2


def lazy_format(message, **params):
    """`message % params`, done when the text is shown rather than now: for a form's label or
    message built at import, which must be in the language of the page that shows it. A callable
    param is called then too (a number written as that language writes it)."""
    return _lazy_format(message, params)


def _format_now(message, params) -> str:
    return str(message) % {key: value() if callable(value) else value for key, value in params.items()}


_lazy_format = lazy(_format_now, str)
