"""Starting, saving and adjusting a target form."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reports import workflow
from scoring.models import Indicator
from targets.models import TargetForm
from targets.services import TargetRefused, target_adjust, target_form_create, target_form_save

from .conftest import YEAR, fill

pytestmark = pytest.mark.django_db


def approve(form, users):
    workflow.document_transition(subject=form, user=users["clerk"], action="submit")
    workflow.document_transition(subject=form, user=users["reviewer"], action="approve")
    form.refresh_from_db()


def test_a_new_form_is_version_1_with_a_row_for_every_level3_indicator(blank_form):
    level3 = Indicator.objects.filter(framework=blank_form.framework, level=3).count()
    assert blank_form.number == 1
    assert blank_form.status == "draft"
    assert blank_form.rows.count() == level3 > 20
    assert str(blank_form) == f"浏阳市人大常委会机关 {YEAR} 年部门整体绩效目标表（第 1 版）"


def test_a_second_form_for_the_same_year_is_refused(blank_form, department):
    with pytest.raises(TargetRefused, match=f"{YEAR} 年的绩效目标表已经存在"):
        target_form_create(department=department, year=YEAR)


def test_next_year_starts_from_last_years_approved_goal_and_values(filled_form, users, department):
    approve(filled_form, users)
    following = target_form_create(department=department, year=YEAR + 1)
    assert following.annual_goal == filled_form.annual_goal
    assert {row.target_text for row in following.rows.all()} == {"≥80%"}
    assert following.budget_fiscal is None


def test_saving_writes_the_header_and_the_rows(filled_form):
    filled_form.refresh_from_db()
    assert filled_form.budget_fiscal == Decimal("2092.38")
    assert filled_form.rows.first().target_text == "≥80%"


def test_saving_a_quantitative_value_that_is_no_number_is_refused_beside_the_row(blank_form, users):
    row = blank_form.rows.first()
    with pytest.raises(ValidationError) as refused:
        target_form_save(
            form=blank_form,
            user=users["clerk"],
            header={},
            rows={row.indicator_id: {"value_type": "quantitative", "value": "很多"}},
        )
    assert "现为“很多”" in refused.value.message_dict[f"{row.indicator_id}.value"][0]
    row.refresh_from_db()
    assert row.value == ""


def test_saving_a_negative_budget_is_refused(blank_form, users):
    with pytest.raises(ValidationError) as refused:
        target_form_save(
            form=blank_form, user=users["clerk"], header={"budget_other": Decimal("-1")}, rows={}
        )
    assert "金额不能为负数" in refused.value.message_dict["budget_other"][0]


def test_saving_a_submitted_form_is_refused(filled_form, users):
    workflow.document_transition(subject=filled_form, user=users["clerk"], action="submit")
    with pytest.raises(TargetRefused, match="“待审核”状态，不能修改"):
        fill(filled_form, users["clerk"], annual_goal="改")


def test_saving_by_another_departments_clerk_is_refused(world, filled_form):
    from departments.models import User

    with pytest.raises(TargetRefused, match="您无权修改"):
        fill(filled_form, User.objects.get(username="clerk_b"))


def test_adjusting_makes_version_2_with_its_reason_and_keeps_version_1(filled_form, users):
    approve(filled_form, users)
    adjusted = target_adjust(form=filled_form, user=users["clerk"], reason="年中追加项目预算")
    assert (adjusted.number, adjusted.status, adjusted.based_on) == (2, "draft", filled_form)
    assert adjusted.adjustment_reason == "年中追加项目预算"
    assert adjusted.budget_fiscal == filled_form.budget_fiscal
    assert adjusted.rows.count() == filled_form.rows.count()
    filled_form.refresh_from_db()
    assert filled_form.status == "approved"
    assert TargetForm.objects.filter(department=filled_form.department, year=YEAR).count() == 2


def test_adjusting_needs_a_reason(filled_form, users):
    approve(filled_form, users)
    with pytest.raises(TargetRefused, match="请填写调整原因"):
        target_adjust(form=filled_form, user=users["clerk"], reason="  ")


def test_adjusting_a_draft_is_refused(filled_form, users):
    with pytest.raises(TargetRefused, match="只有已批准的版本可以调整"):
        target_adjust(form=filled_form, user=users["clerk"], reason="原因")


def test_adjusting_an_older_version_is_refused(filled_form, users):
    approve(filled_form, users)
    target_adjust(form=filled_form, user=users["clerk"], reason="第一次调整")
    with pytest.raises(TargetRefused, match="已有第 2 版（草稿）"):
        target_adjust(form=filled_form, user=users["clerk"], reason="又一次")


def test_a_reviewer_may_not_adjust(filled_form, users):
    approve(filled_form, users)
    with pytest.raises(TargetRefused, match="只有本部门的填报员可以发起调整"):
        target_adjust(form=filled_form, user=users["reviewer"], reason="原因")
