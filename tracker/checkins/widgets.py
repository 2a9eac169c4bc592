"""The check-in's thumb-first controls.

Each widget is a plain HTML control that works without JavaScript (a select, radios, a number
box); `control` names the include in templates/tracker/checkin/ that lays it out as large buttons,
and static/js/checkin.js adds the quick choices and the - / + steps.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

QUARTERS = {0: "", 1: "¼", 2: "½", 3: "¾"}


def quarter_hours_text(hours: Decimal) -> str:
    """7.25 -> "7¼"; 0.5 -> "½"; 8 -> "8"."""
    whole, quarter = divmod(int(hours * 4), 4)
    return f"{whole if whole or not quarter else ''}{QUARTERS[quarter]}"


def hours_text(hours: Decimal) -> str:
    """ "7¼ hours", "1 hour", "½ hour", "0 hours"."""
    count = 1 if 0 < hours <= 1 else 2
    return ngettext("%(hours)s hour", "%(hours)s hours", count) % {"hours": quarter_hours_text(hours)}


hours_text_lazy = lazy(hours_text, str)


def hours_value(hours) -> str:
    """A number of hours as the select's option value: "7.25", "7.5", "8" (no trailing zeros)."""
    try:
        number = Decimal(str(hours).strip())
    except InvalidOperation:
        return str(hours)
    if not number.is_finite():
        return str(hours)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class QuarterHourSelect(forms.Select):
    """Hours chosen from every quarter hour, never typed. A value that isn't one of them (an old
    form's 7.3) is kept as an extra option, so nothing the patient sent is lost."""

    control = "hours"

    def __init__(self, *, high: int, quick: tuple, attrs=None):
        steps = [Decimal(step) / 4 for step in range(high * 4 + 1)]
        choices = [("", gettext_lazy("Not answered"))] + [(hours_value(h), hours_text_lazy(h)) for h in steps]
        super().__init__(attrs={"class": "form-select", **(attrs or {})}, choices=choices)
        self.quick = [(hours_value(h), quarter_hours_text(Decimal(h))) for h in quick]

    def value_from_datadict(self, data, files, name):
        # "Use 7¼ hours" under a sleep time that wasn't a quarter hour: that button's value wins.
        return data.get(f"{name}_nearest") or super().value_from_datadict(data, files, name)

    def format_value(self, value):
        return [hours_value(v) for v in super().format_value(value)]

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        known = {str(choice) for choice, _ in self.choices}
        for extra in (v for v in value if v not in known):
            label = _("%(hours)s (not a quarter hour)") % {"hours": extra}
            option = self.create_option(name, extra, label, True, len(groups), None, attrs)
            groups.append((None, [option], len(groups)))
        return groups


class ScaleRadio(forms.RadioSelect):
    """A rating as a row of large buttons, its two ends labelled in words."""

    control = "scale"

    def __init__(self, *, ends: tuple[str, str], attrs=None):
        super().__init__(attrs=attrs)
        self.ends = ends

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        # "4 – Good": the button shows the number; the words are read out with it.
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        prefix = f"{value} – "
        option["words"] = str(label)[len(prefix) :] if str(label).startswith(prefix) else ""
        return option

    @property
    def values(self) -> list:
        return [value for value, _ in self.choices if value != ""]

    @property
    def end_labels(self) -> tuple[str, str]:
        """ "1: very poor", "5: very good": the words under the row's two ends."""
        values = self.values
        return f"{values[0]}: {self.ends[0]}", f"{values[-1]}: {self.ends[1]}"


class YesNoRadio(forms.RadioSelect):
    """Yes or no as two large buttons."""

    control = "yes_no"


class StepperInput(forms.NumberInput):
    """A whole number with - and + buttons around it."""

    control = "stepper"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})})
