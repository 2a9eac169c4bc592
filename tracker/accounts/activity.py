"""An account's own activity, as its owner reads it on Settings -> Account activity.

Read from the audit log: the events the account did (actor) and the failed sign-ins and lockouts
that name it (metadata["account"]), newest first, a page at a time, each told in words. Nothing
about anyone else: a clinician sees their own dashboard views, never who else looked; a patient
never sees which clinician did what (tracker/clinics/counted_views.py counts, it never names).
No IP address is shown: the audit log keeps none.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.accounts.browsers import Browser
from tracker.core.l10n import day_text
from tracker.models import AuditEvent, User

PER_PAGE = 25
A = AuditEvent.Action
# The downloads of tracker/privacy/views.py, as the page and the emails name them.
EXPORT_FORMATS = {"json": "JSON", "csv": gettext_lazy("CSV (a ZIP of spreadsheets)"), "fhir": "FHIR"}


@dataclass(frozen=True)
class ActivityItem:
    at: dt.datetime
    what: str
    detail: str = ""  # the browser, a period, how many
    attention: bool = False  # a failed sign-in, a lockout, a password without its code: worth a look


def account_events(*, user: User):
    """The account's own events, newest first. The codes entered at sign-in are told with their
    sign-in, not on their own."""
    return (
        AuditEvent.objects.filter(Q(actor_ref=user.pk) | Q(metadata__account=user.pk))
        .exclude(action=A.TWO_FACTOR_PASSED)
        .select_related("clinic")
        .order_by("-at", "-id")
    )


def account_activity_page(*, user: User, page_number) -> tuple[Page, list[ActivityItem]]:
    """One page of the account's activity: three queries (count, page, codes entered)."""
    page = Paginator(account_events(user=user), PER_PAGE).get_page(page_number)
    events = list(page.object_list)
    completed = _sign_ins_completed(user=user, events=events)
    return page, [_describe(event, completed=completed) for event in events]


def _sign_ins_completed(*, user: User, events: list) -> set:
    """Of the sign-ins on this page that asked for a two-factor code, those where it was entered."""
    asked = [e.pk for e in events if e.action == A.LOGGED_IN and e.metadata.get("two_factor")]
    if not asked:
        return set()
    return set(
        AuditEvent.objects.filter(
            actor_ref=user.pk, action=A.TWO_FACTOR_PASSED, metadata__sign_in__in=asked
        ).values_list("metadata__sign_in", flat=True)
    )


def _clinic(event) -> str:
    return event.clinic.name if event.clinic else _("a clinic that no longer exists")


def _period(event) -> str:
    first, last = event.metadata.get("first_week"), event.metadata.get("last_week")
    if not (first and last):
        return ""
    first, last = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return _("the weeks of %(first)s to %(last)s") % {
        "first": day_text(first, "MEDIUM_DATE_FORMAT"),
        "last": day_text(last, "MEDIUM_DATE_FORMAT"),
    }


def _browser(event, key: str = "browser") -> str:
    """The browser an event names, in the reader's words; "" when it names none."""
    browser = Browser.from_metadata(event.metadata, key)
    return str(browser) if browser else ""


def _sign_in(event, completed: set) -> ActivityItem:
    browser = _browser(event)
    if not event.metadata.get("two_factor"):
        return ActivityItem(event.at, _("Signed in"), browser)
    if event.pk in completed:
        return ActivityItem(event.at, _("Signed in with a two-factor code"), browser)
    return ActivityItem(event.at, _("Password entered, but no two-factor code"), browser, attention=True)


def _locked_out(event, completed: set) -> ActivityItem:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    what = _("Sign-in paused for %(minutes)s minutes after %(failures)s wrong passwords") % {
        "minutes": minutes,
        "failures": settings.AXES_FAILURE_LIMIT,
    }
    return ActivityItem(event.at, what, attention=True)


def _session_ended(event, completed: set) -> ActivityItem:
    what = _("Signed out %(ended)s") % {"ended": _browser(event, "ended")}
    return ActivityItem(event.at, what, _browser(event))


def _exported(event, completed: set) -> ActivityItem:
    what = _("Downloaded your data as %(format)s") % {"format": EXPORT_FORMATS.get(event.metadata.get("format"), "")}
    return ActivityItem(event.at, what, _browser(event))


def _join_codes(event, completed: set) -> ActivityItem:
    values = {"clinic": _clinic(event), "count": event.metadata.get("count", 0)}
    if event.clinic_ref is None:  # withdrawn by staff in the admin, across clinics
        return ActivityItem(event.at, _("Withdrew %(count)s unused join codes in the admin") % values)
    return ActivityItem(event.at, CLINIC_SENTENCES[event.action] % values)


def _clinic_event(event, completed: set) -> ActivityItem:
    what = CLINIC_SENTENCES[event.action] % {"clinic": _clinic(event)}
    return ActivityItem(event.at, what, _period(event))


def _describe(event, *, completed: set) -> ActivityItem:
    describe = DESCRIBE.get(event.action)
    if describe is not None:
        return describe(event, completed)
    attention = event.action == A.LOGIN_FAILED
    what = SENTENCES.get(event.action, event.get_action_display())
    return ActivityItem(event.at, what, _browser(event), attention=attention)


SENTENCES = {
    # At the login form or on "Confirm your password": both count towards the same lockout.
    A.LOGIN_FAILED: gettext_lazy("Wrong password entered"),
    A.PASSWORD_CHANGED: gettext_lazy("Password changed"),
    A.PASSWORD_RESET: gettext_lazy("Password reset with a link from an email"),
    A.SIGNED_OUT_EVERYWHERE: gettext_lazy("Signed out everywhere"),
    A.TWO_FACTOR_ON: gettext_lazy("Two-factor authentication turned on"),
    A.TWO_FACTOR_OFF: gettext_lazy("Two-factor authentication turned off"),
}
CLINIC_SENTENCES = {
    A.CLINIC_JOINED: gettext_lazy("Joined %(clinic)s"),
    A.CLINIC_LEFT: gettext_lazy("Left %(clinic)s"),
    A.CLINICIAN_JOINED: gettext_lazy("Joined %(clinic)s as a clinician"),
    A.CLINICIAN_INVITED: gettext_lazy("Invited a clinician to %(clinic)s"),
    A.CLINICIAN_INVITATION_WITHDRAWN: gettext_lazy("Withdrew an invitation to %(clinic)s"),
    A.DASHBOARD_VIEWED: gettext_lazy("Opened the dashboard of %(clinic)s"),
    A.DASHBOARD_EXPORTED: gettext_lazy("Downloaded the figures of %(clinic)s as CSV"),
    A.JOIN_CODES_ISSUED: gettext_lazy("Issued %(count)s join codes for %(clinic)s"),
    A.JOIN_CODES_WITHDRAWN: gettext_lazy("Withdrew %(count)s unused join codes of %(clinic)s"),
}
DESCRIBE = {
    A.LOGGED_IN: _sign_in,
    A.LOCKED_OUT: _locked_out,
    A.SESSION_ENDED: _session_ended,
    A.DATA_EXPORTED: _exported,
    A.JOIN_CODES_ISSUED: _join_codes,
    A.JOIN_CODES_WITHDRAWN: _join_codes,
    **dict.fromkeys(set(CLINIC_SENTENCES) - {A.JOIN_CODES_ISSUED, A.JOIN_CODES_WITHDRAWN}, _clinic_event),
}
