"""One environment-driven settings module (DESIGN.md "Layout").

Every deployment difference is an ``AFTERSALES_*`` environment variable, so the same module serves the
embedded SQLite demo, the CI PostgreSQL pass and production.  ``AFTERSALES_PRODUCTION=1`` turns on the
hardening that ``check --deploy`` asks for.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"AFTERSALES_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("DATA_DIR", str(Path.cwd() / "data"))).resolve()
PRODUCTION = env_bool("PRODUCTION")
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

# A development key is only tolerated outside production; production refuses to start without one.
SECRET_KEY = env("SECRET_KEY") or ("" if PRODUCTION else "dev-only-insecure-key-change-me-" + "x" * 32)
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("AFTERSALES_SECRET_KEY must be set when AFTERSALES_PRODUCTION=1")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our bounded contexts first, bottom of the layer stack first: their templates and translations
    # win over third-party ones (Django's admin catalogue would otherwise say 过滤器 for our 筛选).
    "aftersales.core",
    "aftersales.org",
    "aftersales.notifications",
    "aftersales.parts",
    "aftersales.customers",
    "aftersales.tickets",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "aftersales.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aftersales.core.middleware.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "aftersales.core.middleware.ServiceErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"
ASGI_APPLICATION = "aftersales.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aftersales.core.context_processors.shell",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'aftersales.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if DATABASE_URL.startswith("sqlite") else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE transactions plus a busy
    # timeout make writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")} if env_bool("TEST_DB_FILE") else {}
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # axes' username lockout plus a per-address limit on distinct usernames (core/throttling.py).
    "aftersales.core.throttling.AddressAwareAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Lock by username, not by address: a whole 4S store shares one NAT address (issue #2, bad input).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours = 15 minutes
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "aftersales.core.views.auth.lockout_response"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
# One address whose failures span this many usernames within the cool-off is refused for every
# username (spraying); a store's staff behind one NAT mistyping their own passwords stays below.
AFTERSALES_LOGIN_ADDRESS_USERNAME_LIMIT = int(env("LOGIN_ADDRESS_USERNAME_LIMIT", "10"))
# API tokens expire this many days after issue; a password change revokes them (core/tokens.py).
AFTERSALES_API_TOKEN_DAYS = int(env("API_TOKEN_DAYS", "30"))
# Deliberate: locking by address would lock out a whole store behind one NAT (ADR 0001).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

SESSION_COOKIE_AGE = int(env("SESSION_IDLE_SECONDS", "7200"))  # idle timeout, refreshed on activity
SESSION_SAVE_EVERY_REQUEST = False
SESSION_IDLE_SECONDS = SESSION_COOKIE_AGE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = []
FORMAT_MODULE_PATH = ["aftersales.core.formats"]

# --- static ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
# MEDIA_ROOT is private: no URL serves it (not even in development); files go out through views
# that check scope and log (core/files.py, ADR 0010). MEDIA_URL is only Django's required default.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
# nginx "internal" location that maps to MEDIA_ROOT (e.g. /protected-media/); empty = the app streams.
AFTERSALES_X_ACCEL_REDIRECT = env("X_ACCEL_REDIRECT", "")
# SQLite holds its one write lock for a whole import: above this many rows an import is refused
# with a message to split the file or use PostgreSQL (figures in README; 0 = no limit).
AFTERSALES_SQLITE_IMPORT_MAX_ROWS = int(env("SQLITE_IMPORT_MAX_ROWS", "20000"))
# An audit action no app declares in its events.py raises (tests turn this on) or is logged once.
AFTERSALES_STRICT_EVENTS = env_bool("STRICT_EVENTS")
# Attachments (core/attachments): the largest file accepted, in bytes (default 20 MB).
AFTERSALES_ATTACHMENT_MAX_BYTES = int(env("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it

# --- security -------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- e-mail (Django 6.1 MAILERS) --------------------------------------------------------------
_email_backend = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend")
_email_options = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": int(env("EMAIL_PORT", "25")),
        "username": env("EMAIL_HOST_USER") or None,
        "password": env("EMAIL_HOST_PASSWORD") or None,
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "timeout": 20,
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "售后服务平台 <aftersales@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- cache -----------------------------------------------------------------------------------
# Resolved scopes are cached; a shared cache (Redis) makes scope changes reach every web process at
# once, the default per-process memory cache within SCOPE_CACHE_SECONDS.
CACHE_URL = env("CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "aftersales"}}

# --- background jobs ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- notifications --------------------------------------------------------------------------
AFTERSALES_SMS_GATEWAY = env("SMS_GATEWAY", "aftersales.notifications.gateways.ConsoleSmsGateway")
AFTERSALES_SMS_FILE = Path(env("SMS_FILE", str(DATA_DIR / "sms-outbox.jsonl")))
AFTERSALES_SMS_SIGNATURE = env("SMS_SIGNATURE", "售后服务")
AFTERSALES_SMS_DAILY_LIMIT = int(env("SMS_DAILY_LIMIT", "50"))
AFTERSALES_OUTBOX_MAX_ATTEMPTS = int(env("OUTBOX_MAX_ATTEMPTS", "6"))
AFTERSALES_OUTBOX_BACKOFF_SECONDS = int(env("OUTBOX_BACKOFF_SECONDS", "60"))

# --- charts and printable documents (core/fonts.py, ADR 0011) --------------------------------
# Path of a CJK font (``path#index`` picks a face of a .ttc); empty = look on the system.
AFTERSALES_PDF_FONT = env("PDF_FONT", "")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "aftersales.core.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["aftersales.core.api.permissions.ScopedModelPermissions"],
    # JSON nested deeper than any resource is a 400, never a RecursionError 500 (ADR 0017).
    "DEFAULT_PARSER_CLASSES": [
        "aftersales.core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "aftersales.core.api.pagination.CappedCountPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "aftersales.core.api.schema.ErrorDocumentingAutoSchema",
    "EXCEPTION_HANDLER": "aftersales.core.api.exceptions.exception_handler",
    "DEFAULT_VERSIONING_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "aftersales API",
    "DESCRIPTION": "售后服务管理平台 REST API — telephony screen-pop, SMS gateway callbacks, maker integrations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "MessageCategoryEnum": "aftersales.notifications.choices.MessageCategory",
        "MessageStatusEnum": "aftersales.notifications.choices.MessageStatus",
        "NotificationLevelEnum": "aftersales.notifications.choices.NotificationLevel",
        "PartCategoryEnum": "aftersales.parts.choices.PartCategory",
        "PartUnitEnum": "aftersales.parts.choices.PartUnit",
        "CustomerSourceEnum": "aftersales.customers.choices.CustomerSource",
        "MileageSourceEnum": "aftersales.customers.choices.MileageSource",
        "ConsentSourceEnum": "aftersales.notifications.choices.ConsentSource",
        "TicketStatusEnum": "aftersales.tickets.choices.TicketStatus",
        "TicketKindEnum": "aftersales.tickets.choices.TicketKind",
        "TicketPriorityEnum": "aftersales.tickets.choices.TicketPriority",
    },
}

# Our own wrapper of django-tables2's Bootstrap 5 template: its pagination says "Table navigation"
# untranslated (issue 8 item 1).
DJANGO_TABLES2_TEMPLATE = "core/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# A filter that is not set reads "全部", never django-filter's "---------" (issue 8 item 1).
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # db_worker prints each task to its own stream; don't print it twice.
        "django.tasks": {"handlers": [], "propagate": False},
    },
}
