"""Every row a patient can have, found from the models rather than listed by hand.

`user_relations()` walks every installed model (the auto-created many-to-many tables too) for a
foreign key to the user. `User._meta.related_objects` alone would miss the keys declared with
related_name="+" (AuditEvent.actor, PatientWeek.patient). Each relation must be decided in
EXPORTED or NOT_EXPORTED below, so a new model that points at a patient (pause days, push
subscriptions...) fails tests/privacy/test_export_coverage.py until someone exports it or writes
down why not; and `make_full_patient` must give it a row, or
`test_the_full_patient_has_a_row_in_every_model_that_points_at_a_user` fails, so the deletion test
(tests/privacy/test_deletion_leaves_nothing.py) sees it too.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import NOW
from tests.factories import PASSWORD, ClinicFactory, UserFactory
from tracker.audit.services import audit_record
from tracker.checkins.pauses import pause_add
from tracker.checkins.services import checkin_save
from tracker.clinics.services import clinic_join, clinic_leave
from tracker.models import (
    AuditEvent,
    ClinicianInvitation,
    ClinicMembership,
    JoinCode,
    Note,
    NoteOpened,
    PushDelivery,
    PushSubscription,
    ReminderDelivery,
    User,
    UserSession,
)

# The section of the export (tracker/privacy/export.py) that holds the patient's rows of each model.
EXPORTED = {
    "tracker.CheckIn.patient": "checkins",
    "tracker.Enrolment.patient": "clinic_history",
    "tracker.NoteOpened.patient": "notes_opened",
    "tracker.Pause.patient": "pauses",
    "tracker.UserSession.user": "sessions",
    "tracker.ReminderDelivery.patient": "reminder_emails",
    # Which browsers get push reminders, when turned on and last reached, and the push service's
    # origin; not the endpoint path or the keys, which are credentials for pushing to the device.
    "tracker.PushSubscription.user": "push_devices",
}

# Rows that point at a user and are deliberately not in the export, and why.
NOT_EXPORTED = {
    "tracker.AuditEvent.actor": "the practice's append-only record of who did what; on deletion the patient's own "
    "activity is erased and their security events stay unlinked (docs/privacy.md)",
    "tracker.JoinCode.used_by": "the clinic's single-use credential; the enrolment it made is in clinic_history",
    "tracker.JoinCode.created_by": "a clinician's record of issuing codes; patients issue none",
    "tracker.ClinicianInvitation.invited_by": "clinicians inviting clinicians; patients have none",
    "tracker.ClinicianInvitation.used_by": "clinicians inviting clinicians; patients have none",
    "tracker.ClinicianInvitation.withdrawn_by": "clinicians inviting clinicians; patients have none",
    "tracker.PatientWeek.patient": "a rollup derived from the check-ins, which are exported",
    "tracker.ClinicMembership.clinician": "clinicians' places in clinics; patients have none",
    "otp_totp.TOTPDevice.user": "a two-factor secret: a credential, not something entered; clinicians and staff",
    "admin.LogEntry.user": "staff changes in the admin site",
    "tracker.User_groups.user": "staff permissions",
    "tracker.User_user_permissions.user": "staff permissions",
}

# Rows of a user's kept without a foreign key, so no walk of the relations finds them: not exported
# (credentials and login throttling, not data the patient entered), deleted with the account by
# tracker.privacy.deletion, and counted by the deletion test like every other table.
HELD_WITHOUT_A_KEY = {
    "sessions.Session": "login sessions, found by decoding each session",
    "axes.AccessAttempt": "failed-login throttling, keyed by email",
    "axes.AccessLog": "successful logins, keyed by email",
    "axes.AccessFailureLog": "failed logins, keyed by email (only with AXES_ENABLE_ACCESS_FAILURE_LOG)",
}

# The user's own columns: those in the export's "account" and "preferences" sections, and these.
USER_FIELDS_NOT_EXPORTED = {
    "id": "the database key, meaningless outside this site",
    "password": "a hash: a credential",
    "last_login": "a session record, not something the patient entered",
    "is_superuser": "staff permissions",
    "is_staff": "staff permissions",
    "is_active": "set by staff",
    "role": "set by the site: every exporting account is a patient",
}


def user_relations() -> set[str]:
    """Every foreign key to the user in any installed model, as 'app_label.Model.field'."""
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.fields
        if field.is_relation and field.related_model is User
    }


def rows_of(relation: str, user_id: int) -> int:
    label, field = relation.rsplit(".", 1)
    return apps.get_model(label)._base_manager.filter(**{field: user_id}).count()


def rows_held_without_a_key(user: User) -> dict[str, int]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.sessions.models import Session

    sessions = sum(s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.iterator())
    by_email = {
        model._meta.label: model.objects.filter(username__iexact=user.email).count()
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    }
    return {"sessions.Session": sessions, **by_email}


def table_counts() -> dict[str, int]:
    """Rows in every table, the auto-created many-to-many tables included."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models(include_auto_created=True)}


@dataclass
class World:
    """What exists before the patient does: clinics, a staff group, the notes (from migrations)."""

    riverside: object
    hillside: object
    group: Group
    join_code: JoinCode
    invitation: ClinicianInvitation


def make_world() -> World:
    riverside = ClinicFactory(name="Riverside")
    return World(
        riverside=riverside,
        hillside=ClinicFactory(name="Hillside"),
        group=Group.objects.create(name="Reviewers"),
        join_code=JoinCode.objects.create(
            clinic=riverside, code="ABCDEFGHJKMN", batch=uuid.uuid4(), expires_at=NOW + dt.timedelta(days=30)
        ),
        invitation=ClinicianInvitation.objects.create(
            clinic=riverside, email="doc@example.com", expires_at=NOW + dt.timedelta(days=7)
        ),
    )


@dataclass
class FullPatient:
    user: User
    client: Client  # logged in with her password, as a browser would be
    other_device: Client


# Frozen at tests.conftest.NOW (Friday 27 November 2026, 10:00 in New York).
TODAY = dt.date(2026, 11, 27)


def make_full_patient(world: World, now: dt.datetime) -> FullPatient:
    """Erin: a patient with a row in every model that points at a user, and every kind of row
    kept without a key. Some a patient never has in real life (a clinic membership, an admin log
    entry, a staff group); the deletion must leave none behind whoever the user is."""
    erin = UserFactory(
        email="erin@example.com",
        first_name="Erin",
        time_zone="America/New_York",
        email_verified_at=dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC),
        date_joined=dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC),
        reminders_enabled=True,
        reminder_weekday=3,
        reminder_hour=19,
    )
    # Sessions, the axes access log and LOGGED_IN audit events: two devices log in with the password.
    client, other_device = Client(), Client()
    for device in (client, other_device):
        assert device.post(reverse("login"), {"username": erin.email, "password": PASSWORD}).status_code == 302
    # An axes attempt and a LOGIN_FAILED audit event: a mistyped password.
    assert Client().post(reverse("login"), {"username": erin.email, "password": "not it"}).status_code == 200

    checkin_save(
        patient=erin, day=TODAY - dt.timedelta(days=1), values={"sleep_hours": 6.75, "omega3_supplement": True}
    )
    checkin_save(
        patient=erin,
        day=TODAY,
        values={"stress": 4, "fruit_veg_servings": 5, "sleep_quality": 3, "note": "=SUM(A1) walked to work"},
    )
    clinic_join(patient=erin, clinic=world.riverside, now=now - dt.timedelta(days=20))
    clinic_leave(patient=erin, clinic_id=world.riverside.pk, now=now - dt.timedelta(days=10))
    clinic_join(patient=erin, clinic=world.hillside, now=now - dt.timedelta(days=2))
    # Directly, not through note_view_record: a view also counts in NoteViewDay, an anonymous
    # per-note tally that rightly outlives the patient.
    NoteOpened.objects.create(patient=erin, note=Note.objects.get(slug="sleep"), day=TODAY - dt.timedelta(days=1))
    pause_add(patient=erin, first_day=TODAY + dt.timedelta(days=3), last_day=TODAY + dt.timedelta(days=9),
              reason="Visiting family", now=now)  # fmt: skip
    ReminderDelivery.objects.create(
        patient=erin,
        kind=ReminderDelivery.Kind.WEEK,
        period_start=dt.date(2026, 11, 16),
        iso_year=2026,
        iso_week=47,
        status=ReminderDelivery.Status.SENT,
        due_at=dt.datetime(2026, 11, 18, 19, 0, tzinfo=dt.UTC),
        expires_at=dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC),
        sent_at=dt.datetime(2026, 11, 19, 0, 1, tzinfo=dt.UTC),
    )
    # Push reminders on the first device, pushed once.
    device = PushSubscription.objects.create(
        user=erin,
        session=UserSession.objects.get(user=erin, session_key=client.session.session_key),
        endpoint="https://fcm.googleapis.com/fcm/send/erin-device",
        p256dh="BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        auth="tBHItJI5svbpez7KI4CCXg",
        last_success_at=dt.datetime(2026, 11, 19, 0, 1, tzinfo=dt.UTC),
    )
    PushDelivery.objects.create(
        delivery=ReminderDelivery.objects.get(patient=erin),
        subscription=device,
        status=PushDelivery.Status.SENT,
        expires_at=dt.datetime(2026, 11, 23, 5, 0, tzinfo=dt.UTC),
    )
    audit_record(actor=erin, action=AuditEvent.Action.DATA_EXPORTED, format="json")
    # The clinic's own records that name her: a join code she used, and (only clinicians in real
    # life) a code issued and an invitation sent, used and withdrawn. They existed before her and
    # stay, unlinked, when she goes.
    JoinCode.objects.filter(pk=world.join_code.pk).update(used_by=erin, created_by=erin)
    ClinicianInvitation.objects.filter(pk=world.invitation.pk).update(invited_by=erin, used_by=erin, withdrawn_by=erin)
    # Rows only clinicians and staff have in real life.
    ClinicMembership.objects.create(clinic=world.hillside, clinician=erin)
    TOTPDevice.objects.create(user=erin, name="phone", confirmed=False)
    LogEntry.objects.create(
        user=erin,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(erin.pk),
        object_repr="erin",
        action_flag=CHANGE,
    )
    erin.groups.add(world.group)
    erin.user_permissions.add(Permission.objects.get(codename="view_checkin"))
    return FullPatient(user=erin, client=client, other_device=other_device)
