"""Languages: which one a user reads, and running code in it.

Pages take their language from the request (LocaleMiddleware, then the account's choice in
tracker/accounts/language.py). Work done outside a page (an email, a Celery task) has no request,
so it asks `language_of(user)` and runs in it:

    with translation.override(language_of(user)):
        message = build_message(...)

`tracker.core.emails.build_message(language=...)` does exactly this for every email.
"""

from django.conf import settings


def supported_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES]


def language_choices() -> list[tuple[str, str]]:
    """The choices of User.language: every language the app speaks, each named in itself."""
    return list(settings.LANGUAGES)


def translation_language_choices() -> list[tuple[str, str]]:
    """The languages a note can be translated into: all but the one the notes are written in."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def supported_or_default(code: str | None) -> str:
    """`code` if the app speaks it (a regional variant counts: "es-mx" is "es"), else the default."""
    code = (code or "").lower()
    for candidate in (code, code.split("-")[0]):
        if candidate in supported_languages():
            return candidate
    return settings.LANGUAGE_CODE


def language_of(user) -> str:
    """The language to address `user` in outside a request: their account's, else the default."""
    return supported_or_default(getattr(user, "language", None))
