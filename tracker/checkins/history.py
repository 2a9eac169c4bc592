"""The history page's entries: the patient's check-ins, newest first, with their pauses among them.

A pause sits where its last day falls among the check-ins (before a check-in of the same day),
on the page that holds that place, so paging through history shows every pause once.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page

from tracker.checkins.summaries import value_text
from tracker.models import FACTORS, FIELDS, CheckIn, Pause, User


@dataclass(frozen=True)
class FactorShown:
    label: str
    text: str  # "Hours 7.5, Quality (1–5) 4"; a factor of one field, its value alone: "5 servings"


@dataclass(frozen=True)
class Entry:
    day: dt.date  # a check-in's day, a pause's last day
    checkin: CheckIn | None = None
    pause: Pause | None = None
    edit_url: str | None = None
    cells: tuple[str, ...] = ()  # one per field of the registry, for the table
    factors: tuple[FactorShown, ...] = ()  # the factors logged, for the cards


def checkin_entry(checkin: CheckIn, *, edit_url: str | None) -> Entry:
    factors = tuple(
        FactorShown(
            label=str(factor.label),
            text=", ".join(
                field.amount_text(value_text(field, value), value)
                if len(factor.fields) == 1
                else f"{field.column} {value_text(field, value)}"
                for field in factor.fields
                if (value := getattr(checkin, field.name)) is not None
            ),
        )
        for factor in FACTORS
        if factor.logged_on(checkin)
    )
    return Entry(
        day=checkin.day,
        checkin=checkin,
        edit_url=edit_url,
        cells=tuple(value_text(field, getattr(checkin, field.name)) for field in FIELDS),
        factors=factors,
    )


def page_bounds(page: Page, queryset) -> tuple[dt.date | None, dt.date | None]:
    """(newer, older): the page holds the places from just after the previous page's last
    check-in (exclusive; None on the first page) down to its own last check-in (None on the last
    page). One query on a page after the first."""
    newer = None
    if page.has_previous():
        newer = queryset.values_list("day", flat=True)[page.start_index() - 2]
    older = page.object_list[len(page.object_list) - 1].day if page.has_next() else None
    return newer, older


def pauses_between(*, patient: User, newer: dt.date | None, older: dt.date | None) -> list[Pause]:
    """The pauses whose last day falls on this page: before `newer`, at or after `older` (one query)."""
    pauses = Pause.objects.filter(patient=patient)
    if newer is not None:
        pauses = pauses.filter(last_day__lt=newer)
    if older is not None:
        pauses = pauses.filter(last_day__gte=older)
    return list(pauses.order_by("-last_day"))


def merged(checkins: list[Entry], pauses: list[Pause]) -> list[Entry]:
    """Check-ins and pauses in one list, newest first; a pause before a check-in of its last day."""
    entries = checkins + [Entry(day=pause.last_day, pause=pause) for pause in pauses]
    return sorted(entries, key=lambda entry: (entry.day, entry.pause is not None), reverse=True)
