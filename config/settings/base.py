"""Settings shared by every environment. Everything comes from the environment (twelve-factor);
a bad value fails loudly with ImproperlyConfigured instead of running half-configured."""

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)
# What the portal writes at run time without servers: the SQLite database, the file cache, the
# embedded broker's queue and the attachments. Movable as a whole (the tests give each test
# process its own folder, which the processes they start inherit).
VAR_DIR = BASE_DIR / env.str("PORTAL_VAR_DIR", default="var")  # relative: to the checkout


def env_bool(name, default):
    """django-environ reads unknown strings as False; a typo in a boolean must fail instead."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name, default, minimum=0):
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.admin_site.PortalAdminConfig",  # django.contrib.admin, see core/admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Ours, lowest first: each app imports only from the ones above it in this list.
    "core",
    "councils",
    "signin",
    "notifications",
    "workinggroups",
    "people",
    "funding",
    "strategy",
    "publication",
    "api",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.OddParametersMiddleware",
    # The cached parts' data versions read once per request (core/cache.py).
    "core.middleware.DataVersionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A password sign-in that owes a second factor, or may not use a password (signin/).
    "signin.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last: each POST's view runs in one transaction, after every check above (core/).
    "core.middleware.AtomicWritesMiddleware",
]

ROOT_URLCONF = env.str("DJANGO_ROOT_URLCONF", default="config.urls")
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # French dates: "1er avril" (core/templatetags/french_dates.py), in every template.
            "builtins": ["core.templatetags.french_dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
                "portal.context_processors.main_menu",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# Embedded default: SQLite in var/. PostgreSQL with DATABASE_URL=postgres://...
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if not DATABASES["default"].get("ENGINE"):  # django-environ gives {} for "notaurl"
    raise ImproperlyConfigured(
        "DATABASE_URL must look like postgres://user@host:5432/name or sqlite:///path, "
        f"not {env.str('DATABASE_URL')!r}."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web server and the Celery worker share the file
    # without "database is locked" errors under ordinary use.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DATABASE_CONN_MAX_AGE", 60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # PostgreSQL's JIT compiles any query whose *estimated* cost is high; for a web page's
    # short queries that compilation is pure overhead (28 ms of the 65 ms liaison-gap count at
    # scale 100). Off for the portal's connections (PORTAL_DB_JIT=true to keep it).
    postgres = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    if postgres and not env_bool("PORTAL_DB_JIT", False):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery --------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        # Degrades to a miss when Redis fails (core.cache_backends): never a 500.
        "default": {"BACKEND": "core.cache_backends.DegradingRedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    # Short socket timeouts: a web request that hands a message over after its commit must not
    # hang on a silent Redis (the message waits in the database for the catch-up tick).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
else:
    # Files, not process memory: the web server and the Celery worker share what is cached
    # (core.cache), so a change made by one is seen by the other.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    # Embedded broker: kombu's file transport. One machine, no server to install.
    BROKER_DIR = Path(env.str("PORTAL_BROKER_DIR", default=str(VAR_DIR / "broker")))
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    for folder in ("queue", "processed"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
# One prefix per database, so two databases never share cached pages (the benchmark's and the
# demo's, say, when both use the file cache).
_db = DATABASES["default"]
CACHES["default"]["KEY_PREFIX"] = hashlib.sha256(
    f"{_db['ENGINE']}|{_db.get('HOST', '')}|{_db.get('PORT', '')}|{_db['NAME']}".encode()
).hexdigest()[:12]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "America/Toronto"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing retries once, briefly: what could not be published waits in the database.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "signin.oidc.OIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind N trusted reverse proxies (PORTAL_TRUSTED_PROXIES, default 0: clients connect
# directly), the client address is read from X-Forwarded-For as the proxies append it, so one
# client's failures do not lock out everyone behind the proxy (docs/operations.md).
PORTAL_TRUSTED_PROXIES = env_int("PORTAL_TRUSTED_PROXIES", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "core.proxies.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Sessions live in the database only. A cache in front (cached_db) saved one indexed query a
# page, but with Redis down a sign-out could not delete the cached copy, which Redis would
# serve again once back: a signed-out session revived. The database is the one truth.
# People are invited, never sign themselves up (people/). An invitation link works once and
# expires after this many days; "forgot my password" requests are throttled per address and
# per client address over a sliding window (counted in the database, not only in Redis).
PORTAL_INVITATION_DAYS = env_int("PORTAL_INVITATION_DAYS", 7, minimum=1)
PORTAL_PASSWORD_RESET_WINDOW_MINUTES = env_int(
    "PORTAL_PASSWORD_RESET_WINDOW_MINUTES", 60, minimum=1
)
PORTAL_PASSWORD_RESET_PER_ADDRESS = env_int("PORTAL_PASSWORD_RESET_PER_ADDRESS", 3, minimum=1)
PORTAL_PASSWORD_RESET_PER_CLIENT = env_int("PORTAL_PASSWORD_RESET_PER_CLIENT", 20, minimum=1)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the language switch and forms are plain HTML forms

# --- Single sign-on and two-factor authentication (signin/, docs/operations.md) --------------
# OpenID Connect providers: PORTAL_OIDC_PROVIDERS=entra,other names them; each reads
# PORTAL_OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _NAME_EN, _NAME_FR and, optionally,
# _SCOPES and _EMAIL_VERIFIED_CLAIM. None configured (the default): local passwords only.
SIGNIN_ROLES = {"secretariat", "co_chair", "group_co_chair", "member", "guest", "everyone"}


def env_roles(name, default):
    roles = [r.strip() for r in env.list(name, default=default) if r.strip()]
    unknown = sorted(set(roles) - SIGNIN_ROLES)
    if unknown:
        raise ImproperlyConfigured(
            f"{name}: unknown role(s) {unknown}; use any of {sorted(SIGNIN_ROLES)}."
        )
    return roles


def _loopback(url):
    return urlsplit(url).hostname in {"127.0.0.1", "localhost", "::1"}


def env_oidc_providers():
    providers = []
    for key in env.list("PORTAL_OIDC_PROVIDERS", default=[]):
        key = key.strip().lower()
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,29}", key):
            raise ImproperlyConfigured(
                f"PORTAL_OIDC_PROVIDERS: {key!r} is not a name (letters, digits, underscores)."
            )
        prefix = f"PORTAL_OIDC_{key.upper()}_"
        missing = [
            f"{prefix}{part}"
            for part in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "NAME_EN")
            if not env.str(f"{prefix}{part}", default="").strip()
        ]
        if missing:
            raise ImproperlyConfigured(f"Provider {key!r} needs {', '.join(missing)}.")
        issuer = env.str(f"{prefix}ISSUER").strip().rstrip("/")
        if not (issuer.startswith("https://") or (_loopback(issuer) and "://" in issuer)):
            raise ImproperlyConfigured(f"{prefix}ISSUER must be an https:// address.")
        scopes = env.str(f"{prefix}SCOPES", default="openid email profile").split()
        if "openid" not in scopes:
            raise ImproperlyConfigured(f"{prefix}SCOPES must include openid.")
        providers.append(
            {
                "key": key,
                "issuer": issuer,
                "client_id": env.str(f"{prefix}CLIENT_ID").strip(),
                "client_secret": env.str(f"{prefix}CLIENT_SECRET").strip(),
                "name_en": env.str(f"{prefix}NAME_EN").strip(),
                "name_fr": env.str(f"{prefix}NAME_FR", default="").strip()
                or env.str(f"{prefix}NAME_EN").strip(),
                "scopes": " ".join(scopes),
                "email_verified_claim": env.str(
                    f"{prefix}EMAIL_VERIFIED_CLAIM", default="email_verified"
                ).strip(),
            }
        )
    return providers


PORTAL_OIDC_PROVIDERS = env_oidc_providers()
# Seconds of clock difference tolerated with a provider when reading an ID token's times.
PORTAL_OIDC_LEEWAY_SECONDS = env_int("PORTAL_OIDC_LEEWAY_SECONDS", 60, minimum=0)
# A sign-in must come back from the provider within this many seconds of leaving.
PORTAL_OIDC_STATE_MAX_AGE = env_int("PORTAL_OIDC_STATE_MAX_AGE", 600, minimum=30)
PORTAL_OIDC_TIMEOUT = env_int("PORTAL_OIDC_TIMEOUT", 10, minimum=1)
# Where someone without an account is told to ask for access.
PORTAL_ACCESS_REQUEST_EMAIL = env.str(
    "PORTAL_ACCESS_REQUEST_EMAIL",
    default=env.str("DEFAULT_FROM_EMAIL", default="secretariat@councils.example"),
)
# Roles that may not sign in with a local password once a provider is configured (they use
# single sign-on), e.g. "secretariat,co_chair". Empty: passwords stay open to everyone.
PORTAL_PASSWORD_SIGNIN_DISABLED_ROLES = env_roles("PORTAL_PASSWORD_SIGNIN_DISABLED_ROLES", [])
# Roles that must pass a second factor (TOTP app or recovery code) after a local password.
# On by default (so in production); config/settings/local.py turns it off for the demo.
PORTAL_TWO_FACTOR_REQUIRED_ROLES = env_roles(
    "PORTAL_TWO_FACTOR_REQUIRED_ROLES", ["secretariat", "co_chair"]
)
PORTAL_RECOVERY_CODES = 10
# The second step of a sign-in must be finished within this many seconds of the password.
PORTAL_SECOND_FACTOR_MAX_AGE = env_int("PORTAL_SECOND_FACTOR_MAX_AGE", 600, minimum=60)
OTP_TOTP_ISSUER = "Joint councils portal"
# The sign-out form is posted to the portal, which may send the browser on to the provider's
# sign-out page: the Content-Security-Policy's form-action lets the issuers' origins in.
PORTAL_CSP_FORM_ACTION = sorted(
    {"{0.scheme}://{0.netloc}".format(urlsplit(p["issuer"])) for p in PORTAL_OIDC_PROVIDERS}
)

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# Every app's catalogue is listed here so that the project's French wins over Django's and
# django-celery-beat's for the same msgid ("Minutes", "Filter"): Django reads LOCALE_PATHS
# before any installed app. A msgid that means different things in two apps has a context.
LOCALE_PATHS = [
    BASE_DIR / "locale",
    *(
        BASE_DIR / app / "locale"
        for app in (
            "core",
            "councils",
            "signin",
            "notifications",
            "workinggroups",
            "people",
            "funding",
            "strategy",
            "publication",
            "api",
            "portal",
        )
    ),
]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Toronto"
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static files, uploads ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Attachments live outside the web root and are served only through a permission-checked view.
MEDIA_ROOT = Path(env.str("PORTAL_MEDIA_ROOT", default=str(VAR_DIR / "private")))
MEDIA_URL = "/private-media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
PORTAL_ATTACHMENT_MAX_BYTES = env_int("PORTAL_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Office files are zip archives: what they inflate to (sum of the entries' sizes) is bounded
# too, so a small upload cannot expand to gigabytes when it is read or indexed.
PORTAL_ATTACHMENT_MAX_INFLATED_BYTES = env_int(
    "PORTAL_ATTACHMENT_MAX_INFLATED_BYTES", 100 * 1024 * 1024, minimum=1024
)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="secretariat@councils.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people write to the secretariat: shown to those with no role yet (the outsider page).
PORTAL_SECRETARIAT_EMAIL = env.str("PORTAL_SECRETARIAT_EMAIL", default=DEFAULT_FROM_EMAIL)
try:
    validate_email(PORTAL_SECRETARIAT_EMAIL)
except ValidationError as exc:
    raise ImproperlyConfigured(
        f"PORTAL_SECRETARIAT_EMAIL is not an e-mail address: {PORTAL_SECRETARIAT_EMAIL!r}"
    ) from exc
# Links in e-mails and calendars. Unset, it follows PORTAL_HOST (the address `make run` serves
# on), so `make run` on another port writes links that work; a server listening on every
# interface (0.0.0.0, [::]) is reached on this machine at 127.0.0.1. Production sets it.
PORTAL_HOST = env.str("PORTAL_HOST", default="127.0.0.1:8000")
_listen, _colon, _port = PORTAL_HOST.rpartition(":")
_local = f"127.0.0.1:{_port}" if _listen in ("0.0.0.0", "[::]") else PORTAL_HOST  # noqa: S104
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default=f"http://{_local}")

# --- Portal rules ---------------------------------------------------------------------------
PORTAL_REVIEW_REMINDER_DAYS = env_int("PORTAL_REVIEW_REMINDER_DAYS", 5, minimum=1)
PORTAL_PAGE_SIZE = env_int("PORTAL_PAGE_SIZE", 25, minimum=5)
# The secretariat is reminded this many days before a meeting that has no package published.
PORTAL_PACKAGE_REMINDER_DAYS = env_int("PORTAL_PACKAGE_REMINDER_DAYS", 7, minimum=1)
# Reads a person's council and group roles together, in one query (councils.permissions).
PORTAL_ROLES_LOADER = "workinggroups.permissions.load_roles"
# Asked by the councils' membership services before a change of council membership: a group
# co-chair's seat on a council is their group's liaison there (workinggroups.liaison).
PORTAL_LIAISON_CHECK = "workinggroups.liaison.council_change_check"
# Asked by the meeting page which of the funding requests on it the reader may open (an app
# higher up knows the rule): the others show as their agenda line only (funding.selectors).
PORTAL_VISIBLE_FUNDING_REQUESTS = "funding.selectors.visible_request_ids"
# A co-chairs' check-in is a meeting about a set of groups (workinggroups.check_ins): the
# meeting form offers these groups, and the check-in's page shows each one's status.
PORTAL_CHECK_IN_GROUP_CHOICES = "workinggroups.check_ins.group_choices"
PORTAL_CHECK_IN_STATUSES = "workinggroups.check_ins.statuses"
# Called by councils.services.minutes_circulate to tell the attendees (the outbox lives above).
PORTAL_MINUTES_CIRCULATED_NOTICE = "notifications.meetings.minutes_circulated"
# Shared parts of pages (the dashboard's board, ...) cached per data version (core.cache).
PORTAL_FRAGMENT_CACHE = env_bool("PORTAL_FRAGMENT_CACHE", True)
# While one worker rebuilds a cached part after a change, the others are served the previous
# copy if it was built at most this many seconds ago (0: each builds it). How stale a page
# can be: this many seconds of changes missing, only while a rebuild runs (README).
PORTAL_FRAGMENT_STALE_SECONDS = env_int("PORTAL_FRAGMENT_STALE_SECONDS", 30, minimum=0)
# The main navigation: (URL name, label[, dotted path of a can_*(user) function]). An entry is
# shown only to those its function allows (and whose URL exists).
# The portal's version, stated in every open-data download (publication/opendata.py): the
# project's version, or what the deployment sets (e.g. a release tag or commit).
PORTAL_VERSION = env.str(
    "PORTAL_VERSION",
    default=re.search(
        r'^version = "([^"]+)"', (BASE_DIR / "pyproject.toml").read_text(), re.M
    ).group(1),
)

PORTAL_MAIN_MENU = [
    ("strategy:dashboard", _("Strategic plan")),
    ("workinggroups:group_list", _("Groups")),
    ("workinggroups:health", _("Group health"), "workinggroups.permissions.can_view_health"),
    ("funding:request_list", _("Funding")),
    ("councils:meeting_list", _("Meetings")),
    ("workinggroups:measure_list", _("Measures")),
    ("councils:external_body_list", _("External bodies")),
    ("councils:council_list", _("Councils")),
    ("councils:priority_list", _("Priorities")),
    ("councils:jurisdiction_list", _("Jurisdictions")),
    ("people:person_list", _("People"), "people.permissions.can_manage_people"),
    ("publication:list", _("Publication"), "councils.permissions.is_secretariat"),
    ("notifications:inbox", _("Inbox")),
]
# "What waits on me" on the home page: each app may offer `home_section(user)` returning a dict
# with a "template" key (rendered with the dict as context) or None. Missing ones are skipped.
PORTAL_HOME_SECTIONS = [
    "funding.selectors.home_section",
    "workinggroups.selectors.home_section",
    "notifications.selectors.home_section",
    "strategy.selectors.home_section",
]

# --- The read-only API (api/, README "The API") --------------------------------------------
# Calls per client per period ("<n>/second|minute|hour|day"): a token holder or signed-in
# person by their account, an anonymous caller by address (behind PORTAL_TRUSTED_PROXIES).
# Counted in the cache: with Redis down the count reads as empty and the call goes through.
PORTAL_API_RATE_USER = env.str("PORTAL_API_RATE_USER", default="120/minute")
PORTAL_API_RATE_ANON = env.str("PORTAL_API_RATE_ANON", default="30/minute")
for _name, _rate in (
    ("PORTAL_API_RATE_USER", PORTAL_API_RATE_USER),
    ("PORTAL_API_RATE_ANON", PORTAL_API_RATE_ANON),
):
    _count, _slash, _period = _rate.partition("/")
    if not (_count.isdigit() and _period in ("second", "minute", "hour", "day")):
        raise ImproperlyConfigured(f"{_name} must read like 120/minute, not {_rate!r}")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonymousThrottle",
        "api.throttling.PersonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": PORTAL_API_RATE_ANON, "user": PORTAL_API_RATE_USER},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "PAGE_SIZE": PORTAL_PAGE_SIZE,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Joint councils governance portal API",
    "DESCRIPTION": (
        "Read-only. Each caller sees what the portal's pages show them; anonymous callers see "
        "published records only. Authenticate with `Authorization: Bearer <token>` (a personal "
        "token made on the portal's API tokens page)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from drf-spectacular-sidecar, served by the portal: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # 3.1: its schemas are JSON Schema (nullable as a type), which the tests validate with.
    "OAS_VERSION": "3.1.0",
}

# Django's form renderer, with text inputs and selects written in Python to the same HTML
# (core.renderers; issue 17).
FORM_RENDERER = "core.renderers.PortalFormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each step of every PDF it makes at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# --- Reminders ------------------------------------------------------------------------------
# notifications/: each reminder claimed once, e-mailed and put in the inbox. Sweeps read in
# batches of this many subjects (a constant number of queries per batch).
PORTAL_REMINDER_BATCH_SIZE = env_int("PORTAL_REMINDER_BATCH_SIZE", 500, minimum=1)
# Claimed reminders are handed to the workers this many ids to a message (one message each
# made a sweep of 37,000 reminders spend 24 s publishing), and sent as one batch: one
# transaction holding the rows, one mail-server connection (notifications.services.
# deliver_batch); a worker lost mid-batch sends at most this many messages twice. Small
# enough that a batch spreads over the workers and, at EMAIL_TIMEOUT a send, finishes well
# within the broker's visibility timeout (an hour) even with the mail server hanging.
# A sweep hands a person's reminders over together, and a batch sends a person's reminders
# as one e-mail listing them: at scale 100 the first sweep's 39,308 reminders are 5,706
# e-mails to 5,003 people (four co-chairs had about 2,000 requests each waiting on them).
PORTAL_REMINDER_SEND_BATCH_SIZE = env_int("PORTAL_REMINDER_SEND_BATCH_SIZE", 50, minimum=1)
# One retry policy for every outgoing message (notifications.services.deliver_batch),
# applied by the catch-up tick alone: after a failed send the next attempt waits this many seconds,
# doubling each time up to 60 times it; after PORTAL_REMINDER_MAX_ATTEMPTS attempts in all the
# message has failed for good and is listed for the secretariat, who can send it again.
PORTAL_REMINDER_RETRY_SECONDS = env_int("PORTAL_REMINDER_RETRY_SECONDS", 60, minimum=1)
PORTAL_REMINDER_MAX_ATTEMPTS = env_int("PORTAL_REMINDER_MAX_ATTEMPTS", 10, minimum=1)
# A message handed to the broker this long ago and still not tried was lost (the broker
# restarted empty, a worker died holding it): the tick hands it over again.
PORTAL_REMINDER_STALE_MINUTES = env_int("PORTAL_REMINDER_STALE_MINUTES", 10, minimum=1)
# /healthz answers "degraded" when no worker has finished a task, or the catch-up tick has not
# completed, for this many minutes; or when a scheduled sweep is this many hours late.
PORTAL_HEALTH_WORKER_MINUTES = env_int("PORTAL_HEALTH_WORKER_MINUTES", 15, minimum=2)
PORTAL_HEALTH_SWEEP_LATE_HOURS = env_int("PORTAL_HEALTH_SWEEP_LATE_HOURS", 24, minimum=1)
# Checks /healthz adds to its own (PostgreSQL, Redis, the broker): functions returning a list
# of problems, each making the answer "degraded".
PORTAL_HEALTH_CHECKS = ["notifications.sweeps.health_problems"]
# Progress reports: one per group per period of this many months (a divisor of 12), aligned
# with the April–March fiscal year; due this many days after the period ends, and reminded
# PORTAL_PROGRESS_REPORT_NOTICE_DAYS before that.
PORTAL_REPORTING_PERIOD_MONTHS = env_int("PORTAL_REPORTING_PERIOD_MONTHS", 3, minimum=1)
if 12 % PORTAL_REPORTING_PERIOD_MONTHS:
    raise ImproperlyConfigured("PORTAL_REPORTING_PERIOD_MONTHS must divide 12 (1, 2, 3, 4, 6, 12).")
PORTAL_PROGRESS_REPORT_DUE_DAYS = env_int("PORTAL_PROGRESS_REPORT_DUE_DAYS", 30, minimum=0)
PORTAL_PROGRESS_REPORT_NOTICE_DAYS = env_int("PORTAL_PROGRESS_REPORT_NOTICE_DAYS", 7, minimum=1)
# A liaison gap is reminded to the secretariat once every daily sweep saw it this many days.
PORTAL_LIAISON_GAP_DAYS = env_int("PORTAL_LIAISON_GAP_DAYS", 7, minimum=0)
# What waits on each person for the weekly digest: functions (day) -> {user id: [items]}.
PORTAL_DIGEST_PROVIDERS = [
    "workinggroups.reminders.digest_items",
    "funding.reminders.digest_items",
]
# Reminders coming up, for the secretariat's page: functions (start, end) -> [rows].
PORTAL_REMINDER_FORECASTS = ["workinggroups.reminders.forecast"]
# The periodic schedules, created after every `migrate` (notifications.apps) and by
# `manage.py setup_schedules` (--reset puts back the declared timing) as
# django-celery-beat rows, then editable in the admin. Crontab fields: m h dom mon dow. The
# label is what the secretariat's reminders page calls it, in their language.
PORTAL_PERIODIC_TASKS = {
    "Strategic plan: monthly progress snapshot": {
        "label": _("Strategic plan: monthly progress snapshot"),
        "task": "strategy.snapshot_adopted_plans",
        "crontab": "30 6 1 * *",
    },
    "Reminders: action items due or overdue": {
        "label": _("Reminders: action items due or overdue"),
        "task": "workinggroups.tasks.sweep_action_items",
        "crontab": "25 7 * * *",
    },
    "Reminders: funding requests waiting on review": {
        "label": _("Reminders: funding requests waiting on review"),
        "task": "funding.tasks.sweep_reviews_waiting",
        "crontab": "20 7 * * *",
    },
    "Reminders: deadlines": {
        "label": _("Reminders: deadlines"),
        "task": "workinggroups.tasks.sweep_deadlines",
        "crontab": "0 7 * * *",
    },
    "Reminders: workplans not submitted": {
        "label": _("Reminders: workplans not submitted"),
        "task": "workinggroups.tasks.sweep_workplans",
        "crontab": "5 7 * * *",
    },
    "Reminders: dissolution and usefulness reviews": {
        "label": _("Reminders: dissolution and usefulness reviews"),
        "task": "workinggroups.tasks.sweep_reviews",
        "crontab": "10 7 * * *",
    },
    "Reminders: liaison gaps": {
        "label": _("Reminders: liaison gaps"),
        "task": "workinggroups.tasks.sweep_liaison_gaps",
        "crontab": "15 7 * * *",
    },
    "Reminders: progress reports due or overdue": {
        "label": _("Reminders: progress reports due or overdue"),
        "task": "workinggroups.tasks.sweep_progress_reports",
        "crontab": "20 7 * * *",
    },
    "Reminders: terms ending within 30 days": {
        "label": _("Reminders: terms ending within 30 days"),
        "task": "workinggroups.tasks.sweep_terms_ending",
        "crontab": "35 7 * * *",
    },
    "Reminders: meeting packages not published": {
        "label": _("Reminders: meeting packages not published"),
        "task": "funding.tasks.sweep_package_reminders",
        "crontab": "40 7 * * *",
    },
    # A package whose worker never ran (broker down when it was published, worker lost) is
    # made here; one being made by a worker is skipped (its row is locked). Every five
    # minutes, off the minutes the other schedules use.
    "Meeting packages: unfinished ones": {
        "label": _("Meeting packages: unfinished ones"),
        "task": "funding.tasks.sweep_pending_packages",
        "crontab": "3-59/5 * * * *",
    },
    "Reminders: weekly digest": {
        "label": _("Reminders: weekly digest"),
        "task": "notifications.tasks.weekly_digest",
        "crontab": "30 7 * * 1",
    },
    # Every minute: runs any task above whose time passed while it could not run (broker
    # down, worker gone), and hands over the messages whose next attempt has come.
    "Catch-up tick: missed sweeps and unsent messages": {
        "label": _("Catch-up tick: missed sweeps and unsent messages"),
        "task": "notifications.tasks.tick",
        "crontab": "* * * * *",
    },
}
# Schedules an earlier version declared: setup_schedules removes them (the tick replaced it).
PORTAL_RETIRED_SCHEDULES = {
    "Reminders: send what is still unsent": "notifications.tasks.resend_stale",
}
TEMPLATES[0]["OPTIONS"]["context_processors"].append("notifications.context_processors.inbox")
# One queue name per deployment (or per test run) when several share a Redis database.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# A mail server that stops answering must not hold a reminder row (and a worker) for ever:
# seconds a connection or a reply may take before the send counts as failed (retried later).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
if not REDIS_URL:
    # The file transport's broadcast (worker control) folder: beside the queue, not in the
    # current directory.
    CELERY_BROKER_TRANSPORT_OPTIONS["control_folder"] = str(BROKER_DIR / "control")
