"""Pause days: adding, ending and removing a patient's paused ranges, and reading them.

The rules, in the patient's own calendar:

- A pause covers 1 to 30 whole days, first to last inclusive.
- It may start on any day of the check-in edit window (today and the 13 days before) or up to
  30 days ahead, so a pause rewrites no more of the past than backfilling a check-in could.
- It may not overlap another pause: the patient changes or removes that one first.
- It may cover days that already have a check-in: a logged day stays logged (it counts for streaks
  and scores as any logged day does); the pause covers only the days not logged.
- Ending early ("I'm back") makes today and every later day unpaused; a pause that started today
  or later is removed instead. Removing a pause is allowed while its first day is still in the
  edit window or ahead; an older pause is settled, like an older check-in, and can only be ended.

A paused day is neither logged nor missed (tracker/checkins/streaks.py, trends.py). Clinic figures
never read pauses: they count check-ins as they are.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from tracker.core.l10n import day_text
from tracker.core.locks import lock_patient
from tracker.core.time import ONE_DAY, patient_today
from tracker.models import PAUSE_MAX_DAYS, Pause, User

PAUSE_AHEAD_DAYS = 30  # how far ahead a pause may start


class PauseRefused(Exception):
    """A pause that must not be stored or changed; the message is shown to the patient."""


def _day(day: dt.date) -> str:
    return day_text(day, "LONG_DAY_YEAR_FORMAT")


def _window_first_day(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=settings.CHECKIN_EDIT_WINDOW_DAYS - 1)


def pause_range_refusal(*, first_day: dt.date, last_day: dt.date, today: dt.date) -> str | None:
    """Why the range cannot be a pause, or None when it can (overlaps aside)."""
    if last_day < first_day:
        return _("The last day comes before the first day. Pick the first day, then a last day on or after it.")
    days = (last_day - first_day).days + 1
    if days > PAUSE_MAX_DAYS:
        return _(
            "That is %(days)s days. A pause covers at most %(max)s days: add one for the first part and another "
            "afterwards."
        ) % {"days": days, "max": PAUSE_MAX_DAYS}
    earliest = _window_first_day(today)
    if first_day < earliest:
        return _(
            "%(day)s is more than %(count)s days ago. A pause can start on %(earliest)s at the earliest, as "
            "check-ins can be changed for the last %(count)s days only."
        ) % {"day": _day(first_day), "count": settings.CHECKIN_EDIT_WINDOW_DAYS, "earliest": _day(earliest)}
    latest = today + dt.timedelta(days=PAUSE_AHEAD_DAYS)
    if first_day > latest:
        return _("A pause can start up to %(count)s days ahead, on %(latest)s at the latest.") % {
            "count": PAUSE_AHEAD_DAYS,
            "latest": _day(latest),
        }
    return None


def _overlap_refusal(*, patient: User, first_day: dt.date, last_day: dt.date, exclude: int | None = None):
    overlapping = Pause.objects.filter(patient=patient, first_day__lte=last_day, last_day__gte=first_day)
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude)
    other = overlapping.order_by("first_day").first()
    if other is None:
        return None
    return _(
        "That overlaps your pause from %(first)s to %(last)s. End or remove that one first, or pick other days."
    ) % {"first": _day(other.first_day), "last": _day(other.last_day)}


def pause_add(*, patient: User, first_day: dt.date, last_day: dt.date, reason: str = "", now=None) -> Pause:
    """Store a new pause. Raises PauseRefused with a message for the patient."""
    today = patient_today(patient=patient, now=now)
    refusal = pause_range_refusal(first_day=first_day, last_day=last_day, today=today)
    if refusal:
        raise PauseRefused(refusal)
    with transaction.atomic():
        # Two adds at once (two tabs) must not both pass the overlap check.
        lock_patient(patient_id=patient.pk)
        refusal = _overlap_refusal(patient=patient, first_day=first_day, last_day=last_day)
        if refusal:
            raise PauseRefused(refusal)
        return Pause.objects.create(patient=patient, first_day=first_day, last_day=last_day, reason=reason.strip())


def pause_for_patient(*, patient: User, pause_id: int) -> Pause | None:
    """One of the patient's own pauses, or None (another patient's pause is as good as missing)."""
    return Pause.objects.filter(patient=patient, pk=pause_id).first()


def can_end_early(pause: Pause, *, today: dt.date) -> bool:
    return pause.first_day < today <= pause.last_day


def can_remove(pause: Pause, *, today: dt.date) -> bool:
    return pause.first_day >= _window_first_day(today)


def pause_end_early(*, patient: User, pause: Pause, now=None) -> Pause:
    """End an ongoing pause yesterday, so today counts again. Raises PauseRefused."""
    today = patient_today(patient=patient, now=now)
    if not can_end_early(pause, today=today):
        if pause.first_day >= today:
            raise PauseRefused(_("That pause hasn't started yet: remove it instead."))
        raise PauseRefused(_("That pause is already over."))
    pause.last_day = today - ONE_DAY
    pause.save(update_fields=["last_day"])
    return pause


def pause_remove(*, patient: User, pause: Pause, now=None) -> None:
    """Delete a pause whose days are still open to change. Raises PauseRefused."""
    today = patient_today(patient=patient, now=now)
    if not can_remove(pause, today=today):
        settled = _(
            "That pause started more than %(count)s days ago, so its days are settled, like check-ins of that time."
        ) % {"count": settings.CHECKIN_EDIT_WINDOW_DAYS}
        if can_end_early(pause, today=today):
            settled += " " + _("You can end it early instead.")
        raise PauseRefused(settled)
    pause.delete()


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class PauseShown:
    pause: Pause
    can_end_early: bool
    can_remove: bool


def pauses_for_patient(*, patient: User, today: dt.date) -> list[PauseShown]:
    """The patient's pauses, newest first, with what they may still do to each (one query)."""
    return [
        PauseShown(pause=p, can_end_early=can_end_early(p, today=today), can_remove=can_remove(p, today=today))
        for p in Pause.objects.filter(patient=patient).order_by("-first_day")
    ]


def paused_days(pauses: Iterable[Pause], *, first_day: dt.date | None = None, last_day: dt.date | None = None):
    """Every day the pauses cover, optionally only those between two days (inclusive)."""
    days = set()
    for pause in pauses:
        start = max(pause.first_day, first_day) if first_day else pause.first_day
        end = min(pause.last_day, last_day) if last_day else pause.last_day
        days.update(start + dt.timedelta(days=offset) for offset in range((end - start).days + 1))
    return frozenset(days)


def patient_paused_days(*, patient: User, until: dt.date) -> frozenset[dt.date]:
    """The patient's paused days up to `until` (one query)."""
    return paused_days(Pause.objects.filter(patient=patient, first_day__lte=until), last_day=until)


def pauses_by_patient(*, today_by_patient: dict[int, dt.date]) -> dict[int, list[Pause]]:
    """Each of these patients' pauses that began by their own today (one query)."""
    found = defaultdict(list)
    if not today_by_patient:
        return found
    last_today = max(today_by_patient.values())
    for pause in Pause.objects.filter(patient_id__in=list(today_by_patient), first_day__lte=last_today):
        if pause.first_day <= today_by_patient[pause.patient_id]:
            found[pause.patient_id].append(pause)
    return found


def paused_patient_ids(
    *, today_by_patient: dict[int, dt.date], pauses: dict[int, list[Pause]] | None = None
) -> set[int]:
    """Which of these patients are paused on their own today (one query, none when given their
    `pauses_by_patient`). The reminders' hook: a weekly reminder that comes due on a paused day is
    skipped (tracker/reminders/sending.py)."""
    if pauses is None:
        pauses = pauses_by_patient(today_by_patient=today_by_patient)
    return {
        patient_id
        for patient_id, today in today_by_patient.items()
        if any(pause.first_day <= today <= pause.last_day for pause in pauses.get(patient_id, ()))
    }
