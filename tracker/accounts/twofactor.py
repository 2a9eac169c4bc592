"""Optional TOTP two-factor authentication for clinicians and staff.

Staff must use it when OTP_REQUIRED_FOR_STAFF is on (the default when
DJANGO_DEBUG=0). Patients don't see it: their accounts hold only their own data.
"""

import io

import segno
from django.conf import settings
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.models import User

DEVICE_NAME = "Authenticator app"


def two_factor_offered(user: User) -> bool:
    return user.is_authenticated and (user.is_clinician or user.is_staff)


def two_factor_required(user: User) -> bool:
    return user.is_authenticated and user.is_staff and settings.OTP_REQUIRED_FOR_STAFF


def confirmed_device(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(*, user: User) -> TOTPDevice:
    """The unconfirmed device being set up (one at a time), created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirm_device(*, request, device: TOTPDevice, token: str) -> bool:
    """Confirm a new device with its first code; the session counts as verified."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
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
