"""The clerk–reviewer loop: approving a report, and previewing a draft again.

``python -m bench.review`` prints ``approve_response_s``, its baseline ``approve_inline_s``,
``approve_pdf_ready_s``, the burst's figures, ``preview_repeat_s`` and its baseline
``preview_cold_s`` as JSON.

Approving: copies of the demo (other years of its department), submitted, approved by the
demo reviewer through the report page's form (``POST /reports/<id>/transition/``, Django's
test client, the whole middleware stack) with the default task backend, a background thread
of the same process, which renders the official PDF after the request (perfeval/background.py).
The baseline is the same approval with the inline backend, the PDF rendered in the request.
Rounds interleave the two. ``approve_pdf_ready_s``: from an approval's request to its stored
PDF. Then ``APPROVE_BURST`` approvals one right after another, as a reviewer clearing a queue,
the PDFs rendering meanwhile: ``approve_burst_s`` and ``approve_burst_max_s`` (the median and
the slowest request; a render in the thread shares the interpreter with the requests) and
``approve_burst_pdfs_ready_s`` (from the first request to the last PDF stored).

Previewing: the demo draft's watermarked PDF (``GET /reports/<id>/pdf/`` as its clerk) right
after a change of its text, which renders it (``preview_cold_s``), and again unchanged, which
reads it back from storage (``preview_repeat_s``), round by round.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench import common

ROUNDS = 5
APPROVE_BURST = 5
THREAD_TASKS = {"default": {"BACKEND": "perfeval.background.ThreadBackend"}}
INLINE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def submitted_copy(demo, *, year: int):
    """The demo copied to ``year`` of its department (figures, scores, text), submitted."""
    from departments.models import User
    from reports.workflow import report_submit

    report = common.demo_copy(demo, year=year)
    report_submit(report=report, user=User.objects.get(username="clerk"))
    return report


def signed_in(username: str):
    from django.test import Client

    from departments.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def approve_seconds(client, report) -> float:
    """One approval through the report page's form, timed from request to response."""
    from reports.models import Report

    def call() -> None:
        response = client.post(f"/reports/{report.pk}/transition/", {"action": "approve"})
        if response.status_code != 302:
            raise RuntimeError(f"approve: {response.status_code}")

    (seconds,) = common.timings(call, repeat=1)
    if Report.objects.get(pk=report.pk).status != Report.Status.APPROVED:
        raise RuntimeError("the approval was refused")
    return seconds


def pdf_stored(report) -> bool:
    from reports.models import OfficialPdf

    return OfficialPdf.objects.filter(version__report=report).exists()


def tasks_done() -> float:
    """Wait for the background thread's tasks; the time they finished."""
    from perfeval.background import background_tasks_wait

    if not background_tasks_wait(600):
        raise RuntimeError("the background renders took over 10 minutes")
    return time.perf_counter()


def approvals(figures: dict) -> None:
    from django.test.utils import override_settings

    from reports.selectors import report_get

    demo = report_get(department_name=common.DEMO_DEPARTMENT, year=common.DEMO_YEAR)
    years = iter(range(common.DEMO_YEAR + 1, common.DEMO_YEAR + 2 * ROUNDS + APPROVE_BURST + 2))
    common.progress("review: submitted copies of the demo")
    warm_up, *copies = [submitted_copy(demo, year=next(years)) for _ in range(2 * ROUNDS + 1)]
    burst = [submitted_copy(demo, year=next(years)) for _ in range(APPROVE_BURST)]
    reviewer = signed_in("reviewer")
    with override_settings(TASKS=INLINE_TASKS):
        approve_seconds(reviewer, warm_up)  # the first request and render load what others reuse

    threaded, inline, ready = [], [], []
    for n in range(ROUNDS):
        common.progress(f"review: approvals, round {n + 1}/{ROUNDS}")
        in_thread, in_request = copies[2 * n], copies[2 * n + 1]
        with override_settings(TASKS=THREAD_TASKS):
            started = time.perf_counter()
            threaded.append(approve_seconds(reviewer, in_thread))
            ready.append(tasks_done() - started)
        with override_settings(TASKS=INLINE_TASKS):
            inline.append(approve_seconds(reviewer, in_request))
        if not (pdf_stored(in_thread) and pdf_stored(in_request)):
            raise RuntimeError("an approval's PDF was not stored")

    common.progress(f"review: {APPROVE_BURST} approvals in a row")
    with override_settings(TASKS=THREAD_TASKS):
        started = time.perf_counter()
        burst_times = [approve_seconds(reviewer, report) for report in burst]
        all_ready = tasks_done() - started
    if not all(pdf_stored(report) for report in burst):
        raise RuntimeError("a PDF of the burst was not stored")

    figures.update(
        approve_response_s=common.rounded(common.median(threaded)),
        approve_inline_s=common.rounded(common.median(inline)),
        approve_pdf_ready_s=common.rounded(common.median(ready)),
        approve_burst_s=common.rounded(common.median(burst_times)),
        approve_burst_max_s=common.rounded(max(burst_times)),
        approve_burst_pdfs_ready_s=common.rounded(all_ready),
    )


def previews(figures: dict) -> None:
    from reports.models import Report
    from reports.selectors import report_get

    demo = report_get(department_name=common.DEMO_DEPARTMENT, year=common.DEMO_YEAR)
    clerk = signed_in("clerk")

    def preview() -> None:
        response = clerk.get(f"/reports/{demo.pk}/pdf/")
        if response.status_code != 200 or not response.content.startswith(b"%PDF-"):
            raise RuntimeError(f"preview: {response.status_code}")

    def change(n: int) -> None:
        report = Report.objects.get(pk=demo.pk)
        report.functions = f"{demo.functions}（第 {n} 次修改）"
        report.save()

    change(0)
    preview()  # warm-up
    cold, repeat = [], []
    for n in range(1, ROUNDS + 1):
        common.progress(f"review: previews, round {n}/{ROUNDS}")
        change(n)
        cold += common.timings(preview, repeat=1)
        repeat += common.timings(preview, repeat=1)
    figures.update(
        preview_cold_s=common.rounded(common.median(cold)),
        preview_repeat_s=common.rounded(common.median(repeat)),
        preview_repeat_vs_cold=common.rounded(common.median(repeat) / common.median(cold), 3),
    )


def measure(figures: dict, work: Path) -> None:
    database = common.database_copy(common.demo_database(), work)
    common.django_setup(database=database, media=work / "media")
    approvals(figures)
    previews(figures)


def main() -> None:
    with common.figures_on_stdout() as figures, common.workdir("review") as work:
        measure(figures, work)


if __name__ == "__main__":
    main()
