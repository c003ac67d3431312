"""Each check fires on a report built to trigger it; the demo report has no errors."""

from decimal import Decimal as D

import pytest

from budgets.calc import Amounts
from budgets.models import ExpenditureLine, Project, ThreePublicLine
from reports.checks import StatedTotals, money_checks
from reports.selectors import report_data, report_summary
from scoring.models import GroupResult, IndicatorResult
from tests.writes import rows_update


def codes(report, severity=None):
    data = report_data(report=report)
    found = data.checks if severity is None else [c for c in data.checks if c.severity == severity]
    return [c.code for c in found], data


def test_demo_has_no_errors_and_only_execution_rate_warnings(demo_report):
    summary = report_summary(report=demo_report)
    assert summary["checks"]["errors"] == []
    warnings = summary["checks"]["warnings"]
    assert {w["code"] for w in warnings} == {"execution_rate_out_of_band"}
    messages = " ".join(w["message"] for w in warnings)
    assert "整体支出执行率 123.10%" in messages
    assert "基本支出执行率 141.88%" in messages
    # 项目支出 86.53% is below the same 90–110% band, so it is flagged too.
    assert "项目支出执行率 86.53%" in messages
    assert len(warnings) == 3


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


def test_execution_inside_the_band_raises_no_warning(demo_report):
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
    assert codes(demo_report, "warning")[0] == []


def test_full_marks_while_short_of_target_is_a_warning(demo_report):
    rows_update(
        IndicatorResult.objects.filter(report=demo_report, indicator__name="代表建议办理满意率"),
        actual="75%",
        override_reason="满意度测评口径调整",
    )
    found, data = codes(demo_report, "warning")
    assert "full_score_short_of_target" in found
    assert any("全年完成值“75%”未达到年度指标值“≥80%”" in c.message for c in data.warnings)
