"""Reminder cadences (weekly, daily, chosen days) and one delivery per period.

Existing subscribers keep exactly what they had: cadence weekly, the same day and hour. Each
existing delivery becomes a week-kind row for the Monday of its ISO week. The back-off counts
from today for the patients who already had reminders on.
"""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone


def periods_from_iso_weeks(apps, schema_editor):
    ReminderDelivery = apps.get_model("tracker", "ReminderDelivery")
    weeks = ReminderDelivery.objects.values_list("iso_year", "iso_week").distinct()
    for iso_year, iso_week in weeks:
        ReminderDelivery.objects.filter(iso_year=iso_year, iso_week=iso_week).update(
            kind="week", period_start=dt.date.fromisocalendar(iso_year, iso_week, 1)
        )


def back_off_from_today(apps, schema_editor):
    User = apps.get_model("tracker", "User")
    User.objects.filter(reminders_enabled=True).update(reminders_since=timezone.now().date())


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0014_usersession_browser_parts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="reminders_enabled",
            field=models.BooleanField(default=False, verbose_name="email me a reminder"),
        ),
        migrations.AddField(
            model_name="user",
            name="reminder_cadence",
            field=models.CharField(
                choices=[("weekly", "Once a week"), ("daily", "Every day"), ("days", "On the days I choose")],
                default="weekly",
                max_length=8,
                verbose_name="how often",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="reminder_days",
            field=models.CharField(blank=True, default="", max_length=7, verbose_name="reminder days"),
        ),
        migrations.AddField(
            model_name="user",
            name="reminders_since",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reminderdelivery",
            name="kind",
            field=models.CharField(choices=[("day", "Day"), ("week", "Week")], default="week", max_length=8),
        ),
        migrations.AddField(
            model_name="reminderdelivery",
            name="period_start",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="reminderdelivery",
            name="variant",
            field=models.CharField(
                choices=[
                    ("regular", "Regular"),
                    ("weekly_for_now", "Weekly for now"),
                    ("last", "Last before pausing"),
                ],
                default="regular",
                max_length=16,
            ),
        ),
        migrations.RunPython(periods_from_iso_weeks, migrations.RunPython.noop),
        migrations.RunPython(back_off_from_today, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reminderdelivery",
            name="period_start",
            field=models.DateField(help_text="The local day, or the Monday of the ISO week, it is for."),
        ),
        migrations.AlterField(
            model_name="reminderdelivery",
            name="due_at",
            field=models.DateTimeField(help_text="The patient's chosen local hour on the day it is due."),
        ),
        migrations.AlterField(
            model_name="reminderdelivery",
            name="expires_at",
            field=models.DateTimeField(help_text="The end of the period in the patient's zone."),
        ),
        migrations.AlterField(
            model_name="reminderdelivery",
            name="status",
            field=models.CharField(
                choices=[("pending", "Pending"), ("sent", "Sent"), ("failed", "Failed"), ("skipped", "Skipped")],
                default="pending",
                max_length=16,
            ),
        ),
        migrations.RemoveConstraint(
            model_name="reminderdelivery",
            name="reminder_once_per_patient_week",
        ),
        migrations.AddConstraint(
            model_name="reminderdelivery",
            constraint=models.UniqueConstraint(
                fields=("patient", "kind", "period_start"), name="reminder_once_per_period"
            ),
        ),
        migrations.AlterModelOptions(
            name="reminderdelivery",
            options={"ordering": ["-period_start", "patient_id"], "verbose_name_plural": "reminder deliveries"},
        ),
    ]
