"""A checkpoint's overview of departments, and the year's history for the self-assessment."""

import datetime
from decimal import Decimal as D

import pytest

from departments import roles
from departments.models import Department
from monitoring.selectors import (
    checkpoint_overview,
    deviation_offer,
    monitoring_history,
)
from monitoring.services import checkpoint_report_create, checkpoint_report_save
from reports import workflow
from tests import builders

from .conftest import indicator_id

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2022, 8, 1)  # after June's due date (10 July)


def fill(report, user, *, executed=D("50.00"), rows=None):
    checkpoint_report_save(
        report=report,
        user=user,
        header={"budget": D("100.00"), "executed": executed},
        rows=rows or {},
    )


def test_overview_puts_warnings_first_then_late_ones(world, users, june, demo_report):
    finance = Department.objects.get(code="430181-002")
    other = builders.department("浏阳市审计局")
    other_clerk = builders.user(roles.CLERK, department=other)
    on_time = checkpoint_report_create(department=other, checkpoint=june)
    fill(on_time, other_clerk)
    workflow.document_transition(subject=on_time, user=other_clerk, action="submit")
    behind = checkpoint_report_create(department=finance, checkpoint=june)
    fill(behind, users["clerk_b"], executed=D("35.00"))

    rows = checkpoint_overview(user=users["admin"], checkpoint=june, today=TODAY)

    assert [(r.department.name, r.state, r.rate, r.alerts, r.late) for r in rows] == [
        ("浏阳市财政局", "草稿", D("35.00"), 1, True),
        ("浏阳市人大常委会机关", "未开始", None, 0, True),
        ("浏阳市审计局", "待审核", D("50.00"), 0, False),
    ]


def test_overview_shows_a_clerk_only_their_department(world, users, june):
    rows = checkpoint_overview(user=users["clerk"], checkpoint=june, today=TODAY)
    assert [r.department.name for r in rows] == ["浏阳市人大常委会机关"]


def test_overview_shows_a_reviewer_the_departments_they_review(world, users, june):
    rows = checkpoint_overview(user=users["reviewer_b"], checkpoint=june, today=TODAY)
    assert [r.department.name for r in rows] == ["浏阳市财政局"]


def test_history_lists_each_checkpoint_in_order_and_the_offer_quotes_the_reason(
    demo_report, users, checkpoints
):
    department = demo_report.department
    accuracy = None
    for checkpoint in reversed(checkpoints[:3]):  # made out of order on purpose
        report = checkpoint_report_create(
            department=department, checkpoint=checkpoint, framework=demo_report.framework
        )
        accuracy = indicator_id(report, "准确性")
        values = {"actual_to_date": f"{checkpoint.name}完成", "likelihood": "certain"}
        if checkpoint.name == "1—8月":
            values |= {
                "likelihood": "possible",
                "reason_category": "funding",
                "reason": "人员经费超出年初预算",
                "measure": "年中调整预算",
            }
        fill(report, users["clerk"], rows={accuracy: values})

    entries = monitoring_history(department_id=department.pk, year=2022)[accuracy]

    assert [(e.checkpoint, e.actual_to_date, e.likelihood) for e in entries] == [
        ("1—4月", "1—4月完成", "确定能"),
        ("1—6月", "1—6月完成", "确定能"),
        ("1—8月", "1—8月完成", "有可能"),
    ]
    assert deviation_offer(entries) == (
        "1—8月监控：经费保障：人员经费超出年初预算；纠偏措施：年中调整预算。"
    )


def test_history_of_another_year_is_empty(demo_report, monitored):
    assert monitoring_history(department_id=demo_report.department_id, year=2023) == {}
