"""Importing a filled 自评表 into a report: the service, the command, and the round trip."""

from decimal import Decimal as D
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from budgets.models import ExpenditureLine
from departments.models import Department
from reports.models import NARRATIVE_FIELDS, Report
from reports.selectors import report_data, report_summary
from reports.services import report_create
from scoring.models import Framework, GroupResult, IndicatorResult
from sheets.importer import (
    MAX_BYTES,
    SelfevalImportRefused,
    SelfevalSheetChoice,
    selfeval_identity_check,
    selfeval_import,
)
from tests.conftest import DEMO_DEPARTMENT
from tests.excel.conftest import (
    OTHER_FRAMEWORK_TOTAL,
    SEED_FIGURES,
    Layout,
    backup_first_bytes,
    db_state,
    draft_and_final_bytes,
    other_framework_bytes,
    renamed,
    seed_sections,
    selfeval_bytes,
    selfeval_workbook,
    two_years_bytes,
    with_score,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db

FRESH_DEPARTMENT = "浏阳市测试局"


@pytest.fixture
def fresh_report(demo):
    """A new draft report of the default framework, for another department."""
    department = Department.objects.create(
        name=FRESH_DEPARTMENT, code="430181-099", reporting_unit="浏阳市测试局办公室"
    )
    return report_create(department=department, year=2022)


def _scorecard(report):
    return report_data(report=report).scorecard


def _import(report, data, **kwargs):
    return selfeval_import(report=Report.objects.get(pk=report.pk), data=data, **kwargs)


def _write(tmp_path: Path, data: bytes, name: str = "自评表.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _command(path: str, department: str = FRESH_DEPARTMENT, year: int = 2022, *args) -> str:
    out = StringIO()
    call_command(
        "import_selfeval", path, "--department", department, "--year", str(year), *args, stdout=out
    )
    return out.getvalue()


# --- Hand-made variants of the seed's table all give 99.00 优 ----------------------------

VARIANTS = {
    "seed layout": {},
    "half-width brackets with 分": {"brackets": "half"},
    "weights in their own columns": {"weight_columns": True},
    "level-1 weight in brackets": {"level1_brackets": True},
    "numbers as text": {"numbers_as_text": True},
    "percentages as numbers": {"percents_as_numbers": True},
    "spacer rows": {"spacers": True},
    "header block moved down": {"top_padding": 5},
    "no title": {"title": None},
    "no merged cells": {"merge": False},
    "everything at once": {
        "brackets": "half",
        "numbers_as_text": True,
        "percents_as_numbers": True,
        "spacers": True,
        "top_padding": 3,
        "title": None,
        "merge": False,
    },
}


@pytest.mark.parametrize("options", VARIANTS.values(), ids=VARIANTS.keys())
def test_hand_made_variants_import_into_a_fresh_report_with_total_99_and_grade_you(
    fresh_report, options
):
    result = _import(fresh_report, selfeval_bytes(department=FRESH_DEPARTMENT, **options))

    card = _scorecard(fresh_report)
    assert f"{card.total_score:.2f}" == "99.00"
    assert card.grade == "优"
    assert [f"{s.score:.2f}" for s in card.sections] == ["29.00", "25.00", "45.00"]
    assert not any(
        "override_reason_missing" == c.code for c in report_data(report=fresh_report).errors
    )
    assert result.report.annual_goal.startswith("紧紧围绕中央全面深化改革")


def test_level3_weights_in_their_own_column_that_agree_with_the_framework_import(fresh_report):
    data = workbook_bytes(
        selfeval_workbook(
            seed_sections(level3_weights=True),
            Layout(department=FRESH_DEPARTMENT, weight_columns=True),
        )
    )
    _import(fresh_report, data)
    assert f"{_scorecard(fresh_report).total_score:.2f}" == "99.00"


def test_import_writes_rows_group_scores_and_spending_lines_from_the_header_block(fresh_report):
    result = _import(fresh_report, selfeval_bytes(department=FRESH_DEPARTMENT))

    accuracy = IndicatorResult.objects.get(report=fresh_report, indicator__name="准确性")
    assert (accuracy.target, accuracy.actual, accuracy.score) == ("100%", "123%", D("1.00"))
    assert accuracy.deviation == "预算编制准确性有待提高。"
    assert GroupResult.objects.filter(report=fresh_report).count() == 8
    assert GroupResult.objects.get(report=fresh_report, indicator__name="数量指标").score == 6
    spending = {
        (line.nature, line.fund_source): (line.budget, line.actual)
        for line in ExpenditureLine.objects.filter(report=fresh_report)
    }
    assert spending == {
        ("personnel", "fiscal"): (D("1382.26"), D("1961.17")),
        ("project", "fiscal"): (D("710.12"), D("614.49")),
    }
    assert any("拆分出“公用经费”" in w.message for w in result.warnings)


def test_score_unlike_the_rules_suggestion_is_kept_with_an_import_reason(fresh_report):
    sections = with_score(seed_sections(), "准确性", D("2"), group="预算编审管理")
    sections = with_score(sections, "预算编制及时性", D("0"), group="预算编审管理")

    _import(fresh_report, selfeval_bytes(sections, department=FRESH_DEPARTMENT), filename="a.xlsx")

    accuracy = IndicatorResult.objects.get(report=fresh_report, indicator__name="准确性")
    assert accuracy.score == 2
    assert accuracy.override_reason == "由 Excel 导入：a.xlsx"
    codes = {c.code for c in report_data(report=fresh_report).errors}
    assert "override_reason_missing" not in codes


def test_header_figures_unlike_the_reports_lines_are_warned_about_by_cell(demo_report):
    figures = dict(SEED_FIGURES)
    figures["（2）项目支出"] = ("700.00", "614.49", "88%")
    before = list(ExpenditureLine.objects.filter(report=demo_report).values_list("budget"))

    result = _import(demo_report, selfeval_bytes(figures=figures))

    warning = next(w for w in result.warnings if "项目支出的全年预算数" in w.message)
    assert warning.column == "E"
    assert "700.00" in warning.message and "710.12" in warning.message
    assert list(ExpenditureLine.objects.filter(report=demo_report).values_list("budget")) == before


def test_typed_actuals_are_stored_as_typed_and_the_one_unlike_the_figures_is_an_error(
    demo_report,
):
    # The seed's own layout into the report holding its figures: the seed contradicts itself
    # on “三公经费”控制率 (30% typed, 2.92 ÷ 10.00 = 29.20%), and that is what is reported.
    _import(demo_report, selfeval_bytes())

    stored = dict(
        IndicatorResult.objects.filter(
            report=demo_report,
            indicator__name__in=["准确性", "公用经费控制率", "“三公经费”控制率"],
        ).values_list("indicator__name", "actual")
    )
    assert stored == {"准确性": "123%", "公用经费控制率": "49%", "“三公经费”控制率": "30%"}
    data = report_data(report=demo_report)
    shown = {row.name: row.actual_display for _, _, row in data.scorecard.rows() if row.rule}
    assert [shown["准确性"], shown["公用经费控制率"], shown["“三公经费”控制率"]] == [
        "123.10%",
        "49.00%",
        "29.20%",
    ]
    assert [(c.code, c.severity) for c in data.checks if c.code.startswith("actual_")] == [
        ("actual_reason_missing", "error")
    ]


def test_an_exported_computed_actual_reads_back_as_computed_and_an_edited_one_as_typed(
    demo_report,
):
    from sheets.export import selfeval_xlsx

    book = load_workbook(BytesIO(selfeval_xlsx(report=demo_report)))
    sheet = book["自评表"]
    accuracy, public = (
        next(row[5] for row in sheet.iter_rows(min_row=13) if row[3].value == name)
        for name in ("准确性", "公用经费控制率")
    )
    assert (accuracy.value, public.value) == ("123.10%", "49.00%")
    public.value = "52%"  # typed over in Excel; the comment stays
    buffer = BytesIO()
    book.save(buffer)

    _import(demo_report, buffer.getvalue())

    stored = dict(
        IndicatorResult.objects.filter(
            report=demo_report, indicator__name__in=["准确性", "公用经费控制率"]
        ).values_list("indicator__name", "actual")
    )
    assert stored == {"准确性": "", "公用经费控制率": "52%"}


def test_sheet_of_another_department_and_year_imports_with_a_warning_naming_both(demo):
    department = Department.objects.get(name=DEMO_DEPARTMENT)
    report = report_create(department=department, year=2023)

    result = _import(report, selfeval_bytes(department="浏阳市财政局"))

    messages = " ".join(w.message for w in result.warnings)
    assert "“浏阳市财政局”" in messages and f"“{DEMO_DEPARTMENT}”" in messages
    assert "2022 年" in messages and "2023 年" in messages
    assert f"{_scorecard(report).total_score:.2f}" == "99.00"


def test_identity_check_names_the_sheets_department_and_year_before_importing(demo):
    department = Department.objects.get(name=DEMO_DEPARTMENT)
    report = report_create(department=department, year=2023)
    before = db_state()

    warnings = selfeval_identity_check(report=report, data=selfeval_bytes())

    [year] = warnings
    assert "2022 年" in year.message and "2023 年" in year.message
    assert selfeval_identity_check(report=report, data=selfeval_bytes(title=None)) == []
    with pytest.raises(SelfevalImportRefused):
        selfeval_identity_check(report=report, data=b"not a workbook")
    assert db_state() == before


def test_indicators_missing_from_the_sheet_are_a_warning_and_the_rest_imports(fresh_report):
    sections = seed_sections()
    sections[2] = type(sections[2])(
        sections[2].name, sections[2].weight, sections[2].groups[:-1]
    )  # no 满意度指标

    result = _import(
        fresh_report, selfeval_bytes(sections, department=FRESH_DEPARTMENT, total=None)
    )

    assert any("社会公众满意度" in w.message for w in result.warnings)
    assert f"{_scorecard(fresh_report).total_score:.2f}" == "89.00"


def test_import_records_the_user_in_the_change_history(fresh_report, users):
    _import(fresh_report, selfeval_bytes(department=FRESH_DEPARTMENT), user=users["admin"])

    accuracy = IndicatorResult.objects.get(report=fresh_report, indicator__name="准确性")
    assert accuracy.history.first().history_user == users["admin"]


def test_import_by_a_clerk_of_another_department_is_refused(fresh_report, users):
    before = db_state()
    with pytest.raises(SelfevalImportRefused) as refused:
        _import(fresh_report, selfeval_bytes(department=FRESH_DEPARTMENT), user=users["clerk"])
    assert [p.message for p in refused.value.problems] == ["没有找到该报告。"]
    assert db_state() == before


def test_dry_run_reports_warnings_and_saves_nothing(fresh_report):
    before = db_state()

    result = _import(fresh_report, selfeval_bytes(department="浏阳市财政局"), dry_run=True)

    assert any("“浏阳市财政局”" in w.message for w in result.warnings)
    assert db_state() == before


def test_command_dry_run_prints_the_score_and_saves_nothing(fresh_report, tmp_path):
    before = db_state()
    out = _command(_write(tmp_path, selfeval_bytes()), FRESH_DEPARTMENT, 2022, "--dry-run")
    assert "总分 99.00 分，评价等级：优" in out
    assert "均未保存" in out
    assert db_state() == before


# --- Another framework's shape with --new-framework --------------------------------------


def test_other_framework_shape_imports_with_new_framework_and_scores_its_own_sum(
    fresh_report, tmp_path
):
    out = _command(
        _write(tmp_path, other_framework_bytes()), FRESH_DEPARTMENT, 2022,
        "--new-framework", "某省部门整体支出绩效评价指标体系",
    )  # fmt: skip

    report = Report.objects.get(pk=fresh_report.pk)
    assert str(report.framework) == "某省部门整体支出绩效评价指标体系（2022）"
    card = _scorecard(report)
    assert card.total_score == OTHER_FRAMEWORK_TOTAL
    assert card.grade == "良"
    assert [(s.name, s.weight) for s in card.sections] == [
        ("部门决策", 25),
        ("综合管理", 30),
        ("部门绩效情况", 45),
    ]
    assert card.sections[0].groups[0].rows[0].weight == 5
    assert IndicatorResult.objects.filter(report=report).count() == 12
    assert "总分 85.50 分，评价等级：良" in out


def test_importing_the_same_new_framework_again_reuses_its_version(fresh_report):
    _import(fresh_report, other_framework_bytes(), new_framework="某省指标体系")
    _import(fresh_report, other_framework_bytes(), new_framework="某省指标体系")
    assert Framework.objects.filter(name="某省指标体系").count() == 1


def test_new_framework_breaking_the_weight_rules_is_refused_naming_the_cell(fresh_report):
    before = db_state()
    data = other_framework_bytes(level1_weights={"部门决策（25分）": "部门决策（20分）"})

    with pytest.raises(SelfevalImportRefused) as refused:
        _import(fresh_report, data, new_framework="某省指标体系")

    messages = [str(p) for p in refused.value.errors]
    assert any("一级指标权重之和应为 100 分" in m for m in messages)
    assert any("第 5 行 A 列" in m and "部门决策" in m for m in messages)
    assert db_state() == before


# --- Refusals: every bad file class, nothing saved ---------------------------------------


def _pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


BAD_FILES = {
    "text file": (lambda: "一级指标,权重\n投入管理,30\n".encode(), "不是 .xlsx"),
    "pdf": (_pdf_bytes, "PDF"),
    "truncated zip": (lambda: selfeval_bytes()[:3000], "截断"),
    "over 5 MB": (lambda: b"PK\x03\x04" + b"\0" * MAX_BYTES, "超过 5 MB"),
}


@pytest.mark.parametrize(("make", "says"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_fail_the_command_and_change_nothing(fresh_report, tmp_path, make, says):
    before = db_state()
    with pytest.raises(CommandError) as failed:
        _command(_write(tmp_path, make()))
    assert says in str(failed.value)
    assert "没有保存任何内容" in str(failed.value)
    assert db_state() == before


def _missing_header() -> bytes:
    workbook = selfeval_workbook()
    ws = workbook.active
    row = next(r for r in range(1, 40) if ws.cell(r, 4).value == "三级指标")
    ws.delete_rows(row)
    return workbook_bytes(workbook)


BAD_SHEETS = {
    "missing header": (_missing_header, None, None, "找不到指标表的表头行"),
    "unknown indicator": (
        lambda: selfeval_bytes(renamed(seed_sections(), "预算绩效管理", "预算绩效管里")),
        "预算绩效管里",
        "C",
        "最接近的是“预算绩效管理”",
    ),
    "score above weight": (
        lambda: selfeval_bytes(with_score(seed_sections(), "预算执行规范性", D("5"))),
        "预算执行规范性",
        "G",
        "应在 0 到 4 分之间",
    ),
    "text where a number belongs": (
        lambda: selfeval_bytes(with_score(seed_sections(), "预算执行规范性", "满分")),
        "预算执行规范性",
        "G",
        "“满分”不是数字",
    ),
    "weight unlike the framework": (
        lambda: selfeval_bytes(
            [
                type(s)(s.name, D("35") if s.name == "投入管理" else s.weight, s.groups)
                for s in seed_sections()
            ]
        ),
        "准确性",
        "B",
        "权重表中为 35，指标体系中为 30",
    ),
}


def _row_of(data: bytes, name: str) -> int:
    """The sheet row of the first cell whose text starts with ``name``."""
    ws = load_workbook(BytesIO(data)).active
    return next(
        cell.row
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(name)
    )


@pytest.mark.parametrize(
    ("make", "name", "column", "says"), BAD_SHEETS.values(), ids=BAD_SHEETS.keys()
)
def test_bad_sheets_fail_the_command_naming_row_and_column_and_change_nothing(
    fresh_report, tmp_path, make, name, column, says
):
    data = make()
    before = db_state()

    with pytest.raises(CommandError) as failed:
        _command(_write(tmp_path, data))

    text = str(failed.value)
    assert says in text
    if name is not None:
        assert f"第 {_row_of(data, name)} 行 {column} 列" in text
    assert db_state() == before


def test_every_problem_is_reported_at_once(fresh_report):
    sections = renamed(seed_sections(), "预算绩效管理", "预算绩效管里")
    sections = with_score(sections, "预算执行规范性", D("5"))
    sections = with_score(sections, "社会公众满意度", "好")

    with pytest.raises(SelfevalImportRefused) as refused:
        _import(fresh_report, selfeval_bytes(sections))

    messages = " ".join(p.message for p in refused.value.errors)
    assert "预算绩效管里" in messages
    assert "应在 0 到 4 分之间" in messages
    assert "“好”不是数字" in messages


@pytest.mark.parametrize("status", [Report.Status.SUBMITTED, Report.Status.APPROVED])
def test_report_not_in_draft_or_returned_is_refused_with_its_state(demo_report, status):
    Report.objects.filter(pk=demo_report.pk).update(status=status)
    before = db_state()

    with pytest.raises(SelfevalImportRefused) as refused:
        _import(demo_report, selfeval_bytes())

    assert f"当前状态为“{Report.Status(status).label}”" in refused.value.errors[0].message
    assert db_state() == before


def test_returned_report_can_be_imported(demo_report):
    Report.objects.filter(pk=demo_report.pk).update(status=Report.Status.RETURNED)
    _import(demo_report, selfeval_bytes())
    assert f"{_scorecard(demo_report).total_score:.2f}" == "99.00"


# --- The command --------------------------------------------------------------------------


def test_command_create_makes_the_department_and_a_draft_report(demo, tmp_path):
    out = _command(
        _write(tmp_path, selfeval_bytes(department="浏阳市新部门")),
        "浏阳市新部门",
        2022,
        "--create",
    )

    report = Report.objects.get(department__name="浏阳市新部门", year=2022)
    assert report.status == Report.Status.DRAFT
    assert report.framework.is_default
    assert report.department.code.startswith("IMP-")
    assert "总分 99.00 分，评价等级：优" in out
    assert "已新建部门“浏阳市新部门”" in out


def test_command_without_create_refuses_a_missing_department_or_report(demo, tmp_path):
    path = _write(tmp_path, selfeval_bytes())
    before = db_state()
    with pytest.raises(CommandError, match="找不到部门“没有的部门”"):
        _command(path, "没有的部门", 2022)
    with pytest.raises(CommandError, match="还没有 2030 年的自评报告"):
        _command(path, DEMO_DEPARTMENT, 2030)
    assert db_state() == before


def test_command_create_is_undone_when_the_import_is_refused(demo, tmp_path):
    before = db_state()
    data = selfeval_bytes(with_score(seed_sections(), "预算执行规范性", D("5")))
    with pytest.raises(CommandError):
        _command(_write(tmp_path, data), "浏阳市新部门", 2022, "--create")
    assert db_state() == before


def test_command_dry_run_create_shows_what_would_be_made_and_imported_and_leaves_nothing(
    demo, tmp_path
):
    before = db_state()

    out = _command(
        _write(tmp_path, selfeval_bytes(department="浏阳市新部门")),
        "浏阳市新部门",
        2022,
        "--create",
        "--dry-run",
    )

    assert "试导入（--dry-run）：以下内容均未保存。" in out
    assert "将新建部门“浏阳市新部门”（编码 IMP-" in out
    assert "将新建 2022 年草稿报告" in out
    assert (
        "将导入“自评表.xlsx”的工作表“自评表”到 浏阳市新部门 2022 年部门整体支出绩效自评报告" in out
    )
    assert "三级指标 27 行" in out
    assert "总分 99.00 分，评价等级：优" in out
    assert db_state() == before
    assert not Department.objects.filter(name="浏阳市新部门").exists()


# --- Workbooks of several sheets ----------------------------------------------------------


def test_a_hidden_backup_with_older_scores_is_skipped_and_the_visible_sheet_imports(
    fresh_report,
):
    result = _import(fresh_report, backup_first_bytes())

    assert result.sheet == "自评表"
    assert result.message.startswith("已导入工作表“自评表”：三级指标")
    assert f"{_scorecard(fresh_report).total_score:.2f}" == "99.00"


def test_of_2021_and_2022_sheets_the_2022_one_imports_into_the_2022_report(fresh_report):
    result = _import(fresh_report, two_years_bytes())

    assert result.sheet == "2022年自评表"
    assert not any(w.message.startswith("表头标题为") for w in result.warnings)  # no year
    assert f"{_scorecard(fresh_report).total_score:.2f}" == "99.00"


def test_a_draft_and_a_final_are_refused_with_a_question_naming_both_and_nothing_saved(
    fresh_report,
):
    before = db_state()

    with pytest.raises(SelfevalSheetChoice) as asked:
        _import(fresh_report, draft_and_final_bytes())
    with pytest.raises(SelfevalSheetChoice):
        selfeval_identity_check(report=fresh_report, data=draft_and_final_bytes())

    assert asked.value.sheets == ("自评表（初稿）", "自评表（定稿）")
    [question] = asked.value.errors
    assert "“自评表（初稿）”、“自评表（定稿）”" in question.message
    assert db_state() == before


def test_the_final_sheet_named_imports(fresh_report):
    result = _import(fresh_report, draft_and_final_bytes(), sheet="自评表（定稿）")

    assert result.message.startswith("已导入工作表“自评表（定稿）”：")
    assert f"{_scorecard(fresh_report).total_score:.2f}" == "99.00"


def test_command_asks_which_sheet_then_imports_the_one_given_with_sheet(fresh_report, tmp_path):
    path = _write(tmp_path, draft_and_final_bytes())
    before = db_state()

    with pytest.raises(CommandError) as asked:
        _command(path)
    assert db_state() == before
    message = str(asked.value)
    assert "可导入的工作表：\n  - 自评表（初稿）\n  - 自评表（定稿）" in message
    assert "请用 --sheet 指定要导入的一张" in message

    out = _command(path, FRESH_DEPARTMENT, 2022, "--sheet", "自评表（定稿）")
    assert "已导入“自评表.xlsx”的工作表“自评表（定稿）”到 " in out
    assert "总分 99.00 分，评价等级：优" in out


def test_command_refuses_an_unknown_sheet_listing_the_sheets(fresh_report, tmp_path):
    before = db_state()

    with pytest.raises(CommandError) as refused:
        _command(_write(tmp_path, backup_first_bytes()), FRESH_DEPARTMENT, 2022, "--sheet", "定稿")

    message = str(refused.value)
    assert "工作簿中没有名为“定稿”的工作表" in message
    assert "“自评表（备份）”（隐藏）、“自评表”" in message
    assert db_state() == before


# --- Round trip ---------------------------------------------------------------------------


def test_round_trip_export_then_import_gives_the_same_summary(demo_report, fresh_report):
    from sheets.export import selfeval_xlsx

    # The 自评表 carries the 年度总体目标 only; the rest of the narrative is copied so that
    # the checks, which read it, compare like with like.
    for field in NARRATIVE_FIELDS:
        if field not in ("annual_goal", "annual_goal_result"):
            setattr(fresh_report, field, getattr(demo_report, field))
    fresh_report.save()

    result = _import(fresh_report, selfeval_xlsx(report=demo_report))
    fresh_report.refresh_from_db()

    skip = {"department", "year", "status"}
    expected = {k: v for k, v in report_summary(report=demo_report).items() if k not in skip}
    got = {k: v for k, v in report_summary(report=fresh_report).items() if k not in skip}
    assert got == expected
    # The sheet says whose it is; nothing else in it disagrees with what was imported.
    located = [w for w in result.warnings if w.row is not None]
    assert [w.message[:8] for w in located] == ["表中部门名称为“"]
