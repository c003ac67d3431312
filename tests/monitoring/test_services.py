"""Checkpoints, making and saving a 监控表, and the workflow's checks before submitting."""

import datetime
from decimal import Decimal as D

import pytest

from monitoring.models import Checkpoint, CheckpointTransition
from monitoring.services import SaveRefused, checkpoint_report_save, checkpoints_default
from reports import workflow
from reports.workflow import TransitionRefused

from .conftest import indicator_id

pytestmark = pytest.mark.django_db

EXPLAINED = {"reason": "人员经费超出预算", "measure": "年中调整预算"}


def test_default_checkpoints_are_april_june_august_october_at_25_to_80_percent(checkpoints):
    assert [(c.name, c.period_end, c.expected_share, c.due) for c in checkpoints] == [
        ("1—4月", datetime.date(2022, 4, 30), D("25.00"), datetime.date(2022, 5, 10)),
        ("1—6月", datetime.date(2022, 6, 30), D("40.00"), datetime.date(2022, 7, 10)),
        ("1—8月", datetime.date(2022, 8, 31), D("60.00"), datetime.date(2022, 9, 10)),
        ("1—10月", datetime.date(2022, 10, 31), D("80.00"), datetime.date(2022, 11, 10)),
    ]


def test_default_checkpoints_leave_a_year_that_has_some_alone(db):
    Checkpoint.objects.create(
        year=2023, name="1—7月", period_end=datetime.date(2023, 7, 31), expected_share=50
    )
    assert [c.name for c in checkpoints_default(2023)] == ["1—7月"]
    assert Checkpoint.objects.get(year=2023).due == datetime.date(2023, 8, 10)


def test_a_new_report_has_a_row_per_level3_indicator_with_the_year_targets(monitored):
    assert monitored.rows.count() == 27
    assert monitored.rows.get(indicator__name="代表建议办理满意率").year_target == "≥80%"
    assert monitored.status == "draft" and monitored.execution_rate is None


def save(report, user, header=None, rows=None):
    return checkpoint_report_save(report=report, user=user, header=header or {}, rows=rows or {})


def test_save_writes_figures_and_rows_and_computes_the_rate(monitored, users):
    accuracy = indicator_id(monitored, "准确性")
    save(
        monitored,
        users["clerk"],
        {"budget": D("2092.38"), "executed": D("905.10")},
        {accuracy: {"actual_to_date": "43.26%", "likelihood": "certain"}},
    )
    monitored.refresh_from_db()
    assert monitored.execution_rate == D("43.26")
    assert monitored.rows.get(indicator_id=accuracy).actual_to_date == "43.26%"


def test_save_is_refused_once_submitted(monitored, users):
    save(monitored, users["clerk"], {"budget": D("100"), "executed": D("50")})
    workflow.document_transition(subject=monitored, user=users["clerk"], action="submit")
    with pytest.raises(SaveRefused, match="待审核"):
        save(monitored, users["clerk"], {"executed": D("60")})


def test_save_is_refused_to_a_reviewer(monitored, users):
    with pytest.raises(SaveRefused, match="无权修改"):
        save(monitored, users["reviewer"], {"executed": D("60")})


def at_risk(report, user, **values):
    accuracy = indicator_id(report, "准确性")
    header = {"budget": D("100.00"), "executed": D("45.00")}
    save(report, user, header, {accuracy: {"likelihood": "possible", **values}})


def test_submit_is_refused_while_a_warning_lacks_its_reason_and_measure(monitored, users):
    at_risk(monitored, users["clerk"])
    with pytest.raises(TransitionRefused) as refused:
        workflow.document_transition(subject=monitored, user=users["clerk"], action="submit")
    assert refused.value.message.startswith("监控表还有 2 个错误")
    assert refused.value.errors == [
        "指标“准确性”有预警：请填写该指标的偏差原因。",
        "指标“准确性”有预警：请填写该指标的纠偏措施。",
    ]
    monitored.refresh_from_db()
    assert monitored.status == "draft"


def test_submit_is_refused_with_a_reason_but_no_measure(monitored, users):
    at_risk(monitored, users["clerk"], reason="预算调整较多")
    with pytest.raises(TransitionRefused) as refused:
        workflow.document_transition(subject=monitored, user=users["clerk"], action="submit")
    assert refused.value.errors == ["指标“准确性”有预警：请填写该指标的纠偏措施。"]


def test_submit_is_allowed_with_both_and_logged(monitored, users):
    at_risk(monitored, users["clerk"], **EXPLAINED)
    workflow.document_transition(subject=monitored, user=users["clerk"], action="submit")
    workflow.document_transition(subject=monitored, user=users["reviewer"], action="approve")
    monitored.refresh_from_db()
    assert monitored.status == "approved"
    log = CheckpointTransition.objects.filter(report=monitored)
    assert [(t.action, t.to_status) for t in log] == [
        ("submit", "submitted"),
        ("approve", "approved"),
    ]


def test_submit_asks_for_the_execution_figures(monitored, users):
    with pytest.raises(TransitionRefused) as refused:
        workflow.document_transition(subject=monitored, user=users["clerk"], action="submit")
    assert refused.value.errors[0].startswith("请填写执行数")


def test_execution_behind_needs_its_reason_and_measure_on_the_report(monitored, users):
    save(monitored, users["clerk"], {"budget": D("100.00"), "executed": D("39.99")})
    with pytest.raises(TransitionRefused) as refused:
        workflow.document_transition(subject=monitored, user=users["clerk"], action="submit")
    assert refused.value.errors == [
        "执行进度滞后：请在执行情况部分填写偏差原因。",
        "执行进度滞后：请在执行情况部分填写纠偏措施。",
    ]
    save(monitored, users["clerk"], {"execution_reason": "原因", "execution_measure": "措施"})
    workflow.document_transition(subject=monitored, user=users["clerk"], action="submit")


def test_a_checkpoint_is_locked_once_a_report_is_submitted(monitored, users, june):
    assert not june.is_locked
    save(monitored, users["clerk"], {"budget": D("100"), "executed": D("50")})
    workflow.document_transition(subject=monitored, user=users["clerk"], action="submit")
    assert june.is_locked
