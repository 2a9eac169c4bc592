"""English formats: Django's own (django/conf/locale/en/formats.py), plus the app's named formats.

The app's dates are written through these names (tracker/core/l10n.py, and `|date:"DAY_FORMAT"`
in a template), never with strftime, whose words are always English. A language's module under
wellness/formats/ gives the same names; Django falls back to its own module for the rest.
"""

# The app's weeks run Monday to Sunday (ISO weeks: the rollup, the week card, the calendar), in
# English as in Spanish; Django's own widgets (the admin's calendar) agree.
FIRST_DAY_OF_WEEK = 1

DAY_FORMAT = "D j M"  # a day in a table, a chart's title: "Mon 3 Jan"
SHORT_DAY_FORMAT = "j M"  # a chart's axis, a week's first day: "3 Jan"
WEEKDAY_FORMAT = "D"  # under a week's chart: "Mon"
MONTH_FORMAT = "M"  # above the calendar's columns: "Jan"
FULL_DAY_FORMAT = "D j M Y"  # a calendar square's title: "Mon 3 Jan 2026"
LONG_DAY_FORMAT = "l j F"  # a sentence: "Monday 3 January"
LONG_DAY_YEAR_FORMAT = "l j F Y"  # a sentence: "Monday 3 January 2026"
LONG_DATE_FORMAT = "j F Y"  # a sentence: "3 January 2026"
MEDIUM_DATE_FORMAT = "j M Y"  # a choice, a list: "3 Jan 2026"
EMAIL_DATETIME_FORMAT = "l j F Y, H:i"  # an email's "on ...": "Monday 3 January 2026, 14:30"
