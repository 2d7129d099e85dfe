"""The client's address behind a known number of trusted reverse proxies (sign-in throttling).

With `PORTAL_TRUSTED_PROXIES = n`, each proxy appends the address it received the request from
to X-Forwarded-For, and the last proxy is REMOTE_ADDR. The client is the address n hops back
from REMOTE_ADDR in that chain; anything further left was written by the client and is not
trusted. With n = 0 (the default: clients connect directly) REMOTE_ADDR is used.
"""

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "PORTAL_TRUSTED_PROXIES", 0)
    if not hops:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    chain = [*forwarded, remote]
    return chain[-(hops + 1)] if len(chain) > hops else chain[0]
