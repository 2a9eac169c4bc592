"""The one-click unsubscribe link in reminder emails (RFC 8058).

No login and no CSRF token: the signed token in the URL is the credential.
A GET (a person clicking, or a link scanner) only shows a confirmation
button; a POST (that button, or the mail client's one-click request) turns
reminders off and answers 200 without a redirect.
"""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tracker.core.tokens import BadToken
from tracker.reminders.unsubscribe import reminders_unsubscribe, unsubscribe_patient


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        if request.method == "POST":
            reminders_unsubscribe(token=token)
            return render(request, "tracker/unsubscribe.html", {"done": True})
        unsubscribe_patient(token=token)
    except BadToken as refused:
        return render(request, "tracker/unsubscribe.html", {"error": str(refused)}, status=400)
    return render(request, "tracker/unsubscribe.html", {"token": token})
