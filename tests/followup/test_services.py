"""Items made when a report is approved, issued by reviewers, updated with a record."""

from datetime import date

import pytest

from followup.models import ProblemItem, ProblemUpdate
from followup.selectors import carried_problems, problems_visible, with_overdue
from followup.services import ProblemRefused, problem_issue, problem_update
from reports.workflow import transition_apply
from tests.steps import approve

SEED_FIRST = "预算编制准确性有待提高，加强预算绩效管理，提高财政资金使用效益和绩效评价。"
SEED_SECOND = "部分项目支出编制需进一步明确、精细化。"


@pytest.fixture
def approved(demo_report, users):
    return approve(demo_report, users)


def test_approving_a_report_makes_one_open_item_per_problem(approved, users):
    items = list(ProblemItem.objects.order_by("pk"))
    assert [item.text for item in items] == [SEED_FIRST, SEED_SECOND]
    first = items[0]
    assert first.get_source_display() == "本部门自评"
    assert first.get_status_display() == "未整改"
    assert (first.department_id, first.year, first.report_id) == (
        approved.department_id,
        2022,
        approved.pk,
    )
    assert first.due_date == date(2023, 6, 30)
    assert first.owner == ""
    assert first.created_by == users["reviewer"]
    # The seed's 改进措施 are numbered, its problems are not: each item starts from all of it.
    assert first.measure == approved.improvements.strip()
    assert first.measure.startswith("（一）细化预算编制工作")


def test_approving_the_report_again_makes_no_second_item(approved, users):
    transition_apply(report=approved, user=users["admin"], action="reopen", comment="补充材料")
    approve(approved, users)
    assert ProblemItem.objects.count() == 2


def test_submitting_or_returning_makes_no_item(demo_report, users):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    transition_apply(report=demo_report, user=users["reviewer"], action="return", comment="改")
    assert ProblemItem.objects.count() == 0


def test_next_year_s_report_carries_last_year_s_items_with_their_status(approved, users):
    first = ProblemItem.objects.get(text=SEED_FIRST)
    problem_update(item=first, user=users["clerk"], status="in_progress", note="已修订规程")
    carried = carried_problems(
        department_id=approved.department_id, year=2023, today=date(2023, 3, 1)
    )
    assert [(item.text, item.get_status_display(), item.overdue) for item in carried] == [
        (SEED_FIRST, "整改中", False),
        (SEED_SECOND, "未整改", False),
    ]
    assert carried_problems(department_id=approved.department_id, year=2022) == []


def _overdue(department_id: int, today: date) -> int:
    """How many of the department's items the problem list marks overdue on ``today``."""
    items = with_overdue(ProblemItem.objects.filter(department_id=department_id), today)
    return sum(item.overdue for item in items)


def test_an_item_still_open_after_its_due_date_is_overdue(approved, users):
    item = ProblemItem.objects.get(text=SEED_SECOND)
    assert not item.is_overdue(date(2023, 6, 30))
    assert item.is_overdue(date(2023, 7, 1))
    carried = carried_problems(
        department_id=approved.department_id, year=2023, today=date(2023, 7, 1)
    )
    assert [item.overdue for item in carried] == [True, True]
    assert _overdue(approved.department_id, date(2023, 6, 30)) == 0
    assert _overdue(approved.department_id, date(2023, 7, 1)) == 2


def test_a_done_item_is_never_overdue(approved, users):
    item = ProblemItem.objects.get(text=SEED_SECOND)
    done = problem_update(item=item, user=users["clerk"], status="done", note="已细化编制")
    assert not done.is_overdue(date(2024, 1, 1))
    assert _overdue(approved.department_id, date(2024, 1, 1)) == 1


def test_marking_an_item_done_without_a_note_is_refused(approved, users):
    item = ProblemItem.objects.get(text=SEED_SECOND)
    with pytest.raises(ProblemRefused) as refused:
        problem_update(item=item, user=users["clerk"], status="done", note="  ")
    assert "请填写整改情况说明" in refused.value.message
    item.refresh_from_db()
    assert item.status == "open"
    assert ProblemUpdate.objects.count() == 0


def test_a_status_change_is_recorded_with_who_and_the_note(approved, users):
    item = ProblemItem.objects.get(text=SEED_SECOND)
    problem_update(
        item=item,
        user=users["clerk"],
        status="done",
        owner="办公室",
        measure="逐项细化项目支出",
        note="2023 年预算已逐项细化",
    )
    item.refresh_from_db()
    assert (item.status, item.owner, item.measure) == ("done", "办公室", "逐项细化项目支出")
    update = ProblemUpdate.objects.get()
    assert (update.item, update.user, update.from_status, update.to_status, update.note) == (
        item,
        users["clerk"],
        "open",
        "done",
        "2023 年预算已逐项细化",
    )


def test_changing_only_the_owner_records_no_update(approved, users):
    item = ProblemItem.objects.get(text=SEED_SECOND)
    problem_update(item=item, user=users["clerk"], owner="办公室")
    assert ProblemItem.objects.get(pk=item.pk).owner == "办公室"
    assert ProblemUpdate.objects.count() == 0


def test_the_due_date_is_kept_unless_given_and_cleared_with_none(approved, users):
    item = ProblemItem.objects.get(text=SEED_SECOND)
    problem_update(item=item, user=users["clerk"], owner="办公室")
    assert ProblemItem.objects.get(pk=item.pk).due_date == date(2023, 6, 30)
    problem_update(item=item, user=users["clerk"], due_date=None)
    assert ProblemItem.objects.get(pk=item.pk).due_date is None


def test_an_auditor_may_not_update_an_item(approved, users):
    item = ProblemItem.objects.get(text=SEED_SECOND)
    with pytest.raises(ProblemRefused) as refused:
        problem_update(item=item, user=users["auditor"], status="in_progress", note="看过")
    assert refused.value.forbidden


def test_a_reviewer_issues_a_problem_for_a_department_they_review(world, users):
    department = world.report.department
    item = problem_issue(
        department=department,
        year=2022,
        text="部分项目支出绩效目标设置不够细化、量化。",
        user=users["reviewer"],
    )
    assert item.get_source_display() == "审核意见"
    assert item.report == world.report
    assert item.get_status_display() == "未整改"


def test_a_reviewer_may_not_issue_a_problem_for_another_department(world):
    from departments.models import Department, User

    other = Department.objects.get(code="430181-002")
    with pytest.raises(ProblemRefused) as refused:
        problem_issue(
            department=other, year=2022, text="问题", user=User.objects.get(username="reviewer")
        )
    assert refused.value.forbidden
    assert "不是“浏阳市财政局”的审核人" in refused.value.message


def test_a_clerk_may_not_issue_a_reviewer_s_problem(demo, users):
    with pytest.raises(ProblemRefused):
        problem_issue(
            department=demo.report.department, year=2022, text="问题", user=users["clerk"]
        )


def test_a_problem_without_text_is_refused(demo, users):
    with pytest.raises(ProblemRefused) as refused:
        problem_issue(
            department=demo.report.department, year=2022, text=" ", user=users["reviewer"]
        )
    assert refused.value.message == "请填写存在的问题。"


def test_each_user_sees_only_the_items_of_departments_they_may_see(world, users):
    from departments.models import User

    approve(world.report, users)
    assert problems_visible(users["clerk"]).count() == 2
    assert problems_visible(users["auditor"]).count() == 2
    assert problems_visible(User.objects.get(username="clerk_b")).count() == 0


def test_a_measure_posted_with_browser_line_ends_is_no_change(approved, users):
    item = ProblemItem.objects.get(text=SEED_SECOND)
    before = ProblemItem.objects.get(pk=item.pk).updated_at
    problem_update(item=item, user=users["clerk"], measure=item.measure.replace("\n", "\r\n"))
    assert ProblemItem.objects.get(pk=item.pk).updated_at == before
