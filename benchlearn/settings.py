"""Django settings for Benchlearn.

One module, read from the environment through the typed helpers in ``benchlearn.env``.
With no environment at all it runs a development site on SQLite; production is switched
on with ``BENCHLEARN_PRODUCTION=1`` and then refuses to start without a real secret key.
"""

import json
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from benchlearn.env import env_bool, env_cache, env_int, env_list, env_str

# Lets classes such as admin.ModelAdmin[Unit] be written with their type arguments.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("BENCHLEARN_DATA_DIR", str(PACKAGE_DIR.parent / "var")))

PRODUCTION = env_bool("BENCHLEARN_PRODUCTION", False)
DEBUG = env_bool("BENCHLEARN_DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-benchlearn-development-only"
SECRET_KEY = env_str("BENCHLEARN_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
# Sessions, password-reset links and anonymised letters are all keyed with it: a short
# key can be guessed offline from any one of them.
SECRET_KEY_MIN_LENGTH = 50
if PRODUCTION and len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"Production needs BENCHLEARN_SECRET_KEY of at least {SECRET_KEY_MIN_LENGTH} random "
        f"characters (it has {len(SECRET_KEY)}). Make one with: python3 -c "
        "'import secrets; print(secrets.token_urlsafe(50))'"
    )
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("Production needs BENCHLEARN_DEBUG off.")

# Behind our own reverse proxy: its X-Forwarded-Proto says HTTPS, and the address it
# appends last to X-Forwarded-For is the client's (login throttling counts by it).
BEHIND_PROXY = env_bool("BENCHLEARN_BEHIND_PROXY", False)

ALLOWED_HOSTS = env_list(
    "BENCHLEARN_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("BENCHLEARN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before django.contrib.staticfiles: its collectstatic writes the chart bundle first.
    "benchlearn.reports",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "ninja",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "benchlearn.background",
    "benchlearn.accounts",
    "benchlearn.units",
    "benchlearn.groups",
    "benchlearn.board",
    "benchlearn.notifications",
    "benchlearn.catalogue",
    "benchlearn.collection",
    "benchlearn.meetings",
    "benchlearn.results",
    "benchlearn.delivery",
    "benchlearn.plans",
    "benchlearn.surveys",
    "benchlearn.practices",
    "benchlearn.competencies",
    "benchlearn.public",
    "benchlearn.api",
    "benchlearn.demo",
    "benchlearn.compute",
    "benchlearn.ops",
    # A task backend's apps (see TASKS), named by the site.
    *env_list("BENCHLEARN_EXTRA_APPS", []),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: public static files are answered before these run.
    "csp.middleware.CSPMiddleware",
    "benchlearn.middleware.SecurityHeadersMiddleware",
    # Inside the one above: a logged-in session's answers stay private.
    "benchlearn.middleware.PublicApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "benchlearn.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes goes last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "benchlearn.urls"
WSGI_APPLICATION = "benchlearn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "benchlearn.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'benchlearn.sqlite3'}"),
        conn_max_age=env_int("BENCHLEARN_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers go on while a writer works; the timeout waits for a lock
    # instead of failing at once when two requests write together. Transactions take
    # the write lock when they begin (IMMEDIATE): one that read first and then wanted
    # to write could not wait for the lock and failed with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "benchlearn.accounts.backends.AddressThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "benchlearn.accounts.backends.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "start"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day, in seconds

# Sessions end after a working day of inactivity; every request moves the end on.
SESSION_COOKIE_AGE = env_int("BENCHLEARN_SESSION_SECONDS", 8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "benchlearn.views.csrf_failure"
# API tokens expire after this many days at most (and with any change of password).
API_TOKEN_DAYS = env_int("BENCHLEARN_API_TOKEN_DAYS", 90)
# An invitation into an exchange group's seat can be accepted for this many days.
INVITATION_DAYS = env_int("BENCHLEARN_INVITATION_DAYS", 7)

# Login throttling: five wrong passwords for one e-mail from one address lock it
# for fifteen minutes; so do thirty from one address whatever e-mails they try
# (password spraying), a limit a town hall's shared address does not reach by mistakes.
AXES_FAILURE_LIMIT = env_int("BENCHLEARN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("BENCHLEARN_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("BENCHLEARN_LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_CLIENT_IP_CALLABLE = "benchlearn.accounts.throttling.client_ip"
# Password-reset e-mails: at most three an hour to one address, ten from one network
# address; more requests get the same answer and no e-mail.
PASSWORD_RESET_EMAIL_LIMIT = env_int("BENCHLEARN_PASSWORD_RESET_EMAIL_LIMIT", 3)
PASSWORD_RESET_ADDRESS_LIMIT = env_int("BENCHLEARN_PASSWORD_RESET_ADDRESS_LIMIT", 10)
# Open data (/api/v1/public/): requests per network address, and how long browsers and
# proxies may keep an answer (seconds).
PUBLIC_API_RATE = env_str("BENCHLEARN_PUBLIC_API_RATE", "120/min")
PUBLIC_API_MAX_AGE = env_int("BENCHLEARN_PUBLIC_API_MAX_AGE", 300)
# Residents' survey pages, without third-party services: a page sent back sooner than
# this many seconds after it was shown is a bot's (the person is asked to check and
# send it again); an open link starts at most so many responses an hour and the code
# page takes so many wrong codes an hour (counted in the cache, never by address).
SURVEY_MIN_SECONDS = env_int("BENCHLEARN_SURVEY_MIN_SECONDS", 3)
SURVEY_LINK_STARTS_PER_HOUR = env_int("BENCHLEARN_SURVEY_LINK_STARTS_PER_HOUR", 300)
SURVEY_CODE_FAILURES_PER_HOUR = env_int("BENCHLEARN_SURVEY_CODE_FAILURES_PER_HOUR", 300)
# Those counts (and the peers' stats of the validation) are kept in Django's cache, which
# every server process must share, or each process counts apart and a limit is
# multiplied by their number: in production files in the data folder (every process of
# the machine), redis:// or memcached:// for servers on several machines; in
# development and tests each process its own memory (runserver is one process).
CACHES = {
    "default": env_cache(
        "BENCHLEARN_CACHE", "file" if PRODUCTION else "locmem", str(DATA_DIR / "cache")
    )
}
# Counted per e-mail in lower case, so changing the case of letters does not buy more
# guesses.
AXES_USERNAME_CALLABLE = "benchlearn.accounts.backends.login_attempt_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["benchlearn.formats"]
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Static files under hashed names (site.3f2a9c….css) that WhiteNoise serves with a
# ten-year "Cache-Control: max-age=315360000, immutable", so that a browser fetches the
# chart library once: in production, and under `benchlearn serve` (`make demo`), which
# runs collectstatic first and sets BENCHLEARN_STATIC_COLLECTED for its server. Tests and
# a bare runserver serve the files straight from the apps under their own names (no
# collectstatic step, so an edited file shows at once; a short max-age).
STATIC_COLLECTED = PRODUCTION or env_bool("BENCHLEARN_STATIC_COLLECTED", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            # The demo's files unzipped: compressing takes minutes of a start.
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
WHITENOISE_AUTOREFRESH = not STATIC_COLLECTED

EMAIL_BACKEND = env_str(
    "BENCHLEARN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("BENCHLEARN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("BENCHLEARN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("BENCHLEARN_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("BENCHLEARN_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("BENCHLEARN_EMAIL_TLS", False)
# The site's address as people reach it: links in e-mails sent by background tasks,
# which have no request to take it from.
SITE_URL = env_str("BENCHLEARN_SITE_URL", "http://localhost:8000").rstrip("/")
# "Deadline near" is sent to the units that have not submitted this many days before.
DEADLINE_NEAR_DAYS = env_int("BENCHLEARN_DEADLINE_NEAR_DAYS", 7)
DEFAULT_FROM_EMAIL = env_str("BENCHLEARN_FROM_EMAIL", "Benchlearn <noreply@benchlearn.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

BENCHLEARN_ORGANISATION = env_str("BENCHLEARN_ORGANISATION", "Związek Miast Polskich")

# GUS Local Data Bank (BDL) API, the source of context values (population, area...).
# A free key (X-ClientId) raises BDL's limits; 0 requests a second means BDL's own limit
# (5 anonymous, 10 with a key). Answers are cached in files, keyed by URL.
BDL_API_URL = env_str("BENCHLEARN_BDL_URL", "https://bdl.stat.gov.pl/api/v1/")
BDL_CLIENT_ID = env_str("BENCHLEARN_BDL_CLIENT_ID")
BDL_REQUESTS_PER_SECOND = env_int("BENCHLEARN_BDL_REQUESTS_PER_SECOND", 0)
BDL_RETRIES = env_int("BENCHLEARN_BDL_RETRIES", 4)
BDL_TIMEOUT_SECONDS = env_int("BENCHLEARN_BDL_TIMEOUT_SECONDS", 30)
BDL_CACHE_DIR = Path(env_str("BENCHLEARN_BDL_CACHE_DIR", str(DATA_DIR / "bdl-cache")))
BDL_CACHE_HOURS = env_int("BENCHLEARN_BDL_CACHE_HOURS", 24 * 7)
BDL_PAGE_SIZE = 100  # the most BDL gives in one page

# Excel and CSV imports of collected values: files above the size limit are refused
# before they are read; a workbook whose parts would unpack to more than the second
# limit is refused as a possible zip bomb. Larger files import in the background, as a
# task (see TASKS).
COLLECTION_IMPORT_MAX_BYTES = env_int("BENCHLEARN_IMPORT_MAX_MB", 20) * 1024 * 1024
COLLECTION_IMPORT_MAX_UNPACKED_BYTES = (
    env_int("BENCHLEARN_IMPORT_MAX_UNPACKED_MB", 300) * 1024 * 1024
)
COLLECTION_IMPORT_SYNC_BYTES = env_int("BENCHLEARN_IMPORT_SYNC_KB", 512) * 1024
# Nearest neighbours by context: how many, on which context variables with what
# weights, and which are compared on a logarithmic scale (sizes: 2,000 vs 4,000
# residents count as much as 200,000 vs 400,000).
NEIGHBOURS = env_int("BENCHLEARN_NEIGHBOURS", 10)
NEIGHBOUR_WEIGHTS = {"POP": 2.0, "AREA_KM2": 1.0, "DENSITY": 1.0}
NEIGHBOUR_LOG = ["POP", "AREA_KM2", "DENSITY"]
COLLECTION_IMPORT_DIR = Path(env_str("BENCHLEARN_IMPORT_DIR", str(DATA_DIR / "imports")))
# Files people upload (meeting materials), kept in Django's default storage.
MEDIA_ROOT = Path(env_str("BENCHLEARN_MEDIA_DIR", str(DATA_DIR / "media")))
# A meeting's attachments: at most this large, of these types only.
MEETING_ATTACHMENT_MAX_BYTES = env_int("BENCHLEARN_MEETING_ATTACHMENT_MAX_MB", 20) * 1024 * 1024
# Reminders of a meeting go out this many days before it; the owner of an open action
# item is reminded this many days before it is due.
MEETING_REMINDER_DAYS = [
    int(days) for days in env_list("BENCHLEARN_MEETING_REMINDER_DAYS", ["14", "2"])
]
ACTION_DUE_REMINDER_DAYS = env_int("BENCHLEARN_ACTION_DUE_REMINDER_DAYS", 3)
# An improvement plan's action whose progress report is missing: its owner (or the
# unit's team) is reminded this many days before the group's next meeting.
PLAN_REPORT_REMINDER_DAYS = env_int("BENCHLEARN_PLAN_REPORT_REMINDER_DAYS", 7)
# The largest file a post on a group's board takes.
BOARD_ATTACHMENT_MAX_BYTES = env_int("BENCHLEARN_BOARD_ATTACHMENT_MAX_MB", 10) * 1024 * 1024
# PDF reports made in the background, kept a day for the person who asked.
DOCUMENTS_DIR = Path(env_str("BENCHLEARN_DOCUMENTS_DIR", str(DATA_DIR / "documents")))

# Pages, scripts, styles, images and fonts come from the site itself, nothing inline
# (chart specs travel as JSON data blocks, which a policy does not run). The charts
# need no 'unsafe-eval': charts.js asks vega-embed for its expression interpreter
# (ast: true) instead of vega's code generator, which compiles with Function().
# data: images are the blank favicon and the admin's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Powerful browser features the site never uses, switched off for it and any frame.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Background work (imports, computations, PDF packs, e-mails) runs as tasks of Django's
# Tasks framework. The default backend keeps the queue in the database and
# `benchlearn worker` runs it (as many workers as wanted, on any machine reaching the
# database); another backend (RQ, Celery, ...) is named by its dotted path, with its
# OPTIONS as JSON, without a change of code.
TASKS = {
    "default": {
        "BACKEND": env_str("BENCHLEARN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "OPTIONS": json.loads(env_str("BENCHLEARN_TASKS_OPTIONS", "{}")),
    }
}
# A worker writes a heartbeat this often; one silent for the second figure (or, on its
# own machine, whose process is gone) is dead, and its running task is taken back.
WORKER_BEAT_SECONDS = env_int("BENCHLEARN_WORKER_BEAT_SECONDS", 10)
WORKER_STALE_SECONDS = env_int("BENCHLEARN_WORKER_STALE_SECONDS", 120)

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("BENCHLEARN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("BENCHLEARN_HSTS_SECONDS", 60 * 60 * 24 * 365)
    # Both bind every subdomain of the site's domain (preload for years, in browsers'
    # built-in lists), so only the site's owner switches them on.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BENCHLEARN_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("BENCHLEARN_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BENCHLEARN_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}
