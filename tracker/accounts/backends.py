"""The authentication backend: Django's ModelBackend with a cheaper per-request user lookup."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from tracker.models import User

_USER_BY_ID = f"SELECT * FROM {User._meta.db_table} WHERE id = %s"  # noqa: S608 - our table name


class UserBackend(ModelBackend):
    """Every logged-in request loads its user from the session's id. Django builds and compiles
    that query anew each time, which costs more than running it; this runs the same lookup as
    fixed SQL (a raw query still applies the model's field conversions). Logging in, permissions
    and the active check are ModelBackend's."""

    def get_user(self, user_id):
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = next(iter(User.objects.raw(_USER_BY_ID, [pk])), None)
        return user if user is not None and self.user_can_authenticate(user) else None
