"""Clinician pages. Clinicians never see a patient's individual values."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


@login_required
def clinician_home(request):
    if not request.user.is_clinician:
        raise PermissionDenied("This page is for clinicians.")
    clinics = request.user.clinics.order_by("name")
    return render(request, "tracker/clinician_home.html", {"clinics": clinics})
