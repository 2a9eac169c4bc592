"""Clinician pages for patients' join codes: issue a batch, print its handout, withdraw codes.

Any clinician of the clinic may issue and withdraw its codes; every other user gets a 404, as on
the dashboard. The handout is a plain page that prints one slip per code (static/css/handout.css).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tracker.clinics.forms import JoinCodeIssueForm, JoinCodeWithdrawForm
from tracker.clinics.join_codes import (
    JoinCodesRefused,
    format_code,
    join_code_batches,
    join_codes_issue,
    join_codes_usable,
    join_codes_withdraw,
)
from tracker.clinics.views import membership_or_404
from tracker.core.emails import absolute_url


def _codes_page(request, membership, *, issue_form=None, withdraw_form=None, status=200):
    context = {
        "clinic": membership.clinic,
        "max_age_days": settings.JOIN_CODE_MAX_AGE_DAYS,
        "issue_form": issue_form or JoinCodeIssueForm(),
        "withdraw_form": withdraw_form or JoinCodeWithdrawForm(),
        "batches": join_code_batches(clinic=membership.clinic),
    }
    return render(request, "tracker/join_codes.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def join_codes(request, clinic_id):
    membership = membership_or_404(request, clinic_id)
    if request.method != "POST":
        return _codes_page(request, membership)
    form = JoinCodeIssueForm(request.POST)
    if form.is_valid():
        try:
            batch = join_codes_issue(clinic=membership.clinic, clinician=request.user, count=form.cleaned_data["count"])
        except JoinCodesRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("clinic_join_codes_handout", clinic_id=clinic_id, batch=batch)
    return _codes_page(request, membership, issue_form=form, status=400)


@login_required
def join_codes_handout(request, clinic_id, batch):
    membership = membership_or_404(request, clinic_id)
    codes = join_codes_usable(clinic=membership.clinic, batch=batch)
    slips = [
        {
            "code": format_code(code.code),
            "url": absolute_url(reverse("join", args=[code.code])),
            "expires": code.expires_at,
        }
        for code in codes
    ]
    context = {"clinic": membership.clinic, "slips": slips, "join_url": absolute_url(reverse("join_with_code"))}
    return render(request, "tracker/join_codes_handout.html", context)


@login_required
@require_POST
def join_codes_withdraw_view(request, clinic_id):
    membership = membership_or_404(request, clinic_id)
    form = JoinCodeWithdrawForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        withdrawn = join_codes_withdraw(
            clinic=membership.clinic,
            clinician=request.user,
            batch=data["batch"],
            code=data["code"] if data["batch"] is None else None,
        )
        if withdrawn:
            messages.success(
                request,
                ngettext("Withdrew %(count)s unused code.", "Withdrew %(count)s unused codes.", withdrawn)
                % {"count": withdrawn},
            )
            return redirect("clinic_join_codes", clinic_id=clinic_id)
        form.add_error(None, _("No unused code of this clinic matches: it may be used, withdrawn or mistyped."))
    return _codes_page(request, membership, withdraw_form=form, status=400)
