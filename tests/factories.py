import datetime as dt
import uuid

import factory
from django.utils import timezone

from tracker.models import CheckIn, Clinic, Enrolment, JoinCode, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Pat"
    role = User.Role.PATIENT
    time_zone = "America/New_York"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ClinicianFactory(UserFactory):
    role = User.Role.CLINICIAN


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")


class JoinCodeFactory(factory.django.DjangoModelFactory):
    """A usable single-use join code for a clinic."""

    class Meta:
        model = JoinCode

    clinic = factory.SubFactory(ClinicFactory)
    batch = factory.LazyFunction(uuid.uuid4)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    patient = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    patient = factory.SubFactory(UserFactory)
    day = factory.LazyFunction(lambda: dt.date(2026, 11, 27))
    sleep_hours = 7.5
    sleep_quality = 4
    stress = 3
    omega3_servings = 1
    omega3_supplement = False
    fruit_veg_servings = 5


class ReminderPatientFactory(UserFactory):
    """A patient who opted in and verified their address. Monday 00:00 is due all week."""

    reminders_enabled = True
    email_verified_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    reminder_weekday = 1
    reminder_hour = 0
