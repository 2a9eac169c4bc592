"""Sensitive actions need the password entered recently ("sudo mode").

A remembered session can last a month, on a phone that may be left unlocked. So the actions that
could hurt most in someone else's hands ask for the password again unless it was entered in the
last PASSWORD_RECENT_MINUTES: downloading data, deleting the account, joining or leaving a
clinic, and two-factor changes. The session records when the password was last entered: at login
and on the "Confirm your password" page.
"""

import time
from functools import wraps

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

PASSWORD_AT_KEY = "password_entered_at"


def password_entered(request, *, now: int | None = None) -> None:
    request.session[PASSWORD_AT_KEY] = int(now if now is not None else time.time())


def password_recent(request) -> bool:
    entered = request.session.get(PASSWORD_AT_KEY)
    if not isinstance(entered, int):
        return False
    return 0 <= time.time() - entered <= settings.PASSWORD_RECENT_MINUTES * 60


def recent_password_required(view=None, *, methods=None, return_to=None):
    """Send a user who hasn't entered their password recently to confirm it, then back.

    `methods`: only these methods need it (by default all). `return_to`: the URL name of the
    page to come back to; by default the same URL, whose GET shows the form again. A POST is
    never replayed: the user lands back on the form with nothing but the password asked again.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            needs = methods is None or request.method in methods
            if needs and request.user.is_authenticated and not password_recent(request):
                if return_to:
                    back = reverse(return_to)
                elif request.method == "GET":
                    back = request.get_full_path()
                else:
                    back = request.path
                return redirect(f"{reverse('password_confirm')}?{urlencode({'next': back})}")
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
