"""The account emails."""

from django.core.mail import EmailMultiAlternatives

from tracker.core.emails import build_message
from tracker.core.i18n import language_of
from tracker.models import User


def verification_email(*, user: User, verify_url: str, max_age_days: int) -> EmailMultiAlternatives:
    return build_message(
        template="verify-email",
        context={"first_name": user.first_name, "verify_url": verify_url, "max_age_days": max_age_days},
        to=user.email,
        language=language_of(user),
    )


def password_reset_email(*, user: User, reset_url: str, max_age_days: int) -> EmailMultiAlternatives:
    return build_message(
        template="password-reset",
        context={"email": user.email, "reset_url": reset_url, "max_age_days": max_age_days},
        to=user.email,
        language=language_of(user),
    )


def signup_attempt_email(*, user: User, login_url: str, reset_url: str) -> EmailMultiAlternatives:
    """To the owner of an address someone tried to sign up with. Nothing the other person typed."""
    return build_message(
        template="signup-attempt",
        context={"first_name": user.first_name, "email": user.email, "login_url": login_url, "reset_url": reset_url},
        to=user.email,
        language=language_of(user),
    )
