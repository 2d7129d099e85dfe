"""Production: PostgreSQL, Redis, HTTPS. Passes `manage.py check --deploy` with no warning."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, env, env_bool, env_int

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of 50+ characters.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" and not env_bool(
    "PORTAL_ALLOW_SQLITE", False
):
    raise ImproperlyConfigured("Production needs DATABASE_URL=postgres://...")
if not REDIS_URL:
    raise ImproperlyConfigured("Production needs REDIS_URL=redis://... for Celery and the cache.")
# Links in e-mails and calendar feeds: never the local default derived from PORTAL_HOST.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="")
if not PORTAL_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "Production needs PORTAL_BASE_URL=https://portal.example.ca, the start of links in "
        f"e-mails and calendars (not {PORTAL_BASE_URL!r})."
    )

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
