"""Settings, read from the environment through small helpers that fail loudly.

The embedded default (no environment at all) is SQLite in ./var with DEBUG on; production sets
ASPIRASI_SECRET_KEY, ASPIRASI_DEBUG=0, ASPIRASI_ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
"""

import datetime as dt
import os
import warnings
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_number(name: str, default: float, *, kind: type = float, minimum: float = 0) -> float:
    """A number from the environment; bad input stops start-up naming the variable."""
    value = os.environ.get(name)
    if value is None:
        return kind(default)
    try:
        number = kind(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be {'a whole number' if kind is int else 'a number'}, not {value!r}"
        ) from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value!r}")
    return number


def env_hours(name: str, default: str) -> tuple[str, str]:
    """Opening hours written "HH:MM-HH:MM", opening before closing."""
    value = os.environ.get(name, default)
    opens, _sep, closes = value.partition("-")
    try:
        valid = _time(opens) < _time(closes)
    except ValueError:
        valid = False
    if not valid:
        raise ImproperlyConfigured(
            f"{name} must be opening hours such as 07:30-16:00 (opening before closing), "
            f"not {value!r}"
        )
    return opens.strip(), closes.strip()


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text.strip())


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return default if value is None else [v.strip() for v in value.split(",") if v.strip()]


def database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        # libpq's own query parameters: ?host=/run/postgresql for a socket directory (a path
        # in the host part would be lower-cased), ?sslmode=verify-full and the like.
        query = {name: values[-1] for name, values in parse_qs(parsed.query).items()}
        host = query.pop("host", "") or unquote(parsed.hostname or "")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": host,
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": query,
        }
    if parsed.scheme == "sqlite":
        return sqlite_database(Path(unquote(parsed.path)))
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported")


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one
            # failing with "database is locked" when it upgrades a read to a write.
            "transaction_mode": "IMMEDIATE",
            # Seconds to wait for another writer's lock (the e-mail intake's tests shorten it).
            "timeout": env_number("ASPIRASI_SQLITE_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DEBUG = env_bool("ASPIRASI_DEBUG", True)
SECRET_KEY = os.environ.get("ASPIRASI_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("ASPIRASI_SECRET_KEY must be set when ASPIRASI_DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-the-embedded-default"  # noqa: S105
ALLOWED_HOSTS = env_list("ASPIRASI_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("ASPIRASI_CSRF_TRUSTED_ORIGINS", [])

DATA_DIR = Path(os.environ.get("ASPIRASI_DATA_DIR", BASE_DIR / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": database_from_url(DATABASE_URL)
    if DATABASE_URL
    else sqlite_database(DATA_DIR / "aspirasi.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "aspirasi.sop",
    "aspirasi.clock",
    "aspirasi.officials",
    "aspirasi.cases",
    "aspirasi.public",
    "aspirasi.desk",
    "aspirasi.notifications",
    "aspirasi.channels",
    "aspirasi.demo",
    "aspirasi.search",
    "aspirasi.replies",
    "aspirasi.notes",
    "aspirasi.revisions",
    "aspirasi.printing",
    "aspirasi.attachments",
    "aspirasi.survey",
    "aspirasi.board",
    "aspirasi.mailintake",
    "aspirasi.administration",
    "aspirasi.backups",
    "aspirasi.health",
    "aspirasi.review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app itself: hashed names, pre-compressed, cached for a year.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed too. CSRF tokens are masked anew on every response, which is Django's
    # answer to BREACH for compressed pages.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "aspirasi.web.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "aspirasi.urls"
WSGI_APPLICATION = "aspirasi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "aspirasi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "aspirasi.desk.context.desk",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# A password link (a reset, or a new account's first password) works once and for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
# An expired form: the user's language, and what they typed given back (aspirasi/web/csrf.py).
CSRF_FAILURE_VIEW = "aspirasi.web.csrf.csrf_failure"
LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:inbox"
LOGOUT_REDIRECT_URL = "public:home"

# Indonesian first, English second.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "aspirasi" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Makassar"
USE_TZ = True

# The faculty calendar's opening hours (SOP decision 6), the one place a working day's length is
# set: "1 hari" in the SOP file is one working day of them. Days off and extra working days are
# kept in the database by the admin (aspirasi.clock.CalendarDay).
ASPIRASI_WORKING_HOURS = env_hours("ASPIRASI_WORKING_HOURS", "07:30-16:00")
# The SOP definition file that becomes revision 1 of a new database (and is checked at start-up);
# the default is aspirasi/sop/sp54.toml. Later revisions are drafted and approved on the SOP
# screens (/meja/sop/), and each running process picks up a newly approved one within
# ASPIRASI_SOP_RECHECK_SECONDS, without a restart.
ASPIRASI_SOP_FILE = os.environ.get("ASPIRASI_SOP_FILE") or None
ASPIRASI_SOP_RECHECK_SECONDS = env_number("ASPIRASI_SOP_RECHECK_SECONDS", 10)
ASPIRASI_SITE_URL = os.environ.get("ASPIRASI_SITE_URL", "http://127.0.0.1:8000")

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("ASPIRASI_STATIC_ROOT", DATA_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("ASPIRASI_MEDIA_ROOT", DATA_DIR / "media"))
# The demo and the tests serve static files from the apps (WhiteNoise looks there with DEBUG on)
# and have no collected copy; WhiteNoise's warning about the missing folder says nothing then.
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
# With DEBUG off, `manage.py collectstatic` writes hashed, compressed copies that WhiteNoise serves
# with far-future caching (scripts/serve.sh runs it); the demo serves the files as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Production is served over HTTPS (TLS at nginx in front, docs/deploy.md). ASPIRASI_HTTPS=0 is
# for plain http on a closed network or loopback: no redirect, no secure-only cookies, no HSTS
# (and `check --deploy` says so).
HTTPS = env_bool("ASPIRASI_HTTPS", not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("ASPIRASI_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_number("ASPIRASI_HSTS_SECONDS", 31536000, kind=int)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
if env_bool("ASPIRASI_BEHIND_PROXY", False):
    # Only when a reverse proxy in front sets this header itself (and strips the client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# /sehat/ (aspirasi/health): 200 when the database answers, a worker was seen lately, the data
# disk has room and the last backup is recent; else 503. The admin, or whoever sends this token
# (Authorization: Bearer ...), gets JSON naming what is wrong.
ASPIRASI_HEALTH_TOKEN = os.environ.get("ASPIRASI_HEALTH_TOKEN", "")
ASPIRASI_HEALTH_MIN_FREE_MB = env_number("ASPIRASI_HEALTH_MIN_FREE_MB", 500)
ASPIRASI_HEALTH_WORKER_SECONDS = env_number("ASPIRASI_HEALTH_WORKER_SECONDS", 120)

# Backups (manage.py backup / restore): where the worker's nightly backup goes (none when empty),
# how many it keeps, when /sehat/ calls the last one too old, and the key file that encrypts them.
ASPIRASI_BACKUP_DIR = os.environ.get("ASPIRASI_BACKUP_DIR", "")
ASPIRASI_BACKUP_KEEP = env_number("ASPIRASI_BACKUP_KEEP", 14, kind=int, minimum=1)
ASPIRASI_BACKUP_MAX_AGE_HOURS = env_number("ASPIRASI_BACKUP_MAX_AGE_HOURS", 26)
ASPIRASI_BACKUP_KEY_FILE = os.environ.get("ASPIRASI_BACKUP_KEY_FILE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ASPIRASI_LOG_LEVEL", "INFO")},
}

# Outgoing mail: the worker delivers the outbox through this SMTP server.
EMAIL_HOST = os.environ.get("ASPIRASI_SMTP_HOST", "localhost")
EMAIL_PORT = env_number("ASPIRASI_SMTP_PORT", 25, kind=int)
EMAIL_HOST_USER = os.environ.get("ASPIRASI_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ASPIRASI_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ASPIRASI_SMTP_TLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("ASPIRASI_FROM_EMAIL", "aspirasi@ft.unmul.ac.id")
ASPIRASI_MAIL_DOMAIN = DEFAULT_FROM_EMAIL.rpartition("@")[2] or "aspirasi.localhost"
# The demo (scripts/run.sh without an SMTP server) writes mail to files in var/mail instead.
EMAIL_BACKEND = os.environ.get(
    "ASPIRASI_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"

# Incoming mail (aspirasi/mailintake): the MTA pipes each message to bin/aspirasi-mail-intake,
# or `manage.py poll_imap` takes the unseen messages of this mailbox.
ASPIRASI_IMAP_HOST = os.environ.get("ASPIRASI_IMAP_HOST", "")
ASPIRASI_IMAP_PORT = env_number("ASPIRASI_IMAP_PORT", 993, kind=int)
ASPIRASI_IMAP_USER = os.environ.get("ASPIRASI_IMAP_USER", "")
ASPIRASI_IMAP_PASSWORD = os.environ.get("ASPIRASI_IMAP_PASSWORD", "")
ASPIRASI_IMAP_MAILBOX = os.environ.get("ASPIRASI_IMAP_MAILBOX", "INBOX")
ASPIRASI_IMAP_SSL = env_bool("ASPIRASI_IMAP_SSL", True)
ASPIRASI_IMAP_TIMEOUT = env_number("ASPIRASI_IMAP_TIMEOUT", 30)
# A larger message is refused and nothing of it is stored (the pipe bounces it with this limit).
ASPIRASI_MAIL_MAX_BYTES = env_number("ASPIRASI_MAIL_MAX_BYTES", 25 * 1024 * 1024, kind=int)
# The authserv-id of the Authentication-Results header the site's own MTA adds (e.g.
# "mx.ft.unmul.ac.id"); empty: no such header is trusted. With it set, a message that fails
# SPF/DMARC alignment gets no receipt and joins no case.
ASPIRASI_MAIL_TRUSTED_AUTHSERV_ID = os.environ.get("ASPIRASI_MAIL_TRUSTED_AUTHSERV_ID", "").strip()
# Automatic messages to one customer address (receipts, lost links, survey invitations) at most
# per hour and per day; further ones are held back (0: no limit). An official's answer never is.
ASPIRASI_MAIL_LIMITS = {
    "PER_HOUR": env_number("ASPIRASI_MAIL_LIMIT_PER_HOUR", 5, kind=int),
    "PER_DAY": env_number("ASPIRASI_MAIL_LIMIT_PER_DAY", 20, kind=int),
}

# Background work (manage.py run_worker): workers lease due rows of the outbox and of the periodic
# jobs (SLA watch, daily digest) straight from the database; there is no other queue. Every
# interval is settable, so tests never wait long.
ASPIRASI_WORKER = {
    # How often an idle worker looks for work.
    "POLL_SECONDS": env_number("ASPIRASI_WORKER_POLL_SECONDS", 1),
    # How long a message being sent is held; past it, another worker may take it over. A send
    # is cut off at half the lease and the lease is renewed before DATA, so it never outlives it.
    "LEASE_SECONDS": env_number("ASPIRASI_OUTBOX_LEASE_SECONDS", 120),
    # Retries wait BACKOFF_SECONDS, doubling up to BACKOFF_MAX_SECONDS; nothing is ever dropped.
    "BACKOFF_SECONDS": env_number("ASPIRASI_OUTBOX_BACKOFF_SECONDS", 30),
    "BACKOFF_MAX_SECONDS": env_number("ASPIRASI_OUTBOX_BACKOFF_MAX_SECONDS", 3600),
    # How long a periodic job's run is held (longer than any run takes); a job whose worker died
    # mid-run is run again by another worker once this has passed.
    "JOB_LEASE_SECONDS": env_number("ASPIRASI_JOB_LEASE_SECONDS", 900),
    # How often the SLA watch looks for steps nearly due or overdue.
    "SLA_WATCH_SECONDS": env_number("ASPIRASI_SLA_WATCH_SECONDS", 300),
}

# The public side's abuse limits (issue 4). Counters live in a database cache table, so every app
# server shares them; `manage.py createcachetable` makes it. X-Forwarded-For is believed only
# when the request comes from one of these proxies (addresses or networks, comma-separated).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "aspirasi_ratelimit",
        # Culling (a third of the entries once full) would forget counters; keep room for many.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}
ASPIRASI_TRUSTED_PROXIES = env_list("ASPIRASI_TRUSTED_PROXIES", [])
# (requests, seconds) per client address and action; see aspirasi/web/ratelimit.py.
ASPIRASI_RATE_LIMITS = {
    "submit": (10, 3600),
    "track_miss": (30, 900),
    "lost_link": (5, 3600),
    "lost_link_address": (1, 600),
    "clarify": (20, 3600),
    "survey": (20, 3600),
    # Failed staff sign-ins (aspirasi/desk/signin.py): per client address; per user name, which
    # once exceeded leaves each address only "signin_user_address" failures at that name, so a
    # stranger cannot lock an official out of their own address.
    "signin": (20, 900),
    "signin_user": (10, 900),
    "signin_user_address": (3, 900),
    # Requests for a password link, per client address and per e-mail address asked for.
    "password_reset": (5, 3600),
    "password_reset_email": (3, 3600),
}
# A load test (bench/load.py) raises every limit above by this factor: its thousands of
# requests a second come from one address. 1 (the default) in production, where the limits are
# what stops abuse; aspirasi/web/ratelimit.py multiplies each count by it.
ASPIRASI_RATE_LIMIT_FACTOR = env_number("ASPIRASI_RATE_LIMIT_FACTOR", 1, minimum=1)
if not ASPIRASI_RATE_LIMIT_FACTOR <= 1_000_000_000:  # also refuses "inf" and "nan"
    raise ImproperlyConfigured(
        "ASPIRASI_RATE_LIMIT_FACTOR must be a number from 1 to 1000000000, not "
        f"{os.environ['ASPIRASI_RATE_LIMIT_FACTOR']!r}"
    )
# Attachments (aspirasi/attachments): how many files per aspiration and how large each may be.
ASPIRASI_ATTACHMENT_MAX_FILES = 3
ASPIRASI_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# Django refuses (400) a request carrying more files than this before anything is parsed, and
# the typed text is lost with it; up to here, the form's own limit above refuses kindly with the
# text kept. A body-size cap belongs in the proxy in front (nginx client_max_body_size 20m).
DATA_UPLOAD_MAX_NUMBER_FILES = 100
