"""Patient accounts: sign-up and profile changes."""

from django.db import IntegrityError, transaction

from tracker.models import User


class EmailTaken(Exception):
    pass


def patient_signup(*, email: str, password: str, first_name: str = "", time_zone: str) -> User:
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email,
                password=password,
                first_name=first_name,
                time_zone=time_zone,
                role=User.Role.PATIENT,
            )
    except IntegrityError:
        # Two sign-ups racing for the same address: the unique constraint decides.
        raise EmailTaken(email) from None


def lockout_username(request, credentials) -> str:
    """The email that django-axes counts failures against: case-folded, so
    varying the case of an address can't buy more guesses."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().casefold()[:254]
