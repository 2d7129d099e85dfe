"""What /healthz reports: each supporting service, checked directly (not through the degrading
cache, which would hide a Redis outage), with short timeouts so a probe never hangs.

PostgreSQL down is `unavailable` (503): nothing can be served. Redis or the broker down is
`degraded` (200): pages, sign-in and writes still work, mail and cached parts wait. So is a
problem one of settings.PORTAL_HEALTH_CHECKS reports (no worker consuming, a sweep a day
late: notifications.sweeps).
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

TIMEOUT = 1.0


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        return f"database: {error.__class__.__name__}: {error}".strip()
    return None


def check_cache() -> str | None:
    backend = caches["default"]
    client_of = getattr(getattr(backend, "_cache", None), "get_client", None)
    try:
        if client_of is not None:  # Redis: ping the server itself
            client_of(write=True).ping()
    except Exception as error:
        return f"cache: {error.__class__.__name__}: {error}"
    return None


def check_broker() -> str | None:
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return None  # the embedded file broker has no server to lose
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL,
            socket_connect_timeout=TIMEOUT,
            socket_timeout=TIMEOUT,
        )
        client.ping()
        client.close()
    except Exception as error:
        return f"broker: {error.__class__.__name__}: {error}"
    return None


def health() -> tuple[str, list[str]]:
    """("ok" | "degraded" | "unavailable", reasons)."""
    database = check_database()
    if database:
        return "unavailable", [database]
    reasons = [r for r in (check_cache(), check_broker()) if r]
    for path in settings.PORTAL_HEALTH_CHECKS:
        try:
            reasons += import_string(path)()
        except Exception as error:  # a check that fails is itself a reason, never a 500
            log.exception("Health check %s failed.", path)
            reasons.append(f"{path}: {error.__class__.__name__}: {error}")
    return ("degraded" if reasons else "ok"), reasons
