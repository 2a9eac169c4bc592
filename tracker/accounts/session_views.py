"""Where you're signed in: the user's browsers, signing one out, and "Sign out everywhere"."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.accounts.browsers import Browser
from tracker.accounts.notices import security_event
from tracker.accounts.signed_in import session_end, sessions_end_all, signed_in_sessions, user_session_of
from tracker.models import AuditEvent


@login_required
def signed_in_list(request):
    sessions = signed_in_sessions(user=request.user, current_key=request.session.session_key)
    context = {"sessions": sessions, "remember_days": settings.SESSION_REMEMBER_DAYS, "back": "signed_in"}
    return render(request, "tracker/signed_in.html", context)


@login_required
@require_POST
def sign_out_everywhere(request):
    user = request.user
    sessions_end_all(user=user)
    security_event(request=request, user=user, action=AuditEvent.Action.SIGNED_OUT_EVERYWHERE)
    return _signed_out(request, _("You're signed out on every device, this one included."))


@login_required
@require_POST
def end_session(request, session_id):
    """Sign out one of the user's browsers. Another user's session is a 404; this browser's own is
    a logout."""
    row = user_session_of(user=request.user, session_id=session_id)
    if row is None:
        raise Http404("No such session.")
    if row.session_key == request.session.session_key:
        return _signed_out(request, _("You're signed out of this browser."))
    session_end(row=row)
    ended = Browser(row.browser, row.system)
    security_event(
        request=request, user=request.user, action=AuditEvent.Action.SESSION_ENDED, **ended.metadata("ended")
    )
    messages.success(request, _("Signed out %(browser)s.") % {"browser": ended})
    return redirect("account_activity" if request.POST.get("back") == "activity" else "signed_in")


def _signed_out(request, message):
    logout(request)
    messages.success(request, message)
    response = redirect("login")
    response["Clear-Site-Data"] = '"storage"'
    return response
