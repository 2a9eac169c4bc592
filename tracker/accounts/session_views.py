"""Where you're signed in: the user's browsers, and "Sign out everywhere"."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tracker.accounts.signed_in import sessions_end_all, signed_in_sessions
from tracker.audit.services import audit_record
from tracker.models import AuditEvent


@login_required
def signed_in_list(request):
    sessions = signed_in_sessions(user=request.user, current_key=request.session.session_key)
    context = {"sessions": sessions, "remember_days": settings.SESSION_REMEMBER_DAYS}
    return render(request, "tracker/signed_in.html", context)


@login_required
@require_POST
def sign_out_everywhere(request):
    user = request.user
    sessions_end_all(user=user)
    audit_record(actor=user, action=AuditEvent.Action.SIGNED_OUT_EVERYWHERE)
    logout(request)
    messages.success(request, "You're signed out on every device, this one included.")
    response = redirect("login")
    response["Clear-Site-Data"] = '"storage"'
    return response
