from django.core.management.base import BaseCommand

from tracker.demo import DEMO_CLINICIAN_EMAIL, DEMO_PASSWORD, DEMO_PATIENT_EMAIL, seed_demo


class Command(BaseCommand):
    help = "Create (or top up) a demo clinic, clinician and patients with check-ins. Safe to run twice."

    def handle(self, *args, **options):
        verbose = options["verbosity"] >= 1
        created = seed_demo(progress=self.stdout.write if verbose else None)
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data ready: {created['users']} users, {created['clinics']} clinics and "
                    f"{created['checkins']} check-ins created (0 means it was already there)."
                )
            )
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            self.stdout.write(f"  patient:   {DEMO_PATIENT_EMAIL}")
            self.stdout.write(f"  clinician: {DEMO_CLINICIAN_EMAIL}")
