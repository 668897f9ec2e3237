"""Settings shared by every environment; read from the environment with django-environ."""

from pathlib import Path

import environ
import structlog
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///pilotage_npru")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# An empty REDIS_URL means "no Redis here": in-memory cache and tasks run in-process (make run fallback).
REDIS_URL = env("REDIS_URL", default="redis://localhost:6379/0")
# Redis down must never hang a request: short socket timeouts everywhere.
REDIS_SOCKET_TIMEOUT = 2
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "npru",
        "OPTIONS": {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT, "socket_timeout": REDIS_SOCKET_TIMEOUT},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.admin",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_celery_beat",
    "django_filters",
    "django_htmx",
    "django_cotton.apps.SimpleAppConfig",
    "django_tables2",
    "template_partials.apps.SimpleAppConfig",
    "rest_framework",
    "drf_spectacular",
    "csp",
]
LOCAL_APPS = [
    "core",
    "accounts",
    "projects",
    "governance",
    "reporting",
    "relogement",
    "insertion",
    "gusp",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.ProgrammeMiddleware",
    "accounts.middleware.RequireMfaMiddleware",
    "core.middleware.MethodNotAllowedPageMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    # Axes must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.programme",
            ],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django_cotton.cotton_loader.Loader",
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": ["django_cotton.templatetags.cotton", "template_partials.templatetags.partials"],
        },
    }
]

# Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "projects:dashboard"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = False  # django-axes does the lockout.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Pilotage NPRU"

AXES_FAILURE_LIMIT = env.int("DJANGO_AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("DJANGO_AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True

# Idle sessions expire: the cookie is refreshed on each request.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=60 * 60)
# Idle expiry without a session write per request: accounts.middleware.IdleSessionMiddleware saves the
# session (and so pushes its expiry back) when its activity stamp is older than this.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ACTIVITY_REFRESH_SECONDS = env.int("DJANGO_SESSION_ACTIVITY_REFRESH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # French page in the app's layout, not Django's English one

# Language ------------------------------------------------------------------------
# The interface is French only: our strings are written in French directly (no translation layer);
# USE_I18N stays on for Django's and the libraries' own French messages.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# Static, media --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("NPRU_STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Imports: checked before any parsing.
IMPORT_MAX_FILE_BYTES = env.int("DJANGO_IMPORT_MAX_FILE_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("DJANGO_IMPORT_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("DJANGO_IMPORT_MAX_ROWS", default=100_000)

DOCUMENT_MAX_BYTES = env.int("DJANGO_DOCUMENT_MAX_BYTES", default=50 * 1024 * 1024)
# GUSP photos: refused above this size as sent; stored re-encoded (JPEG, no EXIF) within this many pixels.
GUSP_PHOTO_MAX_BYTES = env.int("DJANGO_GUSP_PHOTO_MAX_BYTES", default=12 * 1024 * 1024)
GUSP_PHOTO_MAX_SIDE = env.int("DJANGO_GUSP_PHOTO_MAX_SIDE", default=1600)

# Maps: a tile server is optional (none is reachable from every deployment).
MAP_TILE_URL = env("DJANGO_MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env("DJANGO_MAP_TILE_ATTRIBUTION", default="")

# Security -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"] + ([_tile_origin] if _tile_origin else []),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Celery ---------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "max_retries": 1,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True

# API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {"TITLE": "API Pilotage NPRU", "VERSION": "1", "SERVE_INCLUDE_SCHEMA": False}

# Tables ---------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "django_tables2/npru.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# History --------------------------------------------------------------------
PGHISTORY_DEFAULT_TRACKERS = None

# Logging: structured (JSON lines in prod, readable in dev) ------------------
LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
LOG_JSON = env.bool("DJANGO_LOG_JSON", default=not DEBUG)
_shared_processors = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.TimeStamper(fmt="iso"),
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.JSONRenderer()
                if LOG_JSON
                else structlog.dev.ConsoleRenderer(colors=False),
            ],
            "foreign_pre_chain": _shared_processors,
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
structlog.configure(
    processors=[
        structlog.stdlib.filter_by_level,
        *_shared_processors,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)

# Governance -----------------------------------------------------------------
GOVERNANCE_REMINDER_DAYS_BEFORE = env.int("DJANGO_GOVERNANCE_REMINDER_DAYS_BEFORE", default=3)
GOVERNANCE_REMINDER_DAYS_AFTER = env.int("DJANGO_GOVERNANCE_REMINDER_DAYS_AFTER", default=3)
# Past this, an overdue action gets no "after" reminder (the first run must not mail every old action).
GOVERNANCE_REMINDER_CATCH_UP_DAYS = env.int("DJANGO_GOVERNANCE_REMINDER_CATCH_UP_DAYS", default=30)

# Links in e-mails and calendar feeds.
SITE_URL = env("DJANGO_SITE_URL", default="http://localhost:8000")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Pilotage NPRU <pilotage-npru@localhost>")

# Personal data --------------------------------------------------------------
DISCLOSURE_THRESHOLD = env.int("DJANGO_DISCLOSURE_THRESHOLD", default=5)
# Households closed (or left) longer ago than this are anonymised by the nightly task (CNIL: 2 years).
RELOGEMENT_RETENTION_MONTHS = env.int("DJANGO_RELOGEMENT_RETENTION_MONTHS", default=24)
# Participants whose last work contract ended longer ago than this are anonymised by the nightly task.
INSERTION_RETENTION_MONTHS = env.int("DJANGO_INSERTION_RETENTION_MONTHS", default=24)
# Access-log events are purged after this many months.
ACCESS_LOG_RETENTION_MONTHS = env.int("DJANGO_ACCESS_LOG_RETENTION_MONTHS", default=12)
# The register entry of the "Données personnelles" page (core/data_register.py): who is responsible for
# the processing, how to reach the data protection officer, where the data is hosted.
PERSONAL_DATA_CONTROLLER = env("DJANGO_PERSONAL_DATA_CONTROLLER", default="")
PERSONAL_DATA_CONTACT = env("DJANGO_PERSONAL_DATA_CONTACT", default="")
PERSONAL_DATA_HOSTING = env("DJANGO_PERSONAL_DATA_HOSTING", default="")
