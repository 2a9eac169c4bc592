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
