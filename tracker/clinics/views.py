"""Clinician pages. Clinicians see only aggregates of their own clinics.

Any clinic the user is not a clinician of is a 404, whoever they are, so the
pages never confirm that a clinic exists. Every dashboard view and CSV export
is audited.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.audit.services import audit_record
from tracker.clinics.charts import weekly_active_chart
from tracker.clinics.disclosure import disclosure_trace, engagement_report
from tracker.clinics.engagement import clinic_engagement
from tracker.clinics.engagement_csv import engagement_csv_rows
from tracker.clinics.forms import ClinicianInviteForm, DashboardPeriodForm
from tracker.clinics.invitations import (
    InvitationRefused,
    clinician_invitation_withdraw,
    clinician_invitations_pending,
    clinician_invite_send,
)
from tracker.clinics.services import clinician_membership, clinician_memberships
from tracker.core.spreadsheet import csv_text
from tracker.core.time import patient_today
from tracker.models import AuditEvent


def membership_or_404(request, clinic_id):
    membership = clinician_membership(user=request.user, clinic_id=clinic_id)
    if membership is None:
        raise Http404("No such clinic.")
    return membership


@login_required
def clinician_home(request):
    if not request.user.is_clinician:
        raise PermissionDenied("This page is for clinicians.")
    return render(
        request, "tracker/clinician_home.html", {"memberships": clinician_memberships(clinician=request.user)}
    )


def _report(request, membership):
    """The period form and the report for it (the default period when the form is invalid)."""
    today = patient_today(patient=request.user)
    form = DashboardPeriodForm(request.GET or None, today=today)
    valid = not form.is_bound or form.is_valid()
    if not valid:
        form_for_period = DashboardPeriodForm(today=today)
        period = form_for_period.period()
    else:
        period = form.period()
    engagement = clinic_engagement(clinic=membership.clinic, period=period)
    return form, valid, engagement_report(engagement=engagement, today=today)


def _audit_view(request, membership, report, action):
    audit_record(
        actor=request.user,
        action=action,
        clinic=membership.clinic,
        first_week=report.period.first_week.isoformat(),
        last_week=report.period.last_week.isoformat(),
        **disclosure_trace(report),
    )


@login_required
def clinic_dashboard(request, clinic_id):
    membership = membership_or_404(request, clinic_id)
    form, valid, report = _report(request, membership)
    _audit_view(request, membership, report, AuditEvent.Action.DASHBOARD_VIEWED)
    context = {
        "membership": membership,
        "clinic": membership.clinic,
        "form": form,
        "report": report,
        "chart": weekly_active_chart(report),
        "csv_query": request.GET.urlencode() if valid else "",
    }
    return render(request, "tracker/clinic_dashboard.html", context, status=200 if valid else 400)


@login_required
def clinic_dashboard_csv(request, clinic_id):
    membership = membership_or_404(request, clinic_id)
    form, valid, report = _report(request, membership)
    if not valid:
        messages.error(
            request, _("The period wasn't valid, so nothing was downloaded. Check the period and try again.")
        )
        return redirect(f"{reverse('clinic_dashboard', args=[clinic_id])}?{request.GET.urlencode()}")
    _audit_view(request, membership, report, AuditEvent.Action.DASHBOARD_EXPORTED)
    response = HttpResponse(csv_text(engagement_csv_rows(report)), content_type="text/csv; charset=utf-8")
    filename = f"clinic-{clinic_id}-engagement-{report.period.first_week}-to-{report.period.last_week}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _admin_membership_or_404(request, clinic_id):
    membership = membership_or_404(request, clinic_id)
    if not membership.is_admin:
        raise Http404("Only admin clinicians invite clinicians.")
    return membership


@login_required
@require_POST
def clinic_invitation_withdraw(request, clinic_id, invitation_id):
    membership = _admin_membership_or_404(request, clinic_id)
    if clinician_invitation_withdraw(clinic=membership.clinic, user=request.user, invitation_id=invitation_id):
        messages.success(request, _("Invitation withdrawn: its link no longer works."))
    else:
        messages.info(request, _("That invitation was already accepted, withdrawn or expired."))
    return redirect("clinic_invite", clinic_id=clinic_id)


@login_required
def clinic_invite(request, clinic_id):
    membership = _admin_membership_or_404(request, clinic_id)
    status = 200
    if request.method == "POST":
        form = ClinicianInviteForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                clinician_invite_send(inviter=request.user, clinic=membership.clinic, email=email)
            except InvitationRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s. The link works for a limited time.") % {"email": email}
                )
                return redirect("clinic_dashboard", clinic_id=clinic_id)
        status = 400
    else:
        form = ClinicianInviteForm()
    context = {
        "clinic": membership.clinic,
        "form": form,
        "pending": clinician_invitations_pending(clinic=membership.clinic),
    }
    return render(request, "tracker/clinic_invite.html", context, status=status)
