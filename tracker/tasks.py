"""Celery tasks: thin interfaces that take ids and call the domain modules.

The reminder tasks run with acks_late (settings), so a task interrupted by a
crash is delivered again; that is safe because every send claims its row
first. The account emails (and the security notices) are sent here rather than in the request
(tracker.core.later.after_commit), so a page's time says nothing about
whether an account exists; a redelivered one sends its email again, which is
harmless.
"""

from celery import shared_task
from django.conf import settings

from tracker.accounts.notices import security_email_send
from tracker.accounts.services import password_reset_send, signup_email_send
from tracker.reminders.dispatch import dispatch
from tracker.reminders.push import push_retry_batches, send_push_batch
from tracker.reminders.sending import send_batch

# Retries of one batch through the broker; after these the next dispatch (every
# REMINDER_DISPATCH_SECONDS) picks up whatever is still pending.
SEND_RETRIES = 3


@shared_task
def dispatch_weekly_reminders() -> dict:
    """Every few minutes (beat): enqueue this week's due reminders in batches."""
    summary = dispatch(enqueue=lambda ids: send_weekly_reminders.delay(ids))
    # Pushes that a push service asked to try later (429, 5xx), once their wait is over.
    push_retries = 0
    for batch in push_retry_batches():
        send_reminder_push_retries.delay(batch)
        push_retries += len(batch)
    return {**vars(summary), "push_retries": push_retries}


@shared_task(bind=True, max_retries=SEND_RETRIES)
def send_weekly_reminders(self, delivery_ids: list[int]) -> dict:
    outcome = send_batch(delivery_ids=delivery_ids)
    # Eagerly (no broker) a countdown is ignored, so leave retries to the next run. So is a
    # wait past the visibility timeout, after which Redis would hand the waiting retry to
    # another worker too: the dispatch finds those rows again when their back-off ends.
    if (
        outcome.retry_ids
        and not self.request.is_eager
        and self.request.retries < SEND_RETRIES
        and outcome.retry_in < settings.CELERY_VISIBILITY_TIMEOUT_SECONDS
    ):
        raise self.retry(args=[outcome.retry_ids], countdown=outcome.retry_in)
    return {"sent": outcome.sent, "failed": outcome.failed, "skipped": outcome.skipped, "retry": len(outcome.retry_ids)}


@shared_task
def send_reminder_push_retries(push_ids: list[int]) -> dict:
    """Push again what a push service asked to try later; the reminder's email is not involved."""
    return vars(send_push_batch(push_ids=push_ids))


@shared_task
def send_signup_email(user_id: int, new: bool) -> bool:
    return signup_email_send(user_id=user_id, new=new)


@shared_task
def send_password_reset(email: str) -> int:
    """Takes the address as typed: the request must not look it up (see the module docstring)."""
    return password_reset_send(email=email)


@shared_task
def send_security_email(event_id: int) -> bool:
    """The email about one account change (tracker/accounts/notices.py), from its audit event."""
    return security_email_send(event_id=event_id)
