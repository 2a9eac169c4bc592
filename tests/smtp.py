"""A real SMTP server for the tests: aiosmtpd on a loopback port in 8600-8699.

It keeps every message it accepts, and can refuse chosen recipients with a
chosen reply (say "550 5.1.1 No such user") to exercise failures. A test can
also run something of its own on each message, before the server answers
"250" (say, cut the sender's database connection).
"""

import email
import logging
import threading
from collections import Counter
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

PORTS = range(8600, 8700)
# aiosmtpd logs every SMTP command at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes

    def parsed(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=policy.default)


class SmtpSink:
    def __init__(self):
        self.received: list[Received] = []
        self.refuse: dict[str, str] = {}
        # Called with the number of messages received so far, before the "250" reply.
        self.on_message = None
        self._lock = threading.Lock()
        self.controller = None

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.content))
            count = len(self.received)
        if self.on_message:
            self.on_message(count)
        return "250 Message accepted for delivery"

    def start(self) -> int:
        for port in PORTS:
            controller = Controller(self, hostname="127.0.0.1", port=port)
            try:
                controller.start()
            except (OSError, RuntimeError):
                continue
            self.controller = controller
            return port
        raise RuntimeError("No free port for the test SMTP server in 8600-8699")

    def stop(self):
        if self.controller:
            self.controller.stop()

    @property
    def port(self) -> int:
        return self.controller.port

    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [r.parsed() for r in self.received]

    def per_recipient(self) -> Counter:
        with self._lock:
            return Counter(address for r in self.received for address in r.rcpt_tos)

    def count(self) -> int:
        with self._lock:
            return len(self.received)
