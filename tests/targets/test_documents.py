"""The 绩效目标表 printed: its PDF read back with poppler, its .xlsx read back with openpyxl."""

import re
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from targets.demo import demo_targets_load
from targets.documents import COLUMN_LABELS, SHEET
from targets.models import TargetRow
from targets.services import target_adjust

TITLE = "2022年度部门整体绩效目标表"

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def approved_form(demo, users):
    return demo_targets_load(report=demo.report, clerk=users["clerk"], reviewer=users["reviewer"])


def workbook_of(response):
    return load_workbook(BytesIO(response.content))[SHEET]


def cell_of(ws, text: str):
    """The first cell holding ``text``, or starting with it and a weight: 准确性（5）."""
    return next(
        cell
        for row in ws.iter_rows()
        for cell in row
        if cell.value == text or str(cell.value).startswith(f"{text}（")
    )


@pytest.mark.pdf
def test_the_approved_form_prints_its_title_budget_and_targets(approved_form, client_for, tmp_path):
    response = client_for("clerk").get(reverse("target_pdf", args=[approved_form.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert TITLE in squash(text)
    assert "2,092.38" in text
    row = next(line for line in text.splitlines() if "代表建议办理满意率" in line)
    assert "≥80%" in squash(row)
    assert "定量" in row
    for label in ("部门（单位）名称", "年度总体目标", "一级指标", "评（扣）分标准"):
        assert label in squash(text)
    assert "浏阳市人大常委会机关" in text
    assert "尚未批准" not in squash(text)


@pytest.mark.pdf
def test_an_adjusted_draft_prints_its_version_reason_and_state(
    approved_form, users, client_for, tmp_path
):
    adjusted = target_adjust(form=approved_form, user=users["clerk"], reason="年中追加预算")

    response = client_for("clerk").get(reverse("target_pdf", args=[adjusted.pk]))

    text = squash(pdf_text(response.content, tmp_path))
    assert "第2版（依据第1版调整），调整原因：年中追加预算" in text
    assert "状态：草稿（尚未批准，仅供核对）" in text
    assert (
        "草稿" in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]
    )


def test_the_sheet_holds_the_header_and_merged_first_level_cells(approved_form, client_for):
    response = client_for("reviewer").get(reverse("target_xlsx", args=[approved_form.pk]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = workbook_of(response)
    assert ws["A1"].value == TITLE
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    fiscal = cell_of(ws, "财政拨款")
    budget = ws.cell(row=fiscal.row, column=5)
    assert budget.value == 2092.38
    assert budget.number_format == "0.00"
    header = cell_of(ws, "一级指标")
    labels = [ws.cell(row=header.row, column=c).value for c in range(1, 9)]
    assert tuple(labels) == COLUMN_LABELS
    first = header.row + 1
    assert ws.cell(row=first, column=1).value == "投入管理（30）"
    assert f"A{first}:A{first + 12}" in {str(r) for r in ws.merged_cells.ranges}
    output = cell_of(ws, "产出指标（25）")
    assert f"A{output.row}:A{output.row + 8}" in {str(r) for r in ws.merged_cells.ranges}
    satisfaction = cell_of(ws, "代表建议办理满意率")
    values = [ws.cell(row=satisfaction.row, column=c).value for c in (4, 5, 6)]
    assert values == ["定量", "≥80", "%"]


def test_a_value_that_looks_like_a_formula_stays_text_in_the_sheet(approved_form, client_for):
    row = TargetRow.objects.get(form=approved_form, indicator__name="准确性")
    TargetRow.objects.filter(pk=row.pk).update(comparator="=", explanation="=HYPERLINK(1)")

    ws = workbook_of(client_for("clerk").get(reverse("target_xlsx", args=[approved_form.pk])))

    cell = cell_of(ws, "准确性")
    value, explanation = (ws.cell(row=cell.row, column=c) for c in (5, 7))
    assert (value.value, value.data_type) == ("=100", "s")
    assert (explanation.value, explanation.data_type) == ("=HYPERLINK(1)", "s")


@pytest.mark.parametrize("name", ["target_pdf", "target_xlsx"])
def test_a_clerk_of_another_department_gets_not_found(world, approved_form, client_for, name):
    response = client_for("clerk_b").get(reverse(name, args=[approved_form.pk]))

    assert response.status_code == 404


def test_an_auditor_may_not_download_a_draft(approved_form, users, client_for):
    adjusted = target_adjust(form=approved_form, user=users["clerk"], reason="年中追加预算")

    assert client_for("auditor").get(reverse("target_xlsx", args=[adjusted.pk])).status_code == 404
    response = client_for("auditor").get(reverse("target_xlsx", args=[approved_form.pk]))
    assert response.status_code == 200


def test_the_form_page_links_both_downloads(approved_form, client_for):
    response = client_for("clerk").get(reverse("target_detail", args=[approved_form.pk]))

    page = response.content.decode()
    assert reverse("target_pdf", args=[approved_form.pk]) in page
    assert reverse("target_xlsx", args=[approved_form.pk]) in page
    assert "预览" not in page.split('id="target-downloads"')[1].split("</p>")[0]
