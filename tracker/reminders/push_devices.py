"""The devices a patient turned push reminders on for: checking what a browser sent, and
adding or removing its subscription.

The endpoint is a URL this site's workers will POST to, so it must be https on a known push
service (WEB_PUSH_SERVICE_HOSTS): a made-up endpoint must not turn the workers into a way to
reach other hosts. The keys must be what RFC 8291 needs: a P-256 public point and a 16-byte
auth secret.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tracker.models import PushSubscription, User, UserSession
from wellness.vapid import b64url_decode

ENDPOINT_MAX_LENGTH = 2048


class BadSubscription(ValueError):
    """What the browser sent can't be used; the message says why, for the page."""


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str
    auth: str


def known_push_service(host: str) -> bool:
    host = host.lower().rstrip(".")
    for allowed in settings.WEB_PUSH_SERVICE_HOSTS:
        allowed = allowed.lower()
        if host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:])):
            return True
    return False


def subscription_parse(data) -> Subscription:
    """A browser's PushSubscription.toJSON(), checked. Raises BadSubscription."""
    if not isinstance(data, dict):
        raise BadSubscription(_("Expected the browser's subscription as a JSON object."))
    endpoint = _endpoint(data.get("endpoint"))
    keys = data.get("keys")
    if not isinstance(keys, dict) or not isinstance(keys.get("p256dh"), str) or not isinstance(keys.get("auth"), str):
        raise BadSubscription(_("The subscription's keys are missing."))
    return Subscription(endpoint=endpoint, p256dh=_p256dh(keys["p256dh"]), auth=_auth(keys["auth"]))


def _endpoint(endpoint) -> str:
    if not isinstance(endpoint, str) or not endpoint:
        raise BadSubscription(_("The subscription has no endpoint."))
    if len(endpoint) > ENDPOINT_MAX_LENGTH:
        raise BadSubscription(_("The subscription's endpoint is too long."))
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
    except ValueError:
        raise BadSubscription(_("The subscription's endpoint is not a valid address.")) from None
    if parts.scheme != "https" or not host or parts.username or parts.password:
        raise BadSubscription(_("The subscription's endpoint must be an https address."))
    if not known_push_service(host):
        raise BadSubscription(_("The subscription's endpoint is not on a known push service."))
    return endpoint


def _p256dh(text: str) -> str:
    text = text.strip().rstrip("=")
    try:
        point = b64url_decode(text)
        if len(point) != 65:
            raise ValueError("not an uncompressed point")
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise BadSubscription(_("The subscription's p256dh key is not a P-256 public key.")) from None
    return text


def _auth(text: str) -> str:
    text = text.strip().rstrip("=")
    try:
        secret = b64url_decode(text)
    except ValueError:
        secret = b""
    if len(secret) != 16:
        raise BadSubscription(_("The subscription's auth key is not 16 bytes."))
    return text


def push_subscribe(*, user: User, session: UserSession, subscription: Subscription) -> PushSubscription:
    """Turn push reminders on for this device (this sign-in). A browser subscribing again keeps
    one row; one that another account used on this device moves to this account."""
    defaults = {"user": user, "session": session, "p256dh": subscription.p256dh, "auth": subscription.auth}
    try:
        with transaction.atomic():
            row, _ = PushSubscription.objects.update_or_create(endpoint=subscription.endpoint, defaults=defaults)
    except IntegrityError:  # the same browser twice at once: the other request made the row
        row = PushSubscription.objects.get(endpoint=subscription.endpoint)
        PushSubscription.objects.filter(pk=row.pk).update(**defaults)
    return row


def push_unsubscribe(*, user: User, endpoint: str) -> int:
    """Turn push reminders off for the device with this endpoint (the user's own only)."""
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def push_devices_count(*, user: User) -> int:
    return PushSubscription.objects.filter(user=user).count()


def push_endpoint_hashes(*, user: User) -> list[str]:
    """SHA-256 of each endpoint of the user's devices, hex, for the page's script to compare with."""
    endpoints = PushSubscription.objects.filter(user=user).values_list("endpoint", flat=True)
    return [hashlib.sha256(endpoint.encode()).hexdigest() for endpoint in endpoints]
