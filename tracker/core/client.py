"""The client's address, as the login lockout and the email throttles see it.

Behind TRUSTED_PROXY_COUNT proxies, each of which appends the address it received the request
from to X-Forwarded-For (nginx's `$proxy_add_x_forwarded_for`, and what load balancers do), the
client is the TRUSTED_PROXY_COUNT-th address from the right: the one the outermost trusted proxy
wrote. Anything to its left came from the client and is ignored, so a forged header buys nothing.
With no trusted proxy (0), the socket address is the client and X-Forwarded-For is ignored.

django-axes' own resolver (django-ipware) was not used: its strict mode counts proxies
differently and finds no address at all when the chain is longer than expected (as it is when a
client sends its own X-Forwarded-For), which would leave lockouts keyed on nothing.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote  # not through every trusted proxy: the socket's peer is the closest we know
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote
