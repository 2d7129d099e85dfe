"""The client address behind PORTAL_TRUSTED_PROXIES reverse proxies (issue 14)."""

import pytest
from django.test import RequestFactory

from core.proxies import client_ip


def address(settings, hops, remote="10.0.0.1", forwarded=None):
    settings.PORTAL_TRUSTED_PROXIES = hops
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_without_proxies_the_connection_is_the_client(settings):
    assert address(settings, 0, forwarded="203.0.113.5") == "10.0.0.1"


@pytest.mark.parametrize(
    "hops, forwarded, expected",
    [
        # One proxy: it appended the address it saw; what the client wrote further left is not
        # trusted, so a client cannot pick a fresh address for each guess.
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.1.1.1, 203.0.113.5", "203.0.113.5"),
        (1, "9.9.9.9, 8.8.8.8, 203.0.113.5", "203.0.113.5"),
        # Two proxies: the CDN appended the client, the load balancer appended the CDN.
        (2, "203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "2001:db8::5", "2001:db8::5"),
        # Shorter than the proxies configured: the request did not come through them all
        # (sent to the portal directly), so every forwarded address is the client's own text.
        (2, "6.6.6.6", "10.0.0.1"),
        (1, None, "10.0.0.1"),
        (1, "", "10.0.0.1"),
        # Not an address: no proxy wrote it; the database's address column would refuse it.
        (1, "not-an-address", "10.0.0.1"),
        (1, "203.0.113.5, ' OR 1=1 --", "10.0.0.1"),
        (1, "203.0.113.5\x00", "10.0.0.1"),
    ],
)
def test_the_client_is_n_hops_back_and_only_a_real_address(settings, hops, forwarded, expected):
    assert address(settings, hops, forwarded=forwarded) == expected
