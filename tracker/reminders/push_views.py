"""Turning push reminders on and off for one device: JSON posted by static/js/push.js.

CSRF-protected like every POST (the page's token, in X-CSRFToken). Bad input answers 400 with
a message the page shows; never a 500.
"""

import json

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.accounts.sessions import REMEMBERED_KEY
from tracker.accounts.signed_in import ROW_KEY, user_session_seen
from tracker.models import UserSession
from tracker.reminders.push_devices import (
    BadSubscription,
    push_endpoint_hashes,
    push_subscribe,
    push_unsubscribe,
    subscription_parse,
)

BODY_MAX_BYTES = 4096


def push_settings(request) -> dict:
    """What the settings page needs for its "Reminders on this device" control (nothing when push is off)."""
    if not settings.WEB_PUSH_ENABLED:
        return {}
    # The endpoints' hashes: the script tells "on for this browser" without seeing the endpoints.
    known = push_endpoint_hashes(user=request.user)
    return {
        "web_push": {
            "public_key": settings.VAPID_PUBLIC_KEY,
            "devices": len(known),
            "known": " ".join(known),
            "remembered": bool(request.session.get(REMEMBERED_KEY)),
        }
    }


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _parse(request):
    """The JSON body, or a response saying what is wrong with the request."""
    if not request.user.is_authenticated:
        return None, _refused(_("Log in to turn on reminders on this device."), status=403)
    if not request.user.is_patient:
        return None, _refused(_("Reminders are for patient accounts."), status=403)
    if not settings.WEB_PUSH_ENABLED:
        return None, _refused(_("Reminders on devices are not set up on this site."), status=404)
    if len(request.body) > BODY_MAX_BYTES:
        return None, _refused(_("The request is too large."))
    try:
        return json.loads(request.body), None
    except (ValueError, UnicodeDecodeError):
        return None, _refused(_("The request is not valid JSON."))


def _this_session(request) -> UserSession:
    row = UserSession.objects.filter(pk=request.session.get(ROW_KEY), user=request.user).first()
    if row is None:  # a session from before sessions had rows
        user_session_seen(request=request)
        row = UserSession.objects.get(pk=request.session[ROW_KEY])
    return row


@require_POST
def subscribe(request):
    data, refused = _parse(request)
    if refused:
        return refused
    try:
        subscription = subscription_parse(data)
    except BadSubscription as bad:
        return _refused(str(bad))
    push_subscribe(user=request.user, session=_this_session(request), subscription=subscription)
    return JsonResponse({"message": _("Reminders will come to this device too.")}, status=201)


@require_POST
def unsubscribe(request):
    data, refused = _parse(request)
    if refused:
        return refused
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or not endpoint:
        return _refused(_("The request has no endpoint."))
    push_unsubscribe(user=request.user, endpoint=endpoint)
    return JsonResponse({"message": _("Reminders stopped on this device.")})
