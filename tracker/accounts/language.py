"""The language a person reads the app in, and how it is chosen.

Which language a page is in, first match wins:

1. a logged-in user's own choice (User.language): set at sign-up from the language the sign-up
   page was in, changed with the language switch in every page's footer;
2. the language cookie, which the switch sets for anyone, and which this module sets to the
   account's language at log-in, so the pages after logging out stay in it;
3. the browser's Accept-Language (a first visit);
4. settings.LANGUAGE_CODE.

LocaleMiddleware does 2 to 4; UserLanguageMiddleware (after AuthenticationMiddleware) does 1.
So the account's choice follows the person to any device, and a browser set to another language
does not override it.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from tracker.core.i18n import language_of, supported_languages
from tracker.models import User


def language_save(*, user: User, language: str) -> None:
    """Make `language` the user's own. Unknown codes are refused (ValueError)."""
    if language not in supported_languages():
        raise ValueError(f"Not a language the app speaks: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@require_POST
def set_language(request):
    """The footer's language switch: Django's set_language (which checks the language and the
    `next` address and sets the cookie), and for a logged-in user, their account's language too."""
    response = django_set_language(request)
    chosen = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen is None:
        return response
    if chosen.value not in supported_languages():
        # Django takes any language it has a catalogue of (its own include French); the app speaks
        # only settings.LANGUAGES.
        del response.cookies[settings.LANGUAGE_COOKIE_NAME]
    elif request.user.is_authenticated:
        language_save(user=request.user, language=chosen.value)
    return response


@receiver(user_logged_in, dispatch_uid="language_logged_in")
def _logged_in(sender, request, user, **kwargs):
    """From the moment of log-in, the account's language: for the rest of this request (a message
    added now is in it) and, through the middleware's cookie, after logging out."""
    if not hasattr(request, "LANGUAGE_CODE"):  # no page being served (a test's force_login, a script)
        return
    language = language_of(user)
    translation.activate(language)
    request.LANGUAGE_CODE = language


class UserLanguageMiddleware:
    """A logged-in user reads the app in their own language, whatever the cookie or browser says;
    the cookie follows the account, so the log-in page after logging out keeps that language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = language_of(user)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # request.user again: logging in or out during the request changes it.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = language_of(user)
            if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    path=settings.LANGUAGE_COOKIE_PATH,
                    domain=settings.LANGUAGE_COOKIE_DOMAIN,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
        return response
