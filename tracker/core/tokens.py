"""Signed tokens carried in email links.

Each purpose has its own salt, so a token made for one link (say, email
verification) is refused by every other (say, unsubscribe). Tokens carry ids,
never anything a patient logged.
"""

import datetime as dt

from django.core import signing
from django.utils.translation import gettext as _

from tracker.models import User

EMAIL_VERIFICATION_SALT = "tracker.accounts.email-verification"
UNSUBSCRIBE_SALT = "tracker.reminders.unsubscribe"


class BadToken(Exception):
    """A token that was tampered with, made for another purpose, or expired."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


def email_verification_token(*, user: User) -> str:
    # The address is signed too: a link sent to an old address cannot verify a new one.
    return signing.TimestampSigner(salt=EMAIL_VERIFICATION_SALT).sign_object({"u": user.pk, "e": user.email.lower()})


def email_verification_claims(token: str, *, max_age: dt.timedelta) -> dict:
    try:
        return signing.TimestampSigner(salt=EMAIL_VERIFICATION_SALT).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired:
        raise BadToken(_("This verification link has expired."), expired=True) from None
    except (signing.BadSignature, ValueError):
        raise BadToken(_("This verification link is not valid.")) from None


def unsubscribe_token(*, patient_id: int) -> str:
    # No expiry: a link in a months-old email must still unsubscribe.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": patient_id})


def unsubscribe_patient_id(token: str) -> int:
    try:
        claims = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        raise BadToken(_("This unsubscribe link is not valid.")) from None
    if not isinstance(claims, dict) or not isinstance(claims.get("u"), int):
        raise BadToken(_("This unsubscribe link is not valid."))
    return claims["u"]
