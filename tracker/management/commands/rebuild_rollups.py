from django.core.management.base import BaseCommand

from tracker.checkins.rollup import rollup_rebuild


class Command(BaseCommand):
    help = "Recompute the clinic dashboard's rollup (patient weeks and retention flags) from the check-ins."

    def handle(self, *args, **options):
        written = rollup_rebuild()
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Rollup rebuilt: {written} patient-weeks."))
