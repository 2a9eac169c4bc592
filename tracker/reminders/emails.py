"""The reminder email (every cadence and back-off variant) and the educational note it teases."""

import datetime as dt
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from tracker.core.emails import absolute_url, build_message
from tracker.core.i18n import language_of
from tracker.core.time import patient_today
from tracker.education.notes import note_of_the_week
from tracker.models import ReminderDelivery, User
from tracker.reminders.schedule import first_weekday


@dataclass(frozen=True)
class Teaser:
    """A few lines from one educational note, with its citation."""

    title: str
    summary: str
    citation: str
    url: str


def reminder_teaser(*, iso_year: int, iso_week: int, language: str | None = None) -> Teaser | None:
    """The educational note teased in this week's reminders (the same for everyone, each in their
    language), or None when there are no notes. Called once per week and language per batch: two
    queries."""
    chosen = note_of_the_week(iso_year=iso_year, iso_week=iso_week, language=language)
    if chosen is None:
        return None
    note, citation = chosen
    return Teaser(
        title=note.title,
        summary=note.summary,
        citation=citation,
        url=absolute_url(reverse("learn_note", args=[note.slug])),
    )


def reminder_email(
    *,
    patient: User,
    days_logged: int,
    streak: int,
    teaser,
    checkin_url: str,
    unsubscribe_url: str,
    variant: str = ReminderDelivery.Variant.REGULAR,
    today: dt.date | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """The reminder, in the words of its cadence and back-off `variant` (tracker/reminders/schedule.py).
    Counts only: never a value the patient logged."""
    today = today or patient_today(patient=patient)
    weekday = first_weekday(cadence=patient.reminder_cadence, days=patient.reminder_days)
    return build_message(
        template="reminder",
        context={
            "first_name": patient.first_name,
            "cadence": patient.reminder_cadence,
            "variant": variant,
            "days_logged": days_logged,
            "streak": streak,
            "teaser": teaser,
            # A date whose weekday is the one an eased reminder keeps, named in the patient's language.
            "weekly_day": today + dt.timedelta(days=(weekday - today.isoweekday()) % 7),
            "checkin_url": checkin_url,
            "unsubscribe_url": unsubscribe_url,
        },
        to=patient.email,
        language=language_of(patient),
        # RFC 8058 one-click unsubscribe: mail clients POST to the URL.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        connection=connection,
    )
