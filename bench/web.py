"""Requests per second under gunicorn with 2 workers, each page against a constant page.

``python -m bench.web`` prints ``rps_hello``, ``rps_report_view``, ``rps_auditor_list``,
``rps_pdf_download`` and ``rps_public_report``, each with its ratio to ``rps_hello``, and the
three signed-in pages' ratios to ``rps_hello_signed_in`` (``…_ratio_signed_in``), as JSON;
``rps_pdf_file_only`` sends the same PDF with no check and no record (bench/urls.py), the
floor of the download, which ``rps_pdf_download_ratio_file_only`` compares it with.
(Not ``bench/http.py``: run as a script, that name would hide the standard library's ``http``
package.)

The server runs the production settings as ``make serve`` does, over a throwaway copy of the
demo database in which the demo is approved, its official PDF stored and the report published
on the public site; the load comes from this process (bench/load.py), signed in as the demo
auditor through a session cookie, or anonymous for the constant page and the public page.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench import common
from bench.load import load

WORKERS = 2
SIGNED_IN_RATIOS = ("rps_report_view", "rps_auditor_list", "rps_pdf_download")
CONNECTIONS = 8
ROUNDS = 3
SECONDS = 5.0
WARM_UP_SECONDS = 1.0


def demo_approve():
    """Submit and approve the demo as its clerk and reviewer; the PDF is rendered inline."""
    from django.db import transaction

    from departments.models import User
    from reports.models import OfficialPdf
    from reports.selectors import report_get
    from reports.workflow import report_approve, report_submit

    report = report_get(department_name=common.DEMO_DEPARTMENT, year=common.DEMO_YEAR)
    with transaction.atomic():
        report_submit(report=report, user=User.objects.get(username="clerk"))
    with transaction.atomic():
        report_approve(report=report, user=User.objects.get(username="reviewer"))
    if not OfficialPdf.objects.filter(version__report=report).exists():
        raise RuntimeError("approving the demo stored no PDF")
    return report


def demo_publish(report) -> None:
    """Publish the approved demo on the public site (绩效信息公开) as its reviewer."""
    from departments.models import User
    from publishing.services import report_publish

    report_publish(report=report, user=User.objects.get(username="reviewer"))


def session_cookie(username: str) -> str:
    """A signed-in session of ``username``, as the ``Cookie`` header a browser sends."""
    from django.conf import settings
    from django.test import Client

    from departments.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, cookie: str = "") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Content-Type", "")
    finally:
        connection.close()


def log_tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], log: Path, *, workers: int | None = WORKERS
) -> Iterator[tuple[int, int]]:
    """gunicorn on 127.0.0.1 with the repository's gunicorn.conf.py and ``workers`` sync
    workers (None: the configuration's default, two a core); yields its port and process id."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "perfeval.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
    ]
    env = {name: value for name, value in env.items() if name != "WEB_CONCURRENCY"}
    if workers is not None:
        env["WEB_CONCURRENCY"] = str(workers)
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, cwd=common.ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if get(port, "/bench/hello/")[0] == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{log_tail(log)}")
                time.sleep(0.2)
            yield port, server.pid
        finally:
            server.terminate()
            server.wait(timeout=30)


def measure(figures: dict, work: Path) -> None:
    database = common.database_copy(common.demo_database(), work)
    env = common.bench_env(database=database, media=work / "media")
    common.django_setup(database=database, media=work / "media")
    common.static_collect(env)

    from django.db import connections

    report = demo_approve()
    demo_publish(report)
    auditor = session_cookie("auditor")
    connections.close_all()
    pages = {
        "rps_hello": ("/bench/hello/", ""),
        # The constant page again, signed in: what a session costs every request.
        "rps_hello_signed_in": ("/bench/hello/", auditor),
        "rps_report_view": (f"/reports/{report.pk}/", auditor),
        "rps_auditor_list": ("/approved/", auditor),
        "rps_pdf_download": (f"/reports/{report.pk}/pdf/", auditor),
        # The same PDF with nothing else (bench/urls.py): the floor of rps_pdf_download.
        "rps_pdf_file_only": ("/bench/file/", auditor),
        # The published demo's public page, anonymous (publishing.public).
        "rps_public_report": (f"/public/{report.pk}/", ""),
    }

    log = work / "gunicorn.log"
    common.progress(f"web: gunicorn with {WORKERS} workers")
    with gunicorn(env, log) as (port, _):
        for path, cookie in pages.values():
            status, content_type = get(port, path, cookie)
            if status != 200:
                raise RuntimeError(f"GET {path}: {status}\n{log_tail(log)}")
            common.progress(f"web: {path} → {status} {content_type}")
            load(f"http://127.0.0.1:{port}{path}", seconds=WARM_UP_SECONDS, cookie=cookie)
        rates: dict[str, list[float]] = {name: [] for name in pages}
        others: dict[str, int] = {name: 0 for name in pages}
        for n in range(1, ROUNDS + 1):
            # Round by round, so that each page and the constant page see the same machine.
            for name, (path, cookie) in pages.items():
                result = load(
                    f"http://127.0.0.1:{port}{path}",
                    seconds=SECONDS,
                    connections=CONNECTIONS,
                    cookie=cookie,
                )
                rates[name].append(result.ok_per_second)
                others[name] += result.errors + sum(
                    count for status, count in result.statuses.items() if status != 200
                )
                common.progress(
                    f"web: round {n}/{ROUNDS} {path}: {result.ok_per_second:.0f}/s "
                    f"{result.statuses} errors {result.errors}"
                )

    hello = common.median(rates["rps_hello"])
    signed_in = common.median(rates["rps_hello_signed_in"])
    for name, values in rates.items():
        figures[name] = round(common.median(values), 1)
        if name != "rps_hello":
            figures[f"{name}_ratio"] = common.rounded(common.median(values) / hello, 3)
    # Issue 20: the signed-in pages against the signed-in constant page, which pays for the
    # session and the user as they do.
    for name in SIGNED_IN_RATIOS:
        figures[f"{name}_ratio_signed_in"] = common.rounded(
            common.median(rates[name]) / signed_in, 3
        )
    # What the download costs beyond sending the same file, signed in (issue 20).
    figures["rps_pdf_download_ratio_file_only"] = common.rounded(
        common.median(rates["rps_pdf_download"]) / common.median(rates["rps_pdf_file_only"]), 3
    )
    figures["rps_pdf_file_only_ratio_signed_in"] = common.rounded(
        common.median(rates["rps_pdf_file_only"]) / signed_in, 3
    )
    figures["rps_non_200"] = sum(others.values())
    figures["rps_setup"] = (
        f"gunicorn {WORKERS} sync workers, {CONNECTIONS} connections, "
        f"{ROUNDS} rounds of {SECONDS:g} s, load generator on the same {os.cpu_count()} cores"
    )


def main() -> None:
    with common.figures_on_stdout() as figures, common.workdir("web") as work:
        measure(figures, work)


if __name__ == "__main__":
    main()
