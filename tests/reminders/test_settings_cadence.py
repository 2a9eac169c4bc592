"""Choosing the reminder cadence in Settings, and the link in a reminder when signed out."""

import datetime as dt
import html as html_lib
import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, CheckInFactory
from tracker.models import Cadence, ReminderDelivery

pytestmark = pytest.mark.django_db


def inputs(html: str, name: str) -> list[tuple[str, str, bool]]:
    """(type, value, checked) of each input named `name`, in page order."""
    tags = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return [
        (re.search(r'type="(\w+)"', tag)[1], re.search(r'value="(\w+)"', tag)[1], bool(re.search(r"\schecked\b", tag)))
        for tag in tags
    ]


FORM = {"first_name": "Alice", "time_zone": "America/New_York", "reminders_enabled": "on", "reminder_weekday": 1}


def test_the_settings_page_offers_the_cadences_as_radio_buttons_and_days_as_checkboxes(alice_client):
    html = alice_client.get(reverse("settings")).content.decode()
    # As today: weekly.
    assert inputs(html, "reminder_cadence") == [
        ("radio", "daily", False),
        ("radio", "days", False),
        ("radio", "weekly", True),
    ]
    assert inputs(html, "reminder_days") == [("checkbox", str(day), False) for day in range(1, 8)]
    assert html.count("big-choices") >= 3  # the larger touch targets (static/css/app.css)


def test_it_saves_a_daily_reminder_and_starts_the_back_off_from_today(alice_client, alice, frozen_now):
    response = alice_client.post(reverse("settings"), {**FORM, "reminder_cadence": "daily", "reminder_hour": 19})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.reminder_cadence, alice.reminder_hour, alice.reminders_enabled) == (Cadence.DAILY, 19, True)
    assert alice.reminders_since == dt.date(2026, 11, 27)  # her today in New York


def test_it_saves_the_chosen_days_in_order(alice_client, alice):
    form = {**FORM, "reminder_cadence": "days", "reminder_days": ["5", "1", "3"], "reminder_hour": 8}
    assert alice_client.post(reverse("settings"), form).status_code == 302
    alice.refresh_from_db()
    assert (alice.reminder_cadence, alice.reminder_days) == (Cadence.DAYS, "135")
    html = alice_client.get(reverse("settings")).content.decode()
    assert [value for _, value, checked in inputs(html, "reminder_days") if checked] == ["1", "3", "5"]


def test_chosen_days_without_a_day_ticked_say_so_and_keep_what_was_typed(alice_client, alice):
    form = {**FORM, "first_name": "Alicia", "reminder_cadence": "days", "reminder_hour": 21}
    response = alice_client.post(reverse("settings"), form)
    assert response.status_code == 400
    html = html_lib.unescape(response.content.decode())
    assert "Tick at least one day for “on the days I choose”, or choose another option." in html
    assert 'value="Alicia"' in html
    assert [value for _, value, checked in inputs(html, "reminder_cadence") if checked] == ["days"]
    assert '<option value="21" selected>21:00</option>' in html
    alice.refresh_from_db()
    assert (alice.first_name, alice.reminder_cadence) == ("Alice", Cadence.WEEKLY)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reminder_cadence", "hourly", "Choose every day, the days you choose, or once a week."),
        ("reminder_days", "9", "Choose days from Monday to Sunday."),
    ],
)
def test_it_refuses_an_impossible_cadence_or_day(alice_client, alice, field, value, message):
    response = alice_client.post(reverse("settings"), {**FORM, "reminder_hour": 8, field: value})
    assert response.status_code == 400
    assert message in html_lib.unescape(response.content.decode())


def test_the_settings_page_says_when_reminders_are_weekly_for_now_or_paused(alice_client, alice, frozen_now):
    alice.reminders_enabled, alice.email_verified_at = True, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    alice.reminder_cadence, alice.reminders_since = Cadence.DAILY, dt.date(2026, 8, 1)
    alice.save()
    assert "once a week" not in alice_client.get(reverse("settings")).content.decode().split("<form")[0]
    CheckInFactory(patient=alice, day=dt.date(2026, 11, 1))  # 25 quiet days before 27 November
    assert "For now your reminder comes once a week" in alice_client.get(reverse("settings")).content.decode()

    alice.checkins.all().delete()
    CheckInFactory(patient=alice, day=dt.date(2026, 9, 1))  # more than eight weeks
    ReminderDelivery.objects.create(
        patient=alice,
        kind="day",
        period_start=dt.date(2026, 11, 23),
        iso_year=2026,
        iso_week=48,
        variant=ReminderDelivery.Variant.LAST,
        status=ReminderDelivery.Status.SENT,
        due_at=dt.datetime(2026, 11, 23, 13, tzinfo=dt.UTC),
        expires_at=dt.datetime(2026, 11, 24, 5, tzinfo=dt.UTC),
    )
    assert "Your reminders are paused for now" in alice_client.get(reverse("settings")).content.decode()


def test_a_reminders_link_signed_out_leads_to_a_login_page_that_says_why(client, alice):
    response = client.get(reverse("today"))
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url == f"{reverse('login')}?next={reverse('today')}"
    page = html_lib.unescape(client.get(login_url).content.decode())
    assert "Log in to record today's check-in" in page
    # After logging in, the Today form.
    response = client.post(login_url, {"username": alice.email, "password": PASSWORD, "next": reverse("today")})
    assert response["Location"] == reverse("today")
    assert client.get(reverse("today")).status_code == 200


def test_the_login_page_says_nothing_of_the_check_in_for_another_page(client):
    for url in (reverse("login"), f"{reverse('login')}?next={reverse('history')}"):
        assert "record today's check-in" not in html_lib.unescape(client.get(url).content.decode())


def test_on_a_remembered_device_the_link_opens_the_today_form(alice_client):
    response = alice_client.get(reverse("today"))
    assert response.status_code == 200
    assert 'name="stress"' in response.content.decode()
