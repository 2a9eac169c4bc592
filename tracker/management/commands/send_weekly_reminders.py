from django.conf import settings
from django.core.management.base import BaseCommand

from tracker.tasks import dispatch_weekly_reminders


class Command(BaseCommand):
    help = (
        "Send the reminders that are due (daily, chosen days and weekly): run it every two minutes from cron "
        "when there is no Celery beat. "
        "Without CELERY_BROKER_URL the sends happen in this process; with one, they go to the workers. "
        "Safe to run twice, or at the same time as beat."
    )

    def handle(self, *args, **options):
        summary = dispatch_weekly_reminders()
        where = "processed in this process" if settings.CELERY_TASK_ALWAYS_EAGER else "enqueued for the workers"
        self.stdout.write(
            f"{summary['enqueued']} reminders {where} in {summary['batches']} batches "
            f"({summary['created']} newly due, {summary['expired']} expired unsent)."
        )
