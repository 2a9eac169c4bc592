"""Forms. They parse and validate input; saving goes through the domain modules."""

import datetime as dt
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property

from tracker.checkins import EMPTY_CHECKIN_MESSAGE
from tracker.engagement import DEFAULT_PERIOD_WEEKS, PERIOD_WEEK_CHOICES, Period
from tracker.models import (
    FACTOR_FIELDS,
    FRUIT_VEG_SERVINGS_MAX,
    NOTE_MAX_LENGTH,
    OMEGA3_SERVINGS_MAX,
    SLEEP_HOURS_MAX,
    User,
    time_zone_choices,
)

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
        label="Did you take your usual omega-3 supplement today?",
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


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, labelled for email logins."""

    username = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class SignupForm(forms.Form):
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    first_name = forms.CharField(
        max_length=150, required=False, help_text="Optional. Used to greet you.", label="First name"
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text="Your check-ins follow the calendar day where you live.",
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    reminders_enabled = forms.BooleanField(
        label="Email me a weekly reminder to check in",
        required=False,
        help_text="Mondays at 08:00 your time, once you confirm your email. Change or stop it in Settings.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = settings.TIME_ZONE
        if not self.is_bound:
            # static/js/timezone.js pre-selects the browser's zone on a fresh form only.
            self.fields["time_zone"].widget.attrs["data-guess-time-zone"] = "true"

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account with this email already exists. Log in, or reset your password.", code="duplicate"
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords don't match.")
        elif password1:
            candidate = User(email=cleaned.get("email", ""), first_name=cleaned.get("first_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "time_zone", "reminders_enabled", "reminder_weekday", "reminder_hour"]
        help_texts = {
            "time_zone": "Your check-ins follow the calendar day where you live.",
            "reminders_enabled": "One email a week with a link to your check-in. Off unless you turn it on.",
            "reminder_hour": "In your time zone.",
        }
        error_messages = {
            "reminder_weekday": {"invalid_choice": "Choose a day from Monday to Sunday."},
            "reminder_hour": {"invalid_choice": "Choose an hour from 00:00 to 23:00."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("Profile", "first_name", "time_zone"),
            Fieldset("Weekly reminder email", "reminders_enabled", "reminder_weekday", "reminder_hour"),
        )


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="6-digit code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": "Enter the 6 digits your authenticator app shows."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("That password isn't right.", code="wrong_password")
        return password


class DashboardPeriodForm(forms.Form):
    """The clinic dashboard's period: a number of ISO weeks ending with a chosen week."""

    end = forms.CharField(
        label="Last week",
        required=False,
        help_text="An ISO week, like 2026-W48. Empty: this week.",
        widget=forms.TextInput(attrs={"type": "week", "placeholder": "2026-W48"}),
    )
    weeks = forms.TypedChoiceField(
        label="Weeks",
        required=False,
        choices=[(n, f"{n} weeks") for n in PERIOD_WEEK_CHOICES],
        coerce=int,
        empty_value=DEFAULT_PERIOD_WEEKS,
        error_messages={"invalid_choice": "Choose 4, 8, 12, 26 or 52 weeks."},
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["weeks"].initial = DEFAULT_PERIOD_WEEKS

    def clean_end(self):
        raw = self.cleaned_data["end"].strip()
        if not raw:
            return None
        match = re.fullmatch(r"(\d{4})-?W(\d{1,2})", raw[:20], flags=re.IGNORECASE)
        try:
            monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1) if match else None
        except ValueError:
            monday = None
        if monday is None:
            raise ValidationError("Enter a week like 2026-W48 (the year, W, then the week number 1 to 53).")
        if monday > self.today:
            raise ValidationError("That week hasn't started yet. Choose this week or an earlier one.")
        if monday.year < 2000:
            raise ValidationError("Choose a week from 2000 onwards.")
        return monday

    def period(self) -> Period:
        end = self.cleaned_data.get("end") if self.is_bound else None
        weeks = self.cleaned_data.get("weeks") if self.is_bound else None
        return Period.ending(last_week=end or self.today, weeks=weeks or DEFAULT_PERIOD_WEEKS)


class InviteCodeForm(forms.Form):
    code = forms.CharField(label="Invitation code", max_length=40, help_text="Your clinic gives you this code.")


class ClinicianInviteForm(forms.Form):
    email = forms.EmailField(label="Clinician's email address", max_length=254)


class ClinicianSignupForm(forms.Form):
    """An invited clinician's new account; the email comes from the invitation."""

    first_name = forms.CharField(max_length=150, required=False, label="First name")
    time_zone = forms.ChoiceField(choices=time_zone_choices)
    password1 = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["time_zone"].initial = settings.TIME_ZONE
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords don't match.")
        elif password1:
            try:
                password_validation.validate_password(
                    password1, User(email=self.email, first_name=cleaned.get("first_name", ""))
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
