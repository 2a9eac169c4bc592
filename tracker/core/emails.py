"""Emails. One function per email; each renders a subject, a plain-text body
and an HTML body (extending templates/emails/base.html) into one multipart
message. Links are absolute, built from SITE_URL, since most emails are sent
outside any request."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from tracker.models import User


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def _message(*, template: str, context: dict, to: str, headers=None, connection=None) -> EmailMultiAlternatives:
    context = {**context, "site_url": settings.SITE_URL, "settings_url": absolute_url(reverse("settings"))}
    subject = " ".join(render_to_string(f"emails/{template}-subject.txt", context).split())
    text = render_to_string(f"emails/{template}-body-text.txt", context)
    html = render_to_string(f"emails/{template}-body-html.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {}, connection=connection)
    message.attach_alternative(html, "text/html")
    return message


def reminder_email(
    *,
    patient: User,
    days_logged: int,
    streak: int,
    teaser,
    checkin_url: str,
    unsubscribe_url: str,
    connection=None,
) -> EmailMultiAlternatives:
    """The weekly reminder. Counts only: never a value the patient logged."""
    return _message(
        template="reminder",
        context={
            "first_name": patient.first_name,
            "days_logged": days_logged,
            "streak": streak,
            "teaser": teaser,
            "checkin_url": checkin_url,
            "unsubscribe_url": unsubscribe_url,
        },
        to=patient.email,
        # RFC 8058 one-click unsubscribe: mail clients POST to the URL.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        connection=connection,
    )


def verification_email(*, user: User, verify_url: str, max_age_days: int) -> EmailMultiAlternatives:
    return _message(
        template="verify-email",
        context={"first_name": user.first_name, "verify_url": verify_url, "max_age_days": max_age_days},
        to=user.email,
    )
