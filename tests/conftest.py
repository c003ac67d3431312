"""Shared fixtures: the reference report loaded from the seed, and signed-in clients; the
slow kinds of test marked (``make test-fast`` leaves them out)."""

import hashlib
import os
import sqlite3
import subprocess
import tempfile
import traceback
from contextlib import closing
from importlib import metadata
from pathlib import Path

import pytest

from departments.models import User
from reports.demo.load import demo_load

SEED_TEXT = (Path(__file__).parent / "data" / "seed_liuyang_2022.txt").read_text(encoding="utf-8")
DEMO_DEPARTMENT = "浏阳市人大常委会机关"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Stored files (official PDFs) go to a fresh directory per test, not to ``var/``."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def documents_cache_cleared():
    """No rendered document or page kept from another test's database (reports/documents.py,
    perfeval/pagecache.py)."""
    from django.core.cache import caches

    caches["documents"].clear()
    caches["pages"].clear()
    caches["generations"].clear()


@pytest.fixture(autouse=True)
def report_totals_kept(request):
    """After every test that used the database, each report's stored totals equal its lines.

    Whatever a test wrote (forms, the admin, imports, services), ``reports.totals`` must
    have kept ``ReportTotals`` up to date; a writer that forgets fails here.
    """
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not uses_db:
        yield
        return
    request.getfixturevalue("db")  # set up before this fixture, so torn down after it
    yield
    from reports.totals import totals_stale

    assert totals_stale() == [], "stored report totals differ from the reports' lines"


@pytest.fixture
def demo(db):
    """The 浏阳市人大常委会 2022 report and the demo users, as ``load_demo`` makes them."""
    return _DEMO.load()


@pytest.fixture
def demo_report(demo):
    return demo.report


_PAST_THE_WRITERS: list[str] = []
ROOT = str(Path(__file__).resolve().parent.parent)


def _written_past_the_writers(sender, instance, raw=False, origin=None, **kwargs):
    """Note a line or result saved or deleted by application code outside its writer."""
    from django.db.models import QuerySet

    from reports.guards import in_editing_session
    from reports.models import Report

    if raw or in_editing_session({instance.report_id}):
        return
    if isinstance(origin, Report) or (isinstance(origin, QuerySet) and origin.model is Report):
        return  # a report's deletion takes its rows along
    for frame in reversed(traceback.extract_stack()[:-1]):
        path = frame.filename
        if path.startswith(ROOT) and "/.venv/" not in path:
            if not path.startswith(f"{ROOT}/tests/"):  # test set-up may write past them
                _PAST_THE_WRITERS.append(f"{path[len(ROOT) + 1 :]}:{frame.lineno}")
            return


@pytest.fixture(scope="session", autouse=True)
def writes_watched():
    from django.db.models.signals import pre_delete, pre_save

    from reports.guards import REPORT_OWNED

    for model in REPORT_OWNED:
        for signal in (pre_save, pre_delete):
            signal.connect(_written_past_the_writers, sender=model, dispatch_uid="past_writers")


@pytest.fixture(autouse=True)
def rows_written_by_their_writers():
    """Whatever a test did, the application wrote lines and results only through
    ``budgets.writers`` and ``scoring.writers`` (tests/test_one_writer.py reads the code;
    this watches it run)."""
    _PAST_THE_WRITERS.clear()
    yield
    assert _PAST_THE_WRITERS == [], "rows written past their writer"


@pytest.fixture
def admin_client_demo(client, demo):
    client.force_login(User.objects.get(username="admin"))
    return client


@pytest.fixture
def users(demo):
    """The demo users by role name: clerk, reviewer, auditor, admin."""
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def client_for(client, demo):
    """A client signed in as a demo user (or anonymous for None); fresh for each call."""
    from django.test import Client

    def make(username):
        c = Client()
        if username:
            c.force_login(User.objects.get(username=username))
        return c

    return make


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


@pytest.fixture
def world(demo):
    """The demo plus a second department with its own clerk and reviewer (out of scope)."""
    from departments import roles
    from tests import builders

    other = builders.department(
        "浏阳市财政局", code="430181-002", reporting_unit="浏阳市财政局办公室", region="浏阳市"
    )
    builders.user(roles.CLERK, username="clerk_b", department=other, first_name="另一部门填报员")
    builders.user(
        roles.REVIEWER,
        username="reviewer_b",
        reviews=[other],
        first_name="另一部门审核人",
        is_staff=True,
    )
    return demo


# The slow kinds (pyproject.toml's markers): ``make test-fast`` deselects them, ``make test``
# runs them all. Browser and transactional tests are marked here by where they are and what
# they ask for; a test that renders a PDF or starts a process says so itself
# (``pytest.mark.pdf``, ``pytest.mark.subprocess``), and fails if it does not.
SLOW_KINDS = ("browser", "pdf", "subprocess", "transactional")
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_serialized_rollback"}
E2E = Path(__file__).parent / "e2e"
POPPLER = {"pdftotext", "pdffonts", "pdfinfo", "pdftoppm", "pdfimages"}


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(E2E):
            item.add_marker(pytest.mark.browser)
        if _transactional(item):
            item.add_marker(pytest.mark.transactional)


class _Unmarked:
    """What the running test did that its markers do not say (the checks below)."""

    item = None
    found: list[str] = []

    @classmethod
    def note(cls, kind: str, what: str, *, also: tuple[str, ...] = ()) -> None:
        item = cls.item
        if item is None or any(item.get_closest_marker(k) for k in (kind, "browser", *also)):
            return
        cls.found.append(f"{what}: mark the test pytest.mark.{kind}")


def _watch_kinds() -> None:
    """Note every WeasyPrint render and every process a test starts."""
    from weasyprint import HTML

    render = HTML.render
    popen_init = subprocess.Popen.__init__

    def watched_render(self, *args, **kwargs):
        _Unmarked.note("pdf", "renders a PDF")
        return render(self, *args, **kwargs)

    def watched_popen_init(self, args, *rest, **kwargs):
        program = args if isinstance(args, (str, bytes, Path)) else args[0]
        # A PDF test may read the PDF it made with poppler's tools (pdftotext, pdffonts …).
        reads_pdf = ("pdf",) if Path(os.fsdecode(program)).name in POPPLER else ()
        _Unmarked.note("subprocess", f"starts a process ({program})", also=reads_pdf)
        return popen_init(self, args, *rest, **kwargs)

    HTML.render = watched_render
    subprocess.Popen.__init__ = watched_popen_init


def pytest_sessionstart(session):
    _watch_kinds()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _Unmarked.item = item
    _Unmarked.found.clear()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    found = sorted(set(_Unmarked.found))
    _Unmarked.item = None
    assert not found, f"{item.nodeid} {'; '.join(found)}"


# A migrated SQLite test database is kept as a template, so that a run (and each xdist worker)
# copies it instead of running every migration again. It is named by everything migrating
# reads: the project's migrations and the framework they load, and every installed package's
# version (their migrations); `pytest --create-db` builds it afresh.
MIGRATION_INPUTS = ("*/migrations/*.py", "scoring/frameworks/*")


def _template_path() -> Path:
    digest = hashlib.sha256()
    for pattern in MIGRATION_INPUTS:
        for path in sorted(Path(ROOT).glob(pattern)):
            digest.update(f"{path.relative_to(ROOT)}\0".encode() + path.read_bytes())
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    digest.update("\n".join(packages).encode())
    return Path(tempfile.gettempdir()) / f"perfeval-test-template-{digest.hexdigest()[:16]}.sqlite3"


def _sqlite_copy(source_uri: str, target: str) -> None:
    """A consistent copy of an SQLite database (its write-ahead log included)."""
    with closing(sqlite3.connect(source_uri, uri=True)) as source:
        with closing(sqlite3.connect(target)) as copy:
            source.backup(copy)


def _sqlite_test_name() -> str | None:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        return None
    return database["TEST"]["NAME"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """On SQLite, the test database starts as a copy of the template when there is one."""
    name = _sqlite_test_name()
    copied = False
    if name and not request.config.getvalue("create_db"):
        template = _template_path()
        if template.exists():
            _sqlite_copy(f"file:{template}?mode=ro", name)
            copied = True
    request.config.stash[_TEMPLATE_COPIED] = copied
    yield
    if copied:  # kept by keepdb (below): removed here, as Django removes one it created
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)


_TEMPLATE_COPIED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings):
    """Keep (migrate no further than) a database copied from the template."""
    return request.config.getvalue("reuse_db") or request.config.stash[_TEMPLATE_COPIED]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's set-up; a database migrated here becomes the template."""
    name = _sqlite_test_name()
    if name and not request.config.stash[_TEMPLATE_COPIED]:
        template = _template_path()
        for old in template.parent.glob("perfeval-test-template-*.sqlite3"):
            old.unlink(missing_ok=True)
        partial = template.with_suffix(f".{os.getpid()}.partial")
        _sqlite_copy(f"file:{name}?mode=ro", str(partial))
        partial.replace(template)
    yield


class _DemoReplay:
    """``demo_load()`` once per process, its writes replayed after that (SQLite only).

    The first test that asks for the demo loads it through the real loader; the rows that
    loading added, changed and removed are kept, and a later test that starts from exactly
    the same database (compared row for row) gets them written back in a few statements,
    with the same ids. Each test still rolls back, so a test without the demo sees none of
    it. Any other starting point, a transactional test, PostgreSQL, or PERFEVAL_TEST_DEMO=load
    loads the demo afresh.
    """

    def __init__(self):
        self.before: int | None = None
        self.writes: dict[str, tuple[list[int], list[str], list[tuple]]] = {}
        self.sequences: list[tuple] = []
        self.report_pk: int | None = None
        self.users: list = []

    def load(self):
        from django.db import connection

        if (
            connection.vendor != "sqlite"
            or not connection.in_atomic_block  # transactional tests: written as they go
            or os.environ.get("PERFEVAL_TEST_DEMO") == "load"
        ):
            return demo_load()
        before = _sqlite_rows()
        fingerprint = hash(frozenset((table, rows) for table, (_, rows) in before.items()))
        if self.before == fingerprint:
            return self._replay()
        result = demo_load()
        if self.before is None:
            self._keep(fingerprint, before, _sqlite_rows(), result)
        return result

    def _keep(self, fingerprint, before, after, result) -> None:
        for table, (columns, rows) in after.items():
            if table == "sqlite_sequence":
                self.sequences = list(rows)
                continue
            old = {row[0]: row for row in before.get(table, ([], frozenset()))[1]}
            new = {row[0]: row for row in rows}
            removed = [rowid for rowid in old if rowid not in new]
            written = [row for rowid, row in new.items() if old.get(rowid) != row]
            if removed or written:
                self.writes[table] = (removed, columns, written)
        self.before = fingerprint
        self.report_pk, self.users = result.report.pk, result.users

    def _replay(self):
        from django.db import connection

        from reports.demo.load import DemoLoadResult
        from reports.models import Report

        with connection.cursor() as cursor:
            for table, (removed, columns, written) in self.writes.items():
                if removed:
                    marks = ", ".join("?" * len(removed))
                    cursor.execute(f'DELETE FROM "{table}" WHERE rowid IN ({marks})', removed)
                if written:
                    names = ", ".join(["rowid", *(f'"{c}"' for c in columns)])
                    marks = ", ".join("?" * (len(columns) + 1))
                    cursor.executemany(
                        f'INSERT OR REPLACE INTO "{table}" ({names}) VALUES ({marks})', written
                    )
            cursor.execute("DELETE FROM sqlite_sequence")
            cursor.executemany("INSERT INTO sqlite_sequence VALUES (?, ?)", self.sequences)
        # As the loader returns it: its department and framework at hand.
        report = Report.objects.select_related("department", "framework").get(pk=self.report_pk)
        return DemoLoadResult(report=report, users=list(self.users), changed=True)


def _sqlite_rows() -> dict[str, tuple[list[str], frozenset]]:
    """Every table's columns and rows (rowid first), as they stand in this transaction."""
    from django.db import connection

    tables = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for (table,) in cursor.fetchall():
            rowid = "" if table == "sqlite_sequence" else "rowid, "
            cursor.execute(f'SELECT {rowid}* FROM "{table}"')
            columns = [column[0] for column in cursor.description][1 if rowid else 0 :]
            tables[table] = (columns, frozenset(cursor.fetchall()))
    return tables


_DEMO = _DemoReplay()
