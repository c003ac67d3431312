"""Production settings (perfeval/settings/production.py), checked in a fresh process as deployed."""

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.subprocess


@pytest.fixture
def production_env(tmp_path):
    """The environment of a real server: a long random key, its host name, DJANGO_ENV."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PERFEVAL_"))}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="perfeval.example.gov.cn",
        PERFEVAL_VAR_DIR=str(tmp_path / "var"),
    )
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(env: dict, *names: str) -> dict:
    code = (
        # Through the WSGI module, as gunicorn loads it.
        "import json, perfeval.wsgi; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_reports_no_issue(production_env):
    done = manage(production_env, "check", "--deploy")

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNINGS" not in done.stdout + done.stderr


def test_check_deploy_flags_the_local_http_trial(production_env):
    done = manage({**production_env, "PERFEVAL_INSECURE_LOCAL_HTTP": "1"}, "check", "--deploy")

    for warning in ("security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr + done.stdout


def test_production_refuses_to_start_without_allowed_hosts(production_env):
    del production_env["DJANGO_ALLOWED_HOSTS"]

    done = manage(production_env, "check")

    assert done.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in done.stderr


def test_django_env_selects_production_with_debug_off_even_if_asked(production_env):
    found = settings_of(
        {**production_env, "DJANGO_DEBUG": "1"}, "SETTINGS_MODULE", "DEBUG", "ALLOWED_HOSTS"
    )

    assert found == {
        "SETTINGS_MODULE": "perfeval.settings.production",
        "DEBUG": False,
        "ALLOWED_HOSTS": ["perfeval.example.gov.cn"],
    }


def test_static_files_get_hashed_names_and_media_stays_local_by_default(production_env):
    storages = settings_of(production_env, "STORAGES")["STORAGES"]

    assert storages["staticfiles"]["BACKEND"].endswith("CompressedManifestStaticFilesStorage")
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_bucket_in_the_environment_moves_media_to_s3(production_env):
    env = {
        **production_env,
        "PERFEVAL_S3_BUCKET": "perfeval-media",
        "PERFEVAL_S3_ENDPOINT_URL": "https://s3.example.gov.cn",
    }

    code = (
        "import perfeval.wsgi; from django.core.files.storage import storages; "
        's = storages["default"]; '
        "print(type(s).__name__, s.bucket_name, s.endpoint_url)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert done.stdout.split() == ["S3Storage", "perfeval-media", "https://s3.example.gov.cn"]


def test_s3_bucket_without_django_storages_says_what_to_install(production_env, tmp_path):
    # A server installed without the s3 extra: shadow the package with one that fails.
    blocked = tmp_path / "blocked" / "storages"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text('raise ImportError("not installed")\n')
    env = {
        **production_env,
        "PERFEVAL_S3_BUCKET": "perfeval-media",
        "PYTHONPATH": str(blocked.parent),
    }
    done = manage(env, "check")

    assert done.returncode != 0
    assert "pip install -e '.[s3]'" in done.stderr


def test_sqlite_writes_ahead_to_a_log_and_takes_the_write_lock_when_a_transaction_begins(
    production_env, tmp_path
):
    # SQLite whatever database the suite itself runs on (CI runs it on PostgreSQL as well).
    env = {**production_env, "DATABASE_URL": f"sqlite:///{tmp_path / 'perfeval.sqlite3'}"}
    code = (
        "import perfeval.wsgi; from django.db import connection; "
        "c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.execute('PRAGMA synchronous').fetchone()[0], connection.transaction_mode)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["wal", "1", "IMMEDIATE"]  # synchronous=NORMAL is 1


def test_a_backup_snapshot_on_sqlite_leaves_the_write_lock_to_the_site(production_env, tmp_path):
    # The dump reads one snapshot from start to end; a save meanwhile neither waits nor
    # fails. SQLite of its own, as above.
    path = tmp_path / "perfeval.sqlite3"
    env = {**production_env, "DATABASE_URL": f"sqlite:///{path}"}
    code = textwrap.dedent(
        f"""
        import sqlite3
        import perfeval.wsgi
        from django.db import connection
        from perfeval.backup import database_snapshot

        connection.cursor().execute("CREATE TABLE t (n integer)")
        with database_snapshot():
            c = connection.cursor()
            before = c.execute("SELECT count(*) FROM t").fetchone()[0]
            writer = sqlite3.connect({str(path)!r}, timeout=0)  # a lock fails it at once
            writer.execute("INSERT INTO t VALUES (1)")
            writer.commit()
            during = c.execute("SELECT count(*) FROM t").fetchone()[0]
        after = connection.cursor().execute("SELECT count(*) FROM t").fetchone()[0]
        print(before, during, after, connection.transaction_mode)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    # The snapshot did not see the save; the site's transactions begin IMMEDIATE again.
    assert done.stdout.split() == ["0", "0", "1", "IMMEDIATE"]


def test_postgresql_gets_none_of_the_sqlite_options(production_env):
    env = {**production_env, "DATABASE_URL": "postgres://perfeval:secret@db.example:5432/perfeval"}

    database = settings_of(env, "DATABASES")["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database.get("OPTIONS", {}) == {}


@pytest.mark.parametrize("prefix", ["protected-media/", "/protected-media", "https://x/"])
def test_an_accel_redirect_prefix_that_is_not_a_path_is_refused(production_env, prefix):
    done = manage({**production_env, "PERFEVAL_ACCEL_REDIRECT": prefix}, "check")

    assert done.returncode != 0
    assert "PERFEVAL_ACCEL_REDIRECT must be a path" in done.stderr


def test_the_page_cache_is_shared_files_by_default_or_the_database_or_redis(production_env):
    files = settings_of(production_env, "CACHES")["CACHES"]
    assert files["pages"]["BACKEND"].endswith("FileBasedCache")
    assert files["pages"]["LOCATION"].startswith(production_env["PERFEVAL_VAR_DIR"])
    assert files["generations"]["LOCATION"] != files["pages"]["LOCATION"]
    database = settings_of({**production_env, "PERFEVAL_PAGE_CACHE": "database"}, "CACHES")
    assert database["CACHES"]["pages"]["BACKEND"].endswith("DatabaseCache")
    redis = settings_of({**production_env, "PERFEVAL_PAGE_CACHE": "redis://cache:6379/1"}, "CACHES")
    assert redis["CACHES"]["generations"]["LOCATION"] == "redis://cache:6379/1"
    done = manage({**production_env, "PERFEVAL_PAGE_CACHE": "memcached"}, "check")
    assert done.returncode != 0 and "PERFEVAL_PAGE_CACHE must be" in done.stderr


def test_migrate_makes_the_page_cache_table_when_the_cache_is_in_the_database(production_env):
    env = {**production_env, "PERFEVAL_PAGE_CACHE": "database"}
    env.pop("DATABASE_URL", None)  # its own SQLite file under PERFEVAL_VAR_DIR, not CI's server
    done = manage(env, "migrate", "--noinput", "--verbosity", "0")
    assert done.returncode == 0, done.stderr

    code = (
        "import perfeval.wsgi; from django.core.cache import caches; "
        "caches['pages'].set('k', 'kept'); print(caches['pages'].get('k'))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "kept"
