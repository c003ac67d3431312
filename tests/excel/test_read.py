"""Reading a 自评表 workbook into plain values: no database, only openpyxl."""

import zipfile
from decimal import Decimal as D
from io import BytesIO

import pytest
from openpyxl import Workbook

from sheets.cells import (
    NotANumber,
    clean,
    normalise,
    parse_number,
    parse_percent,
    split_weight,
)
from sheets.read import UnreadableWorkbook, selfeval_read
from tests.excel.conftest import (
    Layout,
    backup_first_bytes,
    draft_and_final_bytes,
    seed_scored,
    seed_sections,
    selfeval_bytes,
    selfeval_workbook,
    sheets_bytes,
    two_years_bytes,
    with_score,
    workbook_bytes,
)

GROUP_SCORED = {
    "预决算信息公开管理",
    "财政监督管理",
    "政府采购管理",
    "资产管理",
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
}


def _total(reading) -> D:
    """The table's total as the importer counts it: a whole group's score once."""
    seen, total = set(), D("0")
    for row in reading.rows:
        if row.group_scored:
            if (row.level1, row.level2) not in seen:
                seen.add((row.level1, row.level2))
                total += row.score
        elif row.score is not None:
            total += row.score
    return total


@pytest.mark.parametrize(
    ("text", "name", "weight"),
    [
        ("预算编审管理（3）", "预算编审管理", "3"),
        ("相关性(5 分)", "相关性", "5"),
        ("投入管理（30分）", "投入管理", "30"),
        ("目标设定 ( 2.5 )", "目标设定", "2.5"),
        ("产出 指标（２５）", "产出指标", "25"),
        ("年度工作任务实际完成率", "年度工作任务实际完成率", None),
        ("完成率（%）", "完成率（%）", None),
        ("培训（2022年）", "培训（2022年）", None),
    ],
)
def test_split_weight_reads_brackets_of_both_widths_with_or_without_fen(text, name, weight):
    assert split_weight(text) == (name, weight)


def test_normalise_ignores_width_spaces_and_quotes_and_clean_keeps_the_name_readable():
    assert normalise("产出 指标") == normalise("产出指标")
    assert normalise("预算编审管理（3）") == normalise("预算编审管理(3)")
    assert normalise("“三公经费”控制率") == normalise('"三公经费" 控制率')
    assert clean(" 产出 指标 ") == "产出指标"
    assert clean("“三公经费”控制率") == "“三公经费”控制率"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(4, D("4")), (2.5, D("2.5")), ("99", D("99")), (" 2.00 ", D("2.00")),
     ("2,092.38", D("2092.38")), ("3分", D("3")), ("１０", D("10")), ("", None), ("—", None),
     (None, None)],
)  # fmt: skip
def test_parse_number_accepts_numbers_stored_as_text(value, expected):
    assert parse_number(value) == expected


def test_parse_number_refuses_text():
    with pytest.raises(NotANumber):
        parse_number("优")


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [("87%", "", D("87")), (0.87, "0%", D("87")), (0.87, "General", D("87")), (123, "", D("123")),
     (" 142 % ", "", D("142"))],
)  # fmt: skip
def test_parse_percent_reads_87_percent_and_0_87_alike(value, number_format, expected):
    assert parse_percent(value, number_format) == expected


def test_seed_shaped_sheet_reads_header_block_and_every_row():
    reading = selfeval_read(selfeval_bytes())

    assert reading.errors == []
    assert reading.department == "浏阳市人大常委会机关"
    assert reading.year == 2022
    assert reading.figures["fiscal"].budget == D("2092.38")
    assert reading.figures["fiscal"].actual == D("2575.66")
    assert reading.figures["fiscal"].rate_pct == D("123")
    assert reading.figures["other"].budget is None
    assert reading.figures["basic"].actual == D("1961.17")
    assert reading.figures["project"].budget == D("710.12")
    assert reading.annual_goal.startswith("紧紧围绕中央全面深化改革")
    assert reading.annual_goal_result.startswith("2022 年，在市委")
    assert len(reading.rows) == 27
    assert reading.total_score == D("99")
    assert _total(reading) == D("99")


def test_level1_name_with_a_space_is_shown_clean_and_weights_come_from_the_cells():
    reading = selfeval_read(selfeval_bytes())
    row = next(r for r in reading.rows if r.level3 == "年度工作任务实际完成率")

    assert (row.level1, row.level1_weight) == ("产出指标", D("25"))
    assert (row.level2, row.level2_weight) == ("数量指标", D("6"))
    assert row.columns["level2_weight"] == "C"


def test_score_merged_over_a_group_marks_the_group_scored_as_a_whole():
    reading = selfeval_read(selfeval_bytes())
    grouped = {r.level2 for r in reading.rows if r.group_scored}

    assert grouped == GROUP_SCORED
    assert {r.score for r in reading.rows if r.level2 == "数量指标"} == {D("6")}


def test_score_written_on_a_groups_first_row_only_also_means_a_whole_group_score():
    reading = selfeval_read(selfeval_bytes(merge=False))

    assert reading.errors == []
    assert {r.level2 for r in reading.rows if r.group_scored} == GROUP_SCORED
    assert _total(reading) == D("99")


@pytest.mark.parametrize(
    "options",
    [
        {"brackets": "half"},
        {"weight_columns": True},
        {"level1_brackets": True},
        {"numbers_as_text": True},
        {"percents_as_numbers": True},
        {"spacers": True},
        {"top_padding": 4},
        {"title": None},
        {"merge": False, "spacers": True, "numbers_as_text": True},
    ],
    ids=lambda options: ",".join(options),
)
def test_hand_made_variants_read_the_same_rows(options):
    expected = selfeval_read(selfeval_bytes())
    reading = selfeval_read(selfeval_bytes(**options))

    assert reading.errors == []
    assert [(r.key, r.target, r.actual, r.score) for r in reading.rows] == [
        (r.key, r.target, r.actual, r.score) for r in expected.rows
    ]
    assert [(r.level1_weight, r.level2_weight) for r in reading.rows] == [
        (r.level1_weight, r.level2_weight) for r in expected.rows
    ]
    assert {k: (f.budget, f.actual) for k, f in reading.figures.items()} == {
        k: (f.budget, f.actual) for k, f in expected.figures.items()
    }


def test_percent_cells_stored_as_numbers_read_as_written():
    reading = selfeval_read(selfeval_bytes(percents_as_numbers=True))
    row = next(r for r in reading.rows if r.level3 == "准确性")

    assert (row.target, row.actual) == ("100%", "123%")
    assert reading.figures["project"].rate_pct == D("87")


def test_no_title_means_no_year_but_everything_else_reads():
    reading = selfeval_read(selfeval_bytes(title=None, top_padding=3))

    assert reading.year is None
    assert reading.department == "浏阳市人大常委会机关"
    assert len(reading.rows) == 27


def test_level3_weights_in_their_own_column_are_read():
    reading = selfeval_read(
        workbook_bytes(
            selfeval_workbook(seed_sections(level3_weights=True), Layout(weight_columns=True))
        )
    )
    weights = {r.level3: r.level3_weight for r in reading.rows if r.level3_weight is not None}

    assert weights == {
        "准确性": D("2"),
        "预算编制及时性": D("1"),
        "公用经费控制率": D("3"),
        "“三公经费”控制率": D("3"),
    }
    assert next(r for r in reading.rows if r.level3 == "准确性").columns["level3_weight"] == "F"


def test_text_where_a_score_belongs_names_its_row_and_column():
    reading = selfeval_read(selfeval_bytes(with_score(seed_sections(), "准确性", "优")))

    [problem] = reading.errors
    assert problem.column == "G"
    assert problem.row == next(r.row for r in reading.rows if r.level3 == "准确性")
    assert "“优”不是数字" in str(problem)
    assert str(problem).startswith(f"工作表“自评表” 第 {problem.row} 行 G 列：")


def test_missing_header_row_is_a_problem():
    workbook = Workbook()
    ws = workbook.active
    ws.append(["部门（单位）名称", "", "浏阳市人大常委会机关"])
    ws.append(["投入管理", 30, "预算编审管理（3）", "准确性", "100%", "123%", 1])

    reading = selfeval_read(workbook_bytes(workbook))

    [problem] = reading.errors
    assert "找不到指标表的表头行" in problem.message
    assert reading.department == "浏阳市人大常委会机关"


def test_score_merged_across_two_groups_is_a_problem_naming_the_range():
    workbook = selfeval_workbook()
    ws = workbook.active
    first = next(r for r in range(1, 60) if ws.cell(r, 4).value == "准确性")
    ws.merge_cells(start_row=first, start_column=7, end_row=first + 2, end_column=7)

    reading = selfeval_read(workbook_bytes(workbook))

    problem = next(p for p in reading.errors if "合并" in p.message)
    assert (problem.row, problem.column) == (first, "G")
    assert f"G{first}:G{first + 2}" in problem.message


def test_formula_without_a_saved_result_asks_to_save_it_in_excel():
    workbook = selfeval_workbook()
    ws = workbook.active
    row = next(r for r in range(1, 60) if ws.cell(r, 4).value == "准确性")
    ws.cell(row, 7).value = "=2-1"

    reading = selfeval_read(workbook_bytes(workbook))

    [problem] = reading.errors
    assert (problem.row, problem.column) == (row, "G")
    assert "公式" in problem.message


def test_lines_sheet_is_read_by_its_labels_in_any_column_order():
    workbook = selfeval_workbook()
    ws = workbook.create_sheet("收支明细")
    ws.append(["某部门 2022 年收支明细（单位：万元）"])
    ws.append([])
    ws.append(["支出"])
    ws.append(["全年执行数", "性质", "全年预算数", "资金来源", "说明"])
    ws.append(["1,846.37", "人员经费", 1147.97, "财政拨款", ""])
    ws.append([614.49, "项目支出", "710.12", "", ""])
    ws.append([])
    ws.append(["“三公”经费"])
    ws.append(["项目", "预算数", "决算数", "上年决算数", "数量"])
    ws.append(["公务接待费", 10, 2.92, 5.76, None])

    lines = selfeval_read(workbook_bytes(workbook)).lines

    assert [(e.nature, e.fund_source, e.budget, e.actual) for e in lines.expenditure] == [
        ("人员经费", "财政拨款", D("1147.97"), D("1846.37")),
        ("项目支出", "", D("710.12"), D("614.49")),
    ]
    assert lines.three_public[0].kind == "公务接待费"
    assert lines.three_public[0].previous_actual == D("5.76")
    assert lines.income == ()
    assert lines.columns[("支出", "actual")] == "A"


# --- Which sheet is the 自评表 ------------------------------------------------------------


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_backup_sheet_before_the_visible_one_is_skipped(state):
    reading = selfeval_read(backup_first_bytes(state), year=2022)

    assert reading.sheet == "自评表"
    assert (_total(reading), reading.total_score) == (D("99"), D("99"))
    assert reading.errors == []


def test_a_draft_and_a_final_of_the_same_year_are_not_guessed_but_asked_about():
    reading = selfeval_read(draft_and_final_bytes(), year=2022)

    assert reading.choices == ("自评表（初稿）", "自评表（定稿）")
    assert (reading.sheet, reading.rows) == ("", [])
    [question] = reading.errors
    assert "“自评表（初稿）”、“自评表（定稿）”" in question.message
    assert "都是 2022 年的" in question.message
    assert "请选择要导入的工作表" in question.message


def test_of_two_years_the_sheet_naming_the_reports_year_is_read():
    reading = selfeval_read(two_years_bytes(), year=2022)

    assert (reading.sheet, reading.year, _total(reading)) == ("2022年自评表", 2022, D("99"))
    assert reading.choices == ()


def test_the_year_printed_in_the_header_block_chooses_when_the_titles_do_not():
    older, total = seed_scored(93)
    data = sheets_bytes(
        ("Sheet1", {"sections": older, "total": total, "title": "2021年度部门整体支出绩效自评表"}),
        ("Sheet2", {}),
    )

    assert selfeval_read(data, year=2022).sheet == "Sheet2"
    assert selfeval_read(data, year=2021).sheet == "Sheet1"


@pytest.mark.parametrize(
    ("year", "says"), [(None, "无法确定导入哪一张"), (2023, "都没有写明 2023 年")]
)
def test_two_years_without_the_reports_year_are_asked_about(year, says):
    reading = selfeval_read(two_years_bytes(), year=year)

    assert reading.choices == ("2021年自评表", "2022年自评表")
    assert says in reading.errors[0].message


@pytest.mark.parametrize(
    ("data", "name", "total"),
    [
        (two_years_bytes, "2021年自评表", D("93")),
        (draft_and_final_bytes, "自评表（初稿）", D("97")),
        (draft_and_final_bytes, "自评表(定稿)", D("99")),  # typed with half-width brackets
        (backup_first_bytes, "自评表（备份）", D("95")),  # hidden, but named
    ],
)
def test_a_sheet_named_is_read_even_when_another_would_be_preferred(data, name, total):
    reading = selfeval_read(data(), year=2022, sheet=name)

    assert normalise(reading.sheet) == normalise(name)
    assert _total(reading) == total
    assert reading.errors == []


def test_an_unknown_sheet_name_is_a_problem_listing_the_sheets():
    reading = selfeval_read(backup_first_bytes(), year=2022, sheet="定稿")

    assert (reading.sheet, reading.rows, reading.choices) == ("", [], ())
    [problem] = reading.errors
    assert problem.message.startswith("工作簿中没有名为“定稿”的工作表")
    assert "“自评表（备份）”（隐藏）、“自评表”" in problem.message


def test_a_table_only_on_a_hidden_sheet_is_not_read_and_the_sheet_is_named():
    workbook = selfeval_workbook()
    workbook.create_sheet("说明", 0)["A1"] = "填报说明"
    workbook.active = 0
    workbook["自评表"].sheet_state = "hidden"

    reading = selfeval_read(workbook_bytes(workbook), year=2022)

    assert reading.sheet == "说明"
    messages = [p.message for p in reading.problems]
    assert any(m.startswith("找不到指标表的表头行") for m in messages)
    assert any("隐藏的工作表“自评表”中有指标表" in m for m in messages)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"just some text\n", "不是 .xlsx"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (b"", "空"),
    ],
    ids=["text", "pdf", "xls", "empty"],
)
def test_files_that_are_not_xlsx_are_unreadable_with_a_reason(data, says):
    with pytest.raises(UnreadableWorkbook) as refused:
        selfeval_read(data)
    assert says in refused.value.message


def test_truncated_workbook_is_unreadable():
    data = selfeval_bytes()
    with pytest.raises(UnreadableWorkbook) as refused:
        selfeval_read(data[: len(data) // 2])
    assert "截断" in refused.value.message


def test_zip_that_is_not_a_workbook_is_unreadable():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(UnreadableWorkbook) as refused:
        selfeval_read(buffer.getvalue())
    assert "不是 Excel 工作簿" in refused.value.message
