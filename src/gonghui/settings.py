"""Settings, read from the environment (see README: Configuration).

Unset variables give a development setup: SQLite in the data folder, a secret
key and a field-encryption key generated once into that folder.
"""

import os
from pathlib import Path

import dj_database_url

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.regions",
    "gonghui.unions",
    "gonghui.accounts",
    "gonghui.members",
    "gonghui.assistance",
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
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["gonghui.core.api.ScopedPermission"],
    "DEFAULT_PAGINATION_CLASS": "gonghui.core.api.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["gonghui.core.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gonghui.core.api_errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Per client address; counted per server process (no shared cache is assumed).
    "DEFAULT_THROTTLE_RATES": {"join": os.environ.get("GONGHUI_JOIN_RATE", "30/hour")},
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
        "JobStatusEnum": "gonghui.core.models.Job.Status",
        "JobKindEnum": "gonghui.core.models.Job.Kind",
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
# which `gonghui serve` starts beside the web server. No Redis needed.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("GONGHUI_TASK_BACKEND", "django_tasks_db.DatabaseBackend")
    }
}
# Uploads up to this size stay in memory; bigger ones go to a temporary file first.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Imports of this many rows or more merge into the registry while the file is still being
# read, on PostgreSQL (core/merging.py).
GONGHUI_IMPORT_MERGE_WHILE_READING_ROWS = int(
    os.environ.get("GONGHUI_IMPORT_MERGE_WHILE_READING_ROWS", "50000")
)
