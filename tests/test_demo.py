import datetime as dt

from django.core.management import call_command

from tests.conftest import NOW
from tracker.demo import DEMO_CLINICIAN_EMAIL, DEMO_PATIENT_EMAIL, HISTORY_DAYS, seed_demo
from tracker.models import CheckIn, Clinic, Enrolment, JoinCode, User


def _snapshot():
    return (
        list(User.objects.order_by("email").values_list("email", "password", "role", "time_zone")),
        list(Clinic.objects.values_list("name", flat=True)),
        list(Enrolment.objects.order_by("id").values_list("patient__email", "clinic__name", "joined_at")),
        list(CheckIn.objects.order_by("patient__email", "day").values()),
    )


def test_seed_demo_is_idempotent(db, frozen_now):
    call_command("seed_demo", verbosity=0)
    first = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == first


def test_seed_demo_creates_a_clinic_a_clinician_and_40_patients_with_120_days(db, frozen_now):
    created = seed_demo(now=NOW)
    assert created["clinics"] == 1
    clinic = Clinic.objects.get()
    assert clinic.clinicians.filter(email=DEMO_CLINICIAN_EMAIL).exists()
    patients = User.objects.filter(role=User.Role.PATIENT)
    assert patients.count() >= 40
    assert Enrolment.objects.filter(clinic=clinic).count() == patients.count()
    demo = User.objects.get(email=DEMO_PATIENT_EMAIL)
    days = sorted(demo.checkins.values_list("day", flat=True))
    assert (days[-1] - days[0]).days >= HISTORY_DAYS - 5
    assert len(days) >= 100  # the demo patient logs almost daily
    # Ten join codes to try the join page and the handout with; a second run adds none.
    assert JoinCode.objects.filter(clinic=clinic).filter(JoinCode.usable(NOW)).count() == 10
    seed_demo(now=NOW)
    assert JoinCode.objects.filter(clinic=clinic).count() == 10


def test_seed_demo_varies_the_patterns(db, frozen_now):
    seed_demo(now=NOW)
    today = dt.date(2026, 11, 27)
    recent = set(
        CheckIn.objects.filter(day__gte=today - dt.timedelta(days=13)).values_list("patient_id", flat=True).distinct()
    )
    patients = set(User.objects.filter(role=User.Role.PATIENT).values_list("id", flat=True))
    first_days = {
        p: min(d for (pid, d) in CheckIn.objects.values_list("patient_id", "day") if pid == p) for p in recent
    }
    assert patients - recent, "some patients have lapsed"
    assert any((today - day).days < 90 for day in first_days.values()), "some patients started late"


def test_seed_demo_tops_up_on_a_later_day_without_changing_old_rows(db):
    seed_demo(now=NOW)
    before = {(c["patient_id"], c["day"]): c for c in CheckIn.objects.values()}
    seed_demo(now=NOW + dt.timedelta(days=3))
    after = {(c["patient_id"], c["day"]): c for c in CheckIn.objects.values()}
    assert all(after[key] == row for key, row in before.items())
    assert max(day for (_, day) in after) > max(day for (_, day) in before)


def test_seed_demo_prints_progress_and_the_logins(db, frozen_now, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Patient 1/42" in out
    assert DEMO_PATIENT_EMAIL in out
    assert DEMO_CLINICIAN_EMAIL in out


def test_the_demo_clinician_is_the_admin_clinician_and_sees_a_populated_dashboard(client, db, frozen_now):
    from django.urls import reverse

    from tracker.models import ClinicMembership, PatientWeek

    seed_demo(now=NOW)
    clinic = Clinic.objects.get()
    membership = ClinicMembership.objects.get(clinic=clinic, clinician__email=DEMO_CLINICIAN_EMAIL)
    assert membership.is_admin
    assert PatientWeek.objects.exists()  # seed_demo builds the rollup its bulk inserts bypassed
    client.force_login(membership.clinician)
    html = client.get(reverse("clinic_dashboard", args=[clinic.pk])).content.decode()
    assert '<dd class="col-sm-5">42</dd>' in html  # enrolled patients
    assert html.count("<td>fewer than 5</td>") < 30
    assert "Invite a clinician" in html


def test_the_demo_clinic_dashboard_shows_every_figure(db, frozen_now):
    from tracker.clinics.disclosure import engagement_report
    from tracker.clinics.engagement import clinic_engagement, default_period

    seed_demo(now=NOW)
    today = dt.date(2026, 11, 27)
    engagement = clinic_engagement(clinic=Clinic.objects.get(), period=default_period(today=today))
    summary = engagement_report(engagement=engagement, today=today).summary
    for name in ("enrolled_now", "mean_active", "notes_opened", "reminders_sent", "reminders_followed_share"):
        assert not summary[name].withheld, name
        assert summary[name].value, name


def test_seed_demo_gives_the_demo_patient_months_of_clinic_views_once(db, frozen_now):
    from tracker.clinics.counted_views import patient_counted_views
    from tracker.models import AuditEvent

    seed_demo(now=NOW)
    seed_demo(now=NOW)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DASHBOARD_VIEWED).count() == 16
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DASHBOARD_EXPORTED).count() == 4
    (clinic,) = patient_counted_views(patient=User.objects.get(email=DEMO_PATIENT_EMAIL))
    assert sum(month.total for month in clinic.months) == 20
    assert len(clinic.months) >= 4
