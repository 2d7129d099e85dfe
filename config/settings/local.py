"""Developer laptop and `make run`: DEBUG on, embedded SQLite and file broker by default."""

from .base import *  # noqa: F403
from .base import env, env_bool, env_roles

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# The demo accounts sign in without a phone: no second factor is required unless asked for
# (PORTAL_TWO_FACTOR_REQUIRED_ROLES=secretariat,co_chair make run; README, "Demo accounts").
PORTAL_TWO_FACTOR_REQUIRED_ROLES = env_roles("PORTAL_TWO_FACTOR_REQUIRED_ROLES", [])
