"""Clinician pages: who reaches them, what they show, and the audit trail."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from tracker.checkins.services import checkin_save
from tracker.clinics.services import clinic_join
from tracker.core.time import patient_today
from tracker.models import AuditEvent

ROLES = ["anonymous", "patient", "own_clinician", "other_clinician", "staff"]


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


@pytest.fixture
def populated(alices_clinic):
    """Alice's clinic with 8 patients who check in; notes hold a secret."""
    patients = []
    for i in range(8):
        patient = UserFactory(email=f"patient{i}@example.com", first_name=f"Secretname{i}")
        clinic_join(patient=patient, clinic=alices_clinic, now=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))
        for back in range(i % 3 + 1):
            day = patient_today(patient=patient) - dt.timedelta(days=back)
            checkin_save(patient=patient, day=day, values={"stress": 9, "note": "SECRET-NOTE"})
        patients.append(patient)
    return patients


def _login(client, role, alice, charlie, dora, sam):
    user = {"patient": alice, "own_clinician": charlie, "other_clinician": dora, "staff": sam}.get(role)
    if user:
        client.force_login(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["clinic_dashboard", "clinic_dashboard_csv", "clinic_invite"])
def test_only_the_clinics_clinicians_reach_its_pages(client, alice, charlie, dora, sam, alices_clinic, role, name):
    alices_clinic.memberships.update(is_admin=True)
    _login(client, role, alice, charlie, dora, sam)
    response = client.get(reverse(name, args=[alices_clinic.pk]))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role == "own_clinician":
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_clinicians_reach_the_clinician_home(client, alice, charlie, dora, sam, role):
    _login(client, role, alice, charlie, dora, sam)
    response = client.get(reverse("clinician_home"))
    expected = {"anonymous": 302, "patient": 403, "own_clinician": 200, "other_clinician": 200, "staff": 403}
    assert response.status_code == expected[role]


def test_a_clinic_that_does_not_exist_is_a_404_too(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("clinic_dashboard", args=[999999])).status_code == 404


def test_only_admin_clinicians_can_invite(client, charlie, alices_clinic):
    client.force_login(charlie)
    assert client.get(reverse("clinic_invite", args=[alices_clinic.pk])).status_code == 404
    alices_clinic.memberships.update(is_admin=True)
    response = client.post(reverse("clinic_invite", args=[alices_clinic.pk]), {"email": "new@example.com"})
    assert response.status_code == 302
    assert mail.outbox[0].to == ["new@example.com"]
    assert "/clinician/invitations/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CLINICIAN_INVITED).count() == 1


def test_the_home_lists_the_clinicians_clinics(client, charlie, dora):
    client.force_login(charlie)
    html = client.get(reverse("clinician_home")).content.decode()
    assert "Alice&#x27;s clinic" in html
    assert "Dora&#x27;s clinic" not in html


def test_the_dashboard_shows_aggregates_and_never_a_patient(client, charlie, alices_clinic, populated):
    client.force_login(charlie)
    html = client.get(reverse("clinic_dashboard", args=[alices_clinic.pk])).content.decode()
    assert "Weekly active patients" in html
    assert re.search(r"<td>8</td>\s*<td>8</td>\s*<td>100%</td>", html)  # enrolled, active, share this week
    assert "<svg" in html
    assert "<table" in html
    assert "Patients sent a reminder" in html
    for patient in populated:
        assert patient.email not in html
        assert patient.first_name not in html
    assert "SECRET-NOTE" not in html
    assert " style=" not in html
    assert "<style" not in html
    assert "<script>" not in html


def test_it_draws_the_weekly_chart_named_by_its_title_and_description_beside_its_table(
    client, charlie, alices_clinic, populated
):
    client.force_login(charlie)
    html = client.get(reverse("clinic_dashboard", args=[alices_clinic.pk])).content.decode()
    assert "/static/css/charts.css" in html
    assert 'role="img" aria-labelledby="trend-title trend-desc"' in html
    assert '<title id="trend-title">Weekly active patients, 12 weeks</title>' in html
    assert '<desc id="trend-desc">Over the 12 weeks' in html
    assert html.count('class="chart-withheld"') == 11  # no one checked in before this week: withheld, not zero
    assert html.count('class="chart-bar series-active chart-in-progress"') == 1  # this week, drawn apart
    assert "<title>Week of 23 Nov (in progress): 8 active so far</title>" in html
    assert "<caption>Weekly figures (the chart's data)</caption>" in html  # the table alternative


def test_the_dashboard_shows_fewer_than_5_for_small_clinics(client, charlie, alices_clinic, alice):
    clinic_join(patient=alice, clinic=alices_clinic)
    checkin_save(patient=alice, day=patient_today(patient=alice), values={"stress": 2})
    client.force_login(charlie)
    html = client.get(reverse("clinic_dashboard", args=[alices_clinic.pk])).content.decode()
    assert "fewer than 5" in html
    assert not re.search(r"<td>1</td>", html)


def test_every_view_and_export_is_audited(client, charlie, alices_clinic):
    client.force_login(charlie)
    client.get(reverse("clinic_dashboard", args=[alices_clinic.pk]))
    client.get(reverse("clinic_dashboard_csv", args=[alices_clinic.pk]))
    logged = AuditEvent.objects.exclude(action=AuditEvent.Action.LOGGED_IN)
    events = list(logged.order_by("id").values_list("action", "actor_id", "clinic_id", "metadata"))
    # The period, and what it showed, so a patient can later learn whether it counted them
    # (tracker/clinics/counted_views.py): an empty clinic, so every week and cohort withheld.
    period = {
        "first_week": "2026-09-07",
        "last_week": "2026-11-23",
        "weeks_shown": "0" * 12,
        "cohorts_shown": "",
        "enrolled": 0,
    }
    assert events == [
        (AuditEvent.Action.DASHBOARD_VIEWED, charlie.pk, alices_clinic.pk, period),
        (AuditEvent.Action.DASHBOARD_EXPORTED, charlie.pk, alices_clinic.pk, period),
    ]


def test_a_view_records_which_weeks_and_cohorts_it_showed(client, charlie, alices_clinic, populated):
    clinic_join(patient=UserFactory(), clinic=alices_clinic, now=dt.datetime(2026, 10, 14, tzinfo=dt.UTC))
    client.force_login(charlie)
    client.get(reverse("clinic_dashboard", args=[alices_clinic.pk]) + "?weeks=26")
    meta = AuditEvent.objects.get(action=AuditEvent.Action.DASHBOARD_VIEWED).metadata
    # 26 weeks from 1 June: the 8 joined in the week of 31 August, the 13th week; one more in October.
    assert meta["weeks_shown"] == "0" * 13 + "1" * 13
    assert meta["cohorts_shown"] == "2026-08"  # 31 August in New York; October's cohort of 1 is withheld
    assert meta["enrolled"] == 9


def test_refused_requests_leave_no_audit_record(client, dora, alices_clinic):
    client.force_login(dora)
    client.get(reverse("clinic_dashboard", args=[alices_clinic.pk]))
    assert not AuditEvent.objects.exclude(action=AuditEvent.Action.LOGGED_IN).exists()


def test_the_csv_is_an_attachment_with_the_same_figures(client, charlie, alices_clinic, populated):
    client.force_login(charlie)
    response = client.get(reverse("clinic_dashboard_csv", args=[alices_clinic.pk]), {"weeks": "4"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "2026-11-23,8,8,100.0" in text
    assert "2026-11-02" in text
    assert "2026-10-26" not in text
    assert "Secretname" not in text
    assert "@example.com" not in text


def test_the_csv_escapes_a_clinic_name_that_looks_like_a_formula(client, charlie, alices_clinic):
    alices_clinic.name = '=HYPERLINK("http://evil.example","x")'
    alices_clinic.save()
    client.force_login(charlie)
    text = client.get(reverse("clinic_dashboard_csv", args=[alices_clinic.pk])).content.decode()
    assert text.splitlines()[0] == 'Clinic,"\'=HYPERLINK(""http://evil.example"",""x"")"'


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"end": "2026-W99"}, "Enter a week like 2026-W48"),
        ({"end": "next tuesday"}, "Enter a week like 2026-W48"),
        ({"end": "2027-W10"}, "hasn&#x27;t started yet"),
        ({"end": "1999-W10"}, "from 2000 onwards"),
        ({"weeks": "1000"}, "Choose 4, 8, 12, 26 or 52 weeks."),
        ({"weeks": "x" * 5000}, "Choose 4, 8, 12, 26 or 52 weeks."),
    ],
)
def test_a_bad_period_is_explained_and_kept(client, charlie, alices_clinic, query, message):
    client.force_login(charlie)
    response = client.get(reverse("clinic_dashboard", args=[alices_clinic.pk]), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if "end" in query:
        assert f'value="{query["end"]}"' in html
    csv_response = client.get(reverse("clinic_dashboard_csv", args=[alices_clinic.pk]), query)
    assert csv_response.status_code == 302


def test_a_chosen_period_is_shown(client, charlie, alices_clinic):
    client.force_login(charlie)
    response = client.get(reverse("clinic_dashboard", args=[alices_clinic.pk]), {"end": "2026-W40", "weeks": "4"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Weeks of 7 Sep 2026 to 28 Sep 2026" in html


def test_the_dashboard_takes_a_fixed_number_of_queries(client, charlie, alices_clinic, django_assert_num_queries):
    client.force_login(charlie)
    url = reverse("clinic_dashboard", args=[alices_clinic.pk])
    # session, user, two-factor device check, membership + clinic, enrolled per week, weekly rollup,
    # retention, notes opened, reminder reach, audit insert
    with django_assert_num_queries(10):
        assert "Weekly active patients" in client.get(url).content.decode()
    for i in range(12):
        patient = UserFactory()
        clinic_join(patient=patient, clinic=alices_clinic)
        checkin_save(patient=patient, day=patient_today(patient=patient), values={"stress": i % 11})
    with django_assert_num_queries(10):
        html = client.get(url).content.decode()
    assert re.search(r"<td>12</td>\s*<td>12</td>\s*<td>100%</td>", html)  # enrolled, active, share this week
    with django_assert_num_queries(10):
        csv = client.get(reverse("clinic_dashboard_csv", args=[alices_clinic.pk])).content.decode()
    assert "\r\n2026-11,12,100.0," in csv  # joined this month, all active in week 1


def test_the_period_control_reads_period_ending_with_a_plain_week_picker(client, charlie, alices_clinic):
    client.force_login(charlie)
    html = client.get(reverse("clinic_dashboard", args=[alices_clinic.pk])).content.decode()
    assert ">Period ending</label>" in html
    assert '<select name="end"' in html
    assert 'type="week"' not in html
    assert "ISO week, like" not in html
    assert '<option value="2026-W48" selected>This week (from 23 Nov 2026)</option>' in html
    assert '<option value="2026-W47">Week of 16 Nov 2026</option>' in html
    chosen = client.get(reverse("clinic_dashboard", args=[alices_clinic.pk]), {"end": "2026-W40"}).content.decode()
    assert '<option value="2026-W40" selected>Week of 28 Sep 2026</option>' in chosen
