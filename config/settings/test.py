"""pytest. PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set (always in CI)."""

import atexit
import os
import shutil
import tempfile

# What the tests write at run time goes to a folder of this test process, removed when it ends,
# never to the checkout's var/ (nor to a PORTAL_VAR_DIR set for `make run`), where the
# developer's `make run` would serve it or its worker consume it: meeting packages, minutes and
# attachments, and the file cache and embedded broker queue of the `manage.py` and `make run`
# processes the tests start, which inherit this variable. The attachments' and the broker's own
# variables, which a developer's shell or .env may set for `make run`, follow it too.
_var = tempfile.mkdtemp(prefix="portal-test-var-")
atexit.register(shutil.rmtree, _var, ignore_errors=True)
os.environ["PORTAL_VAR_DIR"] = _var
os.environ["PORTAL_MEDIA_ROOT"] = os.path.join(_var, "private")
os.environ["PORTAL_BROKER_DIR"] = os.path.join(_var, "broker")

from .base import *  # noqa: E402, F403
from .base import MEDIA_ROOT, env, env_roles  # noqa: E402

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Each test process has its own cache, emptied before every test (conftest.py): a page
# cached by one test must not be served to the next, whose database holds other rows.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_PREFIX": CACHES["default"]["KEY_PREFIX"],  # noqa: F405
    }
}
# Tests that need the second factor turn it on themselves; production's default is tested in
# signin/tests/test_settings.py.
PORTAL_TWO_FACTOR_REQUIRED_ROLES = env_roles("PORTAL_TWO_FACTOR_REQUIRED_ROLES", [])
# The API's throttle counts calls per address, and every test client is 127.0.0.1: the suite
# calls the API far more often than the production rates allow. The throttle's own tests set
# their rate (api/tests/test_api.py).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
