"""The 自评表 exported to .xlsx: read back with openpyxl as a clerk's spreadsheet would show it."""

import zipfile
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from budgets.models import ExpenditureLine, IncomeLine, ThreePublicLine
from scoring.models import GroupResult, IndicatorResult
from sheets.cells import formula_like
from sheets.export import selfeval_xlsx
from tests.conftest import DEMO_DEPARTMENT
from tests.writes import rows_update

pytestmark = pytest.mark.django_db

LEVEL3_NAMES = [
    "准确性",
    "预算编制及时性",
    "预算执行规范性",
    "年末结余资金合规性",
    "绩效目标指标设置准确性",
    "预决算信息公开规范性",
    "预决算信息公开及时性",
    "制度健全性",
    "监督执行规范性",
    "制度健全性",
    "管理规范性",
    "制度健全性",
    "管理规范性",
    "年度工作任务实际完成率",
    "政府采购执行率",
    "预算完成率",
    "固定资产利用率",
    "资金使用合规率",
    "支付及时性",
    "验收及时性",
    "公用经费控制率",
    "“三公经费”控制率",
    "助推优化营商环境",
    "代表建议办理满意率",
    "助力生态环境保护",
    "创新“两官”履职评议方式，“两官”履职能力持续提升",
    "社会公众满意度",
]
COLUMN_LABELS = [
    "一级指标",
    "权重",
    "二级指标",
    "三级指标",
    "年度指标值",
    "全年完成值",
    "自评得分",
    "偏差及原因分析",
]


def _open(data: bytes) -> Workbook:
    return load_workbook(BytesIO(data))


@pytest.fixture
def workbook(demo_report) -> Workbook:
    return _open(selfeval_xlsx(report=demo_report))


@pytest.fixture
def sheet(workbook) -> Worksheet:
    return workbook["自评表"]


def _row_of(ws: Worksheet, text: str, column: int = 1) -> int:
    for (cell,) in ws.iter_rows(min_col=column, max_col=column):
        if cell.value == text:
            return cell.row
    raise AssertionError(f"{text!r} not found in column {column}")


def _merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def _money(value) -> D:
    return D(str(value)).quantize(D("0.01"))


def _table(ws: Worksheet, heading: str) -> tuple[list[str], list[list]]:
    """The label row and the line rows under a bold heading, up to the first blank row."""
    row = _row_of(ws, heading)
    assert ws.cell(row, 1).font.b
    (labels,) = ws.iter_rows(min_row=row + 1, max_row=row + 1, values_only=True)
    labels = [v for v in labels if v is not None]
    lines = []
    for values in ws.iter_rows(min_row=row + 2, max_col=len(labels), values_only=True):
        if all(v is None for v in values):
            break
        lines.append(list(values))
    return labels, lines


def test_sheets_are_selfeval_and_lines(workbook):
    assert workbook.sheetnames == ["自评表", "收支明细"]


def test_title_unit_and_department_head_the_sheet(sheet):
    assert sheet["A1"].value == "2022 年部门整体支出绩效自评表"
    assert sheet["A1"].font.b
    assert sheet["A2"].value == "单位：万元"
    assert sheet["A2"].alignment.horizontal == "right"
    assert sheet["A3"].value == "部门（单位）名称"
    # The 署名单位 of the PDF's cover and table, the unit whose seal the report bears.
    assert sheet["C3"].value == "浏阳市人大常委会办公室"
    assert {"A1:H1", "A2:H2", "A3:B3", "C3:H3"} <= _merged(sheet)


def test_header_block_gives_budget_actual_and_rate_by_source_and_structure(sheet):
    assert sheet["A4"].value == "整体支出规模"
    assert [sheet["E4"].value, sheet["F4"].value, sheet["G4"].value] == [
        "全年预算数",
        "全年执行数",
        "执行率%",
    ]
    rows = {
        sheet.cell(row, 3).value: [sheet.cell(row, c).value for c in (5, 6, 7)]
        for row in range(5, 9)
    }
    assert list(rows) == [
        "资金来源：（1）财政拨款",
        "（2）其他资金",
        "资金结构：（1）基本支出",
        "（2）项目支出",
    ]
    fiscal = rows["资金来源：（1）财政拨款"]
    assert [_money(fiscal[0]), _money(fiscal[1])] == [D("2092.38"), D("2575.66")]
    assert D(str(fiscal[2])) == D("1.231")  # shown as 123.10%
    assert rows["（2）其他资金"] == [None, None, None]
    basic = rows["资金结构：（1）基本支出"]
    assert [_money(basic[0]), _money(basic[1]), D(str(basic[2]))] == [
        D("1382.26"),
        D("1961.17"),
        D("1.4188"),
    ]
    project = rows["（2）项目支出"]
    assert [_money(project[0]), _money(project[1]), D(str(project[2]))] == [
        D("710.12"),
        D("614.49"),
        D("0.8653"),
    ]
    assert sheet["E5"].number_format == "#,##0.00"
    assert sheet["G5"].number_format == "0.00%"
    assert "A4:B8" in _merged(sheet)


def test_annual_goal_and_result_texts_sit_under_their_heads(sheet, demo_report):
    assert sheet["A9"].value == "年度总体目标"
    assert sheet["C9"].value == "年初设定目标"
    assert sheet["F9"].value == "全年完成情况"
    assert sheet["C10"].value == demo_report.annual_goal
    assert sheet["C10"].value.startswith("紧紧围绕中央全面深化改革的重大决策部署")
    assert sheet["F10"].value.startswith("2022 年，在市委和市人大常委会党组的正确领导下")
    assert sheet["C10"].alignment.wrap_text


def test_column_header_row_follows_the_band_row(sheet):
    header = _row_of(sheet, "一级指标")
    assert header == 12
    assert sheet.cell(header - 1, 1).value == "分解目标自评"
    assert [sheet.cell(header, c).value for c in range(1, 9)] == COLUMN_LABELS


def test_every_level3_indicator_is_a_row_in_framework_order(sheet):
    first = _row_of(sheet, "一级指标") + 1
    total = _row_of(sheet, "总分")
    assert [sheet.cell(r, 4).value for r in range(first, total)] == LEVEL3_NAMES


def test_level1_name_and_weight_are_merged_over_their_rows(sheet):
    merged = _merged(sheet)
    for name, weight, cells in [
        ("投入管理", 30, ("A13:A25", "B13:B25")),
        ("产出指标", 25, ("A26:A34", "B26:B34")),
        ("效益指标", 45, ("A35:A39", "B35:B39")),
    ]:
        names, weights = cells
        assert sheet[names.split(":")[0]].value == name
        assert sheet[weights.split(":")[0]].value == weight
        assert {names, weights} <= merged


def test_level2_is_written_with_its_weight_and_merged_over_its_rows(sheet):
    assert sheet["C13"].value == "预算编审管理（3）"
    assert "C13:C14" in _merged(sheet)
    assert sheet["C15"].value == "预算执行管理（4）"
    assert sheet["C35"].value == "经济效益指标（10）"


def test_rows_scored_one_by_one_each_show_their_score(sheet):
    assert [sheet["G13"].value, sheet["G14"].value] == [1, 1]
    assert sheet["H13"].value == "预算编制准确性有待提高。"
    assert not {"G13:G14", "H13:H14"} & _merged(sheet)
    # 准确性's 全年完成值 is computed from the figures (the seed types 123%), with its working.
    assert sheet["E13"].value == "100%" and sheet["F13"].value == "123.10%"
    assert sheet["F13"].comment.text == "按本报告数据计算：123.10%（2575.66 ÷ 2092.38）"
    assert sheet["F14"].comment is None


def test_group_scored_as_a_whole_has_one_merged_score(sheet):
    row = _row_of(sheet, "预决算信息公开管理（4）", column=3)
    assert sheet.cell(row, 4).value == "预决算信息公开规范性"
    assert sheet.cell(row + 1, 4).value == "预决算信息公开及时性"
    assert sheet.cell(row, 7).value == 4
    assert sheet.cell(row + 1, 7).value is None
    span = f"G{row}:G{row + 1}"
    assert {span, f"H{row}:H{row + 1}", f"C{row}:C{row + 1}"} <= _merged(sheet)


def test_group_deviation_is_written_once_over_its_rows(demo_report):
    rows_update(
        GroupResult.objects.filter(report=demo_report, indicator__name="预决算信息公开管理"),
        deviation="公开时间略晚",
    )
    ws = _open(selfeval_xlsx(report=demo_report))["自评表"]
    row = _row_of(ws, "预决算信息公开管理（4）", column=3)
    assert ws.cell(row, 8).value == "公开时间略晚"
    assert f"H{row}:H{row + 1}" in _merged(ws)


def test_half_points_are_written_as_people_write_them(demo_report):
    rows_update(
        IndicatorResult.objects.filter(report=demo_report, indicator__name="准确性"), score=D("0.5")
    )
    ws = _open(selfeval_xlsx(report=demo_report))["自评表"]
    assert ws["G13"].value == 0.5
    assert ws["G13"].number_format == "General"
    total = _row_of(ws, "总分")
    assert ws.cell(total, 7).value == 98.5


def test_total_row_gives_weight_score_and_grade(sheet):
    row = _row_of(sheet, "总分")
    assert sheet.cell(row, 2).value == 100
    assert sheet.cell(row, 7).value == 99
    assert sheet.cell(row, 8).value == "评价等级：优"
    assert sheet.cell(row + 1, 1).value == (
        "注：上述产出指标和效益指标既可以按照重点任务完成情况分别填列，"
        "也可以依据所有重点任务归纳提炼综合指标。"
        "全年完成值中“准确性”“公用经费控制率”“‘三公经费’控制率”按本报告收支数据计算。"
    )


def _boxed(cell) -> bool:
    border = cell.border
    return all(getattr(border, side).style == "thin" for side in ("left", "right", "top", "bottom"))


def test_table_cells_have_borders_and_wrapped_centred_text(sheet):
    total = _row_of(sheet, "总分")
    assert all(_boxed(sheet.cell(12, column)) for column in range(1, 9))
    assert all(_boxed(sheet.cell(row, 4)) for row in range(13, total))
    assert all(_boxed(sheet.cell(total, column)) for column in (1, 2, 7, 8))
    assert all(_boxed(sheet.cell(row, 1)) for row in (3, 11))
    assert sheet["D38"].alignment.wrap_text
    assert sheet["A13"].alignment.vertical == "center"
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["B"].width


def test_sheet_prints_on_a4_fit_to_width_with_the_column_header_on_every_page(sheet):
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$12:$12"
    note = _row_of(sheet, "总分") + 1
    assert sheet.print_area == f"'自评表'!$A$1:$H${note}"


def test_lines_sheet_lists_the_income_lines(workbook, demo_report):
    labels, lines = _table(workbook["收支明细"], "收入")
    assert labels == ["来源", "说明", "全年预算数", "全年执行数"]
    expected = [
        [line.get_source_display(), line.description or None, line.budget, line.actual]
        for line in IncomeLine.objects.filter(report=demo_report)
    ]
    got = [[s, d, b if b is None else _money(b), _money(a)] for s, d, b, a in lines]
    assert got == expected
    assert got[0] == ["一般公共预算财政拨款", None, None, D("2320.58")]


def test_lines_sheet_lists_the_expenditure_lines(workbook, demo_report):
    labels, lines = _table(workbook["收支明细"], "支出")
    assert labels == ["性质", "资金来源", "说明", "全年预算数", "全年执行数"]
    expected = [
        [
            line.get_nature_display(),
            line.get_fund_source_display(),
            line.description or None,
            line.budget,
            line.actual,
        ]
        for line in ExpenditureLine.objects.filter(report=demo_report)
    ]
    got = [[n, s, d, _money(b), _money(a)] for n, s, d, b, a in lines]
    assert got == expected
    assert got[1] == ["公用经费", "财政拨款", None, D("234.29"), D("114.80")]


def test_lines_sheet_lists_the_three_public_lines(workbook, demo_report):
    labels, lines = _table(workbook["收支明细"], "三公经费")
    assert labels == ["项目", "预算数", "决算数", "上年决算数", "数量"]
    expected = [
        [line.get_kind_display(), line.budget, line.actual, line.previous_actual, line.count]
        for line in ThreePublicLine.objects.filter(report=demo_report)
    ]
    got = [[k, _money(b), _money(a), _money(p), n] for k, b, a, p, n in lines]
    assert got == expected
    assert got[2] == ["公务接待费", D("10.00"), D("2.92"), D("5.76"), None]


@pytest.mark.parametrize("text", ["=", "=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_run_is_formula_like(text):
    assert formula_like(text)


@pytest.mark.parametrize("text", ["", "1+1", "预算编制准确性有待提高。", "100%", "≥80%"])
def test_ordinary_text_is_not_formula_like(text):
    assert not formula_like(text)


def test_text_beginning_with_equals_is_exported_as_text_not_a_formula(demo_report):
    assert demo_report.status == "draft"
    demo_report.annual_goal = "=1+1"
    demo_report.annual_goal_result = "@SUM(1,2)"
    demo_report.save()
    link = '=HYPERLINK("http://example.com/x","点击")'
    rows_update(
        IndicatorResult.objects.filter(report=demo_report, indicator__name="准确性"),
        deviation=link,
        # A typed value other than the computed 123.10%, with its reason, is what prints.
        actual="-1",
        actual_reason="测试公式文本",
    )
    data = selfeval_xlsx(report=demo_report)
    ws = _open(data)["自评表"]
    for cell, text in [("C10", "=1+1"), ("F10", "@SUM(1,2)"), ("H13", link), ("F13", "-1")]:
        assert ws[cell].data_type == "s", cell
        assert ws[cell].value == text
    assert ws["C10"].quotePrefix
    with zipfile.ZipFile(BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_command_writes_a_workbook_openpyxl_opens(demo, tmp_path, capsys):
    target = tmp_path / "自评表.xlsx"
    call_command(
        "export_selfeval", "--department", DEMO_DEPARTMENT, "--year", "2022", "-o", str(target)
    )
    ws = load_workbook(target)["自评表"]
    assert ws["A1"].value == "2022 年部门整体支出绩效自评表"
    assert ws.cell(_row_of(ws, "总分"), 7).value == 99
    assert "已导出" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("department", "year"), [("浏阳市不存在的局", "2022"), (DEMO_DEPARTMENT, "2021")]
)
def test_command_refuses_a_report_that_does_not_exist(demo, tmp_path, department, year):
    target = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match=f"找不到“{department}”{year} 年的自评报告"):
        call_command(
            "export_selfeval", "--department", department, "--year", year, "-o", str(target)
        )
    assert not target.exists()


def test_command_refuses_a_missing_output_directory(demo, tmp_path):
    target = tmp_path / "nowhere" / "x.xlsx"
    with pytest.raises(CommandError, match="不存在：请先创建该目录"):
        call_command(
            "export_selfeval", "--department", DEMO_DEPARTMENT, "--year", "2022", "-o", str(target)
        )
