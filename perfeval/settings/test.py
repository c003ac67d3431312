"""Settings for the test suite: fast hashing, in-memory mail, a fixed key."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory, so that a task worker started by a test (tests/reports/test_tasks.py)
    # sees the same database; one per process, so that suites may run side by side.
    # Durability does not matter for a test database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"perfeval-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (  # noqa: F405
        "PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL;"
    )

# Tasks run as they are enqueued, in the test's own transaction, unless PERFEVAL_TASKS says
# otherwise (a worker process a test starts): tests of the background thread choose it.
if "PERFEVAL_TASKS" not in os.environ:
    TASKS = {"default": {"BACKEND": TASK_BACKENDS["inline"]}}  # noqa: F405

# Pages kept in each test process's memory, emptied before every test (tests/conftest.py):
# the suites that run side by side never share them. Unless PERFEVAL_PAGE_CACHE says otherwise
# (servers a test starts, which must share theirs).
if "PERFEVAL_PAGE_CACHE" not in os.environ:
    for _name in ("pages", "generations"):
        CACHES[_name] = {  # noqa: F405
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": _name,
            # Room for the dashboard's parts of 3 departments (tests/dashboard/test_parts.py)
            # over PostgreSQL's ids, which grow from test to test.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }

# Static files from the source tree (base's plain storage, no collectstatic), even when a
# `make serve` has left an older collected copy in STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
