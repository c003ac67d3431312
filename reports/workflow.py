"""The one place that decides who may see, edit and move a report, and moves it.

States: 草稿 → 待审核 → 已批准, or 待审核 → 已退回 → 待审核; 已批准 → 草稿 only by a
superuser with a reason. Every transition checks role and scope, the current state and,
for submit and approve, the report's checks; then it writes the status and a log entry in
one transaction, with the report row locked. Nothing else changes a status.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core import serializers
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from departments.roles import (
    AUDITOR,
    CLERK,
    REVIEWER,
    is_admin,
    is_auditor,
    is_clerk_of,
    reviews,
    user_roles,
)

from .models import ApprovedVersion, Report, ReportTransition
from .selectors import report_data, report_summary
from .tasks import official_pdf_enqueue

Status = Report.Status
Action = ReportTransition.Action


class TransitionRefused(Exception):
    """A transition that may not happen; the message says why and what to do."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    allowed: Callable[[object, Report], bool]
    who: str
    needs_clean_report: bool = False
    comment_required: str = ""


def _clerk_or_admin(user, report) -> bool:
    return is_clerk_of(user, report.department_id) or is_admin(user)


def _reviewer_or_admin(user, report) -> bool:
    return reviews(user, report.department_id) or is_admin(user)


TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(
        Action.SUBMIT,
        (Status.DRAFT, Status.RETURNED),
        Status.SUBMITTED,
        _clerk_or_admin,
        "本部门的填报员",
        needs_clean_report=True,
    ),
    Action.APPROVE: Transition(
        Action.APPROVE,
        (Status.SUBMITTED,),
        Status.APPROVED,
        _reviewer_or_admin,
        "负责该部门的审核人",
        needs_clean_report=True,
    ),
    Action.RETURN: Transition(
        Action.RETURN,
        (Status.SUBMITTED,),
        Status.RETURNED,
        _reviewer_or_admin,
        "负责该部门的审核人",
        comment_required="退回时必须填写意见：请写明需要填报员修改的地方。",
    ),
    Action.REOPEN: Transition(
        Action.REOPEN,
        (Status.APPROVED,),
        Status.DRAFT,
        lambda user, report: user.is_superuser,
        "超级管理员",
        comment_required="重新打开已批准的报告必须填写理由。",
    ),
}


def visible_reports(user):
    """The reports a user may open: the same rule as ``can_view``, as a queryset."""
    reports = Report.objects.select_related("department", "framework")
    if not user.is_authenticated:
        return reports.none()
    if is_admin(user):
        return reports
    scope = Q(pk__in=[])
    roles = user_roles(user)
    if CLERK in roles and user.department_id:
        scope |= Q(department_id=user.department_id)
    if REVIEWER in roles:
        scope |= Q(department__in=user.reviewed_departments.all())
    if AUDITOR in roles:
        scope |= Q(status=Status.APPROVED)
    return reports.filter(scope)


def can_view(user, report: Report) -> bool:
    if not user.is_authenticated:
        return False
    if is_admin(user) or is_clerk_of(user, report.department_id):
        return True
    if reviews(user, report.department_id):
        return True
    return is_auditor(user) and report.status == Status.APPROVED


# What a report's page shows of its history.
HISTORY_FIELDS = (
    "report_id",
    "action",
    "from_status",
    "to_status",
    "comment",
    "created_at",
    "user__first_name",
    "user__username",
)


def report_history(*, report: Report) -> list[ReportTransition]:
    """The report's transitions, oldest first, with the name of who made each."""
    transitions = (
        report.transitions.select_related("user")
        .only(*HISTORY_FIELDS)
        # Not Meta.ordering, which would join the report and its department to sort.
        .order_by("created_at", "pk")
    )
    return list(transitions)


def can_start(user, department) -> bool:
    """Clerks start their own department's next report; administrators any department's."""
    return is_clerk_of(user, department.pk) or is_admin(user)


def can_edit(user, report: Report) -> bool:
    """Clerks of the department (and administrators) edit drafts and returned reports."""
    return report.is_editable and _clerk_or_admin(user, report)


def can_download(user, report: Report) -> bool:
    """The official PDF of an approved report: everyone who may see the report."""
    return report.status == Status.APPROVED and can_view(user, report)


def can_preview_pdf(user, report: Report) -> bool:
    """A watermarked PDF of a report not yet approved: its clerks, reviewers, administrators.

    Auditors never see reports before approval (``can_view``), so never get one.
    """
    return report.status != Status.APPROVED and can_view(user, report)


def action_label(action: str) -> str:
    return dict(Action.choices).get(action, action)


def transition_refusal(*, user, report: Report, action: str, comment: str = "") -> str | None:
    """Why ``user`` may not take ``action`` on ``report`` now, or None if they may.

    The report's checks are not run here (they need the database); see ``report_transition``.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        return f"未知的操作“{action}”：可用的操作有 {'、'.join(TRANSITIONS)}。"
    label = action_label(action)
    if not user.is_authenticated:
        return "请先登录。"
    if not transition.allowed(user, report):
        return f"您无权{label}“{report}”：只有{transition.who}可以{label}。"
    if report.status not in transition.sources:
        sources = "、".join(f"“{Status(s).label}”" for s in transition.sources)
        return (
            f"报告当前状态为“{report.get_status_display()}”，不能{label}："
            f"只有{sources}的报告可以{label}。"
        )
    if transition.comment_required and not comment.strip():
        return transition.comment_required
    if action == Action.APPROVE:
        last_submit = report.transitions.filter(action=Action.SUBMIT).order_by("-pk").first()
        if last_submit and last_submit.user_id == user.pk:
            return "不能批准自己提交的报告：请由另一位审核人批准。"
    return None


def available_actions(*, user, report: Report) -> list[str]:
    """The actions this user could take on the report in its current state."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if report.status in transition.sources and transition.allowed(user, report)
    ]


@transaction.atomic
def report_transition(*, report: Report, user, action: str, comment: str = "") -> ReportTransition:
    """Move a report through the workflow, or raise TransitionRefused saying why not."""
    locked = (
        Report.objects.select_for_update()
        .select_related("department", "framework")
        .get(pk=report.pk)
    )
    refusal = transition_refusal(user=user, report=locked, action=action, comment=comment)
    if refusal:
        raise TransitionRefused(refusal)
    transition = TRANSITIONS[action]
    if transition.needs_clean_report:
        data = report_data(report=locked)
        if data.errors:
            messages = [check.message for check in data.errors]
            raise TransitionRefused(
                f"报告还有 {len(messages)} 个错误，不能{action_label(action)}：请先改正以下问题。",
                messages,
            )
    now = timezone.now()
    Report.objects.filter(pk=locked.pk).update(status=transition.target, updated_at=now)
    log = ReportTransition.objects.create(
        report=locked,
        action=action,
        from_status=locked.status,
        to_status=transition.target,
        user=user,
        comment=comment.strip(),
    )
    locked.status = report.status = transition.target
    if action == Action.APPROVE:
        version = _record_approved_version(locked, log, data)
        # The official PDF is made once, now, in the background (inline without a worker).
        official_pdf_enqueue(version_ids=[version.pk])
    return log


def _record_approved_version(report: Report, log: ReportTransition, data) -> ApprovedVersion:
    owned = [
        report,
        *report.income_lines.all(),
        *report.expenditure_lines.all(),
        *report.three_public_lines.all(),
        *report.projects.all(),
        *report.indicator_results.all(),
        *report.group_results.all(),
    ]
    number = (report.approved_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return ApprovedVersion.objects.create(
        report=report,
        number=number,
        transition=log,
        summary=report_summary(report=report, data=data),
        total_score=data.scorecard.total_score,
        grade=data.scorecard.grade,
        content=json.loads(serializers.serialize("json", owned)),
    )


def report_submit(*, report: Report, user, comment: str = "") -> ReportTransition:
    return report_transition(report=report, user=user, action=Action.SUBMIT, comment=comment)


def report_approve(*, report: Report, user, comment: str = "") -> ReportTransition:
    return report_transition(report=report, user=user, action=Action.APPROVE, comment=comment)


def report_return(*, report: Report, user, comment: str) -> ReportTransition:
    return report_transition(report=report, user=user, action=Action.RETURN, comment=comment)


def report_reopen(*, report: Report, user, comment: str) -> ReportTransition:
    return report_transition(report=report, user=user, action=Action.REOPEN, comment=comment)
