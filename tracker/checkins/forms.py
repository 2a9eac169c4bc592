"""The check-in form. It parses and validates input; saving goes through checkins.services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property

from tracker.checkins.services import EMPTY_CHECKIN_MESSAGE
from tracker.models import FACTOR_FIELDS, FRUIT_VEG_SERVINGS_MAX, NOTE_MAX_LENGTH, OMEGA3_SERVINGS_MAX, SLEEP_HOURS_MAX

QUARTER_HOURS_MESSAGE = "Use quarter hours: for example 7, 7.25, 7.5 or 7.75."
SLEEP_QUALITY_CHOICES = [
    ("", "Not answered"),
    (1, "1 – Very poor"),
    (2, "2 – Poor"),
    (3, "3 – Fair"),
    (4, "4 – Good"),
    (5, "5 – Very good"),
]
STRESS_CHOICES = [("", "Not answered")] + [
    (value, {0: "0 – No stress at all", 10: "10 – The most stress I can imagine"}.get(value, str(value)))
    for value in range(11)
]
SUPPLEMENT_CHOICES = [("", "Not answered"), ("True", "Yes"), ("False", "No")]


def _range_messages(low, high, unit):
    message = f"Enter a number from {low} to {high}{unit}."
    return {"min_value": message, "max_value": message, "invalid": message}


class CheckInForm(forms.Form):
    sleep_hours = forms.DecimalField(
        label="Hours of sleep last night",
        required=False,
        min_value=0,
        max_value=SLEEP_HOURS_MAX,
        max_digits=4,
        decimal_places=2,
        help_text="0 to 24, in quarter hours (for example 7.25 or 7.5).",
        error_messages={
            **_range_messages(0, 24, " hours"),
            "max_digits": "Enter a number from 0 to 24 hours.",
            "max_decimal_places": QUARTER_HOURS_MESSAGE,
            "max_whole_digits": "Enter a number from 0 to 24 hours.",
        },
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0", "max": "24", "inputmode": "decimal"}),
    )
    sleep_quality = forms.TypedChoiceField(
        label="How well did you sleep?",
        required=False,
        choices=SLEEP_QUALITY_CHOICES,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a sleep quality from 1 (very poor) to 5 (very good)."},
    )
    stress = forms.TypedChoiceField(
        label="Stress today",
        required=False,
        choices=STRESS_CHOICES,
        coerce=int,
        empty_value=None,
        help_text="Your own rating: 0 is no stress at all, 10 is the most stress you can imagine.",
        error_messages={"invalid_choice": "Choose a stress rating from 0 to 10."},
    )
    omega3_servings = forms.IntegerField(
        label="Servings of omega-3-rich foods today",
        required=False,
        min_value=0,
        max_value=OMEGA3_SERVINGS_MAX,
        help_text="For example oily fish, walnuts, flaxseed or chia. A whole number from 0 to 10.",
        error_messages=_range_messages(0, OMEGA3_SERVINGS_MAX, " servings"),
        widget=forms.NumberInput(attrs={"min": "0", "max": str(OMEGA3_SERVINGS_MAX), "inputmode": "numeric"}),
    )
    omega3_supplement = forms.NullBooleanField(
        label="Did you take an omega-3 supplement today?",
        required=False,
        widget=forms.RadioSelect(choices=SUPPLEMENT_CHOICES),
    )
    fruit_veg_servings = forms.IntegerField(
        label="Servings of fruit and vegetables today",
        required=False,
        min_value=0,
        max_value=FRUIT_VEG_SERVINGS_MAX,
        help_text="A whole number from 0 to 20.",
        error_messages=_range_messages(0, FRUIT_VEG_SERVINGS_MAX, " servings"),
        widget=forms.NumberInput(attrs={"min": "0", "max": str(FRUIT_VEG_SERVINGS_MAX), "inputmode": "numeric"}),
    )
    note = forms.CharField(
        label="Private note (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        help_text=f"Only you can see this. At most {NOTE_MAX_LENGTH:,} characters.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @cached_property
    def helper(self):
        # Built when the form is rendered, not on a save that redirects without rendering it.
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(
            Fieldset("Sleep", "sleep_hours", "sleep_quality"),
            Fieldset("Stress", "stress"),
            Fieldset("Omega-3", "omega3_servings", "omega3_supplement"),
            Fieldset("Fruit and vegetables", "fruit_veg_servings"),
            Fieldset("Note", "note"),
            HTML('<p class="form-text">Every question is optional; answer the ones you want to track.</p>'),
            Submit("save", "Save check-in", css_class="btn-primary w-100"),
        )
        return helper

    def clean_sleep_hours(self):
        # Checked here rather than with step_size: Django's StepValueValidator
        # raises ValueError (a 500) on a huge number such as 1e400.
        hours = self.cleaned_data["sleep_hours"]
        if hours is not None and (hours * 4) % 1 != 0:
            raise ValidationError(QUARTER_HOURS_MESSAGE, code="step_size")
        return hours

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(cleaned.get(name) is None for name in FACTOR_FIELDS):
            raise ValidationError(EMPTY_CHECKIN_MESSAGE, code="empty")
        return cleaned

    @classmethod
    def initial_from(cls, checkin):
        if checkin is None:
            return {}
        return {name: getattr(checkin, name) for name in (*FACTOR_FIELDS, "note")}
