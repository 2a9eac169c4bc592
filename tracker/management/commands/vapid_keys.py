import base64

from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand

from wellness.vapid import public_key_of


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class Command(BaseCommand):
    help = (
        "Make a VAPID key pair for Web Push reminders and print the environment variables to set "
        "(docs/reminders.md). Keep the private key secret; changing the pair later stops every "
        "device's push reminders until it turns them on again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--subject",
            default="mailto:admin@example.com",
            help="A contact for the push services: mailto:you@your.domain or an https:// page.",
        )

    def handle(self, *args, subject, **options):
        private = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value.to_bytes(32, "big")
        self.stdout.write(f"VAPID_PUBLIC_KEY={_b64url(public_key_of(private))}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={_b64url(private)}")
        self.stdout.write(f"VAPID_SUBJECT={subject}")
