"""Settings, read from the environment (see README: Configuration).

Unset variables give a development setup: SQLite in the data folder, a secret
key and a field-encryption key generated once into that folder.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from gonghui.core.keys import load_or_create_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("GONGHUI_DATA_DIR", Path.cwd() / "var")).resolve()


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("GONGHUI_DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or load_or_create_key(DATA_DIR / "secret.key")
# Field-encryption key for ID-card and phone numbers (base64 of 32 bytes).
FIELD_ENCRYPTION_KEY = os.environ.get("GONGHUI_FIELD_KEY") or load_or_create_key(
    DATA_DIR / "field.key"
)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "gonghui.core.admin_apps.AuditedAdminConfig",  # django.contrib.admin, every change audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.calendar",
    "gonghui.jobs",
    "gonghui.regions",
    "gonghui.unions",
    "gonghui.accounts",
    "gonghui.members",
    "gonghui.assistance",
    "gonghui.cases",
    "gonghui.stats",
    "gonghui.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, so static files keep their long caching; everything else: no-store.
    "gonghui.core.caching.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "gonghui.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gonghui.accounts.middleware.AccountPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.branding.platform",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'gonghui.sqlite3'}",
        conn_max_age=int(os.environ.get("GONGHUI_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server read while the demo or an import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Five failed logins for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("GONGHUI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gonghui.accounts.views.locked_out"

# Chinese for everyone, whatever language the browser or API client asks for.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True

# Browser-side protection (issue 13, finding 10). One switch, GONGHUI_SECURE_COOKIES=1, says
# the platform is served over HTTPS: secure cookies and HSTS. The proxy's X-Forwarded-Proto
# is believed only when the operator says there is a trusted proxy in front.
HTTPS = env_bool("GONGHUI_SECURE_COOKIES")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("GONGHUI_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if HTTPS and int(os.environ.get("GONGHUI_TRUSTED_PROXIES", "0") or 0) > 0
    else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Strict CSP: every script and stylesheet comes from the platform's own static files; no
# inline script, no inline event handler, no inline style (pages use CSS classes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# --- Client addresses and shared throttle counts (issue 13, finding 5) ---------------
# How many reverse proxies of ours stand in front of the platform: X-Forwarded-For is
# believed that far and no further (0: the header is ignored, REMOTE_ADDR is the client).
# The throttles, the audit trail, the reveal log and the login lockout all ask
# gonghui.core.client_address for the address, so they agree.
GONGHUI_TRUSTED_PROXIES = int(os.environ.get("GONGHUI_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "gonghui.core.client_address.client_address"
# Throttle counts in a database table shared by every server process (no Redis); the
# table is made after each migrate and by `gonghui serve` (core/throttling.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "gonghui_cache",
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["gonghui.core.api_defaults.ScopedPermission"],
    "DEFAULT_PAGINATION_CLASS": "gonghui.core.api_defaults.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["gonghui.core.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gonghui.core.api_errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Per client address (core/client_address.py), counted in the shared "throttle" cache.
    "DEFAULT_THROTTLE_RATES": {
        "join": os.environ.get("GONGHUI_JOIN_RATE", "30/hour"),
        "case_report": os.environ.get("GONGHUI_CASE_REPORT_RATE", "30/hour"),
    },
    "NUM_PROXIES": GONGHUI_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gonghui API",
    "DESCRIPTION": "工会数字化工作平台 REST API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Error answers (400/401/403/404/429) are part of the schema too (core/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "gonghui.core.api_schema.document_errors",
    ],
    # Several models have a `status` or `kind`: each choice set gets its own name in the
    # schema instead of a hash-suffixed one (Status738Enum).
    "ENUM_NAME_OVERRIDES": {
        "UnionStatusEnum": "gonghui.unions.models.TradeUnion.Status",
        "UnionKindEnum": "gonghui.unions.models.TradeUnion.Kind",
        "JobStatusEnum": "gonghui.jobs.models.Job.Status",
        "JobKindEnum": "gonghui.jobs.models.Job.Kind",
        "MembershipStatusEnum": "gonghui.members.models.Membership.Status",
        "JoinApplicationStatusEnum": "gonghui.members.models.JoinApplication.Status",
        "TransferStatusEnum": "gonghui.members.models.Transfer.Status",
        "HardshipFileStatusEnum": "gonghui.assistance.models.HardshipFile.Status",
        "HomeVisitKindEnum": "gonghui.assistance.models.HomeVisit.Kind",
        "AssistanceKindEnum": "gonghui.assistance.models.AssistanceRecord.Kind",
        "HouseholdWorkEnum": "gonghui.assistance.models.HouseholdMember.Work",
        "HouseholdHealthEnum": "gonghui.assistance.models.HouseholdMember.Health",
        "DisabilityGradeEnum": "gonghui.assistance.models.HouseholdMember.Disability",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GONGHUI_LOG_LEVEL", "WARNING")},
}

# Background jobs (imports, exports): rows in the database, run by `gonghui db_worker`,
# which `gonghui serve` starts (one per queue) and restarts beside the web server. No Redis
# needed. Imports wait in "long", exports in "default" (jobs/registry.py).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("GONGHUI_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "long"],
    }
}
# A running job writes a heartbeat; one silent this many seconds died with its worker and
# is marked failed (jobs/retention.py: fail_dead_jobs, run by `gonghui serve`).
GONGHUI_JOB_HEARTBEAT_SECONDS = int(os.environ.get("GONGHUI_JOB_HEARTBEAT_SECONDS", "60"))
# Uploads up to this size stay in memory; bigger ones go to a temporary file first.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Imports of this many rows or more merge into the registry while the file is still being
# read, on PostgreSQL (jobs/merging.py).
GONGHUI_IMPORT_MERGE_WHILE_READING_ROWS = int(
    os.environ.get("GONGHUI_IMPORT_MERGE_WHILE_READING_ROWS", "50000")
)

# --- Accounts and audit (等保 2.0 level 3) -------------------------------------------------
# Passwords: at least 10 characters of three of the four kinds, not like the user's name,
# not a common password (accounts/passwords.py; messages in Chinese).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gonghui.accounts.passwords.LengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "gonghui.accounts.passwords.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after this many idle minutes, and this many hours after login whatever
# happens (accounts/middleware.py), and when the browser closes.
GONGHUI_SESSION_IDLE_MINUTES = int(os.environ.get("GONGHUI_SESSION_IDLE_MINUTES", "30"))
GONGHUI_SESSION_MAX_HOURS = int(os.environ.get("GONGHUI_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = GONGHUI_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# API tokens (django-rest-knox): stored as a hash, shown once, valid this many hours.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(hours=int(os.environ.get("GONGHUI_TOKEN_HOURS", "12"))),
    "AUTO_REFRESH": False,
}
# Two-factor login (django-otp): TOTP apps, recovery codes. The admin never shows secrets.
OTP_TOTP_ISSUER = "gonghui"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Audit events are kept at least six months (core/audit_guard.py refuses less).
GONGHUI_AUDIT_RETENTION_DAYS = int(os.environ.get("GONGHUI_AUDIT_RETENTION_DAYS", "190"))
if GONGHUI_AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured("GONGHUI_AUDIT_RETENTION_DAYS must be at least 183 (six months).")
# Lockout records are shown read-only by our own admin (accounts/admin.py), never deleted there.
AXES_ENABLE_ADMIN = False
OTP_TOTP_SYNC = False  # a code a step ahead (`gonghui totp` after a login) must not shift the clock

# Personal data at rest, and limits on what an upload may cost (issue 13, findings 6 and 7).
# Exports and import error reports are deleted this many days after their job ends
# (`gonghui purge`, which the worker also runs by itself every hour).
GONGHUI_FILE_RETENTION_DAYS = int(os.environ.get("GONGHUI_FILE_RETENTION_DAYS", "7"))
# Biggest file an import takes, on the web, by the API and from the CLI.
# The name on every page and browser tab (core/branding.py); empty: 工会数字化工作平台.
GONGHUI_PLATFORM_NAME = os.environ.get("GONGHUI_PLATFORM_NAME", "").strip()
GONGHUI_UPLOAD_MAX_MB = int(os.environ.get("GONGHUI_UPLOAD_MAX_MB", "200"))
# Each background job runs in a child process with at most this much memory (address space)
# and time; one that exceeds them fails alone and the queue goes on. 0 turns a limit off.
GONGHUI_JOB_MEMORY_MB = int(os.environ.get("GONGHUI_JOB_MEMORY_MB", "4096"))
GONGHUI_JOB_TIMEOUT_MINUTES = int(os.environ.get("GONGHUI_JOB_TIMEOUT_MINUTES", "120"))
# Run jobs in a child process (the tests run them in-process, inside their transaction).
GONGHUI_JOB_ISOLATION = os.environ.get("GONGHUI_JOB_ISOLATION", "1") == "1"
