"""Who may move the year's documents (绩效目标表, 监控表) through the report's workflow: the
same table, the same roles, the same refusals, asked of the one policy."""

import pytest

from departments.models import User
from monitoring.services import checkpoint_report_create, checkpoints_default
from perfeval import access
from reports.workflow import TransitionRefused, document_transition, may_take
from targets.demo import demo_targets_load
from targets.services import target_adjust

ROLES = ("clerk", "clerk_b", "reviewer", "reviewer_b", "auditor", "admin")
# Who holds the role for each move on department A's document, whatever its state.
MAY = {
    "submit": {"clerk", "admin"},
    "withdraw": {"clerk", "admin"},
    "approve": {"reviewer", "admin"},
    "return": {"reviewer", "admin"},
}


@pytest.fixture
def documents(world, users):
    """A's approved 2022 targets, their adjustment (a draft), and a draft 监控表."""
    approved = demo_targets_load(
        report=world.report, clerk=users["clerk"], reviewer=users["reviewer"]
    )
    adjusted = target_adjust(form=approved, user=users["clerk"], reason="年中调整")
    checkpoint = checkpoints_default(2022)[0]
    sheet = checkpoint_report_create(department=approved.department, checkpoint=checkpoint)
    return approved, adjusted, sheet


@pytest.mark.parametrize("role", ROLES)
def test_each_move_of_a_year_document_belongs_to_the_report_s_roles(documents, role):
    user = User.objects.get(username=role)
    _, adjusted, sheet = documents
    for document in (adjusted, sheet):
        for action, holders in MAY.items():
            assert may_take(user=user, report=document, action=action) == (role in holders), (
                type(document).__name__,
                action,
            )
        assert access.may(user, access.VIEW, document) == (role in {"clerk", "reviewer", "admin"})
        assert access.may(user, access.CHANGE, document) == (role in {"clerk", "admin"})


@pytest.mark.parametrize("role", ROLES)
def test_only_the_department_s_clerk_or_an_administrator_adjusts_approved_targets(documents, role):
    approved, adjusted, _ = documents
    user = User.objects.get(username=role)
    assert access.may(user, access.ADJUST, approved) == (role in {"clerk", "admin"})
    assert not access.may(user, access.ADJUST, adjusted)  # a draft is changed, not adjusted
    # Auditors see approved targets, never a draft.
    assert access.may(user, access.VIEW, approved) == (role != "clerk_b" and role != "reviewer_b")


def test_targets_go_draft_returned_submitted_approved_with_the_report_s_refusals(documents, users):
    _, adjusted, _ = documents
    clerk, reviewer = users["clerk"], users["reviewer"]
    with pytest.raises(TransitionRefused, match="只有“待审核”的绩效目标表可以批准"):
        document_transition(subject=adjusted, user=reviewer, action="approve")
    document_transition(subject=adjusted, user=clerk, action="submit")
    with pytest.raises(TransitionRefused, match="退回时必须填写意见"):
        document_transition(subject=adjusted, user=reviewer, action="return")
    document_transition(subject=adjusted, user=reviewer, action="return", comment="请说明原因")
    assert adjusted.status == "returned"
    document_transition(subject=adjusted, user=clerk, action="submit")
    with pytest.raises(TransitionRefused, match="您无权批准"):
        document_transition(
            subject=adjusted, user=User.objects.get(username="reviewer_b"), action="approve"
        )
    admin = users["admin"]
    document_transition(subject=adjusted, user=admin, action="approve")
    adjusted.refresh_from_db()
    assert adjusted.status == "approved"
    assert [(t.action, t.to_status) for t in adjusted.transitions.order_by("pk")] == [
        ("submit", "submitted"),
        ("return", "returned"),
        ("submit", "submitted"),
        ("approve", "approved"),
    ]


def test_nobody_approves_targets_they_submitted_themselves(documents, users):
    _, adjusted, _ = documents
    document_transition(subject=adjusted, user=users["admin"], action="submit")
    with pytest.raises(TransitionRefused, match="不能批准自己提交的绩效目标表"):
        document_transition(subject=adjusted, user=users["admin"], action="approve")


def test_a_checkpoint_sheet_with_missing_figures_cannot_be_submitted(documents, users):
    _, _, sheet = documents
    with pytest.raises(TransitionRefused) as refused:
        document_transition(subject=sheet, user=users["clerk"], action="submit")
    assert refused.value.message.startswith("监控表还有")
    assert any("执行数" in error for error in refused.value.errors)
    sheet.refresh_from_db()
    assert sheet.status == "draft"
