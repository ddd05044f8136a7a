"""Dasan settings: one module, read from the environment.

Defaults give the embedded mode a newcomer gets from `make run`: SQLite and the Celery filesystem
broker under var/, console e-mail. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY,
ALLOWED_HOSTS and EMAIL_URL (see README.md and .env.example).
"""

from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("DASAN_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Embedded mode runs without a configured secret; production must set one (see check below).
_DEV_SECRET = "dasan-embedded-insecure-key-only-for-local-use-0123456789"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET)
if not DEBUG and SECRET_KEY == _DEV_SECRET and env.bool("DASAN_PRODUCTION", default=False):
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DASAN_PRODUCTION is on.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "core",  # template tags only (no models): {% load korean %}
    "accounts",
    "knowledge",
    "bookclub",
    "wellbeing",
    "reports",
    "ops",
]

MIDDLEWARE = [
    # ops: health checks answered before anything else (no session, no host check); request id and
    # latency for every other request.
    "ops.middleware.HealthCheckMiddleware",
    "ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.hardening.UploadSizeLimitMiddleware",  # before anything reads the body
    "core.middleware.KoreanParticlesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "config.hardening.HostileInputMiddleware",  # after CSRF: never parses a forged form's body
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.hardening.PrivateCacheMiddleware",  # Cache-Control: private, no-store when signed in
    "accounts.middleware.PermissionMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.header",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dasan.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the Celery worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://dasan")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "config.cache.RedisCache"  # reuses its redis-py client
# With a shared cache (Redis in production) sessions are read from it, written through to the
# database: one query less on every request.
if CACHES["default"]["BACKEND"].endswith(("RedisCache", "PyMemcacheCache", "PyLibMCCache")):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [  # Django's and allauth's, reading the signed-in user from the cache
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# --- django-allauth -------------------------------------------------------------------------
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"  # accounts come from admins; a *change* of address is verified:
# one address per person, a new one replaces the login only once its link is followed, and the
# password is asked again first (accounts.views.EmailView guards the rest).
ACCOUNT_CHANGE_EMAIL = True
# A mail to the owner after each security change (password, address, 2-step sign-in, recovery codes),
# in our words: templates/account/email/, mfa/email/, socialaccount/email/.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Per-account limits on failures; the per-IP limits are generous because a whole office
# (hundreds of agents) logs in at 09:00 from one address behind the company NAT.
ACCOUNT_RATE_LIMITS = {
    "login": "600/m/ip",
    "login_failed": "100/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Dasan"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
# Roles that must have TOTP before they can use anything but the MFA set-up pages.
DASAN_MFA_REQUIRED_ROLES = env.list("DASAN_MFA_REQUIRED_ROLES", default=["manager", "admin"])
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_PROVIDERS: dict = {}
OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", default="")
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env.str("OIDC_PROVIDER_ID", default="company"),
                "name": env.str("OIDC_NAME", default="Company SSO"),
                "client_id": env.str("OIDC_CLIENT_ID"),
                "secret": env.str("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ]
    }

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside the web root and are only served through views that check permissions.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Dates in requests outside these years are refused (config.hardening): no date in Dasan needs them.
DASAN_INPUT_YEARS = (
    env.int("DASAN_INPUT_YEAR_MIN", default=1900),
    env.int("DASAN_INPUT_YEAR_MAX", default=2200),
)
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)  # personal API tokens expire after this
DASAN_UPLOAD_MAX_BYTES = env.int("DASAN_UPLOAD_MAX_BYTES", default=200 * 1024 * 1024)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG.get("EMAIL_BACKEND") == "django.core.mail.backends.console.EmailBackend":
    # The console shows subjects and bodies decoded (Korean readable), not the raw MIME message.
    EMAIL_BACKEND = "config.mail.ReadableConsoleBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Dasan <no-reply@dasan.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)  # one working day
# Idle sessions end: config.middleware.IdleSessionMiddleware renews the expiry as people work,
# at most once per tenth of SESSION_COOKIE_AGE, instead of a session write on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG and env.bool("DASAN_PRODUCTION", default=False))
SESSION_COOKIE_SECURE = _SECURE
CSRF_COOKIE_SECURE = _SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_SECURE)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _SECURE
SECURE_HSTS_PRELOAD = _SECURE
# No inline scripts anywhere: behaviour lives in static files wired by data- attributes. Inline
# style attributes stay allowed (progress bars and charts set widths).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
_BEHIND_PROXY = env.bool("BEHIND_PROXY", default=_SECURE)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _BEHIND_PROXY else None
# Behind the reverse proxy every request comes from the proxy's address: the rate limits (allauth's,
# the API's, device registration) key on the client's address from X-Forwarded-For instead, or one
# attacker's failures would use up the budget of the whole company — but only when the request
# came from one of these proxies (addresses or networks); anyone else could write that header
# themselves. config.clientip.client_ip is the one place that reads it.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"] if _BEHIND_PROXY else [])

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.permissions.IsAuthenticatedWithMFA"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # API_TOKEN_RATE: per personal token on every API call made with it, and per client address
    # for minting tokens. Sessions (the web pages' own calls) are not limited by it.
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.throttling.ApiTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_TOKEN_RATE", default="20/min"),
        "token_mint": env.str("API_TOKEN_RATE", default="20/min"),
    },
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dasan API",
    "DESCRIPTION": "Knowledge base, book club, wellbeing and reports for contact-center agents.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["accounts.api.permissions.IsAuthenticatedWithMFA"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.document_errors",
    ],
    # Several apps have a "status" field; name each choice set after its own class.
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "knowledge.manuals.models.ArticleStatus",
        "SuggestionStatusEnum": "knowledge.manuals.models.SuggestionStatus",
        "ImportStatusEnum": "knowledge.calls.models.ImportStatus",
        "MiningStatusEnum": "knowledge.calls.models.MiningStatus",
        "ImportJobStateEnum": "knowledge.calls.api.views.JOB_STATES",
        "CopyStatusEnum": "bookclub.models.CopyStatus",
        "HoldStatusEnum": "bookclub.models.HoldStatus",
        "RsvpStatusEnum": "bookclub.models.RsvpStatus",
        "ReviewStatusEnum": "bookclub.models.ReviewStatus",
        "SnapshotStatusEnum": "reports.models.SnapshotStatus",
        "RequestStateEnum": "wellbeing.models.RequestState",
    },
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery" / "queue"
    # The filesystem transport does not create its folders itself.
    _queue.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Without it kombu writes its exchange table to ./control in whatever directory runs Celery.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
else:
    # A task whose worker dies is redelivered once the visibility timeout passes.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# LOG_FORMAT=json: one JSON object per line (for a log shipper), each with the request id.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
# Celery's workers keep Django's handlers (and so the JSON format) instead of installing their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "ops.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # kombu warns that filesystem:// has no host name; the embedded broker needs none.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "kombu.connection": {"level": "ERROR"}},
}

# --- Knowledge: manuals ---------------------------------------------------------------------
KNOWLEDGE_ATTACHMENT_MAX_BYTES = env.int("KNOWLEDGE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Manual imports (JSONL/CSV/XLSX, at most 20 000 rows): the upload, and an XLSX once unzipped.
KNOWLEDGE_IMPORT_MAX_BYTES = env.int("KNOWLEDGE_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
KNOWLEDGE_IMPORT_MAX_UNCOMPRESSED = env.int("KNOWLEDGE_IMPORT_MAX_UNCOMPRESSED", default=200 * 1024 * 1024)

# --- Knowledge search ---------------------------------------------------------------------------
# Dotted path to `f(article_ids) -> {article_id: helpfulness in [0, 1]}`, a tie-breaker after text
# relevance (by default the manuals' 도움이 됐어요 / 부족해요 votes). Empty: no helpfulness signal.
KNOWLEDGE_SEARCH_HELPFULNESS = env.str(
    "KNOWLEDGE_SEARCH_HELPFULNESS", default="knowledge.manuals.selectors.helpfulness_scores"
)
# A query becomes a learned customer expression of an article once this many distinct agents
# opened that article from it.
KNOWLEDGE_SEARCH_LEARN_AGENTS = env.int("KNOWLEDGE_SEARCH_LEARN_AGENTS", default=3)

# --- Call data and topic mining (knowledge/calls) -------------------------------------------
# Customer phone numbers / ids are stored only as an HMAC with this salt. Changing it breaks the
# link between old and new calls of the same customer (repeat contacts), so set it once.
CALLS_CUSTOMER_KEY_SALT = env.str("CALLS_CUSTOMER_KEY_SALT", default=f"calls:{SECRET_KEY}")
CALLS_IMPORT_MAX_BYTES = env.int("CALLS_IMPORT_MAX_BYTES", default=DASAN_UPLOAD_MAX_BYTES)
# Reading stops at the first row over this many (a bigger export is split by month).
CALLS_IMPORT_MAX_ROWS = env.int("CALLS_IMPORT_MAX_ROWS", default=2_000_000)
# Zip-bomb guards for XLSX, checked on the zip directory before anything is inflated.
CALLS_XLSX_MAX_UNCOMPRESSED = env.int("CALLS_XLSX_MAX_UNCOMPRESSED", default=1024 * 1024 * 1024)
CALLS_XLSX_MAX_RATIO = env.int("CALLS_XLSX_MAX_RATIO", default=200)
# A topic counts as covered by the manual when the best article the search service returns for it
# shares at least this weighted share (0..1) of the topic's top keywords. See docs/architecture.md.
CALLS_COVERAGE_MIN_SCORE = env.float("CALLS_COVERAGE_MIN_SCORE", default=0.5)
CALLS_MINING_MAX_TOPICS = env.int("CALLS_MINING_MAX_TOPICS", default=20)
CALLS_MINING_TREND_SAMPLE = env.int("CALLS_MINING_TREND_SAMPLE", default=20000)
# Uploaded exports hold phone numbers in clear text: they are deleted after the import, and
# uploads never imported are purged after this many hours.
CALLS_UPLOAD_RETENTION_HOURS = env.int("CALLS_UPLOAD_RETENTION_HOURS", default=24)
# An import or mining run with no sign of life for this long lost its worker; it is started again
# (see knowledge.calls.services._lease), at most CALLS_WORK_MAX_ATTEMPTS times in all.
CALLS_WORK_STALE_SECONDS = env.int("CALLS_WORK_STALE_SECONDS", default=15 * 60)
CALLS_WORK_MAX_ATTEMPTS = env.int("CALLS_WORK_MAX_ATTEMPTS", default=3)
# --- Book club (bookclub/) ------------------------------------------------------------------
BOOKCLUB_LOAN_DAYS = env.int("BOOKCLUB_LOAN_DAYS", default=14)
BOOKCLUB_MAX_RENEWALS = env.int("BOOKCLUB_MAX_RENEWALS", default=2)
BOOKCLUB_HOLD_PICKUP_DAYS = env.int("BOOKCLUB_HOLD_PICKUP_DAYS", default=3)
BOOKCLUB_REMIND_DAYS_BEFORE_DUE = env.int("BOOKCLUB_REMIND_DAYS_BEFORE_DUE", default=2)
# The star vote runs from the month's first day to the end of this day of the next month (Asia/Seoul).
BOOKCLUB_VOTING_CLOSE_DAY = env.int("BOOKCLUB_VOTING_CLOSE_DAY", default=5)
BOOKCLUB_BAYES_M = env.float("BOOKCLUB_BAYES_M", default=3.0)
BOOKCLUB_COVER_MAX_BYTES = env.int("BOOKCLUB_COVER_MAX_BYTES", default=3 * 1024 * 1024)
# Default prize text for places 1–3 (company data, not UI text); each award's prize stays editable.
BOOKCLUB_PRIZES = env.list(
    "BOOKCLUB_PRIZES",
    default=["도서상품권 5만 원 + ‘이달의 독서왕’ 배지", "도서상품권 3만 원", "도서상품권 1만 원"],
)
# --- Wellbeing (PC shutdown, overtime, care) ----------------------------------------------------
# Minutes of break an agent gets at once after flagging an abusive call (산업안전보건법 제41조).
WELLBEING_ABUSE_BREAK_MINUTES = env.int("WELLBEING_ABUSE_BREAK_MINUTES", default=30)

# --- Operations (ops/): health, watchdog, status page, metrics, error reporting ----------------
DASAN_VERSION = env.str("DASAN_VERSION", default="")  # e.g. the deployed git tag; else pyproject's
# /health/ready: beat is late when its heartbeat is older than this; a notice that was due this long
# ago and is still not sent makes `notices` late.
OPS_BEAT_LATE_SECONDS = env.int("OPS_BEAT_LATE_SECONDS", default=180)
OPS_NOTICE_LATE_SECONDS = env.int("OPS_NOTICE_LATE_SECONDS", default=120)
# The watchdog alerts the admins when a queue's probe has not been taken for this long (a long
# import may hold every bulk worker for a while; the urgent queue must never wait).
OPS_QUEUE_STALE_SECONDS = {
    "urgent": env.int("OPS_URGENT_STALE_SECONDS", default=180),
    "bulk": env.int("OPS_BULK_STALE_SECONDS", default=1800),
}
# The broker check of /health/ready is remembered this long per process (a load balancer asks often).
OPS_BROKER_CHECK_SECONDS = env.int("OPS_BROKER_CHECK_SECONDS", default=10)
OPS_ERROR_RETENTION_DAYS = env.int("OPS_ERROR_RETENTION_DAYS", default=30)
# /metrics: "Authorization: Bearer <METRICS_TOKEN>"; or METRICS_OPEN=1 when the proxy keeps it
# internal. Neither: 403. gunicorn's processes share counters through PROMETHEUS_MULTIPROC_DIR.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_OPEN = env.bool("METRICS_OPEN", default=False)
# Load balancers probe over plain HTTP: no redirect to HTTPS for the health checks and metrics.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]

SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from ops.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        release=DASAN_VERSION or None,
    )
