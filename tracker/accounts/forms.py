"""Account forms: log-in, sign-up, profile, password confirmation and two-factor codes."""

import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tracker.core.l10n import lazy_format
from tracker.models import WEEKDAY_CHOICES, Cadence, User, time_zone_choices

FIRST_NAME_MAX_LENGTH = 40
NAME_PUNCTUATION = frozenset(" -'’")
FIRST_NAME_MESSAGE = lazy_format(
    _("Use letters, spaces, hyphens and apostrophes only (up to %(count)s characters), starting with a letter."),
    count=FIRST_NAME_MAX_LENGTH,
)


def _is_name(value: str) -> bool:
    # Letters of any script and their accents (Unicode L* and M* categories), and name punctuation.
    return unicodedata.category(value[0])[0] == "L" and all(
        char in NAME_PUNCTUATION or unicodedata.category(char)[0] in "LM" for char in value
    )


class FirstNameField(forms.CharField):
    """A person's first name: it is written into emails, so it can carry no link or message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("First name"))
        super().__init__(max_length=FIRST_NAME_MAX_LENGTH, required=False, **kwargs)
        self.error_messages["max_length"] = FIRST_NAME_MESSAGE

    def to_python(self, value):
        return unicodedata.normalize("NFC", super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value and not _is_name(value):
            raise ValidationError(FIRST_NAME_MESSAGE, code="invalid_name")


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, labelled for email logins."""

    username = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    remember = forms.BooleanField(label=_("Keep me signed in on this device"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remember"].help_text = _(
            "Only on your own phone or computer: you stay signed in for %(count)s days after your last visit."
        ) % {"count": settings.SESSION_REMEMBER_DAYS}


class SignupForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    first_name = FirstNameField(help_text=_("Optional. Used to greet you."))
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Your check-ins follow the calendar day where you live."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    reminders_enabled = forms.BooleanField(
        label=_("Email me a weekly reminder to check in"),
        required=False,
        help_text=_("Mondays at 08:00 your time, once you confirm your email. Change or stop it in Settings."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = settings.TIME_ZONE
        if not self.is_bound:
            # static/js/timezone.js pre-selects the browser's zone on a fresh form only.
            self.fields["time_zone"].widget.attrs["data-guess-time-zone"] = "true"

    def clean_email(self):
        # Never "already taken" here: the sign-up answers the same whether or not the address is known.
        return User.objects.normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords don't match."))
        elif password1:
            candidate = User(email=cleaned.get("email", ""), first_name=cleaned.get("first_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    first_name = FirstNameField()
    reminder_cadence = forms.ChoiceField(
        label=_("How often"),
        choices=[
            (Cadence.DAILY, _("Every day")),
            (Cadence.DAYS, _("On the days I choose")),
            (Cadence.WEEKLY, _("Once a week")),
        ],
        widget=forms.RadioSelect,
        required=False,  # left out (an older page): kept as it was
        error_messages={"invalid_choice": _("Choose every day, the days you choose, or once a week.")},
    )
    reminder_days = forms.TypedMultipleChoiceField(
        label=_("Days (for “on the days I choose”)"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose days from Monday to Sunday.")},
    )

    class Meta:
        model = User
        fields = [
            "first_name",
            "time_zone",
            "reminders_enabled",
            "reminder_cadence",
            "reminder_days",
            "reminder_weekday",
            "reminder_hour",
        ]
        labels = {"time_zone": _("Time zone"), "reminder_weekday": _("Day (for “once a week”)")}
        help_texts = {
            "time_zone": _("Your check-ins follow the calendar day where you live."),
            "reminders_enabled": _(
                "An email with a link to today's check-in, skipped on days you have already checked in. "
                "Off unless you turn it on."
            ),
            "reminder_hour": _("In your time zone."),
        }
        error_messages = {
            "reminder_weekday": {"invalid_choice": _("Choose a day from Monday to Sunday.")},
            "reminder_hour": {"invalid_choice": _("Choose an hour from 00:00 to 23:00.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reminders_enabled"].label = _("Email me a reminder to check in")
        if not self.is_bound:
            self.initial["reminder_days"] = [int(day) for day in self.instance.reminder_days]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Profile"), "first_name", "time_zone"),
            Fieldset(
                _("Reminder email"),
                Field("reminders_enabled", wrapper_class="big-choices"),
                Field("reminder_cadence", wrapper_class="big-choices"),
                Field("reminder_days", wrapper_class="big-choices"),
                "reminder_weekday",
                "reminder_hour",
            ),
        )

    def clean_reminder_cadence(self):
        return self.cleaned_data["reminder_cadence"] or self.instance.reminder_cadence

    def clean_reminder_days(self):
        """Stored as the ISO weekday digits in order: [5, 1, 3] is "135"."""
        return "".join(str(day) for day in sorted(set(self.cleaned_data["reminder_days"])))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reminder_cadence") == Cadence.DAYS and not cleaned.get("reminder_days"):
            self.add_error(
                "reminder_days", _("Tick at least one day for “on the days I choose”, or choose another option.")
            )
        return cleaned


class ClinicianProfileForm(forms.ModelForm):
    """A clinician's (or staff member's) settings: no check-ins, no reminders."""

    first_name = FirstNameField()

    class Meta:
        model = User
        fields = ["first_name", "time_zone"]
        labels = {"time_zone": _("Time zone")}
        help_texts = {"time_zone": _("Dates and weeks on the clinic pages follow this time zone.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Fieldset(_("Profile"), "first_name", "time_zone"))


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class PasswordConfirmForm(forms.Form):
    """The account's password, asked again before a sensitive change."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.request is not None:
            # Through authenticate(), so django-axes counts a wrong guess like a failed login.
            right = authenticate(self.request, username=self.user.email, password=password) == self.user
        else:
            right = self.user.check_password(password)
        if not right:
            raise ValidationError(_("That password isn't right."), code="wrong_password")
        return password


class TwoFactorSetupForm(PasswordConfirmForm, TokenForm):
    """Turning two-factor on: the first code from the new secret, and the password."""
