"""The API's throttle (README, "The API"): DRF's rate throttles, counted in the cache.

The portal's cache backend (core.cache_backends.DegradingRedisCache) answers a failed read as
a miss and drops a failed write, so with Redis down the history reads as empty and every call
goes through: the throttle never turns an outage into a 500."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.proxies import client_ip


class _ClientAddress:
    def get_ident(self, request):
        # The same client address as sign-in throttling (behind PORTAL_TRUSTED_PROXIES).
        return client_ip(request)


class AnonymousThrottle(_ClientAddress, AnonRateThrottle):
    scope = "anon"


class PersonThrottle(_ClientAddress, UserRateThrottle):
    scope = "user"
