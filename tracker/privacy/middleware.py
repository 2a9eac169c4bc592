"""Responses for a logged-in user are never stored by a browser or a proxy."""


class NoStoreMiddleware:
    """Pages for a logged-in user can show health data: browsers and proxies must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
