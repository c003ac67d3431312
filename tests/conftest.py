"""Shared fixtures: the reference report loaded from the seed, and signed-in clients."""

import traceback
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
    """No rendered document kept from another test's database (reports/documents.py)."""
    from django.core.cache import caches

    caches["documents"].clear()


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
    return demo_load()


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
    from departments.models import Department

    other = Department.objects.create(
        name="浏阳市财政局", code="430181-002", reporting_unit="浏阳市财政局办公室", region="浏阳市"
    )
    clerk_b = User.objects.create_user("clerk_b", department=other, first_name="另一部门填报员")
    clerk_b.groups.add(roles.role_group(roles.CLERK))
    reviewer_b = User.objects.create_user("reviewer_b", first_name="另一部门审核人", is_staff=True)
    reviewer_b.groups.add(roles.role_group(roles.REVIEWER))
    reviewer_b.reviewed_departments.add(other)
    return demo
