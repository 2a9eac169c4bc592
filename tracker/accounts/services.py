"""Patient accounts: sign-up, profile changes and email verification."""

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from tracker.accounts.emails import password_reset_email, signup_attempt_email, verification_email
from tracker.core.emails import absolute_url
from tracker.core.i18n import supported_or_default
from tracker.core.time import patient_today
from tracker.core.tokens import BadToken, email_verification_claims, email_verification_token
from tracker.models import User

logger = logging.getLogger(__name__)

PROFILE_FIELDS = (
    "first_name",
    "time_zone",
    "reminders_enabled",
    "reminder_cadence",
    "reminder_days",
    "reminder_weekday",
    "reminder_hour",
)
# Turning reminders on, or changing when they come, starts the gentle back-off afresh.
REMINDER_SCHEDULE = ("reminders_enabled", "reminder_cadence", "reminder_days", "reminder_weekday", "reminder_hour")


class EmailTaken(Exception):
    """A clinician's sign-up from an invitation found the address taken."""


class VerificationRefused(Exception):
    """A verification link that verifies nothing; the message says why."""


@dataclass(frozen=True)
class SignupOutcome:
    user_id: int
    new: bool  # False: the address already had an account, which is left as it was


def patient_signup(
    *,
    email: str,
    password: str,
    first_name: str = "",
    time_zone: str,
    reminders_enabled: bool = False,
    language: str = settings.LANGUAGE_CODE,
) -> SignupOutcome:
    """Create a patient account, unless the address already has one.

    The caller answers the same either way (so a sign-up can't tell who has an account here) and
    sends one email either way (signup_email_send). The work is the same too: the password is
    hashed, an INSERT is tried in a savepoint (refused by the unique email constraint when the
    address is known) and the account's id is read back.
    """
    user = User(
        email=User.objects.normalize_email(email),
        first_name=first_name,
        time_zone=time_zone,
        role=User.Role.PATIENT,
        reminders_enabled=reminders_enabled,
        language=supported_or_default(language),
    )
    user.reminders_since = patient_today(patient=user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
            new = True
    except IntegrityError:
        new = False
    user_id = User.objects.filter(email__iexact=user.email).values_list("pk", flat=True).get()
    return SignupOutcome(user_id=user_id, new=new)


def signup_email_send(*, user_id: int, new: bool) -> bool:
    """After a sign-up: a new account gets its verification link; an address that already had one
    is told that someone tried to sign up with it (nothing of what they typed)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    if new:
        return verification_email_send(user=user)
    message = signup_attempt_email(
        user=user,
        login_url=absolute_url(reverse("login")),
        reset_url=absolute_url(reverse("password_reset")),
    )
    return _send(message, what="the sign-up attempt email", user_id=user.pk)


def _send(message, *, what: str, user_id: int) -> bool:
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not send %s to user %s", what, user_id)
        return False
    return True


def lockout_username(request, credentials) -> str:
    """The email that django-axes counts failures against: case-folded, so
    varying the case of an address can't buy more guesses."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().casefold()[:254]


def profile_update(*, user: User, values: dict) -> None:
    """Save the settings page: name, time zone and reminder preferences."""
    stored = User.objects.filter(pk=user.pk).values(*REMINDER_SCHEDULE).get()
    fields = [name for name in PROFILE_FIELDS if name in values]
    for name in fields:
        setattr(user, name, values[name])
    if user.reminders_enabled and any(getattr(user, name) != stored[name] for name in REMINDER_SCHEDULE):
        user.reminders_since = patient_today(patient=user)
        fields.append("reminders_since")
    user.save(update_fields=fields)


def verification_email_send(*, user: User) -> bool:
    """Email `user` a signed link that verifies their address.

    Returns False (and logs) when the mail server refused or could not be
    reached; the patient can resend from the settings page.
    """
    token = email_verification_token(user=user)
    message = verification_email(
        user=user,
        verify_url=absolute_url(reverse("verify_email", args=[token])),
        max_age_days=settings.EMAIL_VERIFICATION_MAX_AGE_DAYS,
    )
    return _send(message, what="the verification email", user_id=user.pk)


def password_reset_send(*, email: str) -> int:
    """Email a reset link to each active account with this address (at most one); returns how many.

    Run by a task, outside the request (tracker.tasks.send_password_reset), so the reset page takes
    the same time for a known and an unknown address. The link is built from SITE_URL, never from
    the request's Host header, which a client chooses. Like Django's own reset, accounts without a
    usable password get nothing.
    """
    sent = 0
    for user in User.objects.filter(email__iexact=email, is_active=True):
        if not user.has_usable_password():
            continue
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        message = password_reset_email(
            user=user,
            reset_url=absolute_url(reverse("password_reset_confirm", args=[uid, token])),
            max_age_days=settings.PASSWORD_RESET_TIMEOUT // 86400,
        )
        sent += _send(message, what="the password reset email", user_id=user.pk)
    return sent


def email_verify(*, token: str) -> User:
    """Mark the address in `token` verified. Raises VerificationRefused."""
    max_age = dt.timedelta(days=settings.EMAIL_VERIFICATION_MAX_AGE_DAYS)
    try:
        claims = email_verification_claims(token, max_age=max_age)
    except BadToken as refused:
        if refused.expired:
            expired = _("This verification link has expired. Log in and send a new one from Settings.")
            raise VerificationRefused(expired) from None
        raise VerificationRefused(str(refused)) from None
    user = User.objects.filter(pk=claims.get("u"), is_active=True).first() if isinstance(claims, dict) else None
    if user is None or user.email.lower() != claims.get("e"):
        raise VerificationRefused(_("This verification link is not for a current account address."))
    if user.email_verified_at is None:
        # Conditional, so following the link twice keeps the first time.
        User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=timezone.now())
        user.refresh_from_db(fields=["email_verified_at"])
    return user
