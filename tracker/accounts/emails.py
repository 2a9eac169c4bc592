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
