"""Spanish formats: Django's own (decimal comma, DD/MM/YYYY, the week from Monday), plus the
app's named formats (wellness/formats/en/formats.py says what each is for). Spanish writes
weekdays and months in lower case, and "de" between a day, its month and its year."""

DAY_FORMAT = "D j b"  # "lun 3 ene"
SHORT_DAY_FORMAT = "j b"  # "3 ene"
WEEKDAY_FORMAT = "D"  # "lun"
MONTH_FORMAT = "b"  # "ene"
FULL_DAY_FORMAT = "D j b Y"  # "lun 3 ene 2026"
LONG_DAY_FORMAT = r"l j \d\e F"  # "lunes 3 de enero"
LONG_DAY_YEAR_FORMAT = r"l j \d\e F \d\e Y"  # "lunes 3 de enero de 2026"
LONG_DATE_FORMAT = r"j \d\e F \d\e Y"  # "3 de enero de 2026"
MEDIUM_DATE_FORMAT = "j b Y"  # "3 ene 2026"
EMAIL_DATETIME_FORMAT = r"l j \d\e F \d\e Y, H:i"  # "lunes 3 de enero de 2026, 14:30"
