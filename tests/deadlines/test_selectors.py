"""What is due and what is late, with the clock moved by passing ``today``."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest

from deadlines.demo import demo_deadlines_load
from deadlines.models import Deadline
from deadlines.selectors import due_for_department, home_panels, late_departments, stage_code
from deadlines.stages import stages_for
from reports.workflow import transition_apply
from targets.demo import demo_targets_load

pytestmark = pytest.mark.django_db


def states(rows):
    return {row.stage_key: row.state for row in rows}


def test_stage_state_counts_overdue_days_and_the_week_before(db):
    due = date(2022, 2, 28)
    assert stage_code(due=due, done=False, today=date(2022, 3, 10)) == ("overdue", 10)
    assert stage_code(due=due, done=False, today=date(2022, 2, 21)) == ("soon", 0)
    assert stage_code(due=due, done=False, today=date(2022, 2, 28)) == ("soon", 0)
    assert stage_code(due=due, done=False, today=date(2022, 2, 20)) == ("open", 0)
    assert stage_code(due=due, done=True, today=date(2022, 3, 10)) == ("done", 0)


def test_the_demo_deadlines_are_the_year_s_two_stages_in_due_order(deadlines):
    assert [(stage.key, stage.label, stage.due) for stage in stages_for(2022)] == [
        ("targets", "2022 年绩效目标申报", date(2022, 2, 28)),
        ("selfeval", "2022 年绩效自评", date(2023, 4, 30)),
    ]
    assert demo_deadlines_load(year=2022) is False  # a second load changes nothing
    assert Deadline.objects.count() == 2


def test_a_department_past_the_targets_deadline_shows_it_overdue(deadlines):
    department = deadlines.report.department
    rows = due_for_department(department_id=department.pk, year=2022, today=date(2022, 3, 10))
    assert states(rows) == {"targets": "已逾期 10 天", "selfeval": "未到期"}


def test_the_reviewer_sees_the_late_department_with_its_days(deadlines, people):
    rows = late_departments(user=people["reviewer"], year=2022, today=date(2022, 3, 10))
    assert [(row.department.name, row.stage_key, row.state) for row in rows] == [
        ("浏阳市人大常委会机关", "targets", "已逾期 10 天")
    ]
    assert rows[0].may_remind and rows[0].last_reminder is None


def test_the_late_list_keeps_to_the_departments_a_reviewer_sees(deadlines, people):
    rows = late_departments(user=people["reviewer_b"], year=2022, today=date(2022, 3, 10))
    assert [row.department.name for row in rows] == ["浏阳市财政局"]
    admin_rows = late_departments(user=people["admin"], year=2022, today=date(2022, 3, 10))
    assert len(admin_rows) == 2


def test_clerks_and_auditors_have_no_late_list(deadlines, people):
    for username in ("clerk", "auditor"):
        assert late_departments(user=people[username], year=2022, today=date(2022, 3, 10)) == []


def test_a_submitted_report_completes_the_self_assessment(deadlines, people):
    department_id = deadlines.report.department_id
    day = date(2023, 4, 25)
    rows = due_for_department(department_id=department_id, year=2022, today=day)
    assert states(rows)["selfeval"] == "即将到期"
    transition_apply(report=deadlines.report, user=people["clerk"], action="submit")
    rows = due_for_department(department_id=department_id, year=2022, today=day)
    assert states(rows)["selfeval"] == "已完成"


def test_the_home_panel_follows_the_clock_moved_with_mock(deadlines, people):
    noon = datetime(2022, 3, 10, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
    with mock.patch("django.utils.timezone.now", return_value=noon):
        panels = home_panels(people["clerk"])
    assert [(row.label, row.state) for row in panels["due_rows"]] == [
        ("2022 年绩效目标申报", "已逾期 10 天"),
        ("2022 年绩效自评", "未到期"),
    ]
    assert panels["late_rows"] == [] and panels["late_count"] == 0


def test_the_reviewer_s_home_panel_lists_the_late_departments(deadlines, people):
    panels = home_panels(people["reviewer"], today=date(2022, 3, 10))
    assert panels["due_rows"] == []
    assert [row.department.name for row in panels["late_rows"]] == ["浏阳市人大常委会机关"]


def test_a_panel_lists_the_most_overdue_departments_and_counts_them_all(deadlines, people):
    from deadlines import selectors

    with mock.patch.object(selectors, "PANEL_ROWS", 1):
        panels = home_panels(people["reviewer"], today=date(2023, 5, 10))
    # Past both 2022 deadlines: the targets (436 days) come before the self-assessment (10).
    assert [(row.label, row.days_overdue) for row in panels["late_rows"]] == [
        ("2022 年绩效目标申报", 436)
    ]
    assert panels["late_count"] == 2


def test_nothing_is_late_before_the_date(deadlines, people):
    assert late_departments(user=people["admin"], year=2022, today=date(2022, 2, 28)) == []


def test_approved_targets_complete_the_targets_stage(deadlines, people):
    form = demo_targets_load(
        report=deadlines.report, clerk=people["clerk"], reviewer=people["reviewer"]
    )
    assert form.status == "approved"
    department_id = deadlines.report.department_id
    rows = due_for_department(department_id=department_id, year=2022, today=date(2022, 3, 10))
    assert states(rows)["targets"] == "已完成"
    assert late_departments(user=people["reviewer"], year=2022, today=date(2022, 3, 10)) == []
