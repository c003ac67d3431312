"""A target form through the one transition service: draft, review, approval, adjustment."""

import pytest

from reports import workflow
from reports.workflow import TransitionRefused
from targets.selectors import approved_targets, targets_label
from targets.services import target_adjust

from .conftest import YEAR, fill

pytestmark = pytest.mark.django_db


def move(form, user, action, comment=""):
    workflow.document_transition(subject=form, user=user, action=action, comment=comment)
    form.refresh_from_db()


def test_draft_submit_return_resubmit_approve(filled_form, users):
    clerk, reviewer = users["clerk"], users["reviewer"]
    move(filled_form, clerk, "submit")
    assert filled_form.status == "submitted"
    move(filled_form, reviewer, "return", "请细化年度总体目标。")
    assert filled_form.status == "returned"
    fill(filled_form, clerk, annual_goal="目标1：……；目标2：……")
    move(filled_form, clerk, "submit")
    move(filled_form, reviewer, "approve")
    assert filled_form.status == "approved"
    history = workflow.document_history(subject=filled_form)
    assert [(t.action, t.to_status) for t in history] == [
        ("submit", "submitted"),
        ("return", "returned"),
        ("submit", "submitted"),
        ("approve", "approved"),
    ]
    assert history[1].comment == "请细化年度总体目标。"


def test_submitting_an_incomplete_form_is_refused_with_what_to_fix(blank_form, users):
    with pytest.raises(TransitionRefused) as refused:
        move(blank_form, users["clerk"], "submit")
    assert refused.value.message.startswith("绩效目标表还有 3 个错误，不能提交审核")
    assert any("年度总体目标未填写" in error for error in refused.value.errors)
    blank_form.refresh_from_db()
    assert blank_form.status == "draft"


def test_returning_without_a_comment_is_refused(filled_form, users):
    move(filled_form, users["clerk"], "submit")
    with pytest.raises(TransitionRefused, match="退回时必须填写意见"):
        move(filled_form, users["reviewer"], "return", "  ")


def test_approving_ones_own_submission_is_refused(filled_form, users):
    admin = users["admin"]
    move(filled_form, admin, "submit")
    with pytest.raises(TransitionRefused, match="不能批准自己提交的绩效目标表"):
        move(filled_form, admin, "approve")


def test_a_clerk_may_not_approve(filled_form, users):
    move(filled_form, users["clerk"], "submit")
    with pytest.raises(TransitionRefused, match="您无权批准"):
        move(filled_form, users["clerk"], "approve")


def test_no_approved_targets_before_approval(filled_form):
    assert approved_targets(department_id=filled_form.department_id, year=YEAR) is None


def test_approved_targets_are_the_last_approved_version(filled_form, users):
    clerk, reviewer = users["clerk"], users["reviewer"]
    move(filled_form, clerk, "submit")
    move(filled_form, reviewer, "approve")
    first = approved_targets(department_id=filled_form.department_id, year=YEAR)
    assert first.number == 1 and first.form == filled_form
    assert set(first.values.values()) == {"≥80%"}
    assert first.budget["fiscal"] == filled_form.budget_fiscal
    assert first.label.startswith("第 1 版绩效目标（") and first.label.endswith("批准）")

    adjusted = target_adjust(form=filled_form, user=clerk, reason="追加预算")
    row = adjusted.rows.first()
    fill(adjusted, clerk)
    from targets.services import target_form_save

    target_form_save(form=adjusted, user=clerk, header={}, rows={row.indicator_id: {"value": "90"}})
    assert approved_targets(department_id=filled_form.department_id, year=YEAR).number == 1
    move(adjusted, clerk, "submit")
    move(adjusted, reviewer, "approve")
    second = approved_targets(department_id=filled_form.department_id, year=YEAR)
    assert (second.number, second.form) == (2, adjusted)
    assert second.values[row.indicator_id] == "≥90%"
    assert second.label.endswith("批准，调整）")
    filled_form.refresh_from_db()
    assert filled_form.status == "approved"
    assert filled_form.rows.get(indicator_id=row.indicator_id).target_text == "≥80%"


def test_the_label_names_the_version_the_day_and_an_adjustment():
    from datetime import UTC, datetime

    moment = datetime(2022, 6, 14, 18, 0, tzinfo=UTC)  # 15 June in Beijing
    adjusted = targets_label(number=2, approved_at=moment)
    assert adjusted == "第 2 版绩效目标（2022年6月15日批准，调整）"
    assert targets_label(number=1, approved_at=moment) == "第 1 版绩效目标（2022年6月15日批准）"
