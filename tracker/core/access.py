"""Access helpers shared by the views."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def patient_required(view):
    """Logged in, and a patient: clinicians and staff have no check-ins."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_patient:
            raise PermissionDenied("This page is for patients.")
        return view(request, *args, **kwargs)

    return wrapper
