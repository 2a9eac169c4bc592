"""Sign-up, the home page, the settings page and email verification. Log-in,
log-out and the password flows are Django's own views with this project's
templates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tracker.accounts import reauth, signed_in, twofactor
from tracker.accounts.forms import (
    ClinicianProfileForm,
    EmailAuthenticationForm,
    PasswordConfirmForm,
    ProfileForm,
    SignupForm,
)
from tracker.accounts.notices import security_event
from tracker.accounts.services import (
    VerificationRefused,
    email_verify,
    patient_signup,
    profile_update,
    verification_email_send,
)
from tracker.accounts.sessions import session_remember
from tracker.clinics.forms import InviteCodeForm
from tracker.clinics.services import current_enrolments
from tracker.core.client import client_ip
from tracker.core.later import after_commit
from tracker.core.throttle import (
    RESET_PER_ADDRESS,
    RESET_PER_CLIENT,
    SIGNUP_PER_ADDRESS,
    SIGNUP_PER_CLIENT,
    VERIFY_PER_ACCOUNT,
    VERIFY_PER_CLIENT,
    Throttled,
    throttle,
)
from tracker.core.time import patient_today
from tracker.models import AuditEvent
from tracker.reminders.push_views import push_settings
from tracker.reminders.schedule import reminder_state
from tracker.tasks import send_password_reset, send_signup_email

SIGNUP_EMAIL_KEY = "signup_email"
VERIFICATION_SENT = gettext_lazy("We've emailed a link to %(email)s. Open it to confirm your address.")
VERIFICATION_FAILED = gettext_lazy(
    "We couldn't send the confirmation email just now. Try again from Settings in a few minutes."
)


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
    """A new account, or a note to the owner of an address that has one: the same answer either way."""
    if request.user.is_authenticated:
        return redirect("home")
    status = 200
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid() and _throttled(form, request, SIGNUP_PER_ADDRESS, SIGNUP_PER_CLIENT) is None:
            data = form.cleaned_data
            outcome = patient_signup(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                time_zone=data["time_zone"],
                reminders_enabled=data["reminders_enabled"],
                # The language the sign-up page was in becomes the account's.
                language=request.LANGUAGE_CODE,
            )
            after_commit(send_signup_email, outcome.user_id, outcome.new)
            request.session[SIGNUP_EMAIL_KEY] = data["email"]
            return redirect("signup_sent")
        status = 429 if form.has_error(NON_FIELD_ERRORS, code="throttled") else 400
    else:
        form = SignupForm()
    return render(request, "registration/signup.html", {"form": form}, status=status)


def signup_sent(request):
    return render(request, "registration/signup_sent.html", {"email": request.session.get(SIGNUP_EMAIL_KEY)})


class PasswordResetRequestView(PasswordResetView):
    """Django's reset page; the email is ours, its link built from SITE_URL (not the Host header)."""

    def form_valid(self, form):
        if _throttled(form, self.request, RESET_PER_ADDRESS, RESET_PER_CLIENT) is not None:
            return self.render_to_response(self.get_context_data(form=form), status=429)
        # Sent by a worker: the page looks nothing up, so it takes as long for any address.
        after_commit(send_password_reset, form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


def _throttled(form, request, per_address, per_client) -> Throttled | None:
    """Count this email against the typed address and the client; on the form, why not, if too many."""
    try:
        throttle([(per_address, form.cleaned_data["email"].casefold()), (per_client, client_ip(request))])
    except Throttled as throttled:
        form.add_error(None, ValidationError(str(throttled), code="throttled"))
        return throttled
    return None


class RememberingLoginView(LoginView):
    """Django's login, plus "Keep me signed in on this device" for patients."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A reminder's link leads here when the patient is signed out: say why we ask.
        if self.get_redirect_url() == reverse("today"):
            context["why"] = _("Log in to record today's check-in")
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("remember") and not session_remember(request=self.request):
            messages.info(
                self.request,
                _(
                    "Clinician and staff accounts are not kept signed in: "
                    "you'll be signed out after a short time without activity."
                ),
            )
        return response


class StorageClearingLogoutView(LogoutView):
    """Logging out also wipes what this site stored in the browser: check-ins waiting on the
    device to be sent, and the offline copies of pages (see docs/sessions.md)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response


class AuditedPasswordChangeView(PasswordChangeView):
    """The form asks for the current password, so it is its own re-authentication."""

    def form_valid(self, form):
        response = super().form_valid(form)
        # Django ends the other sessions by their password hash; this also drops their rows and
        # their stored sessions, so "Where you're signed in" lists this browser alone.
        signed_in.sessions_end_others(user=self.request.user, request=self.request)
        reauth.password_entered(self.request)
        security_event(request=self.request, user=self.request.user, action=AuditEvent.Action.PASSWORD_CHANGED)
        return response


class AuditedPasswordResetConfirmView(PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        signed_in.sessions_end_all(user=form.user)
        security_event(request=self.request, user=form.user, action=AuditEvent.Action.PASSWORD_RESET)
        return response


@login_required
def password_confirm(request):
    """ "Confirm your password" before a sensitive action; then back to where the user was going."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("settings")
    form = PasswordConfirmForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        reauth.password_entered(request)
        return redirect(next_url)
    context = {"form": form, "next": next_url, "minutes": settings.PASSWORD_RECENT_MINUTES}
    return render(request, "registration/password_confirm.html", context, status=400 if form.errors else 200)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout page: the same words whether or not the account exists."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@login_required
def account_settings(request):
    """A patient's settings (profile, reminders, clinics, data), or a clinician's (profile, security)."""
    patient = request.user.is_patient
    form_class = ProfileForm if patient else ClinicianProfileForm
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, instance=request.user)
        if form.is_valid():
            profile_update(user=request.user, values=form.cleaned_data)
            messages.success(request, _("Your settings are saved."))
            return redirect("settings")
        status = 400
    else:
        form = form_class(instance=request.user)
    context = {"form": form}
    if not patient:
        context["two_factor_on"] = twofactor.confirmed_device(user=request.user) is not None
        return render(request, "tracker/settings_clinician.html", context, status=status)
    context["enrolments"] = current_enrolments(patient=request.user)
    context["reminder_state"] = reminder_state(patient=request.user, today=patient_today(patient=request.user))
    context["code_form"] = InviteCodeForm()
    context.update(push_settings(request))
    return render(request, "tracker/settings.html", context, status=status)


@login_required
@require_POST
def resend_verification(request):
    if request.user.email_verified:
        messages.info(request, _("Your email address is already confirmed."))
        return redirect("settings")
    try:
        throttle([(VERIFY_PER_ACCOUNT, str(request.user.pk)), (VERIFY_PER_CLIENT, client_ip(request))])
    except Throttled as throttled:
        messages.warning(request, str(throttled))
        return redirect("settings")
    if verification_email_send(user=request.user):
        messages.info(request, str(VERIFICATION_SENT) % {"email": request.user.email})
    else:
        messages.warning(request, str(VERIFICATION_FAILED))
    return redirect("settings")


def verify_email(request, token):
    """The link in the verification email. No login needed: it may be opened on another device."""
    try:
        user = email_verify(token=token)
    except VerificationRefused as refused:
        return render(request, "tracker/verify_email.html", {"error": str(refused)}, status=400)
    return render(request, "tracker/verify_email.html", {"verified_email": user.email})
