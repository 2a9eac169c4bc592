"""The check-in form. It parses and validates input; saving goes through checkins.services.

Every control is a plain select, radio group or number box, so the form works without JavaScript;
the widgets (checkins.widgets) name how templates/tracker/checkin/ lays each one out for a thumb.
"""

from decimal import ROUND_FLOOR, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tracker.checkins.services import EMPTY_CHECKIN_MESSAGE
from tracker.checkins.widgets import (
    QuarterHourSelect,
    ScaleRadio,
    StepperInput,
    YesNoRadio,
    hours_value,
    quarter_hours_text,
)
from tracker.core.l10n import lazy_format, number_text
from tracker.models import (
    FACTOR_FIELDS,
    FACTORS,
    FRUIT_VEG_SERVINGS_MAX,
    NOTE_MAX_LENGTH,
    OMEGA3_SERVINGS_MAX,
    SLEEP_HOURS_MAX,
)

# The sleep-hours buttons a thumb reaches first; every other quarter hour is in the list.
SLEEP_QUICK_HOURS = ("6", "6.5", "7", "7.5", "8", "8.5", "9")
NOT_ANSWERED = _("Not answered")
SLEEP_QUALITY_CHOICES = [
    (1, _("1 – Very poor")),
    (2, _("2 – Poor")),
    (3, _("3 – Fair")),
    (4, _("4 – Good")),
    (5, _("5 – Very good")),
    ("", NOT_ANSWERED),
]
STRESS_CHOICES = [
    (value, {0: _("0 – No stress at all"), 10: _("10 – The most stress I can imagine")}.get(value, str(value)))
    for value in range(11)
] + [("", NOT_ANSWERED)]
SUPPLEMENT_CHOICES = [("True", _("Yes")), ("False", _("No")), ("", NOT_ANSWERED)]


def _range_messages(message, low, high):
    message = lazy_format(message, low=low, high=high)
    return {"min_value": message, "max_value": message, "invalid": message}


class DecimalCommaField(forms.DecimalField):
    """A decimal number typed with a point or, as Spanish writes it, a comma ("7,5"). The form's
    controls post machine values ("7.5"); this keeps a typed comma from being refused."""

    def to_python(self, value):
        if isinstance(value, str) and "," in value and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)


class CheckInForm(forms.Form):
    sleep_hours = DecimalCommaField(
        label=_("Hours of sleep last night"),
        required=False,
        min_value=0,
        max_value=SLEEP_HOURS_MAX,
        help_text=_("In quarter hours, from 0 to 24."),
        # No max_digits or decimal_places: clean_sleep_hours turns any number that isn't a quarter
        # hour (an old form's 7.3, or 7.333) into the two quarter hours either side of it.
        error_messages=_range_messages(_("Enter a number from %(low)s to %(high)s hours."), 0, 24),
        widget=QuarterHourSelect(high=int(SLEEP_HOURS_MAX), quick=SLEEP_QUICK_HOURS),
    )
    sleep_quality = forms.TypedChoiceField(
        label=_("How well did you sleep?"),
        required=False,
        choices=SLEEP_QUALITY_CHOICES,
        coerce=int,
        empty_value=None,
        widget=ScaleRadio(ends=(_("very poor"), _("very good"))),
        error_messages={"invalid_choice": _("Choose a sleep quality from 1 (very poor) to 5 (very good).")},
    )
    stress = forms.TypedChoiceField(
        label=_("Stress today"),
        required=False,
        choices=STRESS_CHOICES,
        coerce=int,
        empty_value=None,
        help_text=_("Your own rating: 0 is no stress at all, 10 is the most stress you can imagine."),
        error_messages={"invalid_choice": _("Choose a stress rating from 0 to 10.")},
        widget=ScaleRadio(ends=(_("no stress at all"), _("the most stress I can imagine"))),
    )
    omega3_servings = forms.IntegerField(
        label=_("Servings of omega-3-rich foods today"),
        required=False,
        min_value=0,
        max_value=OMEGA3_SERVINGS_MAX,
        help_text=_("For example oily fish, walnuts, flaxseed or chia. A whole number from 0 to 10."),
        error_messages=_range_messages(_("Enter a number from %(low)s to %(high)s servings."), 0, OMEGA3_SERVINGS_MAX),
        widget=StepperInput(attrs={"min": "0", "max": str(OMEGA3_SERVINGS_MAX), "inputmode": "numeric"}),
    )
    omega3_supplement = forms.NullBooleanField(
        label=_("Did you take an omega-3 supplement today?"),
        required=False,
        widget=YesNoRadio(choices=SUPPLEMENT_CHOICES),
    )
    fruit_veg_servings = forms.IntegerField(
        label=_("Servings of fruit and vegetables today"),
        required=False,
        min_value=0,
        max_value=FRUIT_VEG_SERVINGS_MAX,
        help_text=_("A whole number from 0 to 20."),
        error_messages=_range_messages(
            _("Enter a number from %(low)s to %(high)s servings."), 0, FRUIT_VEG_SERVINGS_MAX
        ),
        widget=StepperInput(attrs={"min": "0", "max": str(FRUIT_VEG_SERVINGS_MAX), "inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=_("Private note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        help_text=lazy_format(
            _("Only you can see this. At most %(count)s characters."),
            count=lambda: number_text(NOTE_MAX_LENGTH, grouping=True),
        ),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def factor_groups(self):
        """The fields by factor, in the registry's order: one section of the page each."""
        return [(factor, [self[name] for name in factor.field_names]) for factor in FACTORS]

    def clean_sleep_hours(self):
        # Checked here rather than with step_size: Django's StepValueValidator
        # raises ValueError (a 500) on a huge number such as 1e400.
        hours = self.cleaned_data["sleep_hours"]
        if hours is not None and (hours * 4) % 1 != 0:
            below = (hours * 4).to_integral_value(rounding=ROUND_FLOOR) / 4
            above = below + Decimal("0.25")
            self.quarter_hour_choices = [(hours_value(h), quarter_hours_text(h)) for h in (below, above)]
            raise ValidationError(
                _("Sleep is logged in quarter hours. %(hours)s is between %(below)s and %(above)s hours: choose one."),
                code="step_size",
                params={
                    "hours": number_text(Decimal(f"{hours.normalize():f}")),
                    "below": quarter_hours_text(below),
                    "above": quarter_hours_text(above),
                },
            )
        return hours

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(cleaned.get(name) is None for name in FACTOR_FIELDS):
            raise ValidationError(EMPTY_CHECKIN_MESSAGE, code="empty")
        return cleaned

    @classmethod
    def control_values(cls, checkin) -> dict[str, str]:
        """A check-in's answers as the controls hold them ("7.25", "4", "True", ""), for a script
        to fill the form with ("same as yesterday")."""
        values = {}
        for name in FACTOR_FIELDS:
            shown = cls.base_fields[name].widget.format_value(getattr(checkin, name))
            values[name] = (shown[0] if shown else "") if isinstance(shown, list) else (shown or "")
        return values

    @classmethod
    def initial_from(cls, checkin, *, with_note=True):
        """A check-in's answers as the form's initial values ("same as yesterday" leaves the note)."""
        if checkin is None:
            return {}
        return {name: getattr(checkin, name) for name in (*FACTOR_FIELDS, *(["note"] if with_note else []))}
