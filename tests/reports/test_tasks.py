"""Official PDFs are rendered as tasks: inline without a worker, or by a db_worker process."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import task_backends

from reports.models import OfficialPdf, Report
from reports.tasks import runs_inline
from reports.workflow import report_transition
from tests.steps import approve

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ROOT = Path(__file__).resolve().parents[2]


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return ["".join(page.split()) for page in text.split("\f")[:-1]]


def database_url() -> str:
    """The test database, as a URL a separate process can open."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def run_worker(tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "perfeval.settings.test",
        "DATABASE_URL": database_url(),
        "PERFEVAL_TASKS": "database",
        "PERFEVAL_VAR_DIR": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def media_in_var(settings, tmp_path):
    """The worker's MEDIA_ROOT (PERFEVAL_VAR_DIR/media) is the test's."""
    settings.MEDIA_ROOT = tmp_path / "media"


def test_approval_renders_the_pdf_inline_without_a_worker(
    world, users, demo_report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(demo_report, users)
    pdf = OfficialPdf.objects.get()
    assert pdf.version == demo_report.approved_versions.get()
    assert pdf.file.read(5) == b"%PDF-"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_process_renders_the_same_pdf_as_inline(
    demo, users, tmp_path, media_in_var, settings
):
    report = Report.objects.get()
    approve(report, users)  # inline: the task runs as the approval commits
    inline = OfficialPdf.objects.get()
    inline_path = tmp_path / "inline.pdf"
    inline_path.write_bytes(inline.file.read())

    report_transition(report=report, user=users["admin"], action="reopen", comment="复核")
    settings.TASKS = DATABASE_BACKEND
    assert not runs_inline()
    approve(report, users)
    assert OfficialPdf.objects.count() == 1  # queued, not rendered by this process

    started = time.monotonic()
    done = run_worker(tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    worker = OfficialPdf.objects.exclude(pk=inline.pk).get()
    assert worker.version.number == 2
    worker_path = tmp_path / "worker.pdf"
    worker_path.write_bytes(worker.file.read())
    assert time.monotonic() - started < 180

    assert pdf_pages(worker_path) == pdf_pages(inline_path)
    assert len(pdf_pages(inline_path)) == 14


DUMMY_BACKEND = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_report_reopened_before_its_render_runs_gets_no_pdf_and_its_next_approval_does(
    world, users, demo_report, settings, media_root, django_capture_on_commit_callbacks
):
    inline = settings.TASKS
    settings.TASKS = DUMMY_BACKEND  # enqueued, run below by hand: a worker that runs late
    with django_capture_on_commit_callbacks(execute=True):
        approve(demo_report, users)
    (queued,) = task_backends["default"].results
    first = demo_report.approved_versions.get()
    assert queued.args == [first.pk]

    report_transition(report=demo_report, user=users["admin"], action="reopen", comment="更正")
    demo_report.refresh_from_db()
    demo_report.functions = "重新打开后改过的职能概述：尚未批准。"
    demo_report.save()
    assert queued.task.call(*queued.args) is None  # the worker runs now, too late

    assert not OfficialPdf.objects.exists()
    assert stored_files(media_root) == []

    settings.TASKS = inline
    with django_capture_on_commit_callbacks(execute=True):
        approve(demo_report, users)
    pdf = OfficialPdf.objects.get()
    assert pdf.version.number == 2
    assert pdf.version != first
    assert stored_files(media_root) == [media_root / pdf.file.name]
    assert "重新打开后改过的职能概述" in "".join(pdf_pages(media_root / pdf.file.name))
