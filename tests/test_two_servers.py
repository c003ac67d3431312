"""More than one application server (docs/deploy.md, "Several app servers and task workers on
PostgreSQL"): two gunicorn instances and two ``db_worker`` processes share the test's database
and one media directory.

Real users sign in through HTTP. A reviewer approves six reports through either instance,
alternately; right after each approval an auditor asks for its official PDF through the other
instance and gets the wait page, which queues the render a second time, so that both workers
render the same version at once. The auditor's browser then asks the status URL until the PDF
is stored and downloads it, twice. Every version ends with exactly one stored PDF and one file
in the media directory, every download that handed out the file left exactly one ``Download``
row, every task succeeded, and the pages of both instances offer each PDF. CI runs it on
SQLite and on PostgreSQL.

The processes run the test settings (fast password hashing, static files from the source tree:
the production settings' collectstatic alone takes some 10 s), with what a deployment of
several servers shares: ``DATABASE_URL``, the media directory, ``PERFEVAL_TASKS=database``,
kept pages (``PERFEVAL_PAGE_CACHE``) and connections kept between requests
(``DJANGO_CONN_MAX_AGE``, production's default).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from reports.models import ApprovedVersion, Download, OfficialPdf, Report
from reports.workflow import transition_apply
from tests.builders import copy_report

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.pdf,
    pytest.mark.subprocess,
]

ROOT = Path(__file__).resolve().parents[1]
REPORTS = 6
STARTUP_SECONDS = 60
STOP_SECONDS = 5
RENDER_SECONDS = 120
POLL_SECONDS = 0.5
# One process an instance: the case is two instances, and each process more starts slower.
GUNICORN_WORKERS = 1
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WAIT_PAGE = "正在生成正式 PDF"
WAIT_URLS = re.compile(r'data-status-url="([^"]+)" data-pdf-url="([^"]+)"')


def database_url() -> str:
    """The test database, as a URL a separate process can open (tests/reports/test_tasks.py)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# HTTP as a browser speaks it: cookies kept, redirects not followed.


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Browser:
    """One person's browser: its cookies (the session's among them) sent to either server."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> Response:
        headers = {"Host": f"127.0.0.1:{port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, port: int, path: str) -> Response:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, form: dict) -> Response:
        return self.request(port, "POST", path, form)

    def sign_in(self, port: int, username: str, password: str) -> None:
        page = self.get(port, "/accounts/login/")
        assert page.status == 200, page.text[:500]
        answer = self.post(
            port,
            "/accounts/login/",
            {"csrfmiddlewaretoken": csrf_token(page), "username": username, "password": password},
        )
        assert answer.status == 302, f"{username} not signed in: {answer.status}"
        assert "sessionid" in self.cookies


def csrf_token(page: Response) -> str:
    found = CSRF_INPUT.search(page.text)
    assert found, f"no CSRF token in the page:\n{page.text[:500]}"
    return found.group(1)


# The processes: two gunicorn instances and two task workers.


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    stopped_in: float | None = None

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Site:
    """Everything started, and the logs to show when something goes wrong."""

    processes: list[Process] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    workers: list[Process] = field(default_factory=list)

    def start(self, name: str, command: list[str], env: dict[str, str], logs: Path) -> Process:
        log = logs / f"{name}.log"
        with log.open("wb") as output:
            popen = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a group: gunicorn's workers are killed with it
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} (exit {p.popen.poll()}, stopped after {p.stopped_in}) ---\n{p.tail()}"
            for p in self.processes
        )

    def check_alive(self) -> None:
        dead = [p.name for p in self.processes if p.popen.poll() is not None]
        assert not dead, f"{', '.join(dead)} stopped:\n{self.logs()}"

    def ready(self) -> None:
        """Wait until both servers answer and both workers poll the queue."""
        for name, port in zip("AB", self.ports, strict=True):
            answers = lambda port=port: server_answers(port)  # noqa: E731
            wait_for(f"gunicorn {name}", answers, self, STARTUP_SECONDS)
        for worker in self.workers:
            polls = lambda worker=worker: "Starting worker" in worker.tail()  # noqa: E731
            wait_for(worker.name, polls, self, STARTUP_SECONDS)

    def stop(self) -> None:
        """SIGINT (gunicorn's quick shutdown, a worker's graceful one: nothing is in flight),
        then SIGKILL to whatever is left of a process group after ``STOP_SECONDS``."""
        asked = time.monotonic()
        for p in self.processes:
            if p.popen.poll() is None:
                p.popen.send_signal(signal.SIGINT)
        for p in self.processes:
            try:
                p.popen.wait(timeout=max(0.1, asked + STOP_SECONDS - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.popen.pid, signal.SIGKILL)
                p.popen.wait(timeout=10)
            p.stopped_in = round(time.monotonic() - asked, 1)


def wait_for(what: str, ready, site: Site, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        site.check_alive()
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s\n{site.logs()}"
        time.sleep(0.2)


def server_answers(port: int) -> bool:
    try:
        return Browser().get(port, "/accounts/login/").status == 200
    except OSError:
        return False


@contextlib.contextmanager
def two_servers_two_workers(media: Path, logs: Path) -> Iterator[Site]:
    """gunicorn A and B and two task workers, started (``Site.ready`` waits for them)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "perfeval.settings.test",
        "DATABASE_URL": database_url(),
        "PERFEVAL_TASKS": "database",
        # The test settings' MEDIA_ROOT is PERFEVAL_VAR_DIR/media: the test's media_root.
        "PERFEVAL_VAR_DIR": str(media.parent),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CONN_MAX_AGE": "60",
        "PERFEVAL_LOG_FORMAT": "plain",
        # Kept pages in files under PERFEVAL_VAR_DIR, which every process shares, as the
        # media directory (perfeval/settings/base.py).
        "PERFEVAL_PAGE_CACHE": "files",
        "WEB_CONCURRENCY": str(GUNICORN_WORKERS),
        "PYTHONUNBUFFERED": "1",
    }
    site = Site()
    try:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        for name in "AB":
            port = free_port()
            command = [gunicorn, "perfeval.wsgi", "--bind", f"127.0.0.1:{port}"]
            site.start(f"gunicorn-{name}", command, env, logs)
            site.ports.append(port)
        for n in (1, 2):
            command = [
                *(sys.executable, "manage.py", "db_worker", "--worker-id", f"worker-{n}"),
                *("--interval", "0.2", "--no-startup-delay", "--no-reload"),
            ]
            site.workers.append(site.start(f"worker-{n}", command, env, logs))
        yield site
    finally:
        site.stop()
        # Shown with the test's output when it fails.
        print(site.logs())


# The reports: the demo and copies of it for earlier years, all submitted.


def submitted_reports(demo, users) -> list[Report]:
    department = demo.report.department
    reports = [demo.report] + [
        copy_report(Report.objects.get(pk=demo.report.pk), department=department, year=year)
        for year in range(demo.report.year - 1, demo.report.year - REPORTS, -1)
    ]
    for report in reports:
        transition_apply(report=report, user=users["clerk"], action="submit")
    return [Report.objects.get(pk=report.pk) for report in reports]


def stored_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def tasks_pending() -> bool:
    return DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()


def test_two_servers_and_two_workers_keep_one_pdf_a_version_and_one_record_a_download(
    demo, users, media_root, tmp_path
):
    marks = [("start", time.monotonic())]
    passwords = {u.username: u.password for u in demo.users}
    media_root.mkdir(parents=True, exist_ok=True)
    logs = tmp_path / "logs"
    logs.mkdir()

    with two_servers_two_workers(media_root, logs) as site:
        # Made while the processes start: nothing is queued before the approvals.
        reports = submitted_reports(demo, users)
        assert {r.status for r in reports} == {Report.Status.SUBMITTED}
        marks.append(("reports submitted", time.monotonic()))
        site.ready()
        a, b = servers = tuple(site.ports)
        marks.append(("servers and workers up", time.monotonic()))
        # Signed in through one server, the session serves on both (it lives in the database).
        reviewer, auditor = Browser(), Browser()
        reviewer.sign_in(a, "reviewer", passwords["reviewer"])
        auditor.sign_in(b, "auditor", passwords["auditor"])

        # Approved alternately through A and B; each PDF asked for at once through the other
        # server, as a browser gets it: the wait page, which queues the render again. One
        # worker renders the approval's task while the other takes the wait page's: both
        # render the same version at once, and one file must be kept.
        downloads: dict[int, list[Response]] = {r.pk: [] for r in reports}
        other = {r.pk: servers[(i + 1) % 2] for i, r in enumerate(reports)}
        waiting: dict[int, tuple[str, str]] = {}
        for i, report in enumerate(reports):
            port = servers[i % 2]
            page = reviewer.get(port, f"/reports/{report.pk}/")
            assert page.status == 200, page.text[:500]
            assert 'value="approve"' in page.text
            answer = reviewer.post(
                port,
                f"/reports/{report.pk}/transition/",
                {"csrfmiddlewaretoken": csrf_token(page), "action": "approve", "comment": ""},
            )
            assert answer.status == 302, f"{answer.status}\n{answer.text[:500]}\n{site.logs()}"
            assert answer.headers["Location"] == f"/reports/{report.pk}/"

            answer = auditor.get(other[report.pk], f"/reports/{report.pk}/pdf/")
            assert answer.status == 200, f"{answer.status}\n{answer.text[:500]}"
            if answer.content_type == "application/pdf":  # rendered already
                downloads[report.pk].append(answer)
            else:
                assert answer.content_type.startswith("text/html"), answer.content_type
                assert WAIT_PAGE in answer.text, answer.text[:500]
                found = WAIT_URLS.search(answer.text)
                assert found, answer.text[:2000]
                waiting[report.pk] = (found.group(1), found.group(2))

            # The other server shows it approved (and the reviewer signed in there too).
            there = reviewer.get(other[report.pk], f"/reports/{report.pk}/")
            assert there.status == 200, there.text[:500]
            assert 'value="approve"' not in there.text
            assert 'id="pdf-pending"' in there.text or 'id="download-pdf"' in there.text
        marks.append(("approved", time.monotonic()))
        statuses = Counter(
            Report.objects.filter(pk__in=[r.pk for r in reports]).values_list("status", flat=True)
        )
        assert statuses == {Report.Status.APPROVED: REPORTS}
        # Pages read on both servers while PDFs may still be rendering: any page a server
        # keeps (perfeval/pagecache.py) must not outlive the PDF's storing by a worker.
        for port in servers:
            assert auditor.get(port, "/approved/").status == 200
            for report in reports:
                assert auditor.get(port, f"/reports/{report.pk}/").status == 200

        # Each wait page's status URL asked until ready, then the file; then once more.
        wait_pages = len(waiting)
        deadline = time.monotonic() + RENDER_SECONDS
        while waiting:
            site.check_alive()
            assert time.monotonic() < deadline, (
                f"no official PDF within {RENDER_SECONDS} s for reports {sorted(waiting)}; "
                f"tasks: {list(DBTaskResult.objects.values_list('status', 'worker_ids'))}\n"
                f"{site.logs()}"
            )
            time.sleep(POLL_SECONDS)
            for pk, (status_url, pdf_url) in list(waiting.items()):
                state = auditor.get(other[pk], status_url)
                assert state.status == 200, state.text[:500]
                if json.loads(state.body) == {"ready": True}:
                    downloads[pk].append(auditor.get(other[pk], pdf_url))
                    del waiting[pk]
                else:
                    assert json.loads(state.body) == {"ready": False}
        for pk, got in downloads.items():
            got.append(auditor.get(other[pk], f"/reports/{pk}/pdf/"))
        marks.append(("downloaded", time.monotonic()))

        wait_for("the task queue drained", lambda: not tasks_pending(), site, RENDER_SECONDS)
        # What the servers and workers wrote, read while they still run: nothing comes later.
        time.sleep(0.5)
        assert not tasks_pending()
        marks.append(("queue drained", time.monotonic()))

        # Every page, on either server, now offers each stored PDF.
        hashes = set(OfficialPdf.objects.values_list("sha256", flat=True))
        for port in servers:
            listed = auditor.get(port, "/approved/")
            assert listed.status == 200
            assert "正式 PDF 正在生成" not in listed.text
            assert {h for h in hashes if h in listed.text} == hashes
            for report in reports:
                page = auditor.get(port, f"/reports/{report.pk}/")
                assert page.status == 200
                assert 'id="download-pdf"' in page.text, f"report {report.pk} on port {port}"
                assert 'id="pdf-pending"' not in page.text
        marks.append(("pages checked", time.monotonic()))

    marks.append(("stopped", time.monotonic()))

    # One PDF a version, whatever the number of renders the downloads asked for.
    versions = ApprovedVersion.objects.filter(report__in=reports)
    assert versions.count() == REPORTS
    assert Counter(OfficialPdf.objects.values_list("version_id", flat=True)) == {
        v.pk: 1 for v in versions
    }
    pdfs = {pdf.version.report_id: pdf for pdf in OfficialPdf.objects.select_related("version")}
    assert stored_files(media_root) == {pdf.file.name for pdf in pdfs.values()}

    for report_pk, answers in downloads.items():
        pdf = pdfs[report_pk]
        stored = (media_root / pdf.file.name).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == pdf.sha256
        assert len(stored) == pdf.size
        for answer in answers:
            assert answer.status == 200
            assert answer.content_type == "application/pdf"
            assert answer.body.startswith(b"%PDF-")
            assert hashlib.sha256(answer.body).hexdigest() == pdf.sha256
            assert answer.headers["X-Content-SHA256"] == pdf.sha256

    # One record a download that handed out the file; none for the wait pages.
    assert [len(answers) for answers in downloads.values()] == [2] * REPORTS
    records = Download.objects.filter(report__in=reports)
    assert records.count() == sum(len(answers) for answers in downloads.values())
    assert Counter(records.values_list("report_id", "user__username", "kind", "sha256")) == {
        (pk, "auditor", Download.Kind.PDF, pdfs[pk].sha256): 2 for pk in downloads
    }

    # Every render task ran to the end (a task for a version already stored returns its hash),
    # and both workers took tasks.
    results = list(DBTaskResult.objects.all())
    assert len(results) == REPORTS + wait_pages  # one for each approval and each wait page
    assert {r.status for r in results} == {"SUCCESSFUL"}, [
        (r.status, r.exception_class_path, r.traceback[-1000:]) for r in results
    ]
    assert {r.task_path for r in results} == {"reports.tasks.official_pdf_render_task"}
    assert {r.return_value for r in results} == {pdf.sha256 for pdf in pdfs.values()}
    ran_by = Counter(worker for r in results for worker in r.worker_ids)
    assert set(ran_by) == {"worker-1", "worker-2"}, ran_by
    assert sum(ran_by.values()) == len(results)

    # Renders of one version by both workers at once (the race above), when it happened.
    by_version = sorted((r.args_kwargs["args"][0], r.started_at, r.finished_at) for r in results)
    overlaps = sum(
        1
        for (v1, _, end), (v2, start, _) in itertools.pairwise(by_version)
        if v1 == v2 and start < end
    )
    marks.append(("checked", time.monotonic()))
    phases = ", ".join(
        f"{name} {now - before:.1f} s" for (_, before), (name, now) in itertools.pairwise(marks)
    )
    print(
        f"two servers: {len(results)} tasks {dict(ran_by)}, {wait_pages} wait pages, "
        f"{overlaps} versions rendered by both workers at once; {phases}; "
        f"total {marks[-1][1] - marks[0][1]:.1f} s"
    )
