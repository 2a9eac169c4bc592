"""Clinician invitations: an admin clinician sends a signed link that expires.

The link carries the clinic, the invited email address and the inviter,
signed with the site's secret key (django.core.signing.TimestampSigner). It
works only for that email address, only before it expires, and only while
the inviter is still an admin clinician of the clinic.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from tracker.accounts.services import EmailTaken
from tracker.audit.services import audit_record
from tracker.models import AuditEvent, Clinic, ClinicMembership, User

SALT = "tracker.invitations.clinician"
BAD_LINK_MESSAGE = "This invitation link isn't valid. Check that you copied all of it, or ask for a new invitation."
EXPIRED_MESSAGE = "This invitation link has expired. Ask the clinic's admin clinician to send you a new one."
WITHDRAWN_MESSAGE = (
    "This invitation is no longer valid: whoever sent it can no longer invite clinicians to this clinic. "
    "Ask the clinic for a new invitation."
)


class InvitationInvalid(Exception):
    """A bad, expired or withdrawn link; the message is shown as it is."""


class InvitationRefused(Exception):
    """A valid link this account cannot accept; the message says why."""


@dataclass(frozen=True)
class Invitation:
    clinic: Clinic
    email: str
    inviter: User


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.CLINICIAN_INVITE_MAX_AGE_DAYS)


def clinician_invite_token(*, inviter: User, clinic: Clinic, email: str) -> str:
    return _signer().sign_object({"c": clinic.pk, "e": email.strip().lower(), "i": inviter.pk})


def clinician_invite_send(*, inviter: User, clinic: Clinic, email: str) -> str:
    """Email a link to `email`; returns the link. Only an admin clinician may invite."""
    if not ClinicMembership.objects.filter(clinic=clinic, clinician=inviter, is_admin=True).exists():
        raise InvitationRefused("Only an admin clinician of this clinic can invite clinicians.")
    token = clinician_invite_token(inviter=inviter, clinic=clinic, email=email)
    url = settings.SITE_URL + reverse("clinician_invitation", args=[token])
    send_clinician_invitation(to=email, clinic=clinic, inviter=inviter, url=url)
    audit_record(actor=inviter, action=AuditEvent.Action.CLINICIAN_INVITED, clinic=clinic)
    return url


def send_clinician_invitation(*, to: str, clinic: Clinic, inviter: User, url: str) -> None:
    context = {"clinic": clinic, "inviter": inviter, "url": url, "days": max_age().days}
    subject = render_to_string("emails/clinician_invitation_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/clinician_invitation.txt", context),
        to=[to],
    )
    message.attach_alternative(render_to_string("emails/clinician_invitation.html", context), "text/html")
    message.send()


def clinician_invite_read(*, token: str) -> Invitation:
    try:
        data = _signer().unsign_object(token, max_age=max_age())
    except signing.SignatureExpired:
        raise InvitationInvalid(EXPIRED_MESSAGE) from None
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        raise InvitationInvalid(BAD_LINK_MESSAGE) from None
    if not (
        isinstance(data, dict)
        and isinstance(data.get("c"), int)
        and isinstance(data.get("i"), int)
        and isinstance(data.get("e"), str)
    ):
        raise InvitationInvalid(BAD_LINK_MESSAGE)
    membership = (
        ClinicMembership.objects.select_related("clinic", "clinician")
        .filter(clinic_id=data["c"], clinician_id=data["i"], is_admin=True, clinician__is_active=True)
        .first()
    )
    if membership is None:
        raise InvitationInvalid(WITHDRAWN_MESSAGE)
    return Invitation(clinic=membership.clinic, email=data["e"], inviter=membership.clinician)


def invited_account(*, invitation: Invitation) -> User | None:
    return User.objects.filter(email__iexact=invitation.email).first()


def clinician_invite_accept(*, invitation: Invitation, user: User) -> ClinicMembership:
    if user.email.lower() != invitation.email:
        raise InvitationRefused(
            f"This invitation was sent to {invitation.email}. Log out, then open the link again "
            "and log in with that address."
        )
    if not user.is_clinician:
        raise InvitationRefused(
            "This invitation can only be accepted by a clinician account. Ask the clinic to invite "
            "a different email address, or contact the site's staff."
        )
    membership, created = ClinicMembership.objects.get_or_create(clinic=invitation.clinic, clinician=user)
    if created:
        audit_record(actor=user, action=AuditEvent.Action.CLINICIAN_JOINED, clinic=invitation.clinic)
    return membership


def clinician_signup(*, invitation: Invitation, password: str, first_name: str, time_zone: str) -> User:
    """Create the invited clinician's account and accept the invitation."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                first_name=first_name,
                time_zone=time_zone,
                role=User.Role.CLINICIAN,
            )
            clinician_invite_accept(invitation=invitation, user=user)
    except IntegrityError:
        raise EmailTaken(invitation.email) from None
    return user
