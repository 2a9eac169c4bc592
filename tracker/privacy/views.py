"""The patient's data rights: download everything, delete the account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.accounts.forms import PasswordConfirmForm
from tracker.accounts.notices import security_event
from tracker.accounts.reauth import recent_password_required
from tracker.core.access import patient_required
from tracker.models import AuditEvent
from tracker.privacy import deletion, export


def _download(request, content, *, content_type, filename, kind):
    security_event(request=request, user=request.user, action=AuditEvent.Action.DATA_EXPORTED, format=kind)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stamp():
    return timezone.localdate().isoformat()


@patient_required
@recent_password_required
def my_data(request):
    return render(request, "tracker/my_data.html", {"form": PasswordConfirmForm(user=request.user)})


@patient_required
@recent_password_required(return_to="my_data")
def export_json(request):
    body = export.export_json(patient=request.user)
    return _download(
        request, body, content_type="application/json", filename=f"wellness-tracker-{_stamp()}.json", kind="json"
    )


@patient_required
@recent_password_required(return_to="my_data")
def export_csv(request):
    body = export.export_csv_zip(patient=request.user)
    return _download(
        request, body, content_type="application/zip", filename=f"wellness-tracker-{_stamp()}-csv.zip", kind="csv"
    )


@patient_required
@recent_password_required(return_to="my_data")
def export_fhir(request):
    body = json.dumps(export.export_fhir_bundle(patient=request.user), indent=2)
    return _download(
        request,
        body,
        content_type="application/fhir+json",
        filename=f"wellness-tracker-{_stamp()}-fhir.json",
        kind="fhir",
    )


@patient_required
@require_POST
def delete_account(request):
    form = PasswordConfirmForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "tracker/my_data.html", {"form": form, "delete_open": True}, status=400)
    user = request.user
    logout(request)
    deletion.account_delete(user=user, password=form.cleaned_data["password"])
    messages.success(request, _("Your account and everything in it have been deleted."))
    return redirect("home")
