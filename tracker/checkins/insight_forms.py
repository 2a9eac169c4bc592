"""Forms of the pause days page: they parse, the services decide."""

from django import forms

from tracker.models import PAUSE_REASON_MAX_LENGTH

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
