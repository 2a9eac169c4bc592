"""Patient accounts: sign-up, profile changes and email verification."""

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tracker.accounts.emails import verification_email
from tracker.core.emails import absolute_url
from tracker.core.i18n import supported_or_default
from tracker.core.tokens import BadToken, email_verification_claims, email_verification_token
from tracker.models import User

logger = logging.getLogger(__name__)

PROFILE_FIELDS = ("first_name", "time_zone", "reminders_enabled", "reminder_weekday", "reminder_hour")


class EmailTaken(Exception):
    pass


class VerificationRefused(Exception):
    """A verification link that verifies nothing; the message says why."""


def patient_signup(
    *,
    email: str,
    password: str,
    first_name: str = "",
    time_zone: str,
    reminders_enabled: bool = False,
    language: str = settings.LANGUAGE_CODE,
) -> User:
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email,
                password=password,
                first_name=first_name,
                time_zone=time_zone,
                role=User.Role.PATIENT,
                reminders_enabled=reminders_enabled,
                language=supported_or_default(language),
            )
    except IntegrityError:
        # Two sign-ups racing for the same address: the unique constraint decides.
        raise EmailTaken(email) from None


def lockout_username(request, credentials) -> str:
    """The email that django-axes counts failures against: case-folded, so
    varying the case of an address can't buy more guesses."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().casefold()[:254]


def profile_update(*, user: User, values: dict) -> None:
    """Save the settings page: name, time zone and reminder preferences."""
    for name in PROFILE_FIELDS:
        if name in values:
            setattr(user, name, values[name])
    user.save(update_fields=[name for name in PROFILE_FIELDS if name in values])


def verification_email_send(*, user: User) -> bool:
    """Email `user` a signed link that verifies their address.

    Sent inside the web request, never through the broker, so sign-up works
    with Redis down. Returns False (and logs) when the mail server refused
    or could not be reached; the patient can resend from the settings page.
    """
    token = email_verification_token(user=user)
    message = verification_email(
        user=user,
        verify_url=absolute_url(reverse("verify_email", args=[token])),
        max_age_days=settings.EMAIL_VERIFICATION_MAX_AGE_DAYS,
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send the verification email to user %s", user.pk)
        return False
    return True


def email_verify(*, token: str) -> User:
    """Mark the address in `token` verified. Raises VerificationRefused."""
    max_age = dt.timedelta(days=settings.EMAIL_VERIFICATION_MAX_AGE_DAYS)
    try:
        claims = email_verification_claims(token, max_age=max_age)
    except BadToken as refused:
        hint = " Log in and send a new one from Settings." if refused.expired else ""
        raise VerificationRefused(f"{refused}{hint}") from None
    user = User.objects.filter(pk=claims.get("u"), is_active=True).first() if isinstance(claims, dict) else None
    if user is None or user.email.lower() != claims.get("e"):
        raise VerificationRefused("This verification link is not for a current account address.")
    if user.email_verified_at is None:
        # Conditional, so following the link twice keeps the first time.
        User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=timezone.now())
        user.refresh_from_db(fields=["email_verified_at"])
    return user
