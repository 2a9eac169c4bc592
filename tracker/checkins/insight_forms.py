"""Forms of the pause days, patterns and appointment summary pages: they parse, the services decide."""

import datetime as dt

from django import forms

from tracker.checkins.patterns import DEFAULT_PAIR, PATTERN_WINDOWS
from tracker.models import COMPARABLE_FIELDS, FACTORS, PAUSE_REASON_MAX_LENGTH

DATE_MESSAGE = "Enter a date as year-month-day, for example 2026-12-24."
SUMMARY_MAX_DAYS = 365
SUMMARY_DEFAULT_DAYS = 30


def _date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_MESSAGE, "required": f"Enter the {label.lower()}."},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class PauseForm(forms.Form):
    first_day = _date_field("First day")
    last_day = _date_field("Last day", help_text="Included. At most 30 days in all.")
    reason = forms.CharField(
        label="Reason (optional, private)",
        required=False,
        max_length=PAUSE_REASON_MAX_LENGTH,
        help_text="Only you see it, in your data download, and on a summary if you choose to include it.",
        error_messages={"max_length": f"Keep the reason to {PAUSE_REASON_MAX_LENGTH} characters or fewer."},
    )


class PatternForm(forms.Form):
    a = forms.TypedChoiceField(
        label="Split the days by",
        choices=[(field.name, field.heading) for field in COMPARABLE_FIELDS],
        initial=DEFAULT_PAIR[0],
        error_messages={"invalid_choice": "Pick one of the listed factors to split the days by."},
    )
    b = forms.TypedChoiceField(
        label="And look at",
        choices=[(field.name, field.heading) for field in COMPARABLE_FIELDS],
        initial=DEFAULT_PAIR[1],
        error_messages={"invalid_choice": "Pick one of the listed factors to look at."},
    )
    days = forms.TypedChoiceField(
        label="Over the last",
        choices=[(days, f"{days} days") for days in PATTERN_WINDOWS],
        coerce=int,
        initial=PATTERN_WINDOWS[0],
        error_messages={"invalid_choice": "Pick 30 or 90 days."},
    )

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            raise forms.ValidationError("Pick two different factors to compare.")
        return data


class SummaryForm(forms.Form):
    first_day = _date_field("From")
    last_day = _date_field("To", help_text="Today at the latest.")
    factors = forms.MultipleChoiceField(
        label="Factors",
        choices=[(factor.key, factor.label) for factor in FACTORS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Pick at least one factor.",
            "invalid_choice": "Pick from the listed factors.",
        },
    )
    include_notes = forms.BooleanField(label="Include my private notes and pause reasons", required=False)

    def __init__(self, *args, today: dt.date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    @classmethod
    def defaults(cls, today: dt.date) -> dict:
        first = today - dt.timedelta(days=SUMMARY_DEFAULT_DAYS - 1)
        return {"first_day": first.isoformat(), "last_day": today.isoformat(), "factors": [f.key for f in FACTORS]}

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first is None or last is None:
            return data
        if last > self.today:
            self.add_error(
                "last_day", f"Pick today ({self.today:%-d %B %Y}) or an earlier day: later days have no data."
            )
        elif first > last:
            self.add_error("first_day", "The first day comes after the last one.")
        elif (last - first).days + 1 > SUMMARY_MAX_DAYS:
            self.add_error("first_day", f"A summary covers at most {SUMMARY_MAX_DAYS} days.")
        return data
