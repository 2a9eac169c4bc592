"""The one list of the factors a patient logs, and of the check-in fields that record them.

Everything that names a factor reads it from here: the model's ranges and "has a factor"
constraint, the rollup (its Q filters, and its SQL, generated from these names and the models'
_meta), the dashboard's figures, sentences, charts and tables, the clinic dashboard's logging
rates, the note shown after a check-in, and the CSV and FHIR exports.

A factor is logged on a check-in when any of its fields holds a value; the values themselves are
never judged. Adding a factor: see docs/architecture.md ("Adding a factor").
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tracker.core.l10n import plural_count

# FHIR: LOINC only where it truly fits (sleep duration); the project's own code system for the
# rest, as no LOINC code matches a 0-10 self-rating or combined fruit-and-vegetable servings.
LOINC = "http://loinc.org"
OWN_CODES = "https://wellness-tracker.example/fhir/CodeSystem/self-report"

SLEEP_HOURS_MAX = Decimal(24)
SLEEP_QUALITY_RANGE = (1, 5)
STRESS_RANGE = (0, 10)
OMEGA3_SERVINGS_MAX = 10
FRUIT_VEG_SERVINGS_MAX = 20


@dataclass(frozen=True)
class Fhir:
    system: str
    code: str
    display: str  # the code system's own display, in English whatever the reader's language
    value: str  # "quantity", "integer" or "boolean"
    unit: tuple[str, str] | None = None  # (UCUM code, unit name) for a quantity; the name is translated
    text: str = ""  # the concept in the reader's language (CodeableConcept.text); the display when empty


@dataclass(frozen=True)
class Chart:
    """How the dashboard draws a field over the chart window."""

    kind: str  # "line" or "bar"
    caption: str
    series: str  # CSS series name (static/css/trends.css)
    low: float = 0
    high: float | None = None  # fixed axis; None: 0 up to the data, at least `at_least`, in `step`s
    step: int = 1
    at_least: int = 0
    marks: str | None = None  # a yes/no field drawn as a row of marks above the bars
    marks_text: str = ""  # the row of marks explained in words, beside the chart


@dataclass(frozen=True)
class Field:
    """One question of the check-in."""

    name: str  # CheckIn field
    heading: str  # a table column's heading among all the factors (history, exports)
    column: str  # a column's heading in the factor's own table
    fhir: Fhir
    kind: str = "number"  # "number" (averaged) or "yes_no"
    low: int | Decimal | None = None
    high: int | Decimal | None = None
    summary_label: str = ""  # starts the chart window's sentence: "Hours slept: logged 5 of 30 days..."
    # A value with its unit, singular and plural ("%(amount)s hours"); None: the value alone (a rating).
    amount: object = None
    week_text: str = ""  # the week card's phrase: "%(avg)s hours on average"
    chart: Chart | None = None
    # Comparing two factors (tracker/checkins/patterns.py): the days above the patient's own usual
    # value of this field ("you slept more than your usual %(usual)s"), and another field's average
    # on them ("your stress rating averaged %(average)s"). A number field without them is not offered.
    compare_more: str = ""
    compare_average: str = ""

    def amount_text(self, shown: str, value) -> str:
        """`value`, as shown (summaries.value_text), with its unit in the plural it takes: "7.5 hours",
        "1 serving"; a rating alone: "4"."""
        if self.amount is None:
            return shown
        return self.amount % {"amount": shown, "count": plural_count(value)}


@dataclass(frozen=True)
class Factor:
    key: str
    label: str
    fields: tuple[Field, ...]
    note_factor: str  # the Note.Factor whose notes are about it
    # For a factor summed up as a whole rather than field by field (omega-3: foods or a supplement),
    # the phrases about the days with any omega-3 ("positive" days): the week card's (plural by the
    # days logged) and the chart window's sentence (plural by the window's days).
    week_text: object = None
    summary_text: object = None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    @property
    def rollup_field(self) -> str:
        """The PatientWeek column counting the week's check-ins that logged this factor."""
        return f"{self.key}_logged"

    @property
    def logged(self) -> Q:
        """The check-ins that logged this factor, as a filter."""
        return Q(*((f"{name}__isnull", False) for name in self.field_names), _connector=Q.OR)

    def logged_sql(self, column) -> str:
        """The same condition as SQL; `column(name)` gives a field's quoted column."""
        return "(" + " OR ".join(f"{column(name)} IS NOT NULL" for name in self.field_names) + ")"

    def logged_on(self, row) -> bool:
        """Whether a check-in (or any object with the fields) logged this factor."""
        return any(getattr(row, name) is not None for name in self.field_names)

    def positive_on(self, row) -> bool:
        """Some of it that day: a number above zero or a yes (never a judgement of the amount)."""
        return any(
            (value is True) if field.kind == "yes_no" else (value or 0) > 0
            for field in self.fields
            if (value := getattr(row, field.name)) is not None
        )


HOURS = ngettext_lazy("%(amount)s hour", "%(amount)s hours", "count")
SERVINGS = ngettext_lazy("%(amount)s serving", "%(amount)s servings", "count")

FACTORS: tuple[Factor, ...] = (
    Factor(
        key="sleep",
        label=_("Sleep"),
        note_factor="sleep",
        fields=(
            Field(
                name="sleep_hours",
                heading=_("Sleep (hours)"),
                column=_("Hours"),
                low=0,
                high=SLEEP_HOURS_MAX,
                summary_label=_("Hours slept"),
                amount=HOURS,
                week_text=_("%(avg)s hours on average"),
                fhir=Fhir(LOINC, "93832-4", "Sleep duration", "quantity", ("h", _("hours")), text=_("Sleep duration")),
                chart=Chart("line", _("Hours slept"), "sleep-hours", at_least=12, step=4),
                compare_more=_("you slept more than your usual %(usual)s"),
                compare_average=_("your hours of sleep averaged %(average)s"),
            ),
            Field(
                name="sleep_quality",
                heading=_("Sleep quality (1–5)"),
                column=_("Quality (1–5)"),
                low=SLEEP_QUALITY_RANGE[0],
                high=SLEEP_QUALITY_RANGE[1],
                summary_label=_("Sleep quality (1 very poor, 5 very good)"),
                week_text=_("quality %(avg)s of 5 on average"),
                fhir=Fhir(
                    OWN_CODES,
                    "sleep-quality",
                    "Self-rated sleep quality (1 to 5)",
                    "integer",
                    text=_("Self-rated sleep quality (1 to 5)"),
                ),
                chart=Chart("line", _("Sleep quality, 1 to 5"), "sleep-quality", low=1, high=5),
                compare_more=_("you rated your sleep quality above your usual %(usual)s"),
                compare_average=_("your sleep quality rating averaged %(average)s"),
            ),
        ),
    ),
    Factor(
        key="stress",
        label=_("Stress"),
        note_factor="stress",
        fields=(
            Field(
                name="stress",
                heading=_("Stress (0–10)"),
                column=_("Stress (0–10)"),
                low=STRESS_RANGE[0],
                high=STRESS_RANGE[1],
                summary_label=_("Stress (0 no stress at all, 10 the most I can imagine)"),
                week_text=_("%(avg)s on average on the 0 to 10 scale"),
                fhir=Fhir(
                    OWN_CODES,
                    "stress-rating",
                    "Self-rated stress (0 none to 10 the most imaginable)",
                    "integer",
                    text=_("Self-rated stress (0 none to 10 the most imaginable)"),
                ),
                chart=Chart("line", _("Stress, 0 to 10"), "stress", high=10, step=2),
                compare_more=_("you rated your stress above your usual %(usual)s"),
                compare_average=_("your stress rating averaged %(average)s"),
            ),
        ),
    ),
    Factor(
        key="omega3",
        label=_("Omega-3"),
        note_factor="omega3",
        week_text=ngettext_lazy(
            "foods or supplement on %(positive)s of the %(count)s day logged",
            "foods or supplement on %(positive)s of the %(count)s days logged",
            "count",
        ),
        summary_text=ngettext_lazy(
            "%(label)s: logged %(logged)s of %(count)s day; omega-3 foods or supplement on %(positive)s of them.",
            "%(label)s: logged %(logged)s of %(count)s days; omega-3 foods or supplement on %(positive)s of them.",
            "count",
        ),
        fields=(
            Field(
                name="omega3_servings",
                heading=_("Omega-3 food servings"),
                column=_("Food servings"),
                low=0,
                high=OMEGA3_SERVINGS_MAX,
                amount=SERVINGS,
                fhir=Fhir(
                    OWN_CODES,
                    "omega3-food-servings",
                    "Servings of omega-3-rich foods",
                    "integer",
                    text=_("Servings of omega-3-rich foods"),
                ),
                chart=Chart(
                    "bar",
                    _("Bars: servings of omega-3-rich foods."),
                    "omega3",
                    at_least=4,
                    step=2,
                    marks="omega3_supplement",
                    marks_text=_(
                        "The row of marks above the bars answers “Did you take your usual omega-3 "
                        "supplement?”: a filled dot for yes, an open ring for no, no mark on a day not answered."
                    ),
                ),
                compare_more=_("you logged more than your usual %(usual)s of omega-3-rich foods"),
                compare_average=_("your servings of omega-3-rich foods averaged %(average)s"),
            ),
            Field(
                name="omega3_supplement",
                heading=_("Omega-3 supplement"),
                column=_("Supplement"),
                kind="yes_no",
                fhir=Fhir(
                    OWN_CODES,
                    "omega3-usual-supplement",
                    "Took an omega-3 supplement",
                    "boolean",
                    text=_("Took an omega-3 supplement"),
                ),
            ),
        ),
    ),
    Factor(
        key="fruit_veg",
        label=_("Fruit & vegetables"),
        note_factor="nutrition",
        fields=(
            Field(
                name="fruit_veg_servings",
                heading=_("Fruit & vegetable servings"),
                column=_("Servings"),
                low=0,
                high=FRUIT_VEG_SERVINGS_MAX,
                summary_label=_("Fruit and vegetables"),
                amount=SERVINGS,
                week_text=_("%(avg)s servings on average"),
                fhir=Fhir(
                    OWN_CODES,
                    "fruit-veg-servings",
                    "Servings of fruit and vegetables",
                    "integer",
                    text=_("Servings of fruit and vegetables"),
                ),
                chart=Chart("bar", _("Servings of fruit and vegetables"), "fruit-veg", at_least=10, step=5),
                compare_more=_("you logged more than your usual %(usual)s of fruit and vegetables"),
                compare_average=_("your servings of fruit and vegetables averaged %(average)s"),
            ),
        ),
    ),
)

FACTOR_BY_KEY = {factor.key: factor for factor in FACTORS}
FIELDS: tuple[Field, ...] = tuple(field for factor in FACTORS for field in factor.fields)
FIELD_BY_NAME = {field.name: field for field in FIELDS}
FACTOR_OF_FIELD = {field.name: factor for factor in FACTORS for field in factor.fields}
# Every factor field of a check-in, in the order the form asks them.
FACTOR_FIELDS: tuple[str, ...] = tuple(field.name for field in FIELDS)
# The fields a patient can compare with each other (tracker/checkins/patterns.py).
COMPARABLE_FIELDS: tuple[Field, ...] = tuple(field for field in FIELDS if field.compare_more)


def any_factor_logged() -> Q:
    """A check-in that logs at least one factor (the database refuses any other)."""
    return Q(*((f"{name}__isnull", False) for name in FACTOR_FIELDS), _connector=Q.OR)
