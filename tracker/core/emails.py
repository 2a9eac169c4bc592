"""Emails. One function per email; each renders a subject, a plain-text body
and an HTML body (extending templates/emails/base.html) into one multipart
message. Links are absolute, built from SITE_URL, since most emails are sent
outside any request. An email to a user is built in their language
(`language=language_of(user)`, tracker/core/i18n.py), whatever language the
request or worker that sends it is in."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def build_message(
    *, template: str, context: dict, to: str, language: str | None = None, headers=None, connection=None
) -> EmailMultiAlternatives:
    """The email `template` rendered in `language` (the active language when None)."""
    context = {**context, "site_url": settings.SITE_URL, "settings_url": absolute_url(reverse("settings"))}
    with translation.override(language or translation.get_language()):
        subject = " ".join(render_to_string(f"emails/{template}-subject.txt", context).split())
        text = render_to_string(f"emails/{template}-body-text.txt", context)
        html = render_to_string(f"emails/{template}-body-html.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {}, connection=connection)
    message.attach_alternative(html, "text/html")
    return message
