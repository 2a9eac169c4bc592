"""Forms of the pause days and patterns pages: they parse, the services decide."""

from django import forms

from tracker.checkins.patterns import DEFAULT_PAIR, PATTERN_WINDOWS
from tracker.models import COMPARABLE_FIELDS, PAUSE_REASON_MAX_LENGTH

DATE_MESSAGE = "Enter a date as year-month-day, for example 2026-12-24."


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
        label="Over",
        choices=[(days, f"the last {days} days") for days in PATTERN_WINDOWS],
        coerce=int,
        initial=PATTERN_WINDOWS[0],
        error_messages={"invalid_choice": "Pick 30 or 90 days."},
    )

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            raise forms.ValidationError("Pick two different factors to compare.")
        return data
