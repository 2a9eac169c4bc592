"""Checking the VAPID settings at start-up, without importing the push library.

VAPID_PUBLIC_KEY is the P-256 public key as the browser's applicationServerKey takes it (65 bytes,
uncompressed, base64url); VAPID_PRIVATE_KEY is its 32-byte private number (base64url);
VAPID_SUBJECT is a contact the push services can reach: a mailto: or https: URL.
"""

import base64
import binascii


def b64url_decode(text: str) -> bytes:
    """base64url with or without padding; ValueError on anything else."""
    if not text or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=" for c in text):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64url") from error


def public_key_of(private_raw: bytes) -> bytes:
    """The uncompressed public key of a raw P-256 private number."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = ec.derive_private_key(int.from_bytes(private_raw, "big"), ec.SECP256R1())
    return key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def vapid_problem(*, public: str, private: str, subject: str) -> str:
    """What is wrong with the three VAPID settings, or "" when all are right or all are unset."""
    given = [name for name, value in (("VAPID_PUBLIC_KEY", public), ("VAPID_PRIVATE_KEY", private),
                                      ("VAPID_SUBJECT", subject)) if value]  # fmt: skip
    if not given:
        return ""
    if len(given) < 3:
        missing = sorted({"VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"} - set(given))
        return (
            f"Web Push is half configured: {', '.join(given)} set but {', '.join(missing)} not. "
            "Set all three (python manage.py vapid_keys makes a key pair) or none."
        )
    try:
        public_raw = b64url_decode(public)
    except ValueError:
        public_raw = b""
    if len(public_raw) != 65 or public_raw[0] != 4:
        return "VAPID_PUBLIC_KEY must be an uncompressed P-256 public key in base64url (87 characters)."
    try:
        private_raw = b64url_decode(private)
    except ValueError:
        private_raw = b""
    if len(private_raw) != 32:
        return "VAPID_PRIVATE_KEY must be a 32-byte P-256 private key in base64url (43 characters)."
    try:
        matches = public_key_of(private_raw) == public_raw
    except ValueError:
        return "VAPID_PRIVATE_KEY is not a valid P-256 private key."
    if not matches:
        return "VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY: set the pair printed together."
    if not subject.startswith(("mailto:", "https://")):
        return f"VAPID_SUBJECT must be a mailto: or https:// address the push services can contact; got {subject!r}."
    return ""
