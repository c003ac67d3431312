"""Official PDFs are rendered as tasks: in a background thread of the server (the default),
inline, or by a db_worker process."""

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import task, task_backends

from perfeval.background import background_tasks_wait
from reports import archive
from reports.models import OfficialPdf, Report
from reports.tasks import runs_inline
from reports.workflow import transition_apply
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


@pytest.mark.pdf
def test_approval_renders_the_pdf_inline_without_a_worker(
    world, users, demo_report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(demo_report, users)
    pdf = OfficialPdf.objects.get()
    assert pdf.version == demo_report.approved_versions.get()
    assert pdf.file.read(5) == b"%PDF-"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.pdf
@pytest.mark.subprocess
def test_a_worker_process_renders_the_same_pdf_as_inline(
    demo, users, tmp_path, media_in_var, settings
):
    report = Report.objects.get()
    approve(report, users)  # inline: the task runs as the approval commits
    inline = OfficialPdf.objects.get()
    inline_path = tmp_path / "inline.pdf"
    inline_path.write_bytes(inline.file.read())

    transition_apply(report=report, user=users["admin"], action="reopen", comment="复核")
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


@pytest.mark.pdf
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

    transition_apply(report=demo_report, user=users["admin"], action="reopen", comment="更正")
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


# The background thread: the embedded default (perfeval/background.py)

THREAD_BACKEND = {"default": {"BACKEND": "perfeval.background.ThreadBackend"}}


@pytest.fixture
def errors_logged():
    """What perfeval.background logs at ERROR (pytest's own log capture may be off)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.ERROR)
    handler.emit = records.append
    logger = logging.getLogger("perfeval.background")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def official_pdf_state(client, report: Report) -> dict:
    """What the report's page, the admin's page, the list and the status say of the PDF."""
    page = client.get(f"/reports/{report.pk}/").content.decode()
    admin = client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    listed = client.get("/approved/").content.decode()
    return {
        "page": "下载正式 PDF" if 'id="download-pdf"' in page else "正式 PDF 正在生成" in page,
        "admin": "下载正式 PDF" if ">下载正式 PDF<" in admin else "正式 PDF 正在生成" in admin,
        "list": "正式 PDF 正在生成" not in listed,
        "status": client.get(f"/reports/{report.pk}/pdf/status/").json(),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.pdf
def test_approving_answers_before_the_pdf_renders_and_the_pages_then_offer_it(
    demo, users, client_for, settings, monkeypatch
):
    settings.TASKS = THREAD_BACKEND
    assert not runs_inline()
    report = Report.objects.get()
    transition_apply(report=report, user=users["clerk"], action="submit")
    real = archive.render_report_pdf
    release, threads = threading.Event(), []

    def render(**kwargs):
        threads.append(threading.current_thread().name)
        assert release.wait(60)
        return real(**kwargs)

    monkeypatch.setattr(archive, "render_report_pdf", render)
    reviewer = client_for("reviewer")
    response = reviewer.post(f"/reports/{report.pk}/transition/", {"action": "approve"})

    # Answered while the render waits: it runs after the request, not inside it.
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED
    assert not OfficialPdf.objects.exists()
    assert official_pdf_state(reviewer, report) == {
        "page": True,
        "admin": True,
        "list": False,
        "status": {"ready": False},
    }

    release.set()
    assert background_tasks_wait(120)
    # Its own thread, which saw the committed approval: the version's PDF is stored.
    assert [name.split("_")[0] for name in threads] == ["perfeval-task"]
    assert OfficialPdf.objects.get().version == report.approved_versions.get()
    assert official_pdf_state(reviewer, report) == {
        "page": "下载正式 PDF",
        "admin": "下载正式 PDF",
        "list": True,
        "status": {"ready": True},
    }
    download = client_for("auditor").get(f"/reports/{report.pk}/pdf/")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.pdf
def test_a_failed_background_render_is_logged_and_rendered_again_when_the_pdf_is_asked_for(
    demo, users, client_for, settings, monkeypatch, errors_logged
):
    settings.TASKS = THREAD_BACKEND
    report = Report.objects.get()
    real = archive.render_report_pdf

    def broken(**kwargs):
        raise OSError("字体文件无法读取")

    monkeypatch.setattr(archive, "render_report_pdf", broken)
    approve(report, users)
    assert background_tasks_wait(60)
    (logged,) = errors_logged
    message = logged.getMessage()
    assert "reports.tasks.official_pdf_render_task" in message
    assert "OSError: 字体文件无法读取" in message
    assert not OfficialPdf.objects.exists()
    auditor = client_for("auditor")
    assert official_pdf_state(client_for("reviewer"), report)["page"] is True  # 正在生成

    monkeypatch.setattr(archive, "render_report_pdf", real)
    waiting = auditor.get(f"/reports/{report.pk}/pdf/")  # enqueues it again
    assert waiting.status_code == 200
    assert "正在生成正式 PDF" in waiting.content.decode()
    assert background_tasks_wait(120)
    pdf = OfficialPdf.objects.get()
    download = auditor.get(f"/reports/{report.pk}/pdf/")
    assert download["X-Content-SHA256"] == pdf.sha256


started, release, ran = threading.Event(), threading.Event(), []


@task()
def recorded_task(label: str) -> None:
    """A task for the tests below: says it started, waits to be let go, records its label."""
    started.set()
    assert release.wait(30)
    ran.append(label)


def test_a_task_enqueued_again_before_it_started_runs_once(settings):
    settings.TASKS = THREAD_BACKEND
    for event in (started, release):
        event.clear()
    ran.clear()
    recorded_task.enqueue("first")
    assert started.wait(30)  # running, so no longer waiting
    second = recorded_task.enqueue("second")
    again = recorded_task.enqueue("second")
    other = recorded_task.enqueue("third")
    assert again.id == second.id != other.id
    release.set()
    assert background_tasks_wait(30)
    assert ran == ["first", "second", "third"]


@task()
def failing_task(label: str) -> None:
    raise ValueError(f"坏数据：{label}")


def test_a_failed_task_is_logged_with_its_traceback(settings, errors_logged):
    settings.TASKS = THREAD_BACKEND
    failing_task.enqueue("第 3 行")
    assert background_tasks_wait(30)
    (logged,) = errors_logged
    assert "background task tests.reports.test_tasks.failing_task('第 3 行',) failed" in (
        logged.getMessage()
    )
    assert "ValueError: 坏数据：第 3 行" in logged.getMessage()
