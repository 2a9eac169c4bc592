"""Emails. One function per email; each renders a subject, a plain-text body
and an HTML body (extending templates/emails/base.html) into one multipart
message. Links are absolute, built from SITE_URL, since most emails are sent
outside any request."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def build_message(*, template: str, context: dict, to: str, headers=None, connection=None) -> EmailMultiAlternatives:
    context = {**context, "site_url": settings.SITE_URL, "settings_url": absolute_url(reverse("settings"))}
    subject = " ".join(render_to_string(f"emails/{template}-subject.txt", context).split())
    text = render_to_string(f"emails/{template}-body-text.txt", context)
    html = render_to_string(f"emails/{template}-body-html.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {}, connection=connection)
    message.attach_alternative(html, "text/html")
    return message
