"""Joining and leaving clinics: patients with a single-use join code, clinicians with a signed link."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tracker.accounts.reauth import recent_password_required
from tracker.accounts.services import EmailTaken
from tracker.clinics.forms import ClinicianSignupForm, InviteCodeForm
from tracker.clinics.invitations import (
    InvitationInvalid,
    InvitationRefused,
    clinician_invite_accept,
    clinician_invite_read,
    clinician_signup,
    invited_account,
)
from tracker.clinics.join_codes import (
    BAD_CODE_MESSAGE,
    STATE_MESSAGES,
    clinic_join_with_code,
    format_code,
    join_code_find,
    normalise_code,
)
from tracker.clinics.services import JoinRefused, clinic_leave, current_enrolments
from tracker.core.access import patient_required


@require_http_methods(["GET", "POST"])
def join_with_code(request):
    """The code form on the settings page: go to that code's join page."""
    form = InviteCodeForm(request.POST or request.GET or None)
    if not form.is_bound:
        return render(request, "tracker/join_bad_code.html", {"form": form, "message": None})
    if form.is_valid():
        join_code = join_code_find(code=form.cleaned_data["code"])
        if join_code is not None:
            return redirect("join", code=join_code.code)
        # Unknown or malformed (it may hold "/" or anything else): say so here, keeping what was typed.
        return render(request, "tracker/join_bad_code.html", {"form": form, "message": BAD_CODE_MESSAGE}, status=404)
    return render(request, "tracker/join_bad_code.html", {"form": form, "message": None}, status=400)


@require_http_methods(["GET", "POST"])
@recent_password_required(methods={"POST"})
def join(request, code):
    join_code = join_code_find(code=code)
    if join_code is None:
        form = InviteCodeForm(initial={"code": code})
        return render(request, "tracker/join_bad_code.html", {"form": form, "message": BAD_CODE_MESSAGE}, status=404)
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        try:
            clinic_join_with_code(patient=user, code=join_code.code)
        except JoinRefused as refused:
            messages.error(request, str(refused))
            return redirect("join", code=join_code.code)
        joined = _("You joined %(clinic)s. You can leave at any time from your settings.")
        messages.success(request, joined % {"clinic": join_code.clinic.name})
        return redirect("settings")
    return _join_page(request, join_code)


def _join_page(request, join_code):
    """What the clinic will see, and a button to join; or why this code no longer works."""
    user = request.user
    clinic = join_code.clinic
    already = user.is_authenticated and current_enrolments(patient=user).filter(clinic=clinic).exists()
    state = join_code.state(timezone.now())
    used_by_you = state == "used" and user.is_authenticated and join_code.used_by_id == user.pk
    context = {
        "clinic": clinic,
        "code": format_code(normalise_code(join_code.code)),
        "already": already,
        "refusal": None if state == "usable" or used_by_you else STATE_MESSAGES[state],
    }
    return render(request, "tracker/join.html", context, status=200 if context["refusal"] is None else 410)


@patient_required
@require_http_methods(["GET", "POST"])
@recent_password_required(methods={"POST"})
def leave(request, clinic_id):
    enrolment = current_enrolments(patient=request.user).filter(clinic_id=clinic_id).first()
    if enrolment is None:
        raise Http404("You are not a member of this clinic.")
    if request.method == "POST":
        clinic_leave(patient=request.user, clinic_id=clinic_id)
        messages.success(
            request, _("You left %(clinic)s. From now on it doesn't count you.") % {"clinic": enrolment.clinic.name}
        )
        return redirect("settings")
    return render(request, "tracker/leave.html", {"clinic": enrolment.clinic})


@require_http_methods(["GET", "POST"])
@recent_password_required(methods={"POST"})
def clinician_invitation(request, token):
    try:
        invitation = clinician_invite_read(token=token)
    except InvitationInvalid as invalid:
        return render(request, "tracker/invitation_invalid.html", {"message": str(invalid)}, status=400)
    account = invited_account(invitation=invitation)
    context = {"invitation": invitation, "account": account, "refusal": None, "form": None}
    if request.user.is_authenticated:
        return _accept_invitation(request, invitation, context)
    if account is None:
        return _sign_up_from_invitation(request, invitation, context)
    return render(request, "tracker/clinician_invitation.html", context)


def _accept_invitation(request, invitation, context):
    """A logged-in user accepts (POST) or is asked to."""
    status = 200
    if request.method == "POST":
        try:
            clinician_invite_accept(invitation=invitation, user=request.user)
        except InvitationRefused as refused:
            context["refusal"] = str(refused)
            status = 400
        else:
            messages.success(request, _("You are now a clinician of %(clinic)s.") % {"clinic": invitation.clinic.name})
            return redirect("clinician_home")
    return render(request, "tracker/clinician_invitation.html", context, status=status)


def _sign_up_from_invitation(request, invitation, context):
    """No account yet: the invited clinician creates one here."""
    form = ClinicianSignupForm(request.POST or None, email=invitation.email)
    context["form"] = form
    if request.method != "POST":
        return render(request, "tracker/clinician_invitation.html", context)
    if form.is_valid():
        data = form.cleaned_data
        try:
            new_user = clinician_signup(
                invitation=invitation,
                password=data["password1"],
                first_name=data["first_name"],
                time_zone=data["time_zone"],
            )
        except EmailTaken:
            form.add_error(None, _("An account with this email already exists. Log in to accept."))
        except InvitationRefused as refused:  # used or withdrawn while the form was open
            form.add_error(None, str(refused))
        else:
            login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome! You are now a clinician of %(clinic)s.") % {"clinic": invitation.clinic.name}
            )
            return redirect("clinician_home")
    return render(request, "tracker/clinician_invitation.html", context, status=400)
