"""Gongzhi settings. Deployment is configured by environment variables only.

Per-organisation policy (SLA hours, quorum rules, fiscal years…) is data in the database,
never a setting here (style.md, rule 7).
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GONGZHI_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("DEBUG", False)
# `make bench` turns this on to serve the framework's minimal request at /bench/minimal.
GONGZHI_BENCH = _env_bool("GONGZHI_BENCH", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and _env_bool("GONGZHI_PRODUCTION", False):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 20  # noqa: S105 - local default

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",  # sign-in lockout (username + address), counted in the database by every worker
    "ninja",  # serves its Swagger UI from its own static files (no CDN) at /api/v1/docs
    "gongzhi.core",
    "gongzhi.org",
    "gongzhi.cases",
    "gongzhi.triage",
    "gongzhi.insights",
    "gongzhi.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongzhi.core.dbfaults.StorageFaultMiddleware",  # full disk / read-only database: 503
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongzhi.core.middleware.NulInPathMiddleware",  # "%00" in a path: 404, not a database error
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongzhi.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the Chinese 429 answer
]

ROOT_URLCONF = "gongzhi.urls"
WSGI_APPLICATION = "gongzhi.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
                "gongzhi.org.context_processors.scope",
                "gongzhi.core.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default (WAL, IMMEDIATE transactions, foreign keys on); PostgreSQL via DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", VAR_DIR / "gongzhi.sqlite3"))
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA busy_timeout=20000;"
    ),
}
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    elif "postgresql" in DATABASES["default"]["ENGINE"]:
        # No JIT: it compiles each metrics aggregate (many FILTER clauses over a month's cases)
        # for 1–2 s, several times what running it costs. A URL's own `?options=` wins.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": SQLITE_OPTIONS,
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "gongzhi_cache",
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username + address
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: Bootstrap, htmx and ECharts come from npm (node_modules), never the repo ---
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: every form carries the token
SESSION_COOKIE_AGE = 60 * 60 * 12
if _env_bool("GONGZHI_PRODUCTION", False):
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"

# Sign-in throttling (django-axes, database handler: shared by every worker and machine).
# The web sign-in and POST /api/v1/auth/token both go through `authenticate(request, …)`.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "gongzhi.core.ratelimit.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "gongzhi.core.lockout.locked_out"  # Chinese page / API error, 429
# Requests per minute per address (gongzhi.core.ratelimit): sign-in posts, resident filing.
GONGZHI_LOGIN_RATE_PER_MINUTE = int(os.environ.get("GONGZHI_LOGIN_RATE_PER_MINUTE", "20"))
GONGZHI_FILING_RATE_PER_MINUTE = int(os.environ.get("GONGZHI_FILING_RATE_PER_MINUTE", "10"))
GONGZHI_TRACK_LOOKUP_RATE_PER_MINUTE = int(
    os.environ.get("GONGZHI_TRACK_LOOKUP_RATE_PER_MINUTE", "10")
)  # 进度查询 by number and phone, per address
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed
# for rate limits and sign-in lockouts; empty: the socket address is the client.
# A malformed entry stops the start here rather than failing requests later.
GONGZHI_TRUSTED_PROXIES = [
    str(ipaddress.ip_network(entry.strip(), strict=False))
    for entry in os.environ.get("GONGZHI_TRUSTED_PROXIES", "").split(",")
    if entry.strip()
]

# 登录页的“演示账号见 README”: shown only where the demo street is loaded (seed_demo) and this is
# on; off by default in production (GONGZHI_PRODUCTION=1), where a public demo site may turn it on.
GONGZHI_DEMO_HINT = _env_bool(
    "GONGZHI_DEMO_HINT", DEBUG or not _env_bool("GONGZHI_PRODUCTION", False)
)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gongzhi@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Uploaded roster files and photos: bounded so that one request cannot exhaust memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Notifications and the scheduler (gongzhi.core.notifications) ---------------------------
GONGZHI_SITE_URL = os.environ.get("GONGZHI_SITE_URL", "")  # absolute links in emails
# The public address of the site, for links that must be absolute wherever they are read: the
# tracking link (/track/…) in a text message to a requester without an account.
GONGZHI_PUBLIC_BASE_URL = os.environ.get(
    "GONGZHI_PUBLIC_BASE_URL", GONGZHI_SITE_URL or "http://127.0.0.1:8000"
)
GONGZHI_SMS_BACKEND = os.environ.get(
    "GONGZHI_SMS_BACKEND", "gongzhi.core.notifications.sms.ConsoleSmsBackend"
)
GONGZHI_SMS_OUTBOX = Path(os.environ.get("GONGZHI_SMS_OUTBOX", VAR_DIR / "sms-outbox.log"))
GONGZHI_SMS_ALIYUN = {
    "endpoint": os.environ.get("GONGZHI_SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/"),
    "access_key_id": os.environ.get("GONGZHI_SMS_ALIYUN_KEY", ""),
    "access_key_secret": os.environ.get("GONGZHI_SMS_ALIYUN_SECRET", ""),
    "sign_name": os.environ.get("GONGZHI_SMS_ALIYUN_SIGN_NAME", ""),
    "template_code": os.environ.get("GONGZHI_SMS_ALIYUN_TEMPLATE", ""),
    # ${title} and ${link}: the texts to requesters without an account (their tracking link).
    "template_code_link": os.environ.get("GONGZHI_SMS_ALIYUN_TEMPLATE_LINK", ""),
    "region": os.environ.get("GONGZHI_SMS_ALIYUN_REGION", "cn-hangzhou"),
}
# When a notification's email and text message go out: "scheduler" (the default) at the
# scheduler's next pass (`deliver_pending`; every 30 s under `make run`), so that a slow or
# unreachable SMS provider never holds up a web request (up to its 10 s timeout per message);
# "commit" right after the transaction that wrote them, on the same thread.
GONGZHI_DELIVER_AT = os.environ.get("GONGZHI_DELIVER_AT", "scheduler")
if GONGZHI_DELIVER_AT not in ("scheduler", "commit"):
    raise ImproperlyConfigured(
        f"GONGZHI_DELIVER_AT must be 'scheduler' or 'commit', not {GONGZHI_DELIVER_AT!r}"
    )
# When a filing's AI suggestion is computed (cases.services.intake.suggest_after_filing):
# "deferred" when an assessor first opens the case or the scheduler's sweep comes, whichever is
# first; "background" on a thread right after commit; "inline" inside the filing's transaction.
GONGZHI_TRIAGE_AT_FILING = os.environ.get("GONGZHI_TRIAGE_AT_FILING", "deferred")
# Periodic sweeps run by `manage.py run_scheduler`: dotted paths to `f(now) -> int`.
GONGZHI_SWEEPS = [
    "gongzhi.core.notifications.sweeps.deliver_pending",
    "gongzhi.cases.sweeps.run_all",
    "gongzhi.core.ratelimit.sweep_expired_counters",
    "gongzhi.cases.services.pending_uploads.sweep_expired_uploads",
]
