import zoneinfo

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone


class UserTimezoneMiddleware:
    """Show times in the logged-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class TwoFactorMiddleware:
    """A user with a confirmed authenticator must enter a code before anything
    else; staff who must use one but haven't set it up are sent to set it up."""

    ALLOWED_URL_NAMES = {"two_factor_verify", "two_factor_setup", "password_confirm", "logout"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from tracker.accounts.twofactor import confirmed_device, two_factor_offered, two_factor_required

        user = getattr(request, "user", None)
        # Patients have no devices: skip them without a query.
        if user is None or not two_factor_offered(user) or user.is_verified():
            return self.get_response(request)
        url_name = getattr(resolve_or_none(request.path_info), "url_name", None)
        if url_name in self.ALLOWED_URL_NAMES or request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return self.get_response(request)
        if confirmed_device(user=user) is not None:
            return redirect("two_factor_verify")
        if two_factor_required(user):
            return redirect("two_factor_setup")
        return self.get_response(request)


def resolve_or_none(path):
    try:
        return resolve(path)
    except Resolver404:
        return None
