"""Saves and downloads while an official PDF renders: the longest time any of them took.

``python -m bench.concurrency`` prints ``writes_blocked_max_s``, its baseline
``writes_blocked_max_baseline_s``, ``official_pdf_padded_s`` and counts as JSON.

This process renders and stores the official PDF of an approved copy of the demo with every
narrative field at its length limit (``perfeval.limits.NARRATIVE_MAX_CHARS``), as the task
of its approval does. Meanwhile worker processes, like a server's, time each of their calls:
two save lines of another department's draft, each in a transaction as a form does, and one
downloads the demo's stored official PDF as the auditor (a download writes its record). The
baseline: the same calls for as long again with no render running. Rounds interleave the two.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from bench import common

ROUNDS = 2
SAVERS = 2
PAUSE_S = 0.2  # between two calls of one worker: a few calls a second, as from busy users
PHASE_TIMEOUT_S = 300
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def report_approve(report) -> None:
    """Submit and approve ``report`` as the demo's clerk and reviewer."""
    from departments.models import User
    from reports.workflow import report_approve, report_submit

    report_submit(report=report, user=User.objects.get(username="clerk"))
    report_approve(report=report, user=User.objects.get(username="reviewer"))


def padded_copy(demo, *, year: int):
    """The demo copied to ``year``, every narrative field at its limit, approved, no PDF yet."""
    from django.test.utils import override_settings

    from perfeval.limits import NARRATIVE_MAX_CHARS

    def at_limit(text: str) -> str:
        text = text or "部门整体支出绩效自评情况。"
        return (text * (NARRATIVE_MAX_CHARS // len(text) + 1))[:NARRATIVE_MAX_CHARS]

    report = common.demo_copy(demo, year=year, text=at_limit)
    with override_settings(TASKS=DUMMY_TASKS):  # rendered by the benchmark, not on approval
        report_approve(report)
    return report.approved_versions.get()


def save_call(line_id: int):
    from django.db import transaction

    from budgets.models import ThreePublicLine
    from budgets.writers import line_save

    def call() -> None:
        with transaction.atomic():
            line = ThreePublicLine.objects.get(pk=line_id)
            line.actual = (line.actual or 0) + 1  # a new draft's line is not filled yet
            line_save(line)

    return call


def download_call(report_id: int):
    from django.test import Client

    from departments.models import User

    client = Client()
    client.force_login(User.objects.get(username="auditor"))

    def call() -> None:
        response = client.get(f"/reports/{report_id}/pdf/")
        if response.status_code != 200:
            raise RuntimeError(f"download: {response.status_code}")
        b"".join(response.streaming_content)
        response.close()

    return call


def worker(kind, target, database, media, commands, results, stop) -> None:
    """One worker process: on each "run", call until ``stop``, then send every call's time."""
    common.django_setup(database=database, media=media)
    call = save_call(target) if kind == "save" else download_call(target)
    call()  # the first call of a process loads what every later one reuses
    results.put(("ready", [], 0))
    while commands.get() == "run":
        seconds, failures = [], 0
        while not stop.is_set():
            started = time.perf_counter()
            try:
                call()
            except Exception as error:  # "database is locked" after the 20 s timeout
                failures += 1
                common.progress(f"concurrency: a {kind} failed: {error}")
            seconds.append(time.perf_counter() - started)
            time.sleep(PAUSE_S)
        results.put((kind, seconds, failures))


class Workers:
    """The savers and the downloader, started once, running one phase at a time."""

    def __init__(self, *, database: Path, media: Path, line_ids: list[int], report_id: int):
        context = multiprocessing.get_context("spawn")
        self.stop = context.Event()
        self.results = context.Queue()
        jobs = [("save", pk) for pk in line_ids[:SAVERS]] + [("download", report_id)]
        self.commands = [context.Queue() for _ in jobs]
        self.processes = [
            context.Process(
                target=worker,
                args=(kind, target, database, media, commands, self.results, self.stop),
            )
            for (kind, target), commands in zip(jobs, self.commands, strict=True)
        ]
        for process in self.processes:
            process.start()
        for _ in self.processes:
            self.results.get(timeout=PHASE_TIMEOUT_S)

    def phase(self, work) -> tuple[list[float], int]:
        """Every call's seconds and the failures while ``work()`` runs in this process."""
        self.stop.clear()
        for commands in self.commands:
            commands.put("run")
        work()
        self.stop.set()
        seconds, failures = [], 0
        for _ in self.processes:
            _, times, failed = self.results.get(timeout=PHASE_TIMEOUT_S)
            seconds += times
            failures += failed
        return seconds, failures

    def close(self) -> None:
        for commands in self.commands:
            commands.put("quit")
        for process in self.processes:
            process.join(timeout=60)


def measure(figures: dict, work: Path) -> None:
    database = common.database_copy(common.demo_database(), work)
    media = work / "media"
    common.django_setup(database=database, media=media)

    from bench.pdf import page_count
    from departments.models import Department
    from reports import archive
    from reports.models import ApprovedVersion, OfficialPdf
    from reports.selectors import report_get
    from reports.services import report_create

    common.progress("concurrency: the demo approved, its PDF stored; padded copies approved")
    demo = report_get(department_name=common.DEMO_DEPARTMENT, year=common.DEMO_YEAR)
    versions = [padded_copy(demo, year=common.DEMO_YEAR + n) for n in range(1, ROUNDS + 1)]
    report_approve(demo)  # inline: the PDF is stored as the approval commits
    if not OfficialPdf.objects.filter(version__report=demo).exists():
        raise RuntimeError("approving the demo stored no PDF")
    department = Department.objects.create(name="基准测试部门", code="BENCH-DRAFT")
    draft = report_create(department=department, year=common.DEMO_YEAR)
    line_ids = list(draft.three_public_lines.values_list("pk", flat=True))

    workers = Workers(database=database, media=media, line_ids=line_ids, report_id=demo.pk)
    during, baseline, renders, failures = [], [], [], 0
    try:
        for n, version in enumerate(versions, start=1):
            common.progress(f"concurrency: round {n}/{ROUNDS}, rendering the padded report")

            def render(version=version) -> None:
                started = time.perf_counter()
                archive.official_pdf_render(version=ApprovedVersion.objects.get(pk=version.pk))
                renders.append(time.perf_counter() - started)

            seconds, failed = workers.phase(render)
            during += seconds
            failures += failed
            common.progress(f"concurrency: round {n}/{ROUNDS}, as long without a render")
            seconds, failed = workers.phase(lambda: time.sleep(renders[-1]))
            baseline += seconds
            failures += failed
    finally:
        workers.close()

    pdf = OfficialPdf.objects.get(version=versions[0])
    with pdf.file.open("rb") as f:
        pages = page_count(f.read())
    figures.update(
        writes_blocked_max_s=common.rounded(max(during)),
        writes_blocked_max_baseline_s=common.rounded(max(baseline)),
        writes_during_render=len(during),
        writes_failed=failures,
        official_pdf_padded_s=common.rounded(common.median(renders)),
        official_pdf_padded_pages=pages,
    )


def main() -> None:
    with common.figures_on_stdout() as figures, common.workdir("concurrency") as work:
        measure(figures, work)


if __name__ == "__main__":
    main()
