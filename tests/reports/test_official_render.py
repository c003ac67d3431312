"""An official PDF renders without holding the database: saves and downloads go on meanwhile."""

import contextlib
import gc
import threading
import time

import pytest
from django.db import connection, transaction

from budgets.models import ThreePublicLine
from departments.models import Department
from perfeval.limits import NARRATIVE_MAX_CHARS
from reports import archive
from reports.models import NARRATIVE_FIELDS, ApprovedVersion, OfficialPdf, Report
from reports.services import report_create
from reports.workflow import transition_apply
from tests.reports.test_archive import copy_report
from tests.steps import approve

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.pdf]

DUMMY_BACKEND = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
# What a save or a download may take while a PDF renders: some 50-100 ms here. Rendering in a
# write transaction, they waited for the whole render (20-50 s) or failed.
WAIT_MAX_S = 1.0


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector off for the block.

    A full collection among the render's 600 pages of layout stops every thread of this
    process for 0.2-1 s: a pause of the interpreter, not a wait for the database, which a
    server's requests in processes of their own never see. Memory grows by some 30 MB.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def padded(report: Report) -> Report:
    """``report`` with every narrative field at its length limit, its own text repeated."""
    for field in NARRATIVE_FIELDS:
        text = getattr(report, field) or "部门整体支出绩效自评情况。"
        setattr(
            report, field, (text * (NARRATIVE_MAX_CHARS // len(text) + 1))[:NARRATIVE_MAX_CHARS]
        )
    report.save()
    return report


def test_saves_and_downloads_go_on_while_an_official_pdf_renders(
    world, users, demo_report, settings, client_for
):
    # Another department's approved report, its PDF stored as the approval commits: downloaded.
    finance = Department.objects.get(code="430181-002")
    stored = copy_report(Report.objects.get(pk=demo_report.pk), department=finance)
    transition_apply(report=stored, user=users["clerk_b"], action="submit")
    transition_apply(report=stored, user=users["reviewer_b"], action="approve")
    assert OfficialPdf.objects.filter(version__report=stored).exists()
    # A third department's draft: its clerk saves lines meanwhile.
    council = Department.objects.create(name="浏阳市政协机关", code="901002")
    draft = report_create(department=council, year=2022)
    line_ids = list(draft.three_public_lines.values_list("pk", flat=True))
    # The demo at every narrative field's limit, approved; its PDF rendered below.
    inline = settings.TASKS
    settings.TASKS = DUMMY_BACKEND
    approve(padded(demo_report), users)
    settings.TASKS = inline
    version_id = demo_report.approved_versions.get().pk
    auditor = client_for("auditor")

    rendering, rendered = threading.Event(), threading.Event()
    waits: dict[str, list[float]] = {"save": [], "download": []}
    errors: list[BaseException] = []
    render_seconds: list[float] = []

    def render():
        try:
            version = ApprovedVersion.objects.get(pk=version_id)
            rendering.set()
            started = time.perf_counter()
            archive.official_pdf_render(version=version)
            render_seconds.append(time.perf_counter() - started)
        except BaseException as error:
            errors.append(error)
        finally:
            rendering.set()
            rendered.set()
            connection.close()

    def repeat(kind: str, action) -> None:
        try:
            while not rendered.is_set():
                started = time.perf_counter()
                try:
                    action()
                except BaseException as error:
                    errors.append(error)
                waits[kind].append(time.perf_counter() - started)
                time.sleep(0.2)
        finally:
            connection.close()

    def save_line(pk: int) -> None:
        with transaction.atomic():  # as a form's save: the write lock from its first statement
            line = ThreePublicLine.objects.get(pk=pk)
            line.actual = (line.actual or 0) + 1  # a new report's lines start empty
            line.save()

    def download() -> None:
        response = auditor.get(f"/reports/{stored.pk}/pdf/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")

    save_line(line_ids[0])  # once before: the first request of a process loads a lot
    download()
    renderer = threading.Thread(target=render)
    others = [
        threading.Thread(target=repeat, args=("save", lambda pk=pk: save_line(pk)))
        for pk in line_ids[:2]
    ]
    others.append(threading.Thread(target=repeat, args=("download", download)))
    with collector_paused():
        renderer.start()
        rendering.wait(timeout=30)
        for thread in others:
            thread.start()
        for thread in [renderer, *others]:
            thread.join(timeout=300)

    assert errors == []
    assert OfficialPdf.objects.filter(version_id=version_id).exists()
    assert len(waits["save"]) >= 20 and len(waits["download"]) >= 5  # they overlapped
    longest = {kind: max(seconds) for kind, seconds in waits.items()}
    assert max(longest.values()) < WAIT_MAX_S, (longest, render_seconds)
