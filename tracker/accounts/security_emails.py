"""The security emails: one function each, built from the audit event they announce.

Each says what happened, when (in the user's own time zone: the caller activates it), from which
browser, and what to do if it wasn't them (templates/includes/security_email_not_you.*). Never a
health value. Sent by tracker/accounts/notices.py.
"""

from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext_lazy as _

from tracker.accounts.activity import EXPORT_FORMATS
from tracker.accounts.browsers import Browser
from tracker.core.emails import build_message
from tracker.core.i18n import language_of
from tracker.models import AuditEvent, User


def _message(template: str, *, user: User, event: AuditEvent, links: dict, **extra) -> EmailMultiAlternatives:
    context = {
        "first_name": user.first_name,
        "when": event.at,
        "time_zone": user.time_zone.replace("_", " "),
        # Put in words when the email is rendered, in the reader's language.
        "browser": Browser.from_metadata(event.metadata) or Browser(),
        **links,
        **extra,
    }
    return build_message(template=template, context=context, to=user.email, language=language_of(user))


def new_browser_email(*, user: User, event: AuditEvent, links: dict) -> EmailMultiAlternatives:
    """A sign-in from a browser not seen on this account lately (tracker/accounts/sign_ins.py)."""
    return _message("security-new-browser", user=user, event=event, links=links)


def password_changed_email(*, user: User, event: AuditEvent, links: dict) -> EmailMultiAlternatives:
    return _message("security-password-changed", user=user, event=event, links=links)


def password_was_reset_email(*, user: User, event: AuditEvent, links: dict) -> EmailMultiAlternatives:
    return _message("security-password-reset", user=user, event=event, links=links)


def two_factor_on_email(*, user: User, event: AuditEvent, links: dict) -> EmailMultiAlternatives:
    return _message("security-two-factor-on", user=user, event=event, links=links)


def two_factor_off_email(*, user: User, event: AuditEvent, links: dict) -> EmailMultiAlternatives:
    return _message("security-two-factor-off", user=user, event=event, links=links)


def data_exported_email(*, user: User, event: AuditEvent, links: dict) -> EmailMultiAlternatives:
    export_format = EXPORT_FORMATS.get(event.metadata.get("format"), _("a file"))
    return _message("security-data-exported", user=user, event=event, links=links, export_format=export_format)
