"""Each check fires on a report built to trigger it; the demo report has no errors."""

from decimal import Decimal as D

import pytest

from budgets.calc import Amounts, BudgetFigures, ThreePublicAmounts, ThreePublicItem
from budgets.models import ExpenditureLine, Project, ThreePublicLine
from reports.checks import (
    StatedTotals,
    money_checks,
    narrative_figure_checks,
    reconciliation_checks,
)
from reports.editor import check_anchor
from reports.selectors import report_data, report_summary
from scoring.models import GroupResult, IndicatorResult
from tests.conftest import SEED_TEXT
from tests.writes import rows_update


def codes(report, severity=None):
    data = report_data(report=report)
    found = data.checks if severity is None else [c for c in data.checks if c.severity == severity]
    return [c.code for c in found], data


# What the reference report's own figures justify: execution rates outside 90–110%, all
# spending tagged 财政拨款 while 255.08 万元 of income is not, and 项目支出 not itemised.
DEMO_WARNINGS = [
    (
        "execution_rate_out_of_band",
        "整体支出执行率 123.10%（执行 2575.66 ÷ 预算 2092.38），超出 90%–110% 的合理区间："
        "请在自评表偏差分析或资金管理情况中说明原因。",
    ),
    (
        "execution_rate_out_of_band",
        "基本支出执行率 141.88%（执行 1961.17 ÷ 预算 1382.26），超出 90%–110% 的合理区间："
        "请在自评表偏差分析或资金管理情况中说明原因。",
    ),
    (
        "execution_rate_out_of_band",
        "项目支出执行率 86.53%（执行 614.49 ÷ 预算 710.12），低于 90%–110% 的合理区间："
        "请在自评表偏差分析或资金管理情况中说明原因。",
    ),
    (
        "fund_source_mismatch",
        "资金来源为“财政拨款”的支出 2575.66 万元超过财政拨款收入 2320.58 万元，多出 255.08 "
        "万元；财政拨款以外的收入有 255.08 万元，“其他资金”支出却只有 0.00 万元：由事业收入、"
        "其他收入等支付的支出行，资金来源请选“其他资金”。",
    ),
    (
        "project_lines_missing",
        "项目支出（预算 710.12、执行 614.49 万元）没有项目明细：请在“项目”中逐项列出项目，"
        "各项目的预算数、执行数合计应等于项目支出。",
    ),
]


def test_demo_has_no_errors_and_exactly_the_warnings_its_figures_justify(demo_report):
    summary = report_summary(report=demo_report)
    assert summary["checks"]["errors"] == []
    warnings = summary["checks"]["warnings"]
    assert [(w["code"], w["message"]) for w in warnings] == DEMO_WARNINGS
    assert [w["field"] for w in warnings] == ["expenditure"] * 4 + ["projects"]


def figures(
    income: dict[str, str],
    spending: dict[tuple[str, str], tuple[str, str]],
    three_public: tuple[ThreePublicItem, ...] = (),
) -> BudgetFigures:
    """Plain figures for the pure checks: income by source, (nature, source) → (budget, actual)."""
    return BudgetFigures(
        income_by_source={source: D(actual) for source, actual in income.items()},
        spending={key: Amounts(D(b), D(a)) for key, (b, a) in spending.items()},
        three_public_items=three_public,
    )


def three_public_item(kind: str, label: str, budget: str, actual: str, previous: str):
    return ThreePublicItem(kind, label, ThreePublicAmounts(D(budget), D(actual), D(previous)))


SEED_FIGURES = figures(
    {"general_budget": "2320.58", "other": "255.08"},
    {
        ("personnel", "fiscal"): ("1147.97", "1846.37"),
        ("public_operating", "fiscal"): ("234.29", "114.80"),
        ("project", "fiscal"): ("710.12", "614.49"),
    },
    (
        three_public_item("overseas_travel", "因公出国（境）费", "0", "0", "0"),
        three_public_item("official_vehicles", "公务用车购置及运行维护费", "0", "0", "0"),
        three_public_item("official_reception", "公务接待费", "10.00", "2.92", "5.76"),
    ),
)


def by_code(checks, code):
    return [c for c in checks if c.code == code]


def test_spending_above_income_and_carryover_is_an_error():
    f = figures(
        {"general_budget": "2320.58", "other": "255.08"},
        {("personnel", "fiscal"): ("1961.17", "1966.37"), ("project", "fiscal"): ("0", "614.49")},
    )
    (check,) = by_code(reconciliation_checks(f), "income_expenditure_mismatch")
    assert check.severity == "error"
    assert check.field == "income"
    assert check.message.startswith(
        "支出合计 2580.86 万元超过收入合计 2575.66 万元（其中上年结转结余 0.00 万元），"
        "多出 5.20 万元：支出不能多于本年收入加上年结转结余。"
    )


def test_carryover_recorded_as_income_covers_the_spending():
    f = figures(
        {"general_budget": "2320.58", "other": "255.08", "carryover": "5.20"},
        {
            ("personnel", "fiscal"): ("1961.17", "1966.37"),
            ("project", "fiscal"): ("359.41", "359.41"),
            ("project", "other"): ("255.08", "255.08"),
        },
    )
    assert f.expenditure.actual == D("2580.86")
    assert reconciliation_checks(f, projects=Amounts(D("614.49"), D("614.49"))) == []


def test_spending_below_income_is_taken_as_the_year_end_balance():
    f = figures({"general_budget": "3000"}, {("personnel", "fiscal"): ("2500", "2575.66")})
    assert reconciliation_checks(f) == []


def test_fiscal_spending_above_fiscal_income_is_a_warning_naming_the_untagged_income():
    (check,) = by_code(reconciliation_checks(SEED_FIGURES), "fund_source_mismatch")
    assert (check.severity, check.field) == ("warning", "expenditure")
    assert check.message == DEMO_WARNINGS[3][1]


def test_other_funds_spending_above_other_income_is_a_warning():
    f = figures(
        {"general_budget": "900", "operations": "80", "carryover": "10"},
        {("personnel", "fiscal"): ("800", "800"), ("project", "other"): ("100", "100")},
    )
    (check,) = by_code(reconciliation_checks(f), "fund_source_mismatch")
    assert check.severity == "warning"
    assert check.message.startswith(
        "资金来源为“其他资金”的支出 100.00 万元超过财政拨款以外的收入 80.00 万元"
        "加上年结转结余 10.00 万元，多出 10.00 万元："
    )


def test_carryover_may_pay_for_fiscal_spending():
    f = figures(
        {"general_budget": "2320.58", "carryover": "255.08"},
        {("personnel", "fiscal"): ("2575.66", "2575.66")},
    )
    assert by_code(reconciliation_checks(f), "fund_source_mismatch") == []


def test_project_spending_without_project_lines_is_a_warning():
    (check,) = by_code(reconciliation_checks(SEED_FIGURES), "project_lines_missing")
    assert (check.severity, check.field, check.message) == (
        "warning",
        "projects",
        DEMO_WARNINGS[4][1],
    )
    listed = reconciliation_checks(SEED_FIGURES, projects=Amounts(D("710.12"), D("614.49")))
    assert by_code(listed, "project_lines_missing") == []
    no_projects = figures({"general_budget": "10"}, {("personnel", "fiscal"): ("10", "10")})
    assert reconciliation_checks(no_projects) == []


def test_project_lines_that_do_not_add_up_are_an_error_on_plain_figures():
    checks = reconciliation_checks(SEED_FIGURES, projects=Amounts(D("710.12"), D("600.00")))
    (check,) = by_code(checks, "totals_mismatch")
    assert (check.severity, check.field) == ("error", "projects")
    assert "项目明细合计（预算 710.12、执行 600.00 万元）与项目支出（预算 710.12、执行 614.49" in (
        check.message
    )


def test_a_stated_three_public_total_unlike_its_items_is_an_error():
    stated = StatedTotals(three_public=ThreePublicAmounts(D("10.00"), D("3.92"), D("5.76")))
    (check,) = by_code(reconciliation_checks(SEED_FIGURES, stated=stated), "totals_mismatch")
    assert (check.severity, check.field) == ("error", "three_public")
    assert check.message == (
        "“三公”经费合计（预算 10.00、决算 3.92、上年决算 5.76 万元）与各项之和（预算 10.00、"
        "决算 2.92、上年决算 5.76 万元）不一致：请核对各项，或改正合计。"
    )
    same = StatedTotals(three_public=ThreePublicAmounts(D("10"), D("2.92"), D("5.76")))
    assert by_code(reconciliation_checks(SEED_FIGURES, stated=same), "totals_mismatch") == []


def test_a_typed_figure_unlike_the_data_is_a_warning():
    texts = {"personnel_description": "主要包括基本工资等。其中：人员经费 1864.37 万元，用于……"}
    (check,) = narrative_figure_checks(texts, SEED_FIGURES, year=2022)
    assert (check.code, check.severity) == ("narrative_figure_mismatch", "warning")
    assert check.field == "narrative-personnel_description"
    assert check.message == (
        "“二（一）人员经费主要内容”中写的“人员经费 1864.37 万元”与报告数据不符：人员经费"
        "预算数为 1147.97 万元、执行数为 1846.37 万元。请改正文字中的数字，或核对该项数据。"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2022 年度财政拨款基本支出为 1,916.17 万元。",
            "基本支出预算数为 1382.26 万元、执行数为 1961.17",
        ),
        ("项目支出预算 614.49 万元。", "项目支出预算数为 710.12 万元"),
        ("“三公”经费支出决算 10.00 万元。", "“三公”经费决算数为 2.92 万元"),
        ("本年收入总额２５００万元。", "收入总额为 2575.66 万元"),
        ("其中公务接待费支出 3.92 万元。", "公务接待费预算数为 10.00 万元、决算数为 2.92 万元"),
    ],
)
def test_typed_figures_are_read_by_name_and_budget_or_actual(text, expected):
    (check,) = narrative_figure_checks({"performance": text}, SEED_FIGURES, year=2022)
    assert expected in check.message


@pytest.mark.parametrize(
    "text",
    [
        "人员经费 1846.37 万元，公用经费 114.8 万元。",  # agrees
        "本年支出总额约 2576 万元。",  # not at a clause's opening (约)
        "本年支出总额 2576 万元，基本支出 1961.2 万元。",  # agrees as rounded
        "2021 年度基本支出 1800.00 万元。",  # another year
        "上年项目支出 500 万元。",  # last year
        "城镇老旧小区改造项目支出 120 万元。",  # one project, not 项目支出
        "“三公”经费比上年减少 2.84 万元。",  # a change, not the figure
        "项目支出执行率 86.53%。",  # not an amount
    ],
)
def test_typed_figures_that_agree_or_are_not_the_figure_raise_nothing(text):
    assert narrative_figure_checks({"performance": text}, SEED_FIGURES, year=2022) == []


def test_the_published_text_raises_no_typed_figure_warning():
    assert narrative_figure_checks({"performance": SEED_TEXT}, SEED_FIGURES, year=2022) == []


def test_spending_above_income_blocks_the_demo_through_report_data(demo_report):
    rows_update(
        ExpenditureLine.objects.filter(report=demo_report, nature="personnel"),
        actual=D("1851.57"),
    )
    found, data = codes(demo_report, "error")
    assert found == ["income_expenditure_mismatch"]
    assert data.errors[0].message.startswith(
        "支出合计 2580.86 万元超过收入合计 2575.66 万元（其中上年结转结余 0.00 万元），"
        "多出 5.20 万元"
    )
    # The per-source warning waits until the totals agree.
    assert "fund_source_mismatch" not in codes(demo_report, "warning")[0]


def test_a_wrong_figure_in_the_demos_text_is_a_warning_beside_its_field(demo_report):
    demo_report.public_operating_description = "主要包括劳务费等。公用经费支出 141.80 万元。"
    demo_report.save()
    found, data = codes(demo_report, "warning")
    assert "narrative_figure_mismatch" in found
    (check,) = [c for c in data.warnings if c.code == "narrative_figure_mismatch"]
    assert check.field == "narrative-public_operating_description"
    assert (
        "“公用经费支出 141.80 万元”与报告数据不符：公用经费预算数为 234.29 万元、执行数为 "
        "114.80 万元" in check.message
    )


def _result(report, name):
    return IndicatorResult.objects.get(report=report, indicator__name=name)


def test_basic_split_mismatch_fires_when_a_stated_basic_differs(demo_report):
    figures = report_data(report=demo_report).figures
    stated = StatedTotals(basic=Amounts(D("1382.26"), D("1961.00")))
    (check,) = [c for c in money_checks(figures, stated=stated) if c.severity == "error"]
    assert check.code == "basic_split_mismatch"
    assert "不等于人员经费 + 公用经费（预算 1382.26、执行 1961.17）" in check.message
    same = StatedTotals(basic=Amounts(D("1382.26"), D("1961.17")))
    assert [c for c in money_checks(figures, stated=same) if c.severity == "error"] == []


def test_projects_that_do_not_add_up_to_project_spending_are_an_error(demo_report):
    Project.objects.create(report=demo_report, name="人大会议", budget=D("300"), actual=D("280"))
    found, data = codes(demo_report, "error")
    assert found == ["totals_mismatch"]
    assert (
        "项目明细合计（预算 300.00、执行 280.00 万元）与"
        "项目支出（预算 710.12、执行 614.49 万元）不一致" in (data.errors[0].message)
    )


def test_projects_that_add_up_raise_nothing(demo_report):
    Project.objects.create(
        report=demo_report, name="人大会议", budget=D("400.12"), actual=D("314.49")
    )
    Project.objects.create(report=demo_report, name="代表工作", budget=D("310"), actual=D("300"))
    assert codes(demo_report, "error")[0] == []


def test_score_above_its_weight_is_an_error(demo_report):
    result = _result(demo_report, "准确性")
    result.score = D("2.5")
    result.override_reason = "人工复核"
    result.save()
    found, data = codes(demo_report, "error")
    assert "score_out_of_range" in found
    assert "“预算编审管理 / 准确性”的自评得分 2.5 超出范围：应在 0 到 2 分之间。" in [
        c.message for c in data.errors
    ]


def test_group_score_above_its_weight_is_an_error(demo_report):
    rows_update(
        GroupResult.objects.filter(report=demo_report, indicator__name="资产管理"), score=D("5")
    )
    found, data = codes(demo_report, "error")
    assert found == ["score_out_of_range"]
    assert "“资产管理”的整组得分 5 超出范围：应在 0 到 4 分之间。" == data.errors[0].message


def test_score_below_weight_without_deviation_is_an_error(demo_report):
    rows_update(
        IndicatorResult.objects.filter(report=demo_report, indicator__name="准确性"), deviation=""
    )
    found, data = codes(demo_report, "error")
    assert found == ["deviation_missing"]
    assert "得分 1 低于权重 2 分，但没有填写偏差及原因分析" in data.errors[0].message


def test_group_below_weight_without_deviation_is_an_error(demo_report):
    rows_update(
        GroupResult.objects.filter(report=demo_report, indicator__name="质量指标"), score=D("7")
    )
    found, data = codes(demo_report, "error")
    assert found == ["deviation_missing"]
    assert data.errors[0].field.startswith("group-")


def test_unscored_indicator_is_an_error(demo_report):
    rows_update(
        IndicatorResult.objects.filter(report=demo_report, indicator__name="预算编制及时性"),
        score=None,
    )
    found, data = codes(demo_report, "error")
    assert found == ["indicator_unscored"]
    assert data.errors[0].message.startswith("“预算编审管理 / 预算编制及时性”尚未评分")


def test_row_and_group_scores_together_are_an_error(demo_report):
    rows_update(
        IndicatorResult.objects.filter(report=demo_report, indicator__name="支付及时性"),
        score=D("5"),
    )
    assert codes(demo_report, "error")[0] == ["score_mixed"]


def test_overriding_a_suggested_score_needs_a_reason(demo_report):
    result = _result(demo_report, "准确性")
    result.score = D("1.5")
    result.save()
    found, data = codes(demo_report, "error")
    assert found == ["override_reason_missing"]
    assert "与自动评分建议 1.00 分不同" in data.errors[0].message
    result.override_reason = "预算调整经人大常委会批准，超支部分有依据。"
    result.save()
    assert codes(demo_report, "error")[0] == []
    row = next(
        r
        for r in report_summary(report=demo_report)["indicators"]["rows"]
        if r["level3"] == "准确性"
    )
    assert (row["score"], row["suggested_score"]) == ("1.50", "1.00")
    assert row["override_reason"] == "预算调整经人大常委会批准，超支部分有依据。"


def test_a_typed_actual_unlike_the_computed_one_needs_a_reason_then_is_a_warning(demo_report):
    rows = IndicatorResult.objects.filter(report=demo_report, indicator__name="公用经费控制率")
    rows_update(rows, actual="52%")
    found, data = codes(demo_report, "error")
    assert found == ["actual_reason_missing"]
    (error,) = data.errors
    assert error.message == (
        "“成本指标 / 公用经费控制率”的全年完成值填写为 52%，与按本报告数据计算的 "
        "49.00%（114.80 ÷ 234.29）不符，报告中按计算值印出：请清空该栏以采用计算值，"
        "或填写不采用计算值的理由。"
    )
    # It names the row, so that the editor links it to the row's place in the grid.
    assert error.field == f"row-{rows.get().indicator_id}"
    assert check_anchor(error.field) == ("scores", error.field)

    rows_update(rows, actual_reason="含代垫的会议费。")
    found, data = codes(demo_report)
    assert "actual_reason_missing" not in found
    (warning,) = [c for c in data.warnings if c.code == "actual_overridden"]
    assert "填写为 52%，按本报告数据计算为 49.00%（114.80 ÷ 234.29）" in warning.message
    assert warning.message.endswith("已说明不采用计算值的理由：含代垫的会议费。")


def test_a_typed_actual_is_held_against_its_target_as_it_prints(demo_report):
    # Without a reason the computed 29.20% prints, and it is within ≤100%.
    rows = IndicatorResult.objects.filter(report=demo_report, indicator__name="“三公经费”控制率")
    rows_update(rows, actual="130%")
    assert "full_score_short_of_target" not in codes(demo_report)[0]
    rows_update(rows, actual_reason="按实际口径。")
    assert "full_score_short_of_target" in codes(demo_report)[0]


@pytest.mark.parametrize("field", ["functions", "performance", "problems", "annual_goal"])
def test_empty_required_narrative_section_is_an_error(demo_report, field):
    setattr(demo_report, field, "  ")
    demo_report.save()
    found, data = codes(demo_report, "error")
    assert found == ["narrative_missing"]
    assert data.errors[0].field == f"narrative-{field}"
    assert "尚未填写：请补充这一部分的内容。" in data.errors[0].message


def test_three_public_reason_is_required_only_when_there_is_a_difference(demo_report):
    demo_report.three_public_change_reason = ""
    demo_report.save()
    assert codes(demo_report, "error")[0] == ["narrative_missing"]
    rows_update(
        ThreePublicLine.objects.filter(report=demo_report, kind="official_reception"),
        previous_actual=D("2.92"),
    )
    assert codes(demo_report, "error")[0] == []


def test_three_public_above_last_year_is_a_warning(demo_report):
    rows_update(
        ThreePublicLine.objects.filter(report=demo_report, kind="official_reception"),
        previous_actual=D("1.50"),
    )
    found, data = codes(demo_report, "warning")
    assert "three_public_increase" in found
    assert any("“三公”经费决算 2.92 万元高于上年 1.50 万元" in c.message for c in data.warnings)


def test_execution_inside_the_band_raises_only_the_reconciliation_warnings(demo_report):
    rows_update(
        ExpenditureLine.objects.filter(report=demo_report, nature="personnel"), budget=D("1846.37")
    )
    rows_update(
        ExpenditureLine.objects.filter(report=demo_report, nature="public_operating"),
        budget=D("114.80"),
    )
    rows_update(
        ExpenditureLine.objects.filter(report=demo_report, nature="project"), budget=D("614.49")
    )
    assert codes(demo_report, "warning")[0] == ["fund_source_mismatch", "project_lines_missing"]


def test_full_marks_while_short_of_target_is_a_warning(demo_report):
    rows_update(
        IndicatorResult.objects.filter(report=demo_report, indicator__name="代表建议办理满意率"),
        actual="75%",
        override_reason="满意度测评口径调整",
    )
    found, data = codes(demo_report, "warning")
    assert "full_score_short_of_target" in found
    assert any("全年完成值“75%”未达到年度指标值“≥80%”" in c.message for c in data.warnings)
