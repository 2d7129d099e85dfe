"""The client's address behind a known number of trusted reverse proxies (sign-in throttling).

With `PORTAL_TRUSTED_PROXIES = n`, each proxy appends the address it received the request from
to X-Forwarded-For, and the last proxy is REMOTE_ADDR. The client is the address n hops back
from REMOTE_ADDR in that chain; anything further left was written by the client and is not
trusted. With n = 0 (the default: clients connect directly) REMOTE_ADDR is used.

A chain shorter than n hops did not come through every proxy (a request sent to the portal
directly), and a hop that is not an IP address was not written by a proxy: both fall back to
REMOTE_ADDR, never to an address the client chose (which would let it pick a fresh address
for every guess, or store text the database's address column refuses).
"""

import ipaddress

from django.conf import settings


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "PORTAL_TRUSTED_PROXIES", 0)
    if not hops:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = header.split(",") if header else []
    chain = [*forwarded, remote]
    if len(chain) <= hops:
        return remote
    return _address(chain[-(hops + 1)]) or remote
