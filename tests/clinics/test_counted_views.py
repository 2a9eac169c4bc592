"""When Alice's clinics looked at figures that counted her (tracker/clinics/counted_views.py): the
counts match a direct reading of the audit log, views outside her enrolment are ignored, and a view
whose every figure about her was withheld says so."""

import datetime as dt
import random
from collections import Counter

import time_machine
from django.urls import reverse

from tests.factories import ClinicFactory, UserFactory
from tracker.clinics.counted_views import patient_counted_views
from tracker.clinics.services import clinic_join, clinic_leave
from tracker.core.time import monday_of
from tracker.models import AuditEvent, Enrolment

A = AuditEvent.Action
UTC = dt.UTC


def _view(clinic, at, *, first_week, weeks=12, action=A.DASHBOARD_VIEWED, shown=None, cohorts="", enrolled=None):
    """A dashboard view as tracker/clinics/views.py records it. `shown`: weeks_shown, or None for a
    view recorded before views kept what they showed."""
    meta = {"first_week": first_week.isoformat(), "last_week": (first_week + dt.timedelta(weeks=weeks - 1)).isoformat()}
    if shown is not None:
        meta.update(weeks_shown=shown, cohorts_shown=cohorts, enrolled=enrolled)
    return AuditEvent.objects.create(action=action, clinic=clinic, clinic_ref=clinic.pk, at=at, metadata=meta)


def _summary(views):
    return {
        (clinic.clinic_name, month.month): (month.opened, month.downloaded, month.nothing_shown)
        for clinic in views
        for month in clinic.months
    }


def reference_counts(patient):
    """The same counts read straight from the audit rows, one at a time."""
    enrolments = list(Enrolment.objects.filter(patient=patient).select_related("clinic"))
    counts = Counter()
    for event in AuditEvent.objects.filter(action__in=[A.DASHBOARD_VIEWED, A.DASHBOARD_EXPORTED]):
        mine = [e for e in enrolments if e.clinic_id == event.clinic_id]
        during = any(e.joined_at <= event.at and (e.left_at is None or event.at < e.left_at) for e in mine)
        first = dt.date.fromisoformat(event.metadata["first_week"])
        last = dt.date.fromisoformat(event.metadata["last_week"])
        weeks = {first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1)}
        in_period = any(e.from_week <= w and (e.until_week is None or w < e.until_week) for e in mine for w in weeks)
        if during and in_period:
            local = event.at.astimezone(patient.tzinfo)
            key = (event.clinic.name, local.date().replace(day=1), event.action)
            counts[key] += 1
    return counts


def test_the_counts_match_the_audit_log_and_ignore_views_outside_the_enrolment(alice, frozen_now):
    riverside, hillside, elsewhere = (ClinicFactory(name=n) for n in ("Riverside", "Hillside", "Elsewhere"))
    clinic_join(patient=alice, clinic=riverside, now=dt.datetime(2026, 3, 1, 15, tzinfo=UTC))
    clinic_leave(patient=alice, clinic_id=riverside.pk, now=dt.datetime(2026, 6, 10, 15, tzinfo=UTC))
    clinic_join(patient=alice, clinic=riverside, now=dt.datetime(2026, 8, 20, 15, tzinfo=UTC))
    clinic_join(patient=alice, clinic=hillside, now=dt.datetime(2026, 10, 5, 15, tzinfo=UTC))
    rng = random.Random(20)
    start = dt.datetime(2025, 12, 1, tzinfo=UTC)
    for _ in range(300):
        at = start + dt.timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
        weeks = rng.choice([4, 12, 26, 52])
        last = monday_of(at.date()) - dt.timedelta(weeks=rng.choice([0, 0, 0, 8, 30]))
        action = rng.choice([A.DASHBOARD_VIEWED, A.DASHBOARD_VIEWED, A.DASHBOARD_EXPORTED])
        clinic = rng.choice([riverside, riverside, hillside, elsewhere])
        _view(clinic, at, first_week=last - dt.timedelta(weeks=weeks - 1), weeks=weeks, action=action)

    views = patient_counted_views(patient=alice)

    expected = reference_counts(alice)
    got = Counter()
    for clinic in views:
        for month in clinic.months:
            got[(clinic.clinic_name, month.month, A.DASHBOARD_VIEWED)] += month.opened
            got[(clinic.clinic_name, month.month, A.DASHBOARD_EXPORTED)] += month.downloaded
    assert +got == expected
    assert sum(expected.values()) > 30  # the random views did land in her enrolment
    assert [c.clinic_name for c in views] == ["Hillside", "Riverside"]  # never Elsewhere
    assert all(m.months == sorted(m.months, key=lambda x: x.month, reverse=True) for m in views)


def test_a_view_before_joining_after_leaving_or_of_a_period_before_joining_is_not_counted(alice, frozen_now):
    clinic = ClinicFactory(name="Riverside")
    clinic_join(patient=alice, clinic=clinic, now=dt.datetime(2026, 9, 2, 15, tzinfo=UTC))  # week of 31 Aug
    clinic_leave(patient=alice, clinic_id=clinic.pk, now=dt.datetime(2026, 10, 21, 15, tzinfo=UTC))  # week of 19 Oct
    _view(clinic, dt.datetime(2026, 9, 1, 12, tzinfo=UTC), first_week=dt.date(2026, 6, 8))  # before she joined
    _view(clinic, dt.datetime(2026, 10, 22, 12, tzinfo=UTC), first_week=dt.date(2026, 8, 3))  # after she left
    _view(clinic, dt.datetime(2026, 9, 15, 12, tzinfo=UTC), first_week=dt.date(2026, 4, 6), weeks=8)  # ends in May
    _view(clinic, dt.datetime(2026, 9, 15, 13, tzinfo=UTC), first_week=dt.date(2026, 6, 15))  # 12 weeks to 31 Aug
    exported = A.DASHBOARD_EXPORTED
    _view(clinic, dt.datetime(2026, 10, 1, 13, tzinfo=UTC), first_week=dt.date(2026, 7, 20), action=exported)

    (riverside,) = patient_counted_views(patient=alice)

    assert _summary([riverside]) == {
        ("Riverside", dt.date(2026, 10, 1)): (0, 1, 0),
        ("Riverside", dt.date(2026, 9, 1)): (1, 0, 0),
    }
    assert not riverside.current


def test_months_are_the_patients_own(alice, frozen_now):
    clinic = ClinicFactory(name="Riverside")
    clinic_join(patient=alice, clinic=clinic, now=dt.datetime(2026, 9, 2, 15, tzinfo=UTC))
    # 1 November 02:00 UTC is still 31 October in New York.
    _view(clinic, dt.datetime(2026, 11, 1, 2, tzinfo=UTC), first_week=dt.date(2026, 8, 10))
    assert _summary(patient_counted_views(patient=alice)) == {("Riverside", dt.date(2026, 10, 1)): (1, 0, 0)}


def test_a_view_whose_every_figure_about_her_was_withheld_says_so(alice, frozen_now):
    clinic = ClinicFactory(name="Riverside")
    clinic_join(patient=alice, clinic=clinic, now=dt.datetime(2026, 9, 2, 15, tzinfo=UTC))  # week of 31 Aug
    at = dt.datetime(2026, 11, 2, 12, tzinfo=UTC)
    first = dt.date(2026, 8, 17)  # 12 weeks: 17 Aug .. 2 Nov; hers from the 3rd week on
    _view(clinic, at, first_week=first, shown="0" * 12, enrolled=3)  # every week withheld
    _view(clinic, at, first_week=first, shown="110000000000", enrolled=3)  # shown, but before she joined
    _view(clinic, at, first_week=first, shown="001000000000", enrolled=3)  # her first week shown
    _view(clinic, at, first_week=first, shown="0" * 12, cohorts="2026-09", enrolled=3)  # her cohort shown
    _view(clinic, at, first_week=first, shown="0" * 12, cohorts="2026-08 2026-10", enrolled=3)  # not hers
    _view(clinic, at - dt.timedelta(hours=1), first_week=first)  # recorded before views kept what they showed

    (riverside,) = patient_counted_views(patient=alice)

    (november,) = riverside.months
    assert (november.opened, november.nothing_shown) == (6, 3)
    assert november.enrolled.text == "fewer than 5"


def test_the_enrolled_count_is_the_latest_views_and_follows_the_small_cell_rule(alice, frozen_now):
    clinic = ClinicFactory(name="Riverside")
    clinic_join(patient=alice, clinic=clinic, now=dt.datetime(2026, 9, 2, 15, tzinfo=UTC))
    _view(clinic, dt.datetime(2026, 11, 2, tzinfo=UTC), first_week=dt.date(2026, 8, 17), shown="1" * 12, enrolled=4)
    _view(clinic, dt.datetime(2026, 11, 9, tzinfo=UTC), first_week=dt.date(2026, 8, 24), shown="1" * 12, enrolled=41)
    (riverside,) = patient_counted_views(patient=alice)
    assert riverside.months[0].enrolled.text == "41"


def test_it_takes_two_queries_whatever_the_number_of_views(alice, frozen_now, django_assert_num_queries):
    clinic = ClinicFactory(name="Riverside")
    clinic_join(patient=alice, clinic=clinic, now=dt.datetime(2026, 3, 2, 15, tzinfo=UTC))
    for day in range(200):
        at = dt.datetime(2026, 3, 3, 12, tzinfo=UTC) + dt.timedelta(days=day)
        _view(clinic, at, first_week=monday_of(at.date()) - dt.timedelta(weeks=11), shown="1" * 12, enrolled=40)
    with django_assert_num_queries(2):
        views = patient_counted_views(patient=alice)
    assert sum(m.total for m in views[0].months) == 200


def test_a_patient_who_never_joined_has_nothing_and_costs_one_query(bob, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert patient_counted_views(patient=bob) == []


# --- through the clinician's own pages ------------------------------------------------------------


def _clinician_looks(client, charlie, clinic):
    client.force_login(charlie)
    client.get(reverse("clinic_dashboard", args=[clinic.pk]))
    client.get(reverse("clinic_dashboard_csv", args=[clinic.pk]))


def test_a_clinic_of_fewer_than_5_showed_her_nothing(client, alice, charlie, alices_clinic):
    with time_machine.travel(dt.datetime(2026, 9, 2, 15, tzinfo=UTC), tick=False):
        clinic_join(patient=alice, clinic=alices_clinic)
    with time_machine.travel(dt.datetime(2026, 11, 27, 15, tzinfo=UTC), tick=False):
        _clinician_looks(client, charlie, alices_clinic)
        (clinic,) = patient_counted_views(patient=alice)
    (november,) = clinic.months
    assert (november.opened, november.downloaded, november.nothing_shown) == (1, 1, 2)


def test_a_clinic_of_5_showed_figures_that_counted_her(client, alice, charlie, alices_clinic):
    with time_machine.travel(dt.datetime(2026, 9, 2, 15, tzinfo=UTC), tick=False):
        clinic_join(patient=alice, clinic=alices_clinic)
        for i in range(4):
            clinic_join(patient=UserFactory(email=f"p{i}@example.com"), clinic=alices_clinic)
    with time_machine.travel(dt.datetime(2026, 11, 27, 15, tzinfo=UTC), tick=False):
        _clinician_looks(client, charlie, alices_clinic)
        (clinic,) = patient_counted_views(patient=alice)
    (november,) = clinic.months
    assert (november.opened, november.downloaded, november.nothing_shown) == (1, 1, 0)
    assert november.enrolled.text == "5"


def test_another_patient_of_the_clinic_is_never_named(client, alice, bob, charlie, alices_clinic, frozen_now):
    clinic_join(patient=alice, clinic=alices_clinic)
    clinic_join(patient=bob, clinic=alices_clinic)
    _clinician_looks(client, charlie, alices_clinic)
    client.force_login(alice)
    html = client.get(reverse("account_activity")).content.decode()
    assert "When your clinic looked at its figures" in html
    for other in ("bob@example.com", "Bob", "charlie@example.com", "Charlie"):
        assert other not in html
