"""Forms of the pause days, patterns and appointment summary pages: they parse, the services decide."""

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.checkins.patterns import DEFAULT_PAIR, PATTERN_WINDOWS
from tracker.core.l10n import day_text, lazy_format
from tracker.models import COMPARABLE_FIELDS, FACTORS, PAUSE_REASON_MAX_LENGTH

DATE_MESSAGE = gettext_lazy("Enter a date as year-month-day, for example 2026-12-24.")
SUMMARY_MAX_DAYS = 365
SUMMARY_DEFAULT_DAYS = 30


def _date_field(label: str, required_message: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": DATE_MESSAGE, "required": required_message},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class PauseForm(forms.Form):
    first_day = _date_field(gettext_lazy("First day"), gettext_lazy("Enter the first day."))
    last_day = _date_field(
        gettext_lazy("Last day"),
        gettext_lazy("Enter the last day."),
        help_text=gettext_lazy("Included. At most 30 days in all."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional, private)"),
        required=False,
        max_length=PAUSE_REASON_MAX_LENGTH,
        help_text=gettext_lazy("Only you see it, in your data download, and on a summary if you choose to include it."),
        error_messages={
            "max_length": lazy_format(
                gettext_lazy("Keep the reason to %(count)s characters or fewer."), count=PAUSE_REASON_MAX_LENGTH
            )
        },
    )


class PatternForm(forms.Form):
    a = forms.TypedChoiceField(
        label=gettext_lazy("Split the days by"),
        choices=[(field.name, field.heading) for field in COMPARABLE_FIELDS],
        initial=DEFAULT_PAIR[0],
        error_messages={"invalid_choice": gettext_lazy("Pick one of the listed factors to split the days by.")},
    )
    b = forms.TypedChoiceField(
        label=gettext_lazy("And look at"),
        choices=[(field.name, field.heading) for field in COMPARABLE_FIELDS],
        initial=DEFAULT_PAIR[1],
        error_messages={"invalid_choice": gettext_lazy("Pick one of the listed factors to look at.")},
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Over the last"),
        choices=[(days, lazy_format(gettext_lazy("%(count)s days"), count=days)) for days in PATTERN_WINDOWS],
        coerce=int,
        initial=PATTERN_WINDOWS[0],
        error_messages={"invalid_choice": gettext_lazy("Pick 30 or 90 days.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            raise forms.ValidationError(_("Pick two different factors to compare."))
        return data


class SummaryForm(forms.Form):
    first_day = _date_field(gettext_lazy("From"), gettext_lazy("Enter the from."))
    last_day = _date_field(
        gettext_lazy("To"), gettext_lazy("Enter the to."), help_text=gettext_lazy("Today at the latest.")
    )
    factors = forms.MultipleChoiceField(
        label=gettext_lazy("Factors"),
        choices=[(factor.key, factor.label) for factor in FACTORS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Pick at least one factor."),
            "invalid_choice": gettext_lazy("Pick from the listed factors."),
        },
    )
    include_notes = forms.BooleanField(label=gettext_lazy("Include my private notes and pause reasons"), required=False)

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
                "last_day",
                _("Pick today (%(today)s) or an earlier day: later days have no data.")
                % {"today": day_text(self.today, "LONG_DATE_FORMAT")},
            )
        elif first > last:
            self.add_error("first_day", _("The first day comes after the last one."))
        elif (last - first).days + 1 > SUMMARY_MAX_DAYS:
            self.add_error("first_day", _("A summary covers at most %(count)s days.") % {"count": SUMMARY_MAX_DAYS})
        return data
