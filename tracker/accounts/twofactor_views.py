"""Two-factor authentication pages for clinicians and staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tracker.accounts import reauth, twofactor
from tracker.accounts.forms import PasswordConfirmForm, TokenForm, TwoFactorSetupForm
from tracker.accounts.notices import security_event
from tracker.accounts.sign_ins import two_factor_passed
from tracker.models import AuditEvent

SETUP_EXPIRED = gettext_lazy(
    "Setting up took longer than 10 minutes, so that key was discarded. "
    "Scan the new code below, then enter the first code your app shows for it."
)


@login_required
@reauth.recent_password_required
def two_factor_setup(request):
    user = request.user
    if not twofactor.two_factor_offered(user):
        raise Http404
    if twofactor.confirmed_device(user=user) is not None:
        return render(request, "security/two_factor_on.html", {"form": PasswordConfirmForm(user=user)})
    if request.method != "POST":
        return _setup_page(request, TwoFactorSetupForm(user=user), twofactor.setup_start(request=request))
    form = TwoFactorSetupForm(request.POST, user=user)
    device = twofactor.setup_pending(request=request)
    if device is None:
        form.add_error(None, SETUP_EXPIRED)
    elif form.is_valid():
        if twofactor.confirm_device(request=request, device=device, token=form.cleaned_data["token"]):
            security_event(request=request, user=user, action=AuditEvent.Action.TWO_FACTOR_ON)
            messages.success(request, _("Two-factor authentication is on. You'll enter a code each time you log in."))
            return redirect("settings")
        form.add_error("token", _("That code didn't match. Check the time on your phone and try the newest code."))
    return _setup_page(request, form, device or twofactor.setup_start(request=request), status=400)


def _setup_page(request, form, device, status=200):
    context = {
        "form": form,
        "qr_svg": twofactor.qr_code_svg(device),
        "secret": twofactor.secret_for_manual_entry(device),
        "required": twofactor.two_factor_required(request.user),
    }
    return render(request, "security/two_factor_setup.html", context, status=status)


@login_required
def two_factor_verify(request):
    if request.user.is_verified() or twofactor.confirmed_device(user=request.user) is None:
        return redirect("home")
    status = 200
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and twofactor.verify_session(request=request, token=form.cleaned_data["token"]):
            two_factor_passed(request=request)
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
                next_url = "home"
            return redirect(next_url)
        if form.is_valid():
            form.add_error("token", _("That code didn't match. Try the newest code from your app."))
        status = 400
    return render(request, "security/two_factor_verify.html", {"form": form}, status=status)


@login_required
@require_POST
def two_factor_disable(request):
    user = request.user
    if not twofactor.two_factor_offered(user) or twofactor.confirmed_device(user=user) is None:
        raise Http404
    form = PasswordConfirmForm(request.POST, user=user)
    if twofactor.two_factor_required(user):
        form.add_error(None, _("Clinician and staff accounts must keep two-factor authentication on."))
    if form.errors or not form.is_valid():
        return render(request, "security/two_factor_on.html", {"form": form}, status=400)
    reauth.password_entered(request)
    twofactor.disable(user=user)
    security_event(request=request, user=user, action=AuditEvent.Action.TWO_FACTOR_OFF)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("settings")
