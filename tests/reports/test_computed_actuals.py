"""全年完成值 the report's figures decide: computed, printed alike everywhere, kept current.

Every copy of the report is read as its reader gets it: the editor's grid, the report page,
the PDF's text and the exported workbook.
"""

import html
import re
import subprocess
from decimal import Decimal as D
from io import BytesIO

import pytest
from openpyxl import load_workbook

from budgets.models import ExpenditureLine, Project, ThreePublicLine
from budgets.writers import lines_sync
from reports.pdf import render_report_pdf
from scoring.models import IndicatorResult
from sheets.export import selfeval_xlsx
from tests.reports.test_editor import form_data
from tests.writes import rows_update

pytestmark = pytest.mark.django_db

ACCURACY, PUBLIC, THREE = "准确性", "公用经费控制率", "“三公经费”控制率"
TARGETS = {ACCURACY: "100%", PUBLIC: "≤100%", THREE: "≤100%"}
REASON = "按全年口径估算，含次年初支付的接待费。"


def _result(report, name: str) -> IndicatorResult:
    return IndicatorResult.objects.get(report=report, indicator__name=name)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def grid_html(client, report) -> str:
    response = client.get(f"/reports/{report.pk}/edit/scores/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def grid_input(page: str, report, name: str) -> str:
    """The field of a row's 全年完成值 in the grid (a text box that grows): its opening tag,
    with value="…" for the text it shows, as an <input> would have it."""
    field = f'name="r{_result(report, name).indicator_id}_actual"'
    attrs, text = next(
        (attrs, text)
        for attrs, text in re.findall(r"<textarea([^>]*)>(.*?)</textarea>", page, re.S)
        if field in attrs
    )
    text = text.removeprefix("\n")
    return f"<textarea{attrs}" + (f' value="{text}"' if text else "") + ">"


def page_html(client, report) -> str:
    response = client.get(f"/reports/{report.pk}/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def page_cell(page: str, report, name: str) -> str:
    """The text of a row's 全年完成值 cell in the report page's table."""
    row = re.search(
        rf'<tr id="row-{_result(report, name).indicator_id}"[^>]*>(.*?)</tr>', page, re.S
    ).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    # 年度指标值 then 全年完成值 follow the 三级指标's own cell.
    name_at = next(i for i, cell in enumerate(cells) if cell.strip() == name)
    return cells[name_at + 2].strip()


def pdf_text(report) -> str:
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"],
        input=render_report_pdf(report=report),
        check=True,
        capture_output=True,
    ).stdout.decode()
    return _squash(out)


def sheet_of(report):
    return load_workbook(BytesIO(selfeval_xlsx(report=report)))["自评表"]


def sheet_cell(sheet, name: str):
    row = next(r for r in range(13, sheet.max_row + 1) if sheet.cell(r, 4).value == name)
    return sheet.cell(row, 6)


def sheet_text(sheet) -> str:
    """Every value and comment of the sheet."""
    return "\n".join(
        f"{cell.value}\n{cell.comment.text if cell.comment else ''}"
        for row in sheet.iter_rows()
        for cell in row
    )


# --- The demo: computed values, one way of printing them ----------------------------------

DEMO = {
    ACCURACY: ("123.10%", "123.10%（2575.66 ÷ 2092.38）"),
    PUBLIC: ("49.00%", "49.00%（114.80 ÷ 234.29）"),
    THREE: ("29.20%", "29.20%（2.92 ÷ 10.00）"),
}


@pytest.mark.pdf
def test_the_demo_prints_its_computed_actuals_in_every_copy(client_for, demo_report):
    clerk = client_for("clerk")
    grid, page = grid_html(clerk, demo_report), page_html(clerk, demo_report)
    pdf, sheet = pdf_text(demo_report), sheet_of(demo_report)
    for name, (shown, working) in DEMO.items():
        tag = grid_input(grid, demo_report, name)
        assert f'placeholder="{shown}"' in tag and "value=" not in tag, name
        assert f"按本报告数据计算：{working}" in grid
        assert page_cell(page, demo_report, name) == shown
        assert _squash(f"{name}{TARGETS[name]}{shown}") in pdf
        cell = sheet_cell(sheet, name)
        assert cell.value == shown
        assert cell.comment.text == f"按本报告数据计算：{working}"
    assert grid.count(">自动计算</span>") == 3
    # The header prints the overall rate as the 准确性 row does.
    assert "资金来源：（1）财政拨款2,092.382,575.66123.10%" in pdf
    note = "全年完成值中“准确性”“公用经费控制率”“‘三公经费’控制率”按本报告收支数据计算。"
    assert note in _squash(page) and note in pdf
    # The seed's typed precision prints nowhere.
    for old in ("123%", "49%", "30%"):
        assert old not in pdf and old not in sheet_text(sheet)


# --- A figure changes: every dependent cell follows ---------------------------------------

CHANGES = {
    # 公用经费 全年执行数 114.80 → 134.80: 2595.66 ÷ 2092.38 and 134.80 ÷ 234.29.
    "public_operating": (
        lambda r: ExpenditureLine.objects.filter(report=r, nature="public_operating"),
        D("134.80"),
        {
            ACCURACY: ("124.05%", "124.05%（2595.66 ÷ 2092.38）"),
            PUBLIC: ("57.54%", "57.54%（134.80 ÷ 234.29）"),
        },
        ["123.10%", "49.00%"],
    ),
    # 公务接待费 决算 2.92 → 3.50: 3.50 ÷ 10.00.
    "three_public": (
        lambda r: ThreePublicLine.objects.filter(report=r, kind="official_reception"),
        D("3.50"),
        {THREE: ("35.00%", "35.00%（3.50 ÷ 10.00）")},
        ["29.20%", "2.92 ÷ 10.00"],
    ),
    # 项目支出 全年执行数 614.49 → 700.00: 2661.17 ÷ 2092.38.
    "project": (
        lambda r: ExpenditureLine.objects.filter(report=r, nature="project"),
        D("700.00"),
        {ACCURACY: ("127.18%", "127.18%（2661.17 ÷ 2092.38）")},
        ["123.10%", "2575.66 ÷ 2092.38"],
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
@pytest.mark.pdf
def test_a_changed_figure_changes_every_computed_actual_and_no_copy_prints_the_old(
    client_for, demo_report, change
):
    lines, amount, expected, old_values = change
    rows_update(lines(demo_report), actual=amount)

    clerk = client_for("clerk")
    grid, page = grid_html(clerk, demo_report), page_html(clerk, demo_report)
    pdf, sheet = pdf_text(demo_report), sheet_of(demo_report)
    for name, (shown, working) in expected.items():
        assert f'placeholder="{shown}"' in grid_input(grid, demo_report, name)
        assert f"按本报告数据计算：{working}" in grid
        assert page_cell(page, demo_report, name) == shown
        assert _squash(f"{name}{TARGETS[name]}{shown}") in pdf
        assert sheet_cell(sheet, name).value == shown
        assert sheet_cell(sheet, name).comment.text == f"按本报告数据计算：{working}"
    copies = {"grid": grid, "page": page, "pdf": pdf, "sheet": sheet_text(sheet)}
    for old in old_values:
        assert [where for where, text in copies.items() if old in text] == [], old


@pytest.mark.pdf
def test_a_changed_project_prints_its_new_figures_and_the_totals_check_follows(
    client_for, demo_report
):
    """Projects feed no computed 全年完成值; their figures print in 三（三） of the page and
    the PDF, and they are held against 项目支出 (710.12 / 614.49)."""
    projects = [
        {"name": "人大代表履职保障", "budget": D("500.00"), "actual": D("450.00"), "order": 1},
        {"name": "人大信息化建设", "budget": D("210.12"), "actual": D("164.49"), "order": 2},
    ]
    lines_sync(report=demo_report, model=Project, rows=projects)
    projects[0]["actual"] = D("480.00")
    lines_sync(report=demo_report, model=Project, rows=projects)

    clerk = client_for("clerk")
    editor = html.unescape(clerk.get(f"/reports/{demo_report.pk}/edit/projects/").content.decode())
    page, pdf = page_html(clerk, demo_report), pdf_text(demo_report)
    assert re.search(r'name="projects-0-actual"[^>]*value="480.00"', editor)
    new = "1.人大代表履职保障：预算500.00万元，执行480.00万元，执行率96.00%。"
    assert new in _squash(page) and new in pdf
    for old in ("执行450.00万元", "执行率90.00%"):
        assert old not in _squash(page) and old not in pdf
    mismatch = (
        "项目明细合计（预算 710.12、执行 644.49 万元）与项目支出（预算 710.12、执行 614.49 万元）"
    )
    assert mismatch in page


# --- A typed value other than the computed one ---------------------------------------------


@pytest.mark.pdf
def test_a_typed_override_with_its_reason_prints_with_a_warning_showing_both(
    client_for, demo_report
):
    rows_update(
        IndicatorResult.objects.filter(report=demo_report, indicator__name=THREE),
        actual="30%",
        actual_reason=REASON,
    )
    warning = (
        f"“成本指标 / {THREE}”的全年完成值填写为 30%，按本报告数据计算为 "
        f"29.20%（2.92 ÷ 10.00），已说明不采用计算值的理由：{REASON}"
    )
    clerk = client_for("clerk")
    grid, page = grid_html(clerk, demo_report), page_html(clerk, demo_report)
    pdf, sheet = pdf_text(demo_report), sheet_of(demo_report)

    assert 'value="30%"' in grid_input(grid, demo_report, THREE)
    assert re.search(r"<details[^>]*open>\s*<summary>不采用计算值</summary>", grid)
    assert f"{REASON}</textarea>" in grid
    assert warning in grid and warning in page
    assert page_cell(page, demo_report, THREE) == "30%"
    assert _squash(f"{THREE}≤100%30%") in pdf
    # The 注 names only the rows that print the computed value.
    assert "全年完成值中“准确性”“公用经费控制率”按本报告收支数据计算。" in pdf
    cell = sheet_cell(sheet, THREE)
    assert cell.value == "30%"
    assert cell.comment.text == (
        f"填写值；按本报告数据计算为 29.20%（2.92 ÷ 10.00）。不采用计算值的理由：{REASON}"
    )


@pytest.mark.pdf
def test_a_typed_override_without_a_reason_prints_the_computed_value_with_an_error(
    client_for, demo_report
):
    rows_update(
        IndicatorResult.objects.filter(report=demo_report, indicator__name=THREE), actual="30%"
    )
    error = (
        f"“成本指标 / {THREE}”的全年完成值填写为 30%，与按本报告数据计算的 "
        "29.20%（2.92 ÷ 10.00）不符，报告中按计算值印出：请清空该栏以采用计算值，"
        "或填写不采用计算值的理由。"
    )
    clerk = client_for("clerk")
    grid, page = grid_html(clerk, demo_report), page_html(clerk, demo_report)
    pdf, sheet = pdf_text(demo_report), sheet_of(demo_report)

    assert 'value="30%"' in grid_input(grid, demo_report, THREE)
    assert error in grid and error in page
    assert page_cell(page, demo_report, THREE) == "29.20%"
    assert _squash(f"{THREE}≤100%29.20%") in pdf
    assert sheet_cell(sheet, THREE).value == "29.20%"
    assert "30%" not in pdf and "30%" not in sheet_text(sheet)


def test_a_typed_value_that_agrees_at_its_precision_is_no_override(client_for, demo_report):
    rows_update(
        IndicatorResult.objects.filter(report=demo_report, indicator__name=ACCURACY),
        actual="123.1%",
    )
    clerk = client_for("clerk")
    grid, page = grid_html(clerk, demo_report), page_html(clerk, demo_report)

    # Shown blank in the grid: the computed value is what prints.
    assert "value=" not in grid_input(grid, demo_report, ACCURACY)
    assert page_cell(page, demo_report, ACCURACY) == "123.10%"
    assert "不采用计算值" not in page


def test_the_grid_saves_a_reason_and_clearing_the_box_goes_back_to_the_computed_value(
    client_for, demo_report
):
    clerk = client_for("clerk")
    url = f"/reports/{demo_report.pk}/edit/scores/"
    pk = _result(demo_report, THREE).indicator_id
    data = form_data(clerk.get(url))
    data |= {f"r{pk}_actual": "30%", f"r{pk}_actual_reason": REASON}
    clerk.post(url, data)
    assert (_result(demo_report, THREE).actual, _result(demo_report, THREE).actual_reason) == (
        "30%",
        REASON,
    )
    assert page_cell(page_html(clerk, demo_report), demo_report, THREE) == "30%"

    data = form_data(clerk.get(url))
    data |= {f"r{pk}_actual": "", f"r{pk}_actual_reason": ""}
    clerk.post(url, data)
    assert page_cell(page_html(clerk, demo_report), demo_report, THREE) == "29.20%"
