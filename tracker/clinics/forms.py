"""Clinic forms: the dashboard period, patients' join codes and clinician invitations."""

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from tracker.accounts.forms import FirstNameField
from tracker.clinics.engagement import DEFAULT_PERIOD_WEEKS, PERIOD_WEEK_CHOICES, Period
from tracker.core.l10n import day_text, lazy_format
from tracker.core.time import monday_of
from tracker.models import (
    JOIN_CODES_PER_BATCH_MAX,
    User,
    time_zone_choices,
)


def iso_week_value(monday: dt.date) -> str:
    """2026-W48: how a week travels in the dashboard's URL."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


class DashboardPeriodForm(forms.Form):
    """The clinic dashboard's period: a number of ISO weeks ending with a chosen week.

    The week is picked from a plain list (this week and the two years before it), which works in
    every browser without JavaScript; an older week can still be given in the URL (2025-W10)."""

    PICKER_WEEKS = 105

    end = forms.CharField(label=gettext_lazy("Period ending"), required=False)
    weeks = forms.TypedChoiceField(
        label=gettext_lazy("Weeks"),
        required=False,
        choices=[
            (n, lazy_format(ngettext_lazy("%(count)s week", "%(count)s weeks", n), count=n))
            for n in PERIOD_WEEK_CHOICES
        ],
        coerce=int,
        empty_value=DEFAULT_PERIOD_WEEKS,
        error_messages={"invalid_choice": gettext_lazy("Choose 4, 8, 12, 26 or 52 weeks.")},
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["weeks"].initial = DEFAULT_PERIOD_WEEKS

    def week_choices(self) -> list[tuple[str, str]]:
        """(value, label) for the picker, newest first, with whatever was asked for kept in it."""
        this_week = monday_of(self.today)
        choices = [(iso_week_value(this_week), _("This week (from %(day)s)") % {"day": _day(this_week)})]
        for back in range(1, self.PICKER_WEEKS):
            monday = this_week - dt.timedelta(weeks=back)
            choices.append((iso_week_value(monday), _week_of(monday)))
        asked = self.asked_end()
        if asked and asked not in dict(choices):
            choices.append((asked, self._label(asked)))
        return choices

    def asked_end(self) -> str:
        """The week as given, or this week's when none was: the picker shows it selected."""
        raw = str(self.data.get("end", "")).strip() if self.is_bound else ""
        if not raw:
            return iso_week_value(self.today)
        monday = _parse_week(raw)
        return iso_week_value(monday) if monday else raw

    @staticmethod
    def _label(value: str) -> str:
        monday = _parse_week(value)
        return _week_of(monday) if monday else value

    def clean_end(self):
        raw = self.cleaned_data["end"].strip()
        if not raw:
            return None
        monday = _parse_week(raw)
        if monday is None:
            raise ValidationError(_("Enter a week like 2026-W48 (the year, W, then the week number 1 to 53)."))
        if monday > self.today:
            raise ValidationError(_("That week hasn't started yet. Choose this week or an earlier one."))
        if monday.year < 2000:
            raise ValidationError(_("Choose a week from 2000 onwards."))
        return monday

    def period(self) -> Period:
        end = self.cleaned_data.get("end") if self.is_bound else None
        weeks = self.cleaned_data.get("weeks") if self.is_bound else None
        return Period.ending(last_week=end or self.today, weeks=weeks or DEFAULT_PERIOD_WEEKS)


def _day(monday: dt.date) -> str:
    return day_text(monday, "MEDIUM_DATE_FORMAT")


def _week_of(monday: dt.date) -> str:
    return _("Week of %(day)s") % {"day": _day(monday)}


def _parse_week(raw: str) -> dt.date | None:
    """The Monday of an ISO week written 2026-W48 (or 2026W48, 2026-w8), or None."""
    match = re.fullmatch(r"(\d{4})-?W(\d{1,2})", raw[:20], flags=re.IGNORECASE)
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1) if match else None
    except ValueError:
        return None


class InviteCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Join code"),
        max_length=40,
        help_text=gettext_lazy("Your clinic gives you a code that works once, just for you."),
    )


_MAX = JOIN_CODES_PER_BATCH_MAX
_issue_between = lazy_format(gettext_lazy("Issue between 1 and %(max)s codes."), max=_MAX)


class JoinCodeIssueForm(forms.Form):
    count = forms.IntegerField(
        label=gettext_lazy("How many codes"),
        min_value=1,
        max_value=JOIN_CODES_PER_BATCH_MAX,
        initial=10,
        help_text=lazy_format(
            gettext_lazy("One per patient, 1 to %(max)s at a time. You can print them as a handout."),
            max=JOIN_CODES_PER_BATCH_MAX,
        ),
        error_messages={
            "min_value": _issue_between,
            "max_value": _issue_between,
            "invalid": lazy_format(gettext_lazy("Enter a whole number from 1 to %(max)s."), max=_MAX),
            "required": lazy_format(gettext_lazy("Enter how many codes to issue, from 1 to %(max)s."), max=_MAX),
        },
    )


class JoinCodeWithdrawForm(forms.Form):
    """Withdraw one code (typed from a lost slip) or every unused code of a batch."""

    code = forms.CharField(label=gettext_lazy("Code to withdraw"), max_length=40, required=False)
    batch = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("code", "").strip() and cleaned.get("batch") is None:
            raise ValidationError(_("Type the code to withdraw, like ABCD-EFGH-JKMN."))
        return cleaned


class ClinicianInviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Clinician's email address"), max_length=254)


class ClinicianSignupForm(forms.Form):
    """An invited clinician's new account; the email comes from the invitation."""

    first_name = FirstNameField()
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), choices=time_zone_choices)
    password1 = forms.CharField(
        label=gettext_lazy("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
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
            self.add_error("password2", _("The two passwords don't match."))
        elif password1:
            try:
                password_validation.validate_password(
                    password1, User(email=self.email, first_name=cleaned.get("first_name", ""))
                )
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
