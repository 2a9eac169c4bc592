"""A Web Push service on loopback, for the tests and the benchmark (bench/push.py).

It checks what a real push service checks, and what a browser does with the message:

- the VAPID header (RFC 8292): `vapid t=<JWT>, k=<public key>`, the JWT signed ES256 by that key
  (and the key is the site's, when the service is told it), its `aud` the origin of the endpoint,
  `exp` in the future and at most 24 hours away, `sub` a mailto: or https: contact;
- the payload (RFC 8291, aes128gcm): it decrypts it with the private key and auth secret of the
  "browser" it made the subscription for, as the browser would.

Then it answers as told by the endpoint's path, /push/<status>/<device> (201, 404, 410, 429
with Retry-After, 500), or by `answers[device]` when a test changes its mind. A request that
fails a check gets 400/401/403 and is listed in `rejected`, with why. A GET of / gives the counts
of its answers; of /accepted, when it accepted each device's push (for the benchmark).

A device's keys come from (secret, device name) alone, so another process that knows the secret
(the benchmark's sender) can build the same subscriptions: `python -m tests.push_service`.
"""

import argparse
import base64
import contextlib
import hashlib
import hmac
import json
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
PATH = re.compile(r"^/push/(\d{3})/([\w.-]+)$")
DEFAULT_SECRET = b"push-service-stub"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def device_private_key(secret: bytes, device: str) -> ec.EllipticCurvePrivateKey:
    number = int.from_bytes(hmac.new(secret, b"key:" + device.encode(), hashlib.sha256).digest(), "big")
    return ec.derive_private_key(number % (P256_ORDER - 1) + 1, ec.SECP256R1())


def device_auth_secret(secret: bytes, device: str) -> bytes:
    return hmac.new(secret, b"auth:" + device.encode(), hashlib.sha256).digest()[:16]


def subscription_for(origin: str, device: str, *, answer: int = 201, secret: bytes = DEFAULT_SECRET) -> dict:
    """What a browser's PushSubscription.toJSON() would give for `device` on this service."""
    public = device_private_key(secret, device).public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return {
        "endpoint": f"{origin}/push/{answer}/{device}",
        "keys": {"p256dh": b64url(public), "auth": b64url(device_auth_secret(secret, device))},
    }


@dataclass(frozen=True)
class Push:
    device: str
    payload: bytes  # decrypted
    ttl: int
    answer: int

    def json(self) -> dict:
        return json.loads(self.payload)


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


class PushService:
    def __init__(self, *, vapid_public_key: str | None = None, secret: bytes = DEFAULT_SECRET, port: int = 0):
        self.vapid_public_key = vapid_public_key
        self.secret = secret
        self.received: list[Push] = []
        self.rejected: list[tuple[str, str]] = []
        self.answers: dict[str, int] = {}
        self.counts: Counter = Counter()
        self.accepted_at: dict[str, float] = {}  # device -> when its last 2xx answer was given (time.time())
        self.on_push = None  # a test's hook: called with the number of pushes answered, before the answer goes
        self.keep_payloads = True
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        self._verified: dict[str, tuple[str, dict]] = {}  # a JWT already checked: its key and claims
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.server.daemon_threads = True
        self.server.service = self
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = None

    def subscription(self, device: str, *, answer: int = 201) -> dict:
        return subscription_for(self.origin, device, answer=answer, secret=self.secret)

    def start(self) -> "PushService":
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- The checks ---------------------------------------------------------

    def handle(self, path: str, headers, body: bytes) -> tuple[int, dict]:
        match = PATH.match(path)
        if not match:
            raise Refused(404, f"no such endpoint {path}")
        device = match.group(2)
        self._check_vapid(headers.get("Authorization", ""))
        if headers.get("Content-Encoding", "").lower() != "aes128gcm":
            raise Refused(400, f"Content-Encoding must be aes128gcm, got {headers.get('Content-Encoding')!r}")
        try:
            ttl = int(headers.get("TTL", ""))
        except ValueError:
            raise Refused(400, "TTL header missing") from None
        payload = self._decrypt(device, body)
        with self._lock:
            answer = self.answers.get(device, int(match.group(1)))
            self.counts[answer] += 1
            if 200 <= answer < 300:
                self.accepted_at[device] = time.time()
            if self.keep_payloads:
                self.received.append(Push(device=device, payload=payload, ttl=ttl, answer=answer))
            answered = sum(self.counts.values())
        if self.on_push is not None:
            self.on_push(answered)
        return answer, ({"Retry-After": "1"} if answer == 429 else {})

    def _check_vapid(self, authorization: str) -> None:
        scheme, _, params = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise Refused(401, f"expected a vapid Authorization header, got {authorization[:40]!r}")
        fields = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
        token, key = fields.get("t", ""), fields.get("k", "")
        if self.vapid_public_key is not None and key != self.vapid_public_key.rstrip("="):
            raise Refused(403, "the VAPID key is not the application server key")
        cached = self._verified.get(token)
        if cached is None or cached[0] != key:
            claims = self._verify_jwt(token, key)
            self._verified[token] = (key, claims)
        else:
            claims = cached[1]
        now = time.time()
        if claims.get("aud") != self.origin:
            raise Refused(403, f"aud {claims.get('aud')!r} is not this service's origin {self.origin}")
        if not isinstance(claims.get("exp"), int) or not now < claims["exp"] <= now + 24 * 3600:
            raise Refused(403, f"exp {claims.get('exp')!r} is not within the next 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https://")):
            raise Refused(403, f"sub {claims.get('sub')!r} is not a mailto: or https: contact")

    @staticmethod
    def _verify_jwt(token: str, key: str) -> dict:
        try:
            header_b64, claims_b64, signature_b64 = token.split(".")
            header = json.loads(unb64url(header_b64))
            claims = json.loads(unb64url(claims_b64))
            signature = unb64url(signature_b64)
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        except ValueError as error:
            raise Refused(401, f"malformed VAPID token: {error}") from None
        if header.get("alg") != "ES256" or len(signature) != 64:
            raise Refused(401, f"the token must be ES256 with a 64-byte signature, got {header}")
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        try:
            public.verify(encode_dss_signature(r, s), f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise Refused(401, "the VAPID signature does not verify") from None
        return claims

    def _decrypt(self, device: str, body: bytes) -> bytes:
        with self._lock:
            if device not in self._keys:
                self._keys[device] = (device_private_key(self.secret, device), device_auth_secret(self.secret, device))
            private, auth = self._keys[device]
        try:
            return http_ece.decrypt(body, private_key=private, auth_secret=auth, version="aes128gcm")
        except Exception as error:  # http_ece raises several kinds for a body that does not decrypt
            raise Refused(400, f"the payload does not decrypt: {error!r}") from None

    def stats(self) -> dict:
        with self._lock:
            return {"answers": dict(self.counts), "rejected": len(self.rejected)}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real push services allow

    def do_POST(self):
        service = self.server.service
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            status, headers = service.handle(self.path, self.headers, body)
        except Refused as refused:
            with service._lock:
                service.rejected.append((self.path, str(refused)))
            status, headers = refused.status, {}
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        service = self.server.service
        if self.path == "/accepted":  # for the benchmark's measure of the crash window
            with service._lock:
                body = json.dumps(service.accepted_at).encode()
        else:
            body = json.dumps(service.stats()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main() -> None:
    """Serve until killed (the benchmark runs it in its own process): prints the origin."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--vapid-public-key", default=None)
    parser.add_argument("--secret", default=DEFAULT_SECRET.decode())
    args = parser.parse_args()
    service = PushService(vapid_public_key=args.vapid_public_key, secret=args.secret.encode())
    service.keep_payloads = False
    print(service.origin, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        service.server.serve_forever(poll_interval=0.05)
    sys.exit(0)


if __name__ == "__main__":
    main()
