"""Settings for every environment, read from environment variables with safe defaults.

``DJANGO_ENV`` is ``demo`` (the default: a new user's machine, SQLite, demo data allowed) or
``production`` (secrets required, HTTPS only, no demo data). Everything else a deployment may change
is an environment variable read through ``core.config``; README.md lists them.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from sundhedskoordinator.core.config import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_str("DJANGO_ENV", "demo")
if DJANGO_ENV not in {"demo", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'demo' or 'production'.")
IS_PRODUCTION = DJANGO_ENV == "production"
DEMO_MODE = not IS_PRODUCTION

# Empty counts as unset, as in the scripts (``${DATA_DIR:-…}``): not the current directory,
# where demo mode's keys would be written beside the code.
DATA_DIR = Path(env_str("DATA_DIR") or str(BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Production must be given its key; demo mode makes one once and keeps it in DATA_DIR,
    so that sessions survive a restart and no key is ever committed."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    if IS_PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when DJANGO_ENV=production.")
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _demo_or_required(name: str, make: str) -> str:
    """A key from the environment; in demo mode made once and kept in DATA_DIR."""
    value = env_str(name)
    if value:
        return value
    if IS_PRODUCTION:
        raise ImproperlyConfigured(f"{name} is required when DJANGO_ENV=production.")
    path = DATA_DIR / name.lower()
    if not path.exists():
        path.write_text(make)
        path.chmod(0o600)
    return path.read_text().strip()


# CPR numbers are stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256, from `cryptography`) and
# found by a keyed hash. CPR_ENCRYPTION_KEYS lists Fernet keys, newest first, so keys can be
# rotated; CPR_HASH_KEY keys the lookup hash.
CPR_ENCRYPTION_KEYS = [
    key.strip()
    for key in _demo_or_required(
        "CPR_ENCRYPTION_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    ).split(",")
    if key.strip()
]
CPR_HASH_KEY = _demo_or_required("CPR_HASH_KEY", secrets.token_urlsafe(48))
DEBUG = env_bool("DEBUG", default=DEMO_MODE)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DJANGO_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mozilla_django_oidc",
    "django_tasks_db",
    "sundhedskoordinator.core",
    "sundhedskoordinator.organisations",
    "sundhedskoordinator.citizens",
    "sundhedskoordinator.meetings",
    "sundhedskoordinator.cases",
    "sundhedskoordinator.audit",
    "sundhedskoordinator.access",
    "sundhedskoordinator.documents",
    "sundhedskoordinator.notifications",
    "sundhedskoordinator.post",
    "sundhedskoordinator.billing",
    "sundhedskoordinator.reports",
    "sundhedskoordinator.api",
    "sundhedskoordinator.web",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id (LOGGING).
    "log_request_id.middleware.RequestIDMiddleware",
    # Before anything reads the body: a body larger than its route takes is refused.
    "sundhedskoordinator.web.body_limits.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Each user's role memberships are read once per request (access/policy.py).
    "sundhedskoordinator.access.middleware.GrantsPerRequestMiddleware",
    "sundhedskoordinator.web.middleware.LanguageFromCookieMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sundhedskoordinator.web.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "sundhedskoordinator.web.middleware.SessionLifetimeMiddleware",
    # Last, as django-axes requires: it answers locked-out log-in attempts.
    "axes.middleware.AxesMiddleware",
]

# The load benchmark (bench/load.py) starts the server with BENCH_BASELINE: /bench/baseline answers
# (an empty page through every middleware) and each answer says its SQL queries in X-Queries.
BENCH_BASELINE = env_bool("BENCH_BASELINE", default=False)
if BENCH_BASELINE:
    MIDDLEWARE.insert(0, "sundhedskoordinator.web.middleware.QueryCountMiddleware")

ROOT_URLCONF = "sundhedskoordinator.urls"
WSGI_APPLICATION = "sundhedskoordinator.wsgi.application"
ASGI_APPLICATION = "sundhedskoordinator.asgi.application"

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
                "sundhedskoordinator.web.context_processors.menu",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite in DATA_DIR is the embedded default; DATABASE_URL selects PostgreSQL in production.
SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing mid-way.
    "transaction_mode": "IMMEDIATE",
    # WAL lets readers go on while one writes; synchronous=FULL loses no acknowledged write.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    "timeout": 20,
}
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}")
# Each worker keeps its connection between requests (on PostgreSQL checked before reuse): opening
# one per request cost PostgreSQL a new server process each time, and the same world served 45-80 %
# more requests a second with it kept (docs/performance.md). 0 closes it after every request.
_database = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 600))
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {**SQLITE_OPTIONS, **_database.get("OPTIONS", {})}
else:
    _database["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a plan for the few large joins of a list or a figure and spends
    # far longer compiling (a second at 100,000 cases) than the query runs: off for this kind
    # of work, unless the deployment says otherwise.
    _database.setdefault("OPTIONS", {}).setdefault(
        "options", f"-c jit={env_str('POSTGRES_JIT', 'off')}"
    )
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity -------------------------------------------------------------------------------
AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "web:login"
# Where a logged-in user confirms the second factor (django-otp's setting for it).
OTP_LOGIN_URL = "web:second-factor"
LOGIN_REDIRECT_URL = "web:start"
LOGOUT_REDIRECT_URL = "web:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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

AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out source is refused before its password is checked; then
    # the per-user-name backoff (access/login.py), which refuses unheard while a name must wait.
    "axes.backends.AxesStandaloneBackend",
    "sundhedskoordinator.access.login.LoginBackoffBackend",
    # Django's password check; the session's user is read with its unread count (web.auth).
    "sundhedskoordinator.web.auth.PasswordBackend",
]
# Lockout after 3 failed log-ins within 24 hours (the Danish public-sector norm) per user name
# *and* address: a lockout per name alone let anyone lock anyone out, and one per address alone
# would let one mistyped password lock out a whole jobcenter behind its NAT address. Failures
# from every address together slow the name down instead (LoginBackoffBackend), up to
# LOGIN_BACKOFF_MAX_SECONDS between attempts, and never lock it.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 3)
LOGIN_BACKOFF_MAX_SECONDS = env_int("LOGIN_BACKOFF_MAX_SECONDS", 60)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(hours=env_int("LOGIN_LOCKOUT_HOURS", 24))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Attempts refused during a lockout or a backoff are not heard, so they do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sundhedskoordinator.web.views.locked_out"
AXES_VERBOSE = False
# The address is the connection's unless the deployment says how many proxies stand in front
# (each appends to X-Forwarded-For); a header the client wrote itself is never trusted.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "sundhedskoordinator.access.login.client_ip"
AXES_WHITELIST_CALLABLE = "sundhedskoordinator.access.login.not_a_password_log_in"

# Everyone confirms a TOTP code (django-otp) after a password log-in before any page or API token
# is theirs; an OpenID Connect log-in counts when its acr/amr says two factors (MitID does). On by
# default in production, off in demo mode.
OTP_REQUIRED = env_bool("OTP_REQUIRED", default=IS_PRODUCTION)
OTP_TOTP_ISSUER = "Sundhedskoordinator"
# The admin never shows or edits a second-factor device's secret key (django-otp).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# OpenID Connect log-in (mozilla-django-oidc), on when OIDC_RP_CLIENT_ID is set: a municipality's
# identity broker for staff, and NemLog-in (MitID) for citizens, who are found by the CPR claim.
# Nobody gets an account by logging in: staff must exist with their roles already; a citizen's
# account is opened only for a citizen the municipality has registered.
OIDC_ENABLED = bool(env_str("OIDC_RP_CLIENT_ID"))
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT") or None
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid profile email")
OIDC_CPR_CLAIM = env_str("OIDC_CPR_CLAIM", "dk:gov:saml:attribute:CprNumberIdentifier")
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
# The provider's issuer (the ``iss`` of its ID tokens); staff are bound to it and their ``sub``.
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER")
# Proof Key for Code Exchange (RFC 7636, S256): a stolen authorization code is worth nothing.
OIDC_USE_PKCE = True
# ``acr`` values that mean two factors: NSIS (MitID) and eIDAS substantial and high.
OIDC_TWO_FACTOR_ACR = env_list(
    "OIDC_TWO_FACTOR_ACR",
    [
        "https://data.gov.dk/concept/core/nsis/loa/Substantial",
        "https://data.gov.dk/concept/core/nsis/loa/High",
        "http://eidas.europa.eu/LoA/substantial",
        "http://eidas.europa.eu/LoA/high",
    ],
)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("sundhedskoordinator.web.oidc.OIDCBackend")

# Sessions end after 30 minutes without activity, 12 hours after log-in whatever happens, and
# with the browser. A session in use is saved again (its expiry moved 30 minutes ahead) once a
# minute at most (web.middleware.SessionLifetimeMiddleware), not at every request: so the idle
# limit is between 29 and 30 minutes, and a page costs no write.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_RENEW_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "sk_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "sundhedskoordinator" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
# DKFDS and htmx come from npm (package.json) and are served by whitenoise; the repo carries
# no node_modules.
NODE_MODULES = BASE_DIR / "node_modules"
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    ("dkfds", NODE_MODULES / "dkfds" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
# Uploaded documents and the PDFs the system issues go through Django's storage API only
# (documents.storage, documents.delivery), so where they are kept is configuration: MEDIA_ROOT on
# local disk by default, or an S3-compatible bucket (django-storages) when STORAGE_S3_BUCKET is set,
# which every instance of a scale-out shares (docs/scale-out.md).
STORAGE_S3_BUCKET = env_str("STORAGE_S3_BUCKET")
_default_storage: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if STORAGE_S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            # Empty: AWS itself; otherwise the S3-compatible service's address.
            "endpoint_url": env_str("STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": env_str("STORAGE_S3_REGION") or None,
            # Empty: boto3's own chain (instance role, AWS_* variables, ~/.aws).
            "access_key": env_str("STORAGE_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("STORAGE_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("STORAGE_S3_PREFIX"),
            # "path" for most S3-compatible services on their own host name; empty lets boto3 pick.
            "addressing_style": env_str("STORAGE_S3_ADDRESSING_STYLE") or None,
            # Health data: objects are private, and nobody fetches one by a (signed) URL. Every
            # download goes through our views, which check access, verify the checksum and log
            # the read.
            "default_acl": None,
            "querystring_auth": False,
            # A stored file is never changed: a name in use gets a new one, as on local disk.
            "file_overwrite": False,
            "object_parameters": (
                {"ServerSideEncryption": env_str("STORAGE_S3_SERVER_SIDE_ENCRYPTION")}
                if env_str("STORAGE_S3_SERVER_SIDE_ENCRYPTION")
                else {}
            ),
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "files"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
# Each route's body limit is web/body_limits.py's table, checked before the body is read; Django's
# limit on what a request holds beside its files backs it up at the largest of them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Every upload is scanned by a ClamAV daemon (a Unix socket path, or tcp://host:port). Uploads are
# refused when it does not answer. scripts/clamd.sh starts one for the demo and the tests.
CLAMAV_SOCKET = env_str("CLAMAV_SOCKET", str(DATA_DIR / "clamav" / "clamd.sock"))
CLAMAV_TIMEOUT = env_int("CLAMAV_TIMEOUT", 30)
# Appeal guidance printed in decision letters, for every municipality that has not written its own
# (empty: the system's default text, cases.texts.DEFAULT_APPEAL_GUIDANCE).
DECISION_APPEAL_GUIDANCE = env_str("DECISION_APPEAL_GUIDANCE")

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A nonce on every script and style tag; nothing inline runs without it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe health over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    if env_bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # The __Host- prefix binds the cookies to this exact origin over HTTPS.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- E-mail ---------------------------------------------------------------------------------
# Demo mode prints mail to the console; production sends through SMTP (EMAIL_* variables).
_mail_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
_mail_options: dict[str, object] = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        "timeout": env_int("EMAIL_TIMEOUT", 30),
    }
elif _mail_backend.endswith("filebased.EmailBackend"):
    _mail_options = {"file_path": str(DATA_DIR / "mail")}
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "sundhedskoordinator@localhost")
# The address e-mails link to: the service's public address in production (required there);
# `make run` sets it from HOST and PORT.
SITE_URL = env_str("SITE_URL", "" if IS_PRODUCTION else "http://127.0.0.1:8000")
if IS_PRODUCTION and not SITE_URL:
    raise ImproperlyConfigured("SITE_URL is required when DJANGO_ENV=production.")

# --- Background tasks -----------------------------------------------------------------------
# Django's Tasks API on the database backend: `manage.py db_worker` runs them (make run and make
# serve start one). On PostgreSQL a worker claims a task with SELECT ... FOR UPDATE SKIP LOCKED,
# so the workers of every instance share one queue and never run a task twice
# (docs/scale-out.md). TASKS_BACKEND can name another backend.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# The moment every process reads as "now" (ISO 8601 with a time zone, e.g.
# 2030-11-25T10:00:00+01:00), for tests and demonstrations that need a fixed day across processes
# (the scale-out test: reminders go out on working days only). Never in a live deployment: every
# deadline would be computed from it. Empty: the wall clock.
CLOCK_FROZEN_AT: dt.datetime | None = None
if env_str("CLOCK_FROZEN_AT"):
    _frozen_at = dt.datetime.fromisoformat(env_str("CLOCK_FROZEN_AT"))
    if _frozen_at.tzinfo is None:
        raise ImproperlyConfigured("CLOCK_FROZEN_AT needs a time zone, e.g. +01:00 or Z.")
    CLOCK_FROZEN_AT = _frozen_at.astimezone(dt.UTC)
    # A production process with a fixed clock would compute every deadline wrongly: it takes a
    # second, explicit switch (set only by tests that start production servers).
    if IS_PRODUCTION and env_str("CLOCK_FROZEN_IN_PRODUCTION") != "yes":
        raise ImproperlyConfigured(
            "CLOCK_FROZEN_AT is refused in production unless CLOCK_FROZEN_IN_PRODUCTION=yes."
        )
# --- Letters to citizens (Digital Post, paper, the in-app inbox) ----------------------------------
# Digital Post goes out as MeMo messages through a transport: "outbox" (the default) writes each
# message as a file in DIGITAL_POST_OUTBOX for a gateway to pick up; "http" posts it to
# DIGITAL_POST_URL (the national service or the municipality's gateway to it).
DIGITAL_POST_TRANSPORT = env_str("DIGITAL_POST_TRANSPORT", "outbox")
DIGITAL_POST_OUTBOX = Path(env_str("DIGITAL_POST_OUTBOX", str(DATA_DIR / "digital-post-outbox")))
DIGITAL_POST_URL = env_str("DIGITAL_POST_URL", "")
DIGITAL_POST_TIMEOUT_SECONDS = env_int("DIGITAL_POST_TIMEOUT_SECONDS", 30)
# The schema every MeMo message is validated against before it leaves. The project ships its
# profile of MeMo 1.1; a deployment may point this at the published MeMo_core.xsd.
MEMO_XSD = env_str(
    "MEMO_XSD", str(BASE_DIR / "sundhedskoordinator/post/schemas/memo-1.1-profile.xsd")
)

# How often the reminder scheduler runs. When each reminder is due is the procedure's business:
# the region's collaboration agreement (meetings.CollaborationAgreement) holds those numbers.
REMINDER_INTERVAL_MINUTES = env_int("REMINDER_INTERVAL_MINUTES", 15)
# How long a task worker holds a Digital Post letter it is handing over; a letter held by a worker
# that died goes out with the reminder scheduler's next run after this (post/services.py).
DIGITAL_POST_CLAIM_SECONDS = env_int("DIGITAL_POST_CLAIM_SECONDS", 120)

# --- Logging --------------------------------------------------------------------------------
# One JSON object per line (LOG_FORMAT=plain for a console read by eye), each with the id of the
# request it belongs to ("none" outside a request; the id is also the answer's X-Request-ID
# header), and CPR-like numbers masked (core/logging.py). In production each request is logged
# once when answered (LOG_REQUESTS), in place of gunicorn's access log.
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
LOG_REQUESTS = env_bool("LOG_REQUESTS", default=IS_PRODUCTION)
LOG_USER_ATTRIBUTE = "pk"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "log_request_id.filters.RequestIDFilter"}},
    "formatters": {
        "json": {
            "()": "sundhedskoordinator.core.logging.JsonLineFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {
            "()": "sundhedskoordinator.core.logging.PlainLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env_str("LOG_FORMAT", "json"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each rendering step at INFO; only its warnings are worth keeping.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- The procedure --------------------------------------------------------------------------
# Extra closing days beside the public holidays, as MM-DD (forældelsesloven § 27, stk. 2:
# Grundlovsdag, 24 and 31 December). A deployment may add 05-01 or others.
EXTRA_CLOSING_DAYS = [
    (int(item[:2]), int(item[3:]))
    for item in env_list("EXTRA_CLOSING_DAYS", ["06-05", "12-24", "12-31"])
]

# Movable closing days, as days from Easter Sunday: "easter+40" is the Friday after Ascension
# Day, which many municipalities close. None by default.
EXTRA_CLOSING_EASTER_OFFSETS = [
    int(item.removeprefix("easter")) for item in env_list("EXTRA_CLOSING_RULES", [])
]

# Retention (DESIGN section 4): closed cases are anonymised this many years after closing. The
# advice may be part of a patient record (at least 10 years); municipal records need the archive
# authority's approval before they go, so the default is conservative and the command dry-runs.
RETENTION_YEARS = env_int("RETENTION_YEARS", 10)

# --- API ------------------------------------------------------------------------------------
API_TOKEN_HOURS = env_int("API_TOKEN_HOURS", 12)
