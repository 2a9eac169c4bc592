"""The one-click unsubscribe link in every reminder (RFC 8058): its URL and turning reminders off."""

from django.urls import reverse
from django.utils.translation import gettext

from tracker.core.emails import absolute_url
from tracker.core.tokens import BadToken, unsubscribe_patient_id, unsubscribe_token
from tracker.models import User


def unsubscribe_url(*, patient_id: int) -> str:
    return absolute_url(reverse("reminders_unsubscribe", args=[unsubscribe_token(patient_id=patient_id)]))


def unsubscribe_patient(*, token: str) -> User:
    """The patient a one-click unsubscribe link belongs to. Raises BadToken."""
    patient = User.objects.filter(pk=unsubscribe_patient_id(token)).first()
    if patient is None:
        raise BadToken(gettext("This unsubscribe link is not for a current account."))
    return patient


def reminders_unsubscribe(*, token: str) -> User:
    """Turn off the reminder email for the patient in `token`. Raises BadToken."""
    patient = unsubscribe_patient(token=token)
    User.objects.filter(pk=patient.pk).update(reminders_enabled=False)
    patient.reminders_enabled = False
    return patient
