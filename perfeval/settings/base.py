"""Settings shared by every environment; environment variables switch behaviour."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PERFEVAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file and uploads live here


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DEBUG is off (set DJANGO_DEBUG=1 for development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
if DEBUG:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    # Django's admin with perfeval's site: every ModelAdmin answers to perfeval.access.
    "perfeval.apps.PerfevalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "axes",
    "simple_history",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "departments",
    "budgets",
    "scoring",
    "reports",
    "dashboard",
    "targets",
    "monitoring",
    "followup",
    "deadlines",
    "projects",
    "publishing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Right after SecurityMiddleware, in development as in production: static files with the
    # same headers everywhere, and without touching sessions or the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "perfeval.middleware.PageCSPMiddleware",
    # Before anything reads a body (sessions, CSRF): a body larger than any upload is refused.
    "perfeval.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Below authentication, to know who is signed in; above the rest, to see their responses.
    "perfeval.middleware.PrivatePagesMiddleware",
    "perfeval.middleware.SessionRefreshMiddleware",
    "perfeval.signin.SignedInCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "perfeval.urls"

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

WSGI_APPLICATION = "perfeval.wsgi.application"

# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in CI and production).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'perfeval.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a server database: a write-ahead log lets pages read while another request
    # writes (a download's log row, a session), and a commit then needs no fsync (only WAL
    # checkpoints do: a power cut may lose the last commits, never corrupt the file).
    # Transactions take the write lock when they begin, so that two of them never deadlock
    # upgrading a read to a write, which SQLite answers with "database is locked" at once;
    # a writer waits up to `timeout` seconds for the lock instead.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),
    }

# "documents" keeps the rendered documents of approved reports under keys made from their
# immutable content (reports/documents.py): a cache in each process is never out of date,
# whatever the number of workers and servers. "pages" keeps whole pages that only change when
# something moves through the workflow (perfeval/pagecache.py: an approved report's page per
# role, the approved list and the dashboard per scope and filter); every process of every
# server must see the same one, since a transition in one process makes all of them stale:
# files under var/cache/ by default (one server), PERFEVAL_PAGE_CACHE=database for the
# database (several servers; `migrate` makes its table) or a redis:// URL
# (pip install redis).
_page_cache = os.environ.get("PERFEVAL_PAGE_CACHE", "")
if _page_cache not in ("", "files", "database") and not _page_cache.startswith(
    ("redis://", "rediss://")
):
    raise ImproperlyConfigured(
        "PERFEVAL_PAGE_CACHE must be empty or 'files', 'database' or a redis:// URL."
    )


CACHE_DIR = Path(os.environ.get("PERFEVAL_CACHE_DIR", VAR_DIR / "cache"))


def _shared_cache(name: str) -> dict:
    """A cache every process of every server sees, as PERFEVAL_PAGE_CACHE says."""
    if _page_cache.startswith(("redis://", "rediss://")):
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache"}
        return backend | {"LOCATION": _page_cache, "KEY_PREFIX": name}
    if _page_cache == "database":
        backend = {"BACKEND": "django.core.cache.backends.db.DatabaseCache"}
        return backend | {"LOCATION": "perfeval_page_cache", "KEY_PREFIX": name}
    backend = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}
    return backend | {"LOCATION": str(CACHE_DIR / name)}


CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "documents": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "documents",
        "TIMEOUT": 24 * 60 * 60,
        # Some 30 KB each (the demo's): at most ~15 MB a process.
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
    # An approved page some 60 KB, a list page some 40 KB: at most some 200 MB. A file cache
    # lists its directory on every write to count its entries: the generations, written on
    # every move, have a cache of their own, of a few entries and one per dashboard part
    # (2,048 departments each: some 140 for a country's 280,000 departments).
    "pages": _shared_cache("pages") | {"TIMEOUT": 24 * 60 * 60, "OPTIONS": {"MAX_ENTRIES": 3000}},
    "generations": _shared_cache("generations")
    | {"TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 1000}},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "departments.User"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account or address is refused before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, loading the user's department with the user (departments/backends.py).
    "departments.backends.UserBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Signed out after a working day without activity; requests renew the session (at most once a
# minute, perfeval.middleware.SessionRefreshMiddleware).
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = False

# Five failed sign-ins for one account from one address lock that account from that address
# for 30 minutes. Neither alone locks: behind a proxy, or an office's NAT, one address is many
# people, and anybody could lock any account out by its name.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address: REMOTE_ADDR, or X-Forwarded-For as written by the proxies in front of
# gunicorn. Each appends the address it was connected from, so the client's is the N-th entry
# from the right; with 0 the header is ignored, since a client could write anything in it.
_proxies = os.environ.get("PERFEVAL_TRUSTED_PROXIES", "").strip() or "0"
if not _proxies.isdigit():
    raise ImproperlyConfigured("PERFEVAL_TRUSTED_PROXIES must be a number of proxies: 0, 1, 2…")
PERFEVAL_TRUSTED_PROXIES = int(_proxies)
AXES_CLIENT_IP_CALLABLE = "perfeval.proxies.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "media/"
# Behind nginx or Caddy, an internal location of MEDIA_ROOT through which the proxy sends
# stored files itself (X-Accel-Redirect, reports/sending.py); empty: the app sends them.
ACCEL_REDIRECT_PREFIX = ""

# A path; production may name another directory as a string (PERFEVAL_MEDIA_ROOT).
MEDIA_ROOT: str | Path = VAR_DIR / "media"
# Production swaps in hashed, compressed static files (and maybe S3 for media): production.py.
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The same Content Security Policy in every environment, so the tests see what users get:
# nothing inline (scripts live in static/js/, styles in static/css/), nothing from elsewhere.
# Bootstrap's icons are data: URIs in its CSS, hence img-src data:. Sent with pages only
# (perfeval/middleware.py): Chrome's viewer for an inline PDF would break under it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Plain log lines in development; production.py switches the handler to JSON lines.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
        "json": {"()": "perfeval.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": os.environ.get("PERFEVAL_LOG_FORMAT", "plain"),
        },
    },
    # WARNING: WeasyPrint reports every rendering step at INFO.
    "root": {"handlers": ["console"], "level": os.environ.get("PERFEVAL_LOG_LEVEL", "WARNING")},
    # Replaces Django's own console handler (DEBUG only) so that no line is printed twice.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Admin CSV/XLSX import and export: a file with any bad row saves nothing; only users who
# may add a model import it; exports neutralise formulas in the resources themselves.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Background work (PDF rendering, ZIPs): Django's tasks API through the django-tasks backport.
# The embedded default runs each task in a background thread of the process that enqueued it,
# once the request's transaction has committed (perfeval/background.py); "inline" runs it in
# the request; PERFEVAL_TASKS=database queues tasks in the database for `manage.py db_worker`
# processes (docs/deploy.md).
TASK_BACKENDS = {
    "thread": "perfeval.background.ThreadBackend",
    "inline": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks = os.environ.get("PERFEVAL_TASKS", "thread")
if _tasks not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"PERFEVAL_TASKS must be one of {', '.join(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_tasks]}}

# E-mail of notifications (deadlines.services.notify: 退回, 批准, 催办, deadlines): printed on
# the console in development; production sends through DJANGO_EMAIL_HOST (docs/deploy.md).
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "perfeval@localhost")
