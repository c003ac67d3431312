"""The 运行监控表 printed: its PDF read back with poppler, its .xlsx read back with openpyxl."""

import re
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.demo import demo_monitoring_load
from monitoring.documents import COLUMN_LABELS, SHEET
from monitoring.models import ProgressRow
from targets.demo import demo_targets_load
from targets.selectors import approved_targets

AUGUST_TITLE = "2022年1—8月部门整体支出绩效运行监控表"

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path, mode: str = "-layout") -> str:
    """The PDF's text laid out as printed, or in drawing order (``-raw``: a cell as one run)."""
    path = tmp_path / "monitoring.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", mode, "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def august(demo, users):
    """The demo department's approved 监控表 at the end of August, with its one 预警."""
    clerk, reviewer = users["clerk"], users["reviewer"]
    demo_targets_load(report=demo.report, clerk=clerk, reviewer=reviewer)
    targets = approved_targets(department_id=demo.report.department_id, year=2022)
    assert targets is not None
    loaded = demo_monitoring_load(
        report=demo.report, clerk=clerk, reviewer=reviewer, targets=targets.values
    )
    return loaded.reports[2]


def sheet_of(response):
    return load_workbook(BytesIO(response.content))[SHEET]


def cell_of(ws, text: str):
    """The first cell holding ``text``, or starting with it and a weight: 准确性（2）."""
    return next(
        cell
        for row in ws.iter_rows()
        for cell in row
        if cell.value == text or str(cell.value).startswith(f"{text}（")
    )


@pytest.mark.pdf
def test_the_august_report_prints_its_execution_and_marks_its_warning(august, client_for, tmp_path):
    response = client_for("reviewer").get(reverse("checkpoint_report_pdf", args=[august.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert AUGUST_TITLE in squash(text)
    figures = next(line for line in text.splitlines() if "1,380.75" in line)
    assert squash(figures) == "2,092.381,380.7565.99%60.00%2,540.00"
    cells = squash(pdf_text(response.content, tmp_path, "-raw"))
    assert "准确性（2）预警100%65.99%约120%有可能是其他：人员经费等基本支出超出年初预算" in cells
    assert cells.count("预警") == 2  # the row's mark and the note's
    assert "尚未批准" not in cells


@pytest.mark.pdf
def test_a_draft_report_says_it_is_not_approved(monitored, client_for, tmp_path):
    response = client_for("clerk").get(reverse("checkpoint_report_pdf", args=[monitored.pk]))

    text = squash(pdf_text(response.content, tmp_path))
    assert "2022年1—6月部门整体支出绩效运行监控表" in text
    assert "状态：草稿（尚未批准，仅供核对）" in text


def test_the_sheet_holds_figures_as_numbers_and_marks_the_warning(august, client_for):
    response = client_for("clerk").get(reverse("checkpoint_report_xlsx", args=[august.pk]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = sheet_of(response)
    assert ws["A1"].value == AUGUST_TITLE
    assert ws.page_setup.orientation == "landscape"
    head = cell_of(ws, "全年预算数")
    budget, executed = ws.cell(row=head.row + 1, column=3), ws.cell(row=head.row + 1, column=4)
    rate = ws.cell(row=head.row + 1, column=6)
    assert (budget.value, budget.number_format) == (2092.38, "0.00")
    assert executed.value == 1380.75
    assert (round(rate.value, 4), rate.number_format) == (0.6599, "0.00%")
    header = cell_of(ws, "一级指标")
    labels = tuple(ws.cell(row=header.row, column=c).value for c in range(1, 11))
    assert labels == COLUMN_LABELS
    first = header.row + 1
    assert f"A{first}:A{first + 12}" in {str(r) for r in ws.merged_cells.ranges}
    risky = cell_of(ws, "准确性")
    assert risky.value.endswith("（预警）")
    assert risky.fill.fgColor.rgb.endswith("FFF2CC")
    assert ws.cell(row=risky.row, column=8).value == "是"
    assert ws.cell(row=risky.row, column=9).value.startswith("其他：人员经费")


def test_a_reason_that_looks_like_a_formula_stays_text_in_the_sheet(august, client_for):
    ProgressRow.objects.filter(report=august, indicator__name="准确性").update(
        reason="=1+1", measure="+SUM(A1)"
    )

    ws = sheet_of(client_for("clerk").get(reverse("checkpoint_report_xlsx", args=[august.pk])))

    risky = cell_of(ws, "准确性")
    reason, measure = ws.cell(row=risky.row, column=9), ws.cell(row=risky.row, column=10)
    assert (reason.value, reason.data_type) == ("其他：=1+1", "s")
    assert (measure.value, measure.data_type) == ("+SUM(A1)", "s")


@pytest.mark.parametrize("name", ["checkpoint_report_pdf", "checkpoint_report_xlsx"])
def test_a_clerk_of_another_department_gets_not_found(world, august, client_for, name):
    response = client_for("clerk_b").get(reverse(name, args=[august.pk]))

    assert response.status_code == 404


def test_a_draft_report_page_links_its_preview_and_sheet(monitored, client_for):
    response = client_for("clerk").get(reverse("checkpoint_report_detail", args=[monitored.pk]))

    links = response.content.decode().split('id="report-downloads"')[1].split("</p>")[0]
    assert reverse("checkpoint_report_pdf", args=[monitored.pk]) in links
    assert reverse("checkpoint_report_xlsx", args=[monitored.pk]) in links
    assert "PDF（草稿预览）" in links
