"""Settings shared by every environment.

Values that differ between deployments come from environment variables through
the typed helpers in :mod:`config.env`; each fails loudly with the variable's
name when its value cannot be used.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.directory import directory_settings
from config.env import env_bool, env_choice, env_int, env_list, env_str, env_url
from config.sso import oidc_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("CONTINUITY_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "insecure-local-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The apps that hold plans' planning data and history, in the order a backup writes
# them (bcp.backup).
PLAN_DATA_APPS = ["bia", "inventory", "analysis", "documents", "incidents", "audit"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "config.apps.ContinuityStaticFilesConfig",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "bcp",
    "accounts",
    *PLAN_DATA_APPS,
    "notifications",
    "django_celery_beat",
    "review",
    # Last, as its documentation asks: it wraps authentication for every app above.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "bcp.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]
# Local accounts (username and password kept here) can be switched off where everyone
# signs in through the directory; staff then need a directory account too.
LOCAL_ACCOUNTS = env_bool("LOCAL_ACCOUNTS", True)
# LDAP / Active Directory sign-in when LDAP_SERVER_URI is set (config/directory.py).
_DIRECTORY = directory_settings()
globals().update(_DIRECTORY)
DIRECTORY_PLAN_ROLES = _DIRECTORY.get("DIRECTORY_PLAN_ROLES", {})
# OpenID Connect sign-in when OIDC_CLIENT_ID is set (config/sso.py).
_OIDC = oidc_settings()
globals().update(_OIDC)
OIDC_ENABLED = bool(_OIDC)
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username+address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Local accounts first: a directory that does not answer never slows them down.
    *(["django.contrib.auth.backends.ModelBackend"] if LOCAL_ACCOUNTS else []),
    *(["accounts.directory.DirectoryBackend"] if _DIRECTORY else []),
    *(["accounts.oidc.ProviderBackend"] if _OIDC else []),
]
if len(AUTHENTICATION_BACKENDS) == 1:
    raise ImproperlyConfigured(
        "LOCAL_ACCOUNTS=false needs LDAP_SERVER_URI or OIDC_CLIENT_ID: otherwise nobody "
        "can sign in."
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "bcp.context_processors.navigation",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'continuity.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker write the same file; wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plan_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
for _folder in (VAR_DIR, STATIC_ROOT, MEDIA_ROOT):
    # whitenoise warns on a missing STATIC_ROOT; the broker and media need theirs.
    _folder.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console by default so password resets and reminders are visible locally.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "continuity@localhost")
# Seconds an SMTP exchange may take before a send is given up (a call-tree email must
# not hold the page that starts the call tree).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
# Hours an incident's acknowledge link stays valid after it is emailed.
INCIDENT_ACK_MAX_AGE_HOURS = env_int("INCIDENT_ACK_MAX_AGE_HOURS", 72, minimum=1)

# --- Celery -----------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
# Redis redelivers an unacknowledged message after this many seconds. Above the longest
# hard time limit of any task (a whole-plan analysis, 1,860 s; a test checks every
# registered task) so a slow task is not handed to a second worker while it still runs.
# A dead worker's jobs do not wait for it: the sweeper in bcp.jobs queues them again
# within 4 heartbeats.
REDIS_VISIBILITY_TIMEOUT = 2100
# How often a worker on the filesystem broker looks for a new message. Kombu's default is
# a second, so every job, and every chunk of a run spread over the workers, waited half a
# second on average before a worker saw it.
# Listing an empty folder ten times a second costs an idle worker next to nothing.
FILESYSTEM_POLL_SECONDS = 0.1
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL", "filesystem://", schemes=("filesystem", "redis", "rediss", "memory")
)
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": FILESYSTEM_POLL_SECONDS,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": REDIS_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        # A web request that publishes gives up fast: the job is marked
        # "could not queue" and the user gets a retry button (DESIGN: never hang).
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.5,
        "interval_max": 0.5,
    }
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "continuity")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_KB", 512_000, minimum=50_000)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Periodic work (digests, review and sign-off reminders) runs on `celery beat` with its
# schedule in the database (django-celery-beat; rows made by notifications.schedule).
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A worker writes a heartbeat row this often; /health/ calls it dead after 3 misses.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
# A whole-plan analysis spreads its functions over the workers in chunks of this many
# functions: "auto" when more than one worker reports a heartbeat, "on" always, "off"
# never (the run's own worker computes every function, as with one worker).
ANALYSIS_FANOUT = env_choice("ANALYSIS_FANOUT", "auto", choices=("auto", "on", "off"))
ANALYSIS_CHUNK_SIZE = env_int("ANALYSIS_CHUNK_SIZE", 25, minimum=1)

# The OpenAPI schema and its browsable docs (bcp.api) name every endpoint and field:
# signed-in users only, unless this opens them to anyone.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", False)

REST_FRAMEWORK = {
    # Bearer tokens first: DRF answers an anonymous call with the first class's challenge,
    # so it gets 401 with "WWW-Authenticate: Bearer" (session auth has no challenge → 403).
    # People's own tokens from the user menu, stored hashed: "Authorization: Bearer ct_…".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "bcp.api.problem_details_handler",
    # "analysis": per-user rate of the computing API endpoints (availability, what-if).
    "DEFAULT_THROTTLE_RATES": {
        "login": "10/min",
        "analysis": env_str("ANALYSIS_API_RATE", "60/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Continuity API",
    "DESCRIPTION": "Automation and arithmetic checks for Continuity.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The API reference is our own page (bcp.api_reference); these only matter if
    # drf-spectacular's bundled UIs are ever served again: no CDN, works air-gapped.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets used by several fields get one name each, so the schema builds without
    # a warning and check --deploy stays clean: two "status" sets (incidents, runbook
    # steps) and the analysis method and objective-source sets.
    "ENUM_NAME_OVERRIDES": {
        "IncidentStatusEnum": ["open", "closed"],
        "IncidentKindEnum": ["incident", "exercise"],
        "AnalysisMethodUsedEnum": "analysis.api_schema.METHOD_USED_CHOICES",
        "AnalysisMethodRequestedEnum": "analysis.api_schema.METHOD_REQUESTED_CHOICES",
        "AnalysisObjectiveSourceEnum": "analysis.api_schema.SOURCE_CHOICES",
        "AnalysisFunctionStatusEnum": "analysis.api_schema.FUNCTION_STATUS_CHOICES",
        "AnalysisVariableKindEnum": "analysis.api_schema.VARIABLE_KIND_CHOICES",
        "AnalysisElementKindEnum": "analysis.api_schema.ELEMENT_KIND_CHOICES",
        "AnalysisMeasureEnum": "analysis.api_schema.MEASURE_CHOICES",
        "AnalysisSeverityEnum": "analysis.api_schema.SEVERITY_CHOICES",
        "AnalysisRemedyEnum": "analysis.api_schema.REMEDY_CHOICES",
    },
}

# Sign-in throttling (django-axes, keyed in bcp.auth): after LOGIN_THROTTLE_ATTEMPTS
# failures for one normalised username from one client address, that pair is refused
# for LOGIN_THROTTLE_WINDOW seconds; the same user from another address is unaffected.
LOGIN_THROTTLE_ATTEMPTS = env_int("LOGIN_THROTTLE_ATTEMPTS", 5, minimum=1)
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 300, minimum=1)
# Load balancers / reverse proxies in front of the app that append to X-Forwarded-For;
# 0 (the default) means clients connect directly and the header is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_FAILURE_LIMIT = LOGIN_THROTTLE_ATTEMPTS
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_THROTTLE_WINDOW)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "bcp.auth.throttle_username"
AXES_CLIENT_IP_CALLABLE = "bcp.auth.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "bcp.auth.lockout_response"

# Second factor (accounts app, django-otp): who must sign in with a code from an
# authenticator app. "staff" (the default): staff and superusers; "all": everyone;
# "off": nobody, though anyone may still set one up for their own account.
MFA_REQUIRED = env_choice("MFA_REQUIRED", "staff", choices=("staff", "all", "off"))
# The issuer the authenticator app shows next to the account name.
OTP_TOTP_ISSUER = env_str("MFA_ISSUER", "Continuity")

# The plan PDF (not its archival PDF/A-3b copy) declares PDF/UA-1: WeasyPrint writes one
# standard per file, so the two cannot combine. Off: a tagged PDF that declares none.
DOCUMENTS_PDF_UA = env_bool("DOCUMENTS_PDF_UA", True)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "continuity_cache",
    }
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# Rollback is the audit app's (through the services); the admin never reverts.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

PLAN_CLASSIFICATION_DEFAULT = env_str("PLAN_CLASSIFICATION_DEFAULT", "Internal")
