"""The 预警 arithmetic, without the database."""

from decimal import Decimal as D

from monitoring.warnings import (
    CERTAIN,
    IMPOSSIBLE,
    POSSIBLE,
    Execution,
    Progress,
    alerts,
    execution_alert,
    execution_rate,
    indicator_alert,
    submit_errors,
)


def june(executed, budget=D("100.00"), **text):
    return Execution("1—6月", D("40.00"), budget, executed, **text)


def test_execution_rate_is_executed_over_budget_in_percent_to_two_places():
    assert execution_rate(D("612.40"), D("2092.38")) == D("29.27")


def test_execution_rate_is_none_without_a_budget_or_an_execution():
    assert execution_rate(None, D("100")) is None
    assert execution_rate(D("10"), None) is None
    assert execution_rate(D("10"), D("0")) is None


def test_exactly_the_expected_share_is_no_warning():
    assert execution_alert(june(D("40.00"))) is None


def test_just_below_the_expected_share_is_one_warning_saying_both_rates():
    found = alerts(june(D("39.99")), [])
    assert len(found) == 1
    assert found[0].text == "执行进度滞后：1—6月执行率 39.99%，低于应达到的 40.00%"


def test_the_rate_is_compared_as_it_prints():
    # 39.995% prints as 40.00%: no warning that would read "40.00%，低于 40.00%".
    assert execution_alert(june(D("39.995"))) is None


def test_the_example_of_the_forms():
    alert = execution_alert(june(D("35.00")))
    assert alert is not None
    assert alert.text == "执行进度滞后：1—6月执行率 35.00%，低于应达到的 40.00%"


def test_an_indicator_at_risk_or_not_certain_is_a_warning():
    assert indicator_alert(Progress(1, "准确性", likelihood=CERTAIN)) is None
    assert indicator_alert(Progress(1, "准确性")) is None  # not filled in yet
    at_risk = indicator_alert(Progress(1, "准确性", likelihood=CERTAIN, at_risk=True))
    assert at_risk is not None and at_risk.text == "指标“准确性”可能偏离目标"
    possible = indicator_alert(Progress(1, "准确性", likelihood=POSSIBLE))
    assert possible is not None and possible.text == "指标“准确性”完成目标可能性为“有可能”"
    assert indicator_alert(Progress(1, "准确性", likelihood=IMPOSSIBLE)) is not None


def test_submit_errors_name_each_missing_reason_and_measure():
    rows = [
        Progress(7, "准确性", likelihood=POSSIBLE, reason="预算调整较多"),
        Progress(8, "支付及时性", likelihood=CERTAIN),
    ]
    assert submit_errors(june(D("35.00")), rows) == [
        "执行进度滞后：请在执行情况部分填写偏差原因。",
        "执行进度滞后：请在执行情况部分填写纠偏措施。",
        "指标“准确性”有预警：请填写该指标的纠偏措施。",
    ]


def test_no_submit_errors_when_every_warning_is_explained():
    rows = [Progress(7, "准确性", at_risk=True, reason="原因", measure="措施")]
    assert submit_errors(june(D("35.00"), reason="原因", measure="措施"), rows) == []


def test_missing_figures_ask_for_the_execution():
    errors = submit_errors(june(None), [])
    assert len(errors) == 1 and errors[0].startswith("请填写执行数")
