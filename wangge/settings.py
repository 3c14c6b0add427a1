"""Django settings for wangge, read from the environment with safe demo defaults.

Production (``WANGGE_PRODUCTION=1``) refuses to start with the demo secret or data key.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("WANGGE_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off; got {raw!r}")


def _local_settings() -> dict[str, str]:
    """Keys written by ``wangge demo`` into var/local.env (never used in production)."""
    path = VAR_DIR / "local.env"
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.startswith("#"):
                key, _sep, value = line.partition("=")
                values[key.strip()] = value.strip()
    return values


PRODUCTION = env_bool("WANGGE_PRODUCTION", False)
TESTING = env_bool("WANGGE_TESTING", False)
_LOCAL = {} if PRODUCTION else _local_settings()

# Fixed demo values: usable only outside production, and refused there.
DEMO_SECRET_KEY = "wangge-demo-secret-key-not-for-production"
DEMO_DATA_KEY = "ZGVtby1kYXRhLWtleS1ub3QtZm9yLXByb2R1Y3Rpb24hIQ=="

SECRET_KEY = (
    os.environ.get("WANGGE_SECRET_KEY") or _LOCAL.get("WANGGE_SECRET_KEY") or DEMO_SECRET_KEY
)
DATA_KEY = os.environ.get("WANGGE_DATA_KEY") or _LOCAL.get("WANGGE_DATA_KEY") or DEMO_DATA_KEY
if PRODUCTION:
    if SECRET_KEY == DEMO_SECRET_KEY:
        raise ImproperlyConfigured("Set WANGGE_SECRET_KEY: production refuses the demo secret key.")
    if DATA_KEY == DEMO_DATA_KEY:
        raise ImproperlyConfigured("Set WANGGE_DATA_KEY: production refuses the demo data key.")

# Debug pages list the site's URLs in English: a developer turns them on with WANGGE_DEBUG=1;
# the demo and every server otherwise show the site's own error pages.
DEBUG = env_bool("WANGGE_DEBUG", False)
# The number residents and members are told to call on the error pages (empty: no number shown).
WANGGE_TOWNSHIP_PHONE = os.environ.get("WANGGE_TOWNSHIP_PHONE", "").strip()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("WANGGE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "huey.contrib.djhuey",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "wangge.core",
    "wangge.imports",
    "wangge.accounts",
    "wangge.audit",
    "wangge.regions",
    "wangge.party",
    "wangge.households",
    "wangge.grids",
    "wangge.flags",
    "wangge.assistance",
    "wangge.pairing",
    "wangge.visits",
    "wangge.campaigns",
    "wangge.appeals",
    "wangge.assessment",
    "wangge.notices",
    "wangge.dashboard",
    "wangge.reports",
    "wangge.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wangge.core.middleware.SessionRefreshMiddleware",
    "wangge.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wangge.core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "wangge.core.middleware.PagesLoginRequiredMiddleware",
    "wangge.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Strict Content Security Policy: only our own scripts and styles, no inline code, no
# third-party hosts (assets are vendored). Pages use data-* attributes and static/js instead of
# inline handlers; htmx's inline indicator styles are off (see base.html) and live in our CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "wangge.urls"
WSGI_APPLICATION = "wangge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wangge.core.context_processors.ui",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("WANGGE_DATABASE_URL", f"sqlite:///{VAR_DIR / 'wangge.sqlite3'}")
# Persistent connections (a minute), checked before reuse: opening one costs more than a
# simple page (SQLite ~5 ms: Django registers its SQL functions on every connection;
# PostgreSQL a new backend process), and a restarted database server is noticed.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if TESTING and os.environ.get("WANGGE_TEST_DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["WANGGE_TEST_DATABASE_URL"])}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: PostgreSQL compiles any statement its planner costs above 100,000,
    # which a dashboard's counts reach at county scale; compiling took ~300 ms for a statement
    # that runs in ~90 ms (see "Dashboards per level" in docs/benchmarks.md). The app's
    # statements are short; JIT pays only for long analytic queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:overview"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "wangge.accounts.throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Per account (wangge.accounts.throttle, in the shared cache): 4 failures free, then pauses of
# 1, 2, 4 and at most 5 minutes from any address; forgotten an hour after the last failure.
WANGGE_LOGIN_THROTTLE = {
    "free_failures": 4,
    "first_pause": 60,
    "max_pause": 5 * 60,
    "forget_after": 3600,
}
# Per address, across user names (django-axes): 20 failures from one address pause logins from
# it for 15 minutes. A success does not clear the count, so a guesser holding one account
# cannot reset it.
AXES_FAILURE_LIMIT = int(os.environ.get("WANGGE_LOGIN_FAILURES_PER_IP", "20"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "wangge.core.views.locked_out"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "wangge"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "wangge.accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": int(os.environ.get("WANGGE_PASSWORD_CLASSES", "3"))},
    },
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The header's language switch (set_language) keeps its choice for a year; the browser's
# Accept-Language is not consulted (Chinese by default, see core.middleware).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("WANGGE_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production WhiteNoise serves straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

SESSION_COOKIE_AGE = 30 * 60
# Idle sessions end after SESSION_COOKIE_AGE; rather than writing the session row on every
# request (SESSION_SAVE_EVERY_REQUEST), SessionRefreshMiddleware renews it at most once a
# minute, so a session ends 29–30 minutes after the last request.
SESSION_SAVE_EVERY_REQUEST = False
WANGGE_SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("WANGGE_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # HTTPS only: plain HTTP is redirected and browsers are told (HSTS) never to use it again.
    # Behind a TLS-terminating proxy, name the header it sets (WANGGE_PROXY_SSL_HEADER=
    # X-Forwarded-Proto) so Django knows the request was secure; the proxy must overwrite it.
    SECURE_SSL_REDIRECT = env_bool("WANGGE_SSL_REDIRECT", True)
    # /healthz stays reachable over plain HTTP for the monitor on the machine itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("WANGGE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("WANGGE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("WANGGE_HSTS_PRELOAD", False)
    _proxy_header = os.environ.get("WANGGE_PROXY_SSL_HEADER", "").strip()
    if _proxy_header:
        SECURE_PROXY_SSL_HEADER = (
            "HTTP_" + _proxy_header.upper().replace("-", "_"),
            "https",
        )
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a promise to the browsers' list that a township cannot take back
        # quickly; it is the operator's choice (WANGGE_HSTS_PRELOAD=1), not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Uploads: imports stream to disk; the spreadsheet reader enforces its own limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
WANGGE_IMPORT_MAX_BYTES = int(os.environ.get("WANGGE_IMPORT_MAX_BYTES", 50 * 1024 * 1024))
WANGGE_IMPORT_MAX_UNZIPPED_BYTES = int(
    os.environ.get("WANGGE_IMPORT_MAX_UNZIPPED_BYTES", 500 * 1024 * 1024)
)
# An import job without a sign of life (progress) for this long lost its worker (killed, the
# machine restarted): the queue runs it again, at most WANGGE_JOB_MAX_ATTEMPTS times in all.
WANGGE_JOB_STALE_SECONDS = int(os.environ.get("WANGGE_JOB_STALE_SECONDS", 5 * 60))
WANGGE_JOB_MAX_ATTEMPTS = int(os.environ.get("WANGGE_JOB_MAX_ATTEMPTS", 3))

REDIS_URL = os.environ.get("WANGGE_REDIS_URL", "")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "wangge",
        "url": REDIS_URL,
        "immediate": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "wangge",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING,
    }

# The cache holds the rate limits (public form, tracking page) and the login throttles, so it
# must be one every web process shares: Redis when configured, otherwise a table in the
# database (created after every ``migrate``). Culling is set high so that a flood of new keys
# cannot evict the counters an attacker wants reset.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "wangge",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "wangge_cache",
            "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 10},
        }
    }

# Where notifications go (wangge.core.notify): the in-app inbox by default; an SMS gateway
# adapter is a subclass of wangge.core.notify.SmsGatewayBackend.
WANGGE_NOTIFY_BACKEND = os.environ.get("WANGGE_NOTIFY_BACKEND", "wangge.core.notify.InboxBackend")
# Quiet hours (principle 4), local time "from-to": no text messages in between, except the
# urgent notices of a declared emergency; held messages go out when the quiet hours end.
WANGGE_QUIET_HOURS = os.environ.get("WANGGE_QUIET_HOURS", "21-7")
# Notice attachments (PDF or picture): largest file accepted, and files per notice.
WANGGE_NOTICE_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("WANGGE_NOTICE_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
)

# Public request form (no account): submissions per phone and per address per hour.
WANGGE_PUBLIC_LIMITS = {
    "submit_per_phone": (int(os.environ.get("WANGGE_PUBLIC_PER_PHONE", "3")), 3600),
    "submit_per_ip": (int(os.environ.get("WANGGE_PUBLIC_PER_IP", "10")), 3600),
}

DEMO_PASSWORD = os.environ.get("WANGGE_DEMO_PASSWORD", "Wangge@2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WANGGE_LOG_LEVEL", "WARNING")},
    "loggers": {"wangge": {"level": os.environ.get("WANGGE_LOG_LEVEL", "INFO")}},
}

FORMAT_MODULE_PATH = ["wangge.core.formats"]
NAV_TITLE = _("Grid service platform")

# Operation (issue 15): the audit chain's key (default: derived from the data key under its own
# label), where the chain's head is anchored outside the database, how long events are kept
# (the law asks for at least 6 months), the queue heartbeat and disk floor /healthz checks, and
# how long agency uploads may wait on disk.
AUDIT_KEY = os.environ.get("WANGGE_AUDIT_KEY", "")
AUDIT_ANCHOR_DIR = Path(os.environ.get("WANGGE_AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors"))
AUDIT_RETENTION_DAYS = max(183, int(os.environ.get("WANGGE_AUDIT_RETENTION_DAYS", "183")))
HEALTHZ_HEARTBEAT_FILE = VAR_DIR / "queue-heartbeat"
HEALTHZ_HEARTBEAT_STALE_MINUTES = int(os.environ.get("WANGGE_HEARTBEAT_STALE_MINUTES", "10"))
HEALTHZ_MIN_FREE_MB = int(os.environ.get("WANGGE_MIN_FREE_MB", "500"))
UPLOAD_KEEP_DAYS = int(os.environ.get("WANGGE_UPLOAD_KEEP_DAYS", "2"))
