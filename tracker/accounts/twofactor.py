"""TOTP two-factor authentication for clinicians and staff.

Staff must use it when OTP_REQUIRED_FOR_STAFF is on, clinicians when
OTP_REQUIRED_FOR_CLINICIANS is on (both the default when DJANGO_DEBUG=0: a
clinician's dashboard is sensitive). Patients don't see it: their accounts
hold only their own data.

Setting it up shows a new secret each time, held for this session only and
discarded if not confirmed within SETUP_TIME, so a secret someone once saw
(on a shared screen, in another session) can never be confirmed later.
Turning it on or off asks for the password (the forms check it).
"""

import datetime as dt
import io

import segno
from django.conf import settings
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.models import User

DEVICE_NAME = "Authenticator app"
SETUP_TIME = dt.timedelta(minutes=10)
PENDING_SESSION_KEY = "two_factor_pending"


def two_factor_offered(user: User) -> bool:
    return user.is_authenticated and (user.is_clinician or user.is_staff)


def two_factor_required(user: User) -> bool:
    if not user.is_authenticated:
        return False
    return (user.is_staff and settings.OTP_REQUIRED_FOR_STAFF) or (
        user.is_clinician and settings.OTP_REQUIRED_FOR_CLINICIANS
    )


def confirmed_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def setup_start(*, request) -> TOTPDevice:
    """A new secret for this setup, held by this session; every earlier unconfirmed one is discarded."""
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    request.session[PENDING_SESSION_KEY] = device.pk
    return device


def setup_pending(*, request) -> TOTPDevice | None:
    """This session's secret being set up, while younger than SETUP_TIME; None otherwise."""
    pk = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pk, int):
        return None
    device = TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first()
    if device is None or device.created_at is None or timezone.now() - device.created_at > SETUP_TIME:
        return None
    return device


def confirm_device(*, request, device: TOTPDevice, token: str) -> bool:
    """Confirm this session's new device with its first code; the session counts as verified."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    request.session.pop(PENDING_SESSION_KEY, None)
    otp_login(request, device)
    return True


def verify_session(*, request, token: str) -> bool:
    device = match_token(request.user, token.strip())
    if device is None:
        return False
    otp_login(request, device)
    return True


def disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code, with no inline styles (CSP)."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        out, kind="svg", xmldecl=False, svgclass="qr-code", lineclass=None, omitsize=True, border=2
    )
    return out.getvalue().decode()


def secret_for_manual_entry(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
