"""Settings from the environment, with safe development defaults.

Environment variables:
  LINLI_ENV          "development" (default) or "production"
  LINLI_SECRET_KEY   Django secret key (required in production)
  LINLI_DATA_KEYS    data-encryption keys "kid:base64key,kid:base64key" — the first encrypts,
                     all decrypt (rotation); required in production
  LINLI_LOOKUP_KEY   base64 secret (>= 32 bytes) for the keyed search hashes; does not rotate
  LINLI_LOOKUP_KEY_ID without LINLI_LOOKUP_KEY: which data key derives it (default: the last)
  DATABASE_URL       default sqlite:///var/linli.sqlite3
  REDIS_URL          when set, background tasks go to RQ on Redis instead of the database
  LINLI_ALLOWED_HOSTS comma-separated
  LINLI_DB_CONN_MAX_AGE seconds a database connection is kept (0 = close after each request);
                     default 0 in development and under runserver, 60 in production (see docs/deploy)
  LINLI_DB_FULL_CHECK_SECONDS how long a kept connection is trusted on a check without a round trip
                     before the next full health check (SELECT 1); default 5
  LINLI_SSL_REDIRECT, LINLI_HSTS_SECONDS, LINLI_HSTS_PRELOAD, LINLI_PROXY_SSL_HEADER,
  LINLI_CSRF_TRUSTED_ORIGINS  transport security (secure defaults in production)
"""

import base64
import json
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LINLI_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

LINLI_ENV = os.environ.get("LINLI_ENV", "development")
PRODUCTION = LINLI_ENV == "production"
DEBUG = os.environ.get("LINLI_DEBUG", "0" if PRODUCTION else "1") == "1"


def _dev_keys() -> dict:
    """Development keys, generated once into an ignored file (never committed)."""
    path = VAR_DIR / "dev-keys.json"
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "secret_key": secrets.token_urlsafe(50),
        "data_keys": "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    path.write_text(json.dumps(keys))
    path.chmod(0o600)
    return keys


if PRODUCTION:
    SECRET_KEY = os.environ["LINLI_SECRET_KEY"]
    LINLI_DATA_KEYS = os.environ["LINLI_DATA_KEYS"]
else:
    _keys = _dev_keys()
    SECRET_KEY = os.environ.get("LINLI_SECRET_KEY") or _keys["secret_key"]
    LINLI_DATA_KEYS = os.environ.get("LINLI_DATA_KEYS") or _keys["data_keys"]
LINLI_LOOKUP_KEY_ID = os.environ.get("LINLI_LOOKUP_KEY_ID", "")
LINLI_LOOKUP_KEY = os.environ.get("LINLI_LOOKUP_KEY", "")

ALLOWED_HOSTS = [h for h in os.environ.get("LINLI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "linli.core",
    "linli.accounts",
    "linli.regions",
    "linli.messaging",
    "linli.workorders",
    "linli.affairs",
    "linli.booking",
    "linli.station",
    "linli.spaces",
    "linli.notices",
    "linli.disclosures",
    "linli.portal",
    "linli.assemblies",
    "linli.elections",
    "linli.consultation",
    "linli.projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "linli.core.middleware.RequestContextMiddleware",
    "linli.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "linli" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linli.core.context_processors.ui",
            ],
        },
    }
]

# Persistent connections only where a bounded pool of threads reuses them (gunicorn sync or
# gthread workers: at most workers × threads connections). The development server starts a
# thread per request and never closes their connections, so there it is always 0.
RUNSERVER = sys.argv[1:2] in (["runserver"], ["runserver_with_worker"])
CONN_MAX_AGE = 0 if RUNSERVER else int(os.environ.get("LINLI_DB_CONN_MAX_AGE", "60" if PRODUCTION else "0"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'linli.sqlite3'}"),
        conn_max_age=CONN_MAX_AGE,
        conn_health_checks=CONN_MAX_AGE > 0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check of a reused connection that needs no round trip when
    # its last full check (SELECT 1) is under LINLI_DB_FULL_CHECK_SECONDS old (core/postgresql)
    DATABASES["default"]["ENGINE"] = "linli.core.postgresql"
LINLI_DB_FULL_CHECK_SECONDS = float(os.environ.get("LINLI_DB_FULL_CHECK_SECONDS", "5"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "linli.accounts.backends.LinliBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "linli.accounts.validators.DemoPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling and lockout (django-axes): 5 failures per account+IP lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("LINLI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "linli.accounts.backends.lockout_name"  # the account signed in to, however it was typed
AXES_CLIENT_IP_CALLABLE = "linli.core.middleware.client_ip"
AXES_VERBOSE = False
# Behind reverse proxies: how many are trusted and the header they append the client's address to
# (0 = none: the connection's own address, REMOTE_ADDR, is the client's).
LINLI_TRUSTED_PROXY_COUNT = int(os.environ.get("LINLI_TRUSTED_PROXY_COUNT", "0"))
LINLI_CLIENT_IP_HEADER = os.environ.get("LINLI_CLIENT_IP_HEADER", "X-Forwarded-For")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

# Transport and browser security: secure by default in production, each one settable.
def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0") == "1"


SECURE_SSL_REDIRECT = _flag("LINLI_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("LINLI_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("LINLI_HSTS_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = _flag("LINLI_HSTS_PRELOAD", False)  # a commitment to the browsers' list: the operator's choice
if _flag("LINLI_PROXY_SSL_HEADER", PRODUCTION):  # behind the TLS-terminating proxy, which sets this header itself
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("LINLI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Content-Security-Policy of every answer (core.middleware.SecurityHeadersMiddleware): no inline
# script, no framing; style attributes allowed (many pages size bars and columns with them).
LINLI_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "worker-src 'self'",  # the installable web app's service worker (/sw.js)
    "manifest-src 'self'",
])

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "linli" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG  # serve straight from the apps in development
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATICFILES_DIRS = [BASE_DIR / "linli" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
LINLI_PRIVATE_ROOT = Path(os.environ.get("LINLI_PRIVATE_ROOT", VAR_DIR / "private"))  # never served by URL
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LINLI_IMPORT_MAX_BYTES = 10 * 1024 * 1024
LINLI_IMPORT_MAX_ROWS = 20000
LINLI_EXPORT_MAX_ROWS = int(os.environ.get("LINLI_EXPORT_MAX_ROWS", "50000"))  # one request; a community is ~5-10k

# per-process; big enough for the token, resource and schedule look-ups of a busy node (Redis when REDIS_URL is set)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 50_000}}}
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# Background work: Django tasks API; database backend by default, RQ on Redis to scale out.
if REDIS_URL:  # workers: `manage.py rqworker --job-class django_tasks_rq.Job default`
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    INSTALLED_APPS.append("django_rq")  # its rqworker command runs the queued tasks
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# API rate limits (per user, or per IP when anonymous); counters live in the cache (Redis when set).
LINLI_API_USER_RATE = os.environ.get("LINLI_API_USER_RATE", "3000/m")
LINLI_API_ANON_RATE = os.environ.get("LINLI_API_ANON_RATE", "60/m")
# Writes per person (pages and API alike): "report=5/m,booking=10/m,application=5/m" by default,
# "kind=off" or "off" lifts limits (core.ratelimit).
LINLI_WRITE_LIMITS = os.environ.get("LINLI_WRITE_LIMITS", "")
# Periodic work, enqueued by `manage.py run_scheduler` (started by `make run`): each app registers its
# task in its AppConfig.ready (core.registry.register_periodic_task); these are their intervals in seconds.
LINLI_SWEEP_SECONDS = int(os.environ.get("LINLI_SWEEP_SECONDS", "300"))  # the supervision clock (core.supervision): warnings and 督办
LINLI_AFFAIRS_SWEEP_SECONDS = int(os.environ.get("LINLI_AFFAIRS_SWEEP_SECONDS", "900"))  # the least time between two sweeps of the one-window clock
LINLI_BOOKING_SWEEP_SECONDS = int(os.environ.get("LINLI_BOOKING_SWEEP_SECONDS", "900"))  # closing past reservations
LINLI_DISCLOSURES_SWEEP_SECONDS = int(os.environ.get("LINLI_DISCLOSURES_SWEEP_SECONDS", "900"))  # closing disclosures whose period ended
LINLI_ASSEMBLIES_SWEEP_SECONDS = int(os.environ.get("LINLI_ASSEMBLIES_SWEEP_SECONDS", "300"))  # opening and closing owners' votes on time
LINLI_NOTICES_GAPS_SECONDS = int(os.environ.get("LINLI_NOTICES_GAPS_SECONDS", "600"))  # re-reading the households without a 户代表 of notices being delivered
# Office hours of a working day: time limits in working hours count only these (urgent ones count the clock).
LINLI_OFFICE_HOURS = os.environ.get("LINLI_OFFICE_HOURS", "09:00-12:00,14:00-18:00")
LINLI_OPEN311_JURISDICTION = os.environ.get("LINLI_OPEN311_JURISDICTION", "guangzhou.linli")
LINLI_OPEN311_READS_PER_MINUTE = int(os.environ.get("LINLI_OPEN311_READS_PER_MINUTE", "600"))  # per key, or per address
# SMS (core/sms.py, docs/messaging.md): the console by default, the operator's gateway in production.
# LINLI_NOTIFY_BACKEND (before messaging) still works: its SmsGatewaySender means the HTTP gateway.
LINLI_SMS_BACKEND = os.environ.get("LINLI_SMS_BACKEND") or (
    "linli.core.sms.HttpGatewaySms" if os.environ.get("LINLI_NOTIFY_BACKEND", "").endswith("SmsGatewaySender")
    else "linli.core.sms.ConsoleSms")
LINLI_SMS_URL = os.environ.get("LINLI_SMS_URL", "")  # HttpGatewaySms: the intranet SMS gateway
LINLI_SMS_TOKEN = os.environ.get("LINLI_SMS_TOKEN", "")
LINLI_SMS_SIGN = os.environ.get("LINLI_SMS_SIGN", "邻里")
LINLI_SMS_CONNECT_TIMEOUT = float(os.environ.get("LINLI_SMS_CONNECT_TIMEOUT", "3"))
LINLI_SMS_READ_TIMEOUT = float(os.environ.get("LINLI_SMS_READ_TIMEOUT", "10"))
LINLI_MAIL_DOMAIN = os.environ.get("LINLI_MAIL_DOMAIN", "linli.local")  # the right side of a mail's Message-ID
# Messaging deliveries (linli/messaging): attempts per delivery, waits between them (seconds),
# deliveries per task, the sweep's interval (due retries, texts held by quiet hours, dead workers).
LINLI_MESSAGING_MAX_ATTEMPTS = int(os.environ.get("LINLI_MESSAGING_MAX_ATTEMPTS", "4"))
LINLI_MESSAGING_BACKOFF = tuple(int(s) for s in os.environ.get("LINLI_MESSAGING_BACKOFF", "60,300,1500").split(","))
LINLI_MESSAGING_TASK_CHUNK = int(os.environ.get("LINLI_MESSAGING_TASK_CHUNK", "500"))
LINLI_MESSAGING_SWEEP_SECONDS = int(os.environ.get("LINLI_MESSAGING_SWEEP_SECONDS", "60"))
# E-mail (the e-mail channel): Django's mail settings
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")  # EmailSender: Django's mail settings
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@linli.local")
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINLI_LOG_LEVEL", "WARNING")},
}
