"""Migration 0015: weekly subscribers keep exactly what they had; old deliveries keep their week."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("tracker", "0014_usersession_browser_parts")]
AFTER = [("tracker", "0015_reminder_cadence")]


@pytest.mark.django_db(transaction=True)
def test_existing_weekly_subscribers_and_their_deliveries_come_through_unchanged():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User, Delivery = old.get_model("tracker", "User"), old.get_model("tracker", "ReminderDelivery")
    subscriber = User.objects.create(
        email="wendy@example.com", reminders_enabled=True, reminder_weekday=4, reminder_hour=19, time_zone="UTC"
    )
    User.objects.create(email="off@example.com", time_zone="UTC")
    due = dt.datetime(2026, 11, 26, 19, tzinfo=dt.UTC)
    Delivery.objects.create(
        patient=subscriber, iso_year=2026, iso_week=48, status="sent", due_at=due, expires_at=due, sent_at=due
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    User, Delivery = new.get_model("tracker", "User"), new.get_model("tracker", "ReminderDelivery")
    wendy = User.objects.get(email="wendy@example.com")
    assert (wendy.reminders_enabled, wendy.reminder_cadence, wendy.reminder_weekday, wendy.reminder_hour) == (
        True,
        "weekly",
        4,
        19,
    )
    assert wendy.reminders_since == timezone.now().date()  # the back-off counts from the upgrade
    assert User.objects.get(email="off@example.com").reminders_since is None
    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.period_start, delivery.variant) == ("week", dt.date(2026, 11, 23), "regular")
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
