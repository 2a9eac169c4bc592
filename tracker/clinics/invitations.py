"""Clinician invitations: an admin clinician sends a signed link that works once.

Each invitation is a ClinicianInvitation row; the emailed link carries its id with the clinic,
the invited email address and the inviter, signed with the site's secret key
(django.core.signing.TimestampSigner, salt SALT). The link works only for that email address,
only before it expires, only while the inviter is still an admin clinician of the clinic, and
only once: accepting it marks the row accepted in the same transaction as the membership, with a
conditional update. Admin clinicians and staff see pending invitations and can withdraw them.

Links sent before invitations were single-use carry no invitation id; they are refused with a
message asking for a new invitation (RETIRED_MESSAGE), since nothing could stop them being reused.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tracker.accounts.services import EmailTaken
from tracker.audit.services import audit_record
from tracker.core.emails import absolute_url
from tracker.core.i18n import language_of
from tracker.models import AuditEvent, Clinic, ClinicianInvitation, ClinicMembership, User

SALT = "tracker.invitations.clinician"
BAD_LINK_MESSAGE = _("This invitation link isn't valid. Check that you copied all of it, or ask for a new invitation.")
EXPIRED_MESSAGE = _("This invitation link has expired. Ask the clinic's admin clinician to send you a new one.")
WITHDRAWN_MESSAGE = _(
    "This invitation is no longer valid: whoever sent it can no longer invite clinicians to this clinic. "
    "Ask the clinic for a new invitation."
)
USED_MESSAGE = _(
    "This invitation has already been used. Each invitation link works once: ask the clinic for a new one."
)
WITHDRAWN_BY_CLINIC_MESSAGE = _("The clinic has withdrawn this invitation. Ask its admin clinician for a new one.")
STATE_MESSAGES = {"used": USED_MESSAGE, "withdrawn": WITHDRAWN_BY_CLINIC_MESSAGE, "expired": EXPIRED_MESSAGE}
RETIRED_MESSAGE = _(
    "This invitation link is from before invitations could be used only once, and no longer works. "
    "Ask the clinic's admin clinician to send you a new one."
)


class InvitationInvalid(Exception):
    """A bad, expired, used or withdrawn link; the message is shown as it is."""


class InvitationRefused(Exception):
    """A valid link this account cannot accept; the message says why."""


@dataclass(frozen=True)
class Invitation:
    pk: int
    clinic: Clinic
    email: str
    inviter: User


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.CLINICIAN_INVITE_MAX_AGE_DAYS)


def _admin_of(*, clinic: Clinic, user: User) -> bool:
    admins = ClinicMembership.objects.filter(clinic=clinic, is_admin=True, clinician__is_active=True)
    return admins.filter(clinician=user).exists()


def clinician_invite_token(*, invitation: ClinicianInvitation) -> str:
    return _signer().sign_object(
        {"c": invitation.clinic_id, "e": invitation.email, "i": invitation.invited_by_id, "n": invitation.pk}
    )


def clinician_invitation_create(*, inviter: User, clinic: Clinic, email: str) -> ClinicianInvitation:
    """A new pending invitation; any earlier one still pending for the address is withdrawn,
    so only the newest link works. Only an admin clinician may invite."""
    if not _admin_of(clinic=clinic, user=inviter):
        raise InvitationRefused(gettext("Only an admin clinician of this clinic can invite clinicians."))
    now = timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        ClinicianInvitation.objects.filter(clinic=clinic, email=email).filter(ClinicianInvitation.usable(now)).update(
            withdrawn_at=now, withdrawn_by=inviter
        )
        invitation = ClinicianInvitation.objects.create(
            clinic=clinic, email=email, invited_by=inviter, created_at=now, expires_at=now + max_age()
        )
        audit_record(actor=inviter, action=AuditEvent.Action.CLINICIAN_INVITED, clinic=clinic, invitation=invitation.pk)
    return invitation


def clinician_invite_send(*, inviter: User, clinic: Clinic, email: str) -> str:
    """Email `email` a link that works once; returns the link."""
    invitation = clinician_invitation_create(inviter=inviter, clinic=clinic, email=email)
    url = absolute_url(reverse("clinician_invitation", args=[clinician_invite_token(invitation=invitation)]))
    send_clinician_invitation(to=invitation.email, clinic=clinic, inviter=inviter, url=url)
    return url


def send_clinician_invitation(*, to: str, clinic: Clinic, inviter: User, url: str) -> None:
    """In the inviting clinician's language: the invitee has no account, so no language of their
    own yet; a clinic inviting a colleague writes to them in the language it works in. Their pages
    then follow their browser, and the account they create keeps the language they sign up in."""
    context = {"clinic": clinic, "inviter": inviter, "url": url, "days": max_age().days}
    with translation.override(language_of(inviter)):
        subject = " ".join(render_to_string("emails/clinician_invitation_subject.txt", context).split())
        text = render_to_string("emails/clinician_invitation.txt", context)
        html = render_to_string("emails/clinician_invitation.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def _claims(token: str) -> dict:
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
    if "n" not in data:
        raise InvitationInvalid(RETIRED_MESSAGE)
    if not isinstance(data["n"], int):
        raise InvitationInvalid(BAD_LINK_MESSAGE)
    return data


def clinician_invite_read(*, token: str) -> Invitation:
    data = _claims(token)
    row = (
        ClinicianInvitation.objects.select_related("clinic", "invited_by")
        .filter(pk=data["n"], clinic_id=data["c"], email=data["e"], invited_by_id=data["i"])
        .first()
    )
    if row is None:
        raise InvitationInvalid(BAD_LINK_MESSAGE)
    state = row.state(timezone.now())
    if state != "usable":
        raise InvitationInvalid(STATE_MESSAGES[state])
    if not _admin_of(clinic=row.clinic, user=row.invited_by):
        raise InvitationInvalid(WITHDRAWN_MESSAGE)
    return Invitation(pk=row.pk, clinic=row.clinic, email=row.email, inviter=row.invited_by)


def invited_account(*, invitation: Invitation) -> User | None:
    return User.objects.filter(email__iexact=invitation.email).first()


def clinician_invite_accept(*, invitation: Invitation, user: User) -> ClinicMembership:
    if user.email.lower() != invitation.email:
        raise InvitationRefused(
            gettext(
                "This invitation was sent to %(email)s. Log out, then open the link again and log in with that address."
            )
            % {"email": invitation.email}
        )
    if not user.is_clinician:
        raise InvitationRefused(
            gettext(
                "This invitation can only be accepted by a clinician account. Ask the clinic to invite "
                "a different email address, or contact the site's staff."
            )
        )
    now = timezone.now()
    with transaction.atomic():
        # Conditional: the link works once, even if it is opened twice at the same moment.
        pending = ClinicianInvitation.objects.filter(pk=invitation.pk).filter(ClinicianInvitation.usable(now))
        if not pending.update(used_at=now, used_by=user):
            raise InvitationRefused(USED_MESSAGE)
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


def clinician_invitations_pending(*, clinic: Clinic):
    """The clinic's invitations that can still be accepted, newest first."""
    return (
        ClinicianInvitation.objects.filter(clinic=clinic)
        .filter(ClinicianInvitation.usable(timezone.now()))
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


def clinician_invitation_withdraw(*, clinic: Clinic, user: User, invitation_id: int) -> bool:
    """Withdraw a pending invitation; False when there is none. Admin clinicians of the clinic only."""
    if not _admin_of(clinic=clinic, user=user):
        raise InvitationRefused(gettext("Only an admin clinician of this clinic can withdraw its invitations."))
    now = timezone.now()
    with transaction.atomic():
        pending = ClinicianInvitation.objects.filter(pk=invitation_id, clinic=clinic).filter(
            ClinicianInvitation.usable(now)
        )
        if not pending.update(withdrawn_at=now, withdrawn_by=user):
            return False
        audit_record(
            actor=user, action=AuditEvent.Action.CLINICIAN_INVITATION_WITHDRAWN, clinic=clinic, invitation=invitation_id
        )
    return True
