"""Web Push: a patient's devices that asked for reminders, and each reminder's push to each one."""

from django.conf import settings
from django.db import models

from tracker.models.accounts import UserSession
from tracker.models.reminders import ReminderDelivery


class PushSubscription(models.Model):
    """One browser (device) that receives push reminders, as its Push API subscription gave it.

    It belongs to the sign-in it was made in: logging out on that device, signing it out from
    another, "Sign out everywhere" and the end of that sign-in remove the UserSession row and, with
    it, this one. The account's deletion removes it too. A push service answering 404 or 410
    (the browser dropped the subscription) removes it as well (tracker/reminders/push.py).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    session = models.ForeignKey(UserSession, on_delete=models.CASCADE, related_name="push_subscriptions")
    # The push service's URL for this browser: a capability, never shown or exported whole.
    endpoint = models.URLField(max_length=2048, unique=True)
    # The browser's ECDH public key (65 bytes) and auth secret (16 bytes), base64url, for RFC 8291.
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"push subscription {self.pk} of user {self.user_id}"


class PushDelivery(models.Model):
    """One reminder's push to one device: at most one per (reminder, device), claimed like the
    reminder itself (a lease, `claimed_until`), so a retry after a 429 or 5xx never repeats a push
    that went out, and never sends the email again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"  # permanent: not retried

    delivery = models.ForeignKey(ReminderDelivery, on_delete=models.CASCADE, related_name="pushes")
    subscription = models.ForeignKey(PushSubscription, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField(help_text="The reminder's own end: a push is never sent after it.")
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "push deliveries"
        constraints = [
            models.UniqueConstraint(fields=["delivery", "subscription"], name="push_once_per_reminder_device"),
        ]
        indexes = [models.Index(fields=["status", "claimed_until"], name="push_claimable")]

    def __str__(self):
        return f"push of {self.delivery_id} to subscription {self.subscription_id}"

    # The same lease as the reminder's own row: never claimed, or the lease (or back-off) ran out.
    unclaimed = ReminderDelivery.unclaimed
