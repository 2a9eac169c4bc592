"""Sign-up, the home page, the settings page and email verification. Log-in,
log-out and the password flows are Django's own views with this project's
templates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView, PasswordResetConfirmView
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tracker.accounts.forms import ProfileForm, SignupForm
from tracker.accounts.services import (
    EmailTaken,
    VerificationRefused,
    email_verify,
    patient_signup,
    profile_update,
    verification_email_send,
)
from tracker.audit.services import audit_record
from tracker.clinics.forms import InviteCodeForm
from tracker.clinics.services import current_enrolments
from tracker.models import AuditEvent

VERIFICATION_SENT = "We've emailed a link to {email}. Open it to confirm your address."
VERIFICATION_FAILED = "We couldn't send the confirmation email just now. Try again from Settings in a few minutes."


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "tracker/landing.html")
    if user.is_patient:
        return redirect("dashboard")
    if user.is_clinician:
        return redirect("clinician_home")
    return redirect("admin:index")


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    status = 200
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = patient_signup(
                    email=data["email"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    time_zone=data["time_zone"],
                    reminders_enabled=data["reminders_enabled"],
                    # The language the sign-up page was in becomes the account's.
                    language=request.LANGUAGE_CODE,
                )
            except EmailTaken:
                form.add_error("email", "An account with this email already exists. Log in, or reset your password.")
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, "Welcome! Your account is ready. Log today's check-in whenever you like.")
                if verification_email_send(user=user):
                    messages.info(request, VERIFICATION_SENT.format(email=user.email))
                else:
                    messages.warning(request, VERIFICATION_FAILED)
                return redirect("today")
        status = 400
    else:
        form = SignupForm()
    return render(request, "registration/signup.html", {"form": form}, status=status)


class AuditedPasswordChangeView(PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action=AuditEvent.Action.PASSWORD_CHANGED)
        return response


class AuditedPasswordResetConfirmView(PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=form.user, action=AuditEvent.Action.PASSWORD_RESET)
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page: the same words whether or not the account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@login_required
def account_settings(request):
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            profile_update(user=request.user, values=form.cleaned_data)
            messages.success(request, "Your settings are saved.")
            return redirect("settings")
        status = 400
    else:
        form = ProfileForm(instance=request.user)
    context = {"form": form}
    if request.user.is_patient:
        context["enrolments"] = current_enrolments(patient=request.user)
        context["code_form"] = InviteCodeForm()
    return render(request, "tracker/settings.html", context, status=status)


@login_required
@require_POST
def resend_verification(request):
    if request.user.email_verified:
        messages.info(request, "Your email address is already confirmed.")
    elif verification_email_send(user=request.user):
        messages.info(request, VERIFICATION_SENT.format(email=request.user.email))
    else:
        messages.warning(request, VERIFICATION_FAILED)
    return redirect("settings")


def verify_email(request, token):
    """The link in the verification email. No login needed: it may be opened on another device."""
    try:
        user = email_verify(token=token)
    except VerificationRefused as refused:
        return render(request, "tracker/verify_email.html", {"error": str(refused)}, status=400)
    return render(request, "tracker/verify_email.html", {"verified_email": user.email})
