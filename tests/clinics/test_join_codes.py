"""Patients' join codes: one code, one patient; issued, printed and withdrawn by the clinic's clinicians."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import JoinCodeFactory, UserFactory
from tracker.clinics.join_codes import (
    JoinCodesRefused,
    clinic_join_with_code,
    format_code,
    join_code_batches,
    join_code_find,
    join_codes_issue,
    join_codes_withdraw,
)
from tracker.clinics.services import JoinRefused
from tracker.models import INVITE_CODE_ALPHABET, AuditEvent, Clinic, Enrolment, JoinCode


@pytest.fixture(autouse=True)
def _frozen(frozen_now):
    return frozen_now


@pytest.fixture
def code(alices_clinic):
    return JoinCodeFactory(clinic=alices_clinic)


def test_a_clinic_has_no_shared_code_any_more(db):
    assert "invite_code" not in {field.name for field in Clinic._meta.get_fields()}


def test_one_code_lets_one_patient_in_and_no_fake_patient_after_them(alice, code):
    # The hostile test enrolled 4 accounts with one shared code, then read a real patient's values.
    clinic_join_with_code(patient=alice, code=code.code)
    for _ in range(4):
        with pytest.raises(JoinRefused, match="already been used"):
            clinic_join_with_code(patient=UserFactory(), code=code.code)
    assert list(Enrolment.objects.values_list("patient", flat=True)) == [alice.pk]
    code.refresh_from_db()
    assert (code.used_by, code.used_at) == (alice, timezone.now())


def test_joining_records_which_code_was_used(alice, code):
    clinic_join_with_code(patient=alice, code=code.code)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLINIC_JOINED)
    assert (event.actor, event.clinic, event.metadata) == (alice, code.clinic, {"join_code": code.pk})


def test_a_member_joining_again_keeps_the_code_for_someone_else(alice, alices_clinic):
    clinic_join_with_code(patient=alice, code=JoinCodeFactory(clinic=alices_clinic).code)
    spare = JoinCodeFactory(clinic=alices_clinic)
    with pytest.raises(JoinRefused, match="already a member"):
        clinic_join_with_code(patient=alice, code=spare.code)
    spare.refresh_from_db()
    assert spare.used_at is None


def test_an_expired_or_withdrawn_code_is_refused(alice, alices_clinic, frozen_now):
    expired = JoinCodeFactory(clinic=alices_clinic, expires_at=timezone.now() + dt.timedelta(hours=1))
    withdrawn = JoinCodeFactory(clinic=alices_clinic, withdrawn_at=timezone.now())
    frozen_now.shift(dt.timedelta(hours=2))
    with pytest.raises(JoinRefused, match="expired"):
        clinic_join_with_code(patient=alice, code=expired.code)
    with pytest.raises(JoinRefused, match="withdrawn"):
        clinic_join_with_code(patient=alice, code=withdrawn.code)
    assert not Enrolment.objects.exists()


def test_a_clinician_issues_a_batch_of_unguessable_codes_that_expire(charlie, alices_clinic, settings):
    settings.JOIN_CODE_MAX_AGE_DAYS = 30
    batch = join_codes_issue(clinic=alices_clinic, clinician=charlie, count=20)
    codes = JoinCode.objects.filter(batch=batch)
    assert codes.count() == 20
    assert len({c.code for c in codes}) == 20
    assert all(len(c.code) == 12 and set(c.code) <= set(INVITE_CODE_ALPHABET) for c in codes)
    assert {c.expires_at for c in codes} == {timezone.now() + dt.timedelta(days=30)}
    event = AuditEvent.objects.get(action=AuditEvent.Action.JOIN_CODES_ISSUED)
    assert (event.actor, event.clinic, event.metadata) == (charlie, alices_clinic, {"batch": str(batch), "count": 20})


@pytest.mark.parametrize("count", [0, 51])
def test_a_batch_has_1_to_50_codes(charlie, alices_clinic, count):
    with pytest.raises(JoinCodesRefused):
        join_codes_issue(clinic=alices_clinic, clinician=charlie, count=count)


def test_only_the_clinics_clinicians_issue_or_withdraw_its_codes(dora, alice, alices_clinic, code):
    for someone in (dora, alice):
        with pytest.raises(JoinCodesRefused):
            join_codes_issue(clinic=alices_clinic, clinician=someone, count=1)
        with pytest.raises(JoinCodesRefused):
            join_codes_withdraw(clinic=alices_clinic, clinician=someone, code=code.code)


def test_it_finds_a_code_however_it_is_typed(code):
    assert join_code_find(code=f"  {format_code(code.code).lower()} ") == code


@pytest.mark.parametrize("typed", ["", "nope", "ABCDEFGHJKMN", "x" * 500, "ABCD-EFGH-JKM0", "'; drop table"])
def test_it_finds_nothing_for_a_wrong_code(code, typed):
    assert join_code_find(code=typed) is None


def test_withdrawing_stops_unused_codes_only(alice, charlie, alices_clinic):
    batch = join_codes_issue(clinic=alices_clinic, clinician=charlie, count=3)
    used, lost, spare = JoinCode.objects.filter(batch=batch).order_by("id")
    clinic_join_with_code(patient=alice, code=used.code)
    assert join_codes_withdraw(clinic=alices_clinic, clinician=charlie, code=format_code(lost.code).lower()) == 1
    assert join_codes_withdraw(clinic=alices_clinic, clinician=charlie, batch=batch) == 1  # the spare
    assert join_codes_withdraw(clinic=alices_clinic, clinician=charlie, batch=batch) == 0
    states = [c.state(timezone.now()) for c in JoinCode.objects.filter(batch=batch).order_by("id")]
    assert states == ["used", "withdrawn", "withdrawn"]
    [summary] = join_code_batches(clinic=alices_clinic)
    assert (summary.issued, summary.used, summary.withdrawn, summary.usable, summary.expired) == (3, 1, 2, 0, 0)


# --- the pages ------------------------------------------------------------------------------------


def test_the_join_link_lets_a_patient_join_once(client, alice, bob, code):
    url = reverse("join", args=[code.code])
    client.force_login(alice)
    assert client.post(url)["Location"] == reverse("settings")
    client.force_login(bob)
    page = client.get(url)
    assert page.status_code == 410
    assert "already been used" in page.content.decode()
    assert 'type="submit" class="btn btn-primary">Join' not in page.content.decode()
    client.post(url)
    assert not Enrolment.objects.filter(patient=bob).exists()


def test_a_clinician_issues_codes_and_prints_a_handout_of_slips(client, charlie, alices_clinic, settings):
    settings.SITE_URL = "https://wellness.example.org"
    client.force_login(charlie)
    response = client.post(reverse("clinic_join_codes", args=[alices_clinic.pk]), {"count": "3"})
    batch = JoinCode.objects.get(pk=JoinCode.objects.order_by("id").first().pk).batch
    assert response["Location"] == reverse("clinic_join_codes_handout", args=[alices_clinic.pk, batch])
    html = client.get(response["Location"]).content.decode()
    assert html.count('class="slip"') == 3
    for join_code in JoinCode.objects.filter(batch=batch):
        assert format_code(join_code.code) in html
        assert f"https://wellness.example.org/join/{join_code.code}/" in html
    assert "/static/css/handout.css" in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_codes_page_shows_counts_never_who_used_a_code(client, alice, charlie, code):
    clinic_join_with_code(patient=alice, code=code.code)
    client.force_login(charlie)
    html = client.get(reverse("clinic_join_codes", args=[code.clinic.pk])).content.decode()
    assert alice.email not in html
    assert code.code not in html


@pytest.mark.parametrize("count", ["0", "51", "many", "", "9" * 5000])
def test_a_bad_count_is_explained_and_kept(client, charlie, alices_clinic, count):
    client.force_login(charlie)
    response = client.post(reverse("clinic_join_codes", args=[alices_clinic.pk]), {"count": count})
    assert response.status_code == 400
    assert "from 1 to 50" in response.content.decode() or "between 1 and 50" in response.content.decode()
    assert not JoinCode.objects.exists()


def test_a_clinician_withdraws_a_lost_code_by_typing_it(client, charlie, code):
    client.force_login(charlie)
    url = reverse("clinic_join_codes_withdraw", args=[code.clinic.pk])
    assert client.post(url, {"code": format_code(code.code)})["Location"] == reverse(
        "clinic_join_codes", args=[code.clinic.pk]
    )
    code.refresh_from_db()
    assert code.withdrawn_at is not None
    again = client.post(url, {"code": code.code})
    assert again.status_code == 400
    assert "No unused code of this clinic matches" in again.content.decode()


def test_another_clinics_clinician_cannot_withdraw_or_print_our_codes(client, dora, code):
    client.force_login(dora)
    url = reverse("clinic_join_codes_withdraw", args=[code.clinic.pk])
    assert client.post(url, {"code": code.code}).status_code == 404
    assert client.get(reverse("clinic_join_codes_handout", args=[code.clinic.pk, code.batch])).status_code == 404
    code.refresh_from_db()
    assert code.withdrawn_at is None
