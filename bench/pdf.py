"""PDF rendering: the demo in a warm and a fresh process, WeasyPrint alone, a 10× longer report.

``python -m bench.pdf`` prints ``pdf_warm_s``, ``pdf_cold_s``, ``pdf_bare_weasyprint_s``,
``pdf_vs_bare_weasyprint``, ``pdf_10x_s`` and ``pdf_10x_ratio`` as JSON.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bench import common

REPEAT = 5
COLD_REPEAT = 3
LONG_FACTOR = 10
LONG_DEPARTMENT = "浏阳市人大常委会机关（十倍长度）"


@dataclass
class Recording:
    """What the app handed WeasyPrint during one render."""

    layouts: list[dict] = field(default_factory=list)  # each HTML(...): its arguments, pages
    written: dict = field(default_factory=dict)  # the document written as PDF: pages, options

    def final_layouts(self) -> list[dict]:
        """The layouts whose pages make up the PDF, in the PDF's order.

        One when the app lays out the whole report at once; more when it lays out parts
        and joins their pages (``Document.copy``); passes whose pages were dropped are left out.
        """
        order = {id(page): n for n, page in enumerate(self.written["pages"])}
        used = [
            (min(order[id(page)] for page in layout["pages"]), n)
            for n, layout in enumerate(self.layouts)
            if any(id(page) in order for page in layout["pages"])
        ]
        return [self.layouts[n] for _, n in sorted(used)]


@contextlib.contextmanager
def weasyprint_recorded() -> Iterator[Recording]:
    """Record what the app hands WeasyPrint: every HTML and its layout, and what is written.

    Only a spy for reading the app's final document; the rendering stays WeasyPrint's.
    """
    import weasyprint
    from weasyprint.document import Document

    from reports import pdf as app_pdf

    recording = Recording()

    class RecordingHTML(weasyprint.HTML):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.layout = {"html": kwargs, "render": ((), {}), "pages": []}
            recording.layouts.append(self.layout)

        def render(self, *args, **kwargs):
            document = super().render(*args, **kwargs)
            self.layout.update(render=(args, kwargs), pages=list(document.pages))
            return document

    real_html, real_write_pdf = weasyprint.HTML, Document.write_pdf

    def write_pdf(self, *args, **kwargs):
        recording.written.update(pages=list(self.pages), options=(args, kwargs))
        return real_write_pdf(self, *args, **kwargs)

    patched = [m for m in (weasyprint, app_pdf) if getattr(m, "HTML", None) is real_html]
    for module in patched:
        module.HTML = RecordingHTML
    Document.write_pdf = write_pdf
    try:
        yield recording
    finally:
        for module in patched:
            module.HTML = real_html
        Document.write_pdf = real_write_pdf


def bare_render(recording: Recording) -> bytes:
    """WeasyPrint alone on the app's final document: the same HTML, base URL and options.

    A document the app joins from parts is joined the same way, with ``Document.copy``.
    """
    import weasyprint

    documents = []
    for layout in recording.final_layouts():
        args, kwargs = layout["render"]
        html = weasyprint.HTML(string=layout["html"]["string"], base_url=layout["html"]["base_url"])
        documents.append(html.render(*args, **kwargs))
    pages = [page for document in documents for page in document.pages]
    args, kwargs = recording.written["options"]
    return documents[0].copy(pages).write_pdf(*args, **kwargs)


def long_framework_data(factor: int) -> dict:
    """The standard framework with every level-3 indicator repeated ``factor`` times.

    Each copy weighs 1/factor of the original (or of its group, for a group's only row), so
    the weights still add up; groups scored as a whole stay so.
    """
    from scoring.services import standard_framework_data

    data = standard_framework_data()
    data["name"] = f"{data['name']}（基准测试 {factor} 倍）"
    data["version"] = f"bench-{factor}x"
    for top in data["indicators"]:
        for group in top["children"]:
            leaves = group["children"]
            whole = len(leaves) > 1 and all(not leaf.get("weight") for leaf in leaves)
            copies = []
            for leaf in leaves:
                weight = leaf.get("weight") or (None if whole else group["weight"])
                for n in range(1, factor + 1):
                    copy = {**leaf, "name": f"{leaf['name']}（{n}）"}
                    if weight:
                        copy["weight"] = str(Decimal(weight) / factor)
                    copies.append(copy)
            group["children"] = copies
    return data


def long_report_create(*, demo, factor: int):
    """A copy of the demo with ``factor`` times its narrative and its indicator rows."""
    from departments.models import Department
    from reports.models import NARRATIVE_FIELDS, Report
    from scoring.models import GroupResult, Indicator, IndicatorResult
    from scoring.services import framework_load
    from scoring.writers import results_create

    framework = framework_load(data=long_framework_data(factor))
    department = Department.objects.create(
        name=LONG_DEPARTMENT,
        code="BENCH-LONG",
        short_name=LONG_DEPARTMENT,
        reporting_unit=demo.department.reporting_unit,
        region=demo.department.region,
    )
    report = Report.objects.create(
        department=department,
        year=demo.year,
        framework=framework,
        report_date=demo.report_date,
        **{field: "\n".join([getattr(demo, field)] * factor) for field in NARRATIVE_FIELDS},
    )
    common.lines_copy(demo, report)

    def path(indicator) -> tuple[str, ...]:
        names = []
        while indicator is not None:
            names.insert(0, indicator.name)
            indicator = indicator.parent
        return tuple(names)

    copies = Indicator.objects.filter(framework=framework).select_related("parent__parent")
    by_path = {path(node): node for node in copies}
    results = []
    for result in IndicatorResult.objects.filter(report=demo).select_related(
        "indicator__parent__parent"
    ):
        *groups, name = path(result.indicator)
        results += [
            IndicatorResult(
                report=report,
                indicator=by_path[(*groups, f"{name}（{n}）")],
                target=result.target,
                actual=result.actual,
                score=None if result.score is None else result.score / factor,
                deviation=result.deviation,
            )
            for n in range(1, factor + 1)
        ]
    results_create(
        results,
        [
            GroupResult(
                report=report,
                indicator=by_path[path(result.indicator)],
                score=result.score,
                deviation=result.deviation,
            )
            for result in GroupResult.objects.filter(report=demo).select_related(
                "indicator__parent"
            )
        ],
    )
    return report


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def cold_seconds(env: dict[str, str], output: Path) -> float:
    """``manage.py export_pdf`` of the demo, from process start to exit.

    Each run with storage of its own: a preview kept by the run before would be read back,
    not rendered (reports.archive.preview_pdf).
    """
    env = {**env, "PERFEVAL_MEDIA_ROOT": str(output.with_suffix(".media"))}
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "export_pdf",
            "--department",
            common.DEMO_DEPARTMENT,
            "--year",
            str(common.DEMO_YEAR),
            "-o",
            str(output),
            "--draft",
        ],
        cwd=common.ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def measure(figures: dict, work: Path) -> None:
    database = common.database_copy(common.demo_database(), work)
    env = common.bench_env(database=database, media=work / "media")
    common.django_setup(database=database, media=work / "media")

    from reports.pdf import render_report_pdf
    from reports.selectors import report_get

    demo = report_get(department_name=common.DEMO_DEPARTMENT, year=common.DEMO_YEAR)
    long_report = long_report_create(demo=demo, factor=LONG_FACTOR)

    common.progress("PDF: warm-up renders")
    render_report_pdf(report=demo)
    with weasyprint_recorded() as recording:
        demo_pdf = render_report_pdf(report=demo)
    render_report_pdf(report=long_report)
    long_pdf = render_report_pdf(report=long_report)
    bare_pdf = bare_render(recording)

    app_times, bare_times, long_times = [], [], []
    for n in range(1, REPEAT + 1):
        common.progress(f"PDF: warm renders, round {n}/{REPEAT}")
        # Interleaved, so that each figure and its baseline see the same machine.
        app_times += common.timings(lambda: render_report_pdf(report=demo), repeat=1)
        bare_times += common.timings(lambda: bare_render(recording), repeat=1)
        long_times += common.timings(lambda: render_report_pdf(report=long_report), repeat=1)

    common.progress("PDF: fresh processes (manage.py export_pdf)")
    cold_seconds(env, work / "warm-up.pdf")  # fills the OS file cache, like any second start
    cold_times = [cold_seconds(env, work / f"cold-{n}.pdf") for n in range(COLD_REPEAT)]

    warm, bare, long = (common.median(t) for t in (app_times, bare_times, long_times))
    figures.update(
        pdf_warm_s=common.rounded(warm),
        pdf_cold_s=common.rounded(common.median(cold_times)),
        pdf_bare_weasyprint_s=common.rounded(bare),
        pdf_vs_bare_weasyprint=common.rounded(warm / bare, 3),
        pdf_pages=page_count(demo_pdf),
        pdf_bare_weasyprint_pages=page_count(bare_pdf),
        # WeasyPrint layouts in one warm render, and how many of them the PDF is made of.
        pdf_layouts_per_render=len(recording.layouts),
        pdf_layouts_in_pdf=len(recording.final_layouts()),
        pdf_10x_s=common.rounded(long),
        pdf_10x_pages=page_count(long_pdf),
        pdf_10x_ratio=common.rounded(long / warm, 3),
    )


def main() -> None:
    with common.figures_on_stdout() as figures, common.workdir("pdf") as work:
        measure(figures, work)


if __name__ == "__main__":
    main()
