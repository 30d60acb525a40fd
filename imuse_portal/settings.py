"""Settings of the families' portal, driven by the environment.

Every variable read here is listed in docs/operations.md (Configuration). Development runs with
``DEBUG=1`` and the embedded SQLite file; production sets ``DEBUG=0``, ``SECRET_KEY``,
``ALLOWED_HOSTS``, ``DATABASE_URL`` and the SMTP variables.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from pythonjsonlogger.core import RESERVED_ATTRS

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789-abcdefghij"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The portal's address as families reach it, for the links of mails sent outside a page (a
# freed seat offered to a family waiting); without it, such mails say where to go.
PORTAL_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
# Where the source code of the version running can be had (the GNU AGPL asks it of software
# used over a network): every page's footer links there. Empty: the portal's own Code source
# page, which offers the running files as an archive. Set it when the version you run is
# published elsewhere (https://git.example.org/imuse-portal/-/tree/<version>).
SOURCE_CODE_URL = env_str("SOURCE_CODE_URL")

INSTALLED_APPS = [
    # Django's admin, on the site of accounts.admin_site (the staff's two-factor login).
    "accounts.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "mailer",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "family",
    "students",
    "billing",
    "reenrolment",
    "accessibility",
    "imuse_portal",
    # Last, as its documentation asks: a deleted row's file is deleted once the deletion is
    # committed (a document, a family, a student).
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    "imuse_portal.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",
    "accounts.two_factor.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.access.AccessRuleMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "accessibility.preferences.PreferencesCookieMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "imuse_portal.urls"
WSGI_APPLICATION = "imuse_portal.wsgi.application"

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
                "imuse_portal.context_processors.portal",
                "reenrolment.context_processors.reenrolment",
                "accessibility.context_processors.accessibility",
            ],
        },
    },
]

# Database: the embedded SQLite file by default, PostgreSQL in production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Parameters sent apart from the query, and a query a connection runs again prepared
    # (from its second run): PostgreSQL then plans it once per connection. Planning a page's
    # joins took longer than running them; a course sheet went from 28 to 20 ms
    # (docs/operations.md, Performance). Off (0) behind a pooler in transaction mode, which
    # cannot keep them.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.FamilyBackend",  # the portal's Connexion page
    "accounts.backends.StaffBackend",  # the admin's login page: staff and superusers only
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The portal's policy (the guides'): 8 to 20 characters, an upper-case letter, a lower-case
# letter and a digit; common passwords and passwords like the account's details refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.PortalPolicyValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Shared by the gunicorn workers and hosts: rate limits and lockouts count across them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    }
}

# Lockout (django-axes, accounts.lockout), on failed logins only: a login (an establishment's
# identifier, or a staff username) is locked after LOGIN_FAILURE_LIMIT failures, and an
# address after LOGIN_FAILURE_LIMIT_PER_ADDRESS failures on one establishment's logins (or on
# staff logins): a higher limit, so that a school network or a mobile operator's shared
# address is not blocked by a few typing mistakes. Both last LOGIN_LOCKOUT_MINUTES.
# Successful logins never count.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 30)
AXES_HANDLER = "accounts.lockout.PortalAxesHandler"  # the limit per address
# axes.W006 asks for "ip_address" among the lockout parameters: addresses are limited, but by
# LOGIN_FAILURE_LIMIT_PER_ADDRESS (a higher threshold) rather than a lockout at 5.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not kept (addresses, browsers)
AXES_USERNAME_CALLABLE = "accounts.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out_response"
# A success clears the failures of that login only (accounts.views.login_view); axes' own reset
# would clear every failure from the address, other logins' included.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ADMIN = False  # accounts.admin registers a per-establishment view of the locks
AXES_SENSITIVE_PARAMETERS = ["password"]
# The client's address: REMOTE_ADDR, or behind a reverse proxy (TRUST_X_FORWARDED_FOR=1) the
# address that proxy appended last to X-Forwarded-For (earlier entries can be forged).
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_CLIENT_STR_CALLABLE = "accounts.lockout.client_str"  # no login nor address in the logs
RATELIMIT_IP_META_KEY = "accounts.lockout.client_ip"

# Temporary passwords mailed by "Générer un nouveau mot de passe".
TEMPORARY_PASSWORD_HOURS = env_int("TEMPORARY_PASSWORD_HOURS", 48)
PASSWORD_GENERATION_RATE_PER_IDENTIFIER = env_str("PASSWORD_GENERATION_RATE", "5/h")
PASSWORD_GENERATION_RATE_PER_ADDRESS = env_str("PASSWORD_GENERATION_RATE_PER_ADDRESS", "20/h")
RATELIMIT_VIEW = "accounts.views.rate_limited"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

# A login ends after SESSION_IDLE_MINUTES without a request, and SESSION_ABSOLUTE_HOURS after
# it began whatever happens (accounts.sessions).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Staff two-factor authentication (accounts.two_factor, django-otp): a staff member who has
# enrolled an authentication app gives its 6-digit code after the password; with
# STAFF_REQUIRE_2FA on (production), staff without one must enrol one before any admin page.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", False)
# The name the authentication app shows beside the login: one per install.
OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "iMuse")

# Internationalisation: French by default, English complete. The language is never in the
# URL: it comes from the user's choice (cookie, then the account), never from the browser.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "imuse_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Documents families upload: private, served only by views that check who asks.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "documents", "base_url": "/no-public-address/"},
    },
    # Duplicates of invoices and receipts, rendered once: private too.
    "billing": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "billing", "base_url": "/no-public-address/"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# MEDIA_STORAGE=s3: the same three storages in an S3-compatible bucket (AWS, Scaleway, OVH,
# MinIO...), under the same prefixes, every object private (files are served by the views
# that check who asks, never by a bucket address).
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local")
if MEDIA_STORAGE == "s3":
    S3_OPTIONS = {
        "bucket_name": env_str("S3_BUCKET", ""),
        "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("S3_REGION", "") or None,
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    if env_str("S3_ADDRESSING_STYLE", ""):  # "path" for MinIO and some other services
        S3_OPTIONS["addressing_style"] = env_str("S3_ADDRESSING_STYLE", "")
    if env_str("S3_ACCESS_KEY_ID", ""):  # else boto3's own chain (instance role, ~/.aws)
        if not env_str("S3_SECRET_ACCESS_KEY", ""):
            raise ImproperlyConfigured("S3_ACCESS_KEY_ID needs S3_SECRET_ACCESS_KEY.")
        S3_OPTIONS["access_key"] = env_str("S3_ACCESS_KEY_ID", "")
        S3_OPTIONS["secret_key"] = env_str("S3_SECRET_ACCESS_KEY", "")
    if not S3_OPTIONS["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET.")
    for _alias, _prefix in (("default", ""), ("documents", "documents"), ("billing", "billing")):
        STORAGES[_alias] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**S3_OPTIONS, "location": _prefix},
        }
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured("MEDIA_STORAGE is local or s3.")

# A file past 10 MB is not read further (family.uploads.UploadSizeLimit); the others are kept
# in memory up to 2.5 MB, in a temporary file beyond.
FILE_UPLOAD_HANDLERS = [
    "family.uploads.UploadSizeLimit",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# Documents sent by families are kept this many days after their import, then deleted with
# their files by `manage.py purge_documents` (run it daily); 0 keeps them for ever.
DOCUMENT_RETENTION_DAYS = env_int("DOCUMENT_RETENTION_DAYS", 730)

# Django's widgets rendered by Jinja2 (twice as fast); the project's own widget templates (the
# password field with its show/hide button) and the admin's by the Django engine.
FORM_RENDERER = "imuse_portal.form_renderer.PortalFormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed on the console by default, written to files with EMAIL_FILE_PATH, sent by
# SMTP once EMAIL_HOST is set; EMAIL_BACKEND overrides the choice.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
if EMAIL_HOST:
    _default_email_backend = "django.core.mail.backends.smtp.EmailBackend"
elif EMAIL_FILE_PATH:
    _default_email_backend = "django.core.mail.backends.filebased.EmailBackend"
else:
    _default_email_backend = "django.core.mail.backends.console.EmailBackend"
# Every mail goes through the outbox (django-mailer): stored in the database in the same
# transaction as the change that causes it, then sent by the mail worker with this backend
# (MAIL_DELIVERY_BACKEND, through the one that marks each mail sent in the portal's mail log).
EMAIL_BACKEND = "mailer.backend.DbBackend"
MAILER_EMAIL_BACKEND = "accounts.emails.LoggedDeliveryBackend"
MAIL_DELIVERY_BACKEND = env_str("EMAIL_BACKEND", _default_email_backend)
MAILER_USE_FILE_LOCK = False  # rows are locked in the database: several workers may run
MAILER_EMAIL_LOG_MESSAGE_DATA = False  # a sent mail keeps no body (temporary passwords)
# The admin's mail log keeps each mail's text in development only, so that a tester reads the
# demo's mails there and follows their links; in production it keeps no body.
MAIL_LOG_BODIES = DEBUG
MAILER_ERROR_HANDLER = "accounts.emails.defer_on_delivery_error"
MAILER_EMAIL_MAX_RETRIES = env_int("MAIL_MAX_RETRIES", 10)
MAIL_WORKER_SLEEP = env_int("MAIL_WORKER_SLEEP", 5)
MAIL_RETRY_INTERVAL = env_int("MAIL_RETRY_INTERVAL", 300)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "imuse@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Administrateur", a) for a in env_list("ADMINS")]

# Online payment (billing.payments): the provider families pay through when their establishment
# offers it; none by default in production. "test" is the built-in fake card page (the default
# in development); its confirmations are signed with PAYMENT_TEST_SECRET (by default a key
# derived from SECRET_KEY).
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "test" if DEBUG else "")
PAYMENT_TEST_SECRET = env_str("PAYMENT_TEST_SECRET")
# An online payment started and not confirmed this long after is abandoned (manage.py
# expire_payment_attempts); money its provider confirms afterwards is recorded on account.
PAYMENT_EXPIRY_MINUTES = env_int("PAYMENT_EXPIRY_MINUTES", 120)

# HTTPS and browser protections; in production they are on unless said otherwise.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from the portal's own
# static files only, never inline; no plugins, no framing, forms posted to the portal only.
# File downloads send a stricter policy of their own (a sandbox).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page asks for a device or a sensor.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a reverse proxy that sets this header itself (docs/operations.md,
    # Production deployment).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line per record, with the request's id (X-Request-ID) to follow a request through.
    "formatters": {
        "plain": {
            "()": "imuse_portal.log_format.PlainFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s",
        },
        # LOG_FORMAT=json: one JSON object per line, for a log collector.
        "json": {
            "()": "imuse_portal.log_format.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(request_id)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # Django adds the request to its records: its address may hold what was typed.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
    },
    "filters": {
        "request_id": {"()": "imuse_portal.request_id.RequestIdFilter"},
        "calendar_token": {"()": "imuse_portal.log_format.CalendarTokenFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env_str("LOG_FORMAT", "plain") == "json" else "plain",
            "filters": ["request_id", "calendar_token"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # says at INFO that its logging bridge started
        "weasyprint": {"level": "WARNING"},  # one INFO line per rendering step
        "fontTools": {"level": "WARNING"},
        "mailer": {"level": "WARNING"},  # says at INFO to whom each mail goes
    },
}

# Error mails to ADMINS show the code path, never what was posted nor the code's values.
DEFAULT_EXCEPTION_REPORTER_FILTER = "imuse_portal.errors.PrivateExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "imuse_portal.errors.PrivateExceptionReporter"

CSRF_FAILURE_VIEW = "imuse_portal.views.csrf_failure"
# English dates as day/month/year (British usage), like the French ones.
FORMAT_MODULE_PATH = ["imuse_portal.formats"]
