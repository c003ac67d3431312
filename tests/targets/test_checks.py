"""The checks of a target form and how a written target splits, over plain values."""

from decimal import Decimal

from targets.checks import FormValues, RowValues, form_errors, quantity_error, target_parse


def values(**changes) -> FormValues:
    fields = {
        "number": 1,
        "adjustment_reason": "",
        "annual_goal": "目标1",
        "budget_fiscal": Decimal("2092.38"),
        "budget_other": Decimal("0"),
        "budget_basic": Decimal("1382.26"),
        "budget_project": Decimal("710.12"),
        "rows": [RowValues("代表建议办理满意率", "quantitative", "80")],
    }
    return FormValues(**(fields | changes))


def test_a_complete_form_has_no_errors():
    assert form_errors(values()) == []


def test_a_missing_annual_goal_is_an_error_that_says_what_to_write():
    assert form_errors(values(annual_goal="  ")) == [
        "年度总体目标未填写：请写明本年度的总体目标（可分条写“目标1、目标2……”）。"
    ]


def test_budget_by_source_must_equal_budget_by_structure():
    (error,) = form_errors(values(budget_other=Decimal("10")))
    assert "按资金来源合计 2,102.38 万元" in error
    assert "按支出结构合计 2,092.38 万元" in error


def test_a_budget_figure_not_filled_is_an_error():
    (error,) = form_errors(values(budget_project=None))
    assert error.startswith("年度预算未填完")


def test_a_row_without_value_is_named():
    (error,) = form_errors(values(rows=[RowValues("社会公众满意度", "quantitative", "")]))
    assert error == "“社会公众满意度”未填写指标值：请为每个三级指标填写年度指标值。"


def test_many_rows_without_value_are_counted_after_the_first_five():
    rows = [RowValues(f"指标{n}", "qualitative", "") for n in range(1, 8)]
    (error,) = form_errors(values(rows=rows))
    assert "“指标5” 等 7 个指标未填写指标值" in error


def test_an_adjustment_needs_its_reason():
    assert form_errors(values(number=2)) == [
        "这是调整后的版本，请在“调整原因”中写明为什么调整绩效目标。"
    ]
    assert form_errors(values(number=2, adjustment_reason="机构改革")) == []


def test_a_quantitative_value_must_be_a_number():
    assert quantity_error("quantitative", "80") is None
    assert quantity_error("qualitative", "效果显著") is None
    assert "现为“≥80%”" in quantity_error("quantitative", "≥80%")


def test_written_targets_split_into_comparator_value_and_unit():
    assert target_parse("≥80%") == target_parse(" ≥80% ")
    parsed = target_parse("≥80%")
    assert (parsed.value_type, parsed.comparator, parsed.value, parsed.unit) == (
        "quantitative",
        "≥",
        "80",
        "%",
    )
    parsed = target_parse("100%")
    assert (parsed.comparator, parsed.value, parsed.unit) == ("", "100", "%")
    parsed = target_parse("≥187个")
    assert (parsed.comparator, parsed.value, parsed.unit) == ("≥", "187", "个")


def test_other_written_targets_are_qualitative_and_kept_verbatim():
    for text in ("效果显著", "向政府交办环保问题≥187个，力促单位整改"):
        parsed = target_parse(text)
        assert (parsed.value_type, parsed.comparator, parsed.value, parsed.unit) == (
            "qualitative",
            "",
            text,
            "",
        )
