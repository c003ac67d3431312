"""The one place that moves a report, or any other reviewed document of a department's year
(绩效目标表, 监控表), through its states, and logs every move.

States: 草稿 → 待审核 → 已批准, or 待审核 → 已退回 → 待审核; 待审核 → 草稿 when the clerk
withdraws (撤回) a submission no reviewer has opened yet; 已批准 → 草稿 only by a superuser
with a reason. Every transition checks role and scope, the current state and,
for submit and approve, the report's checks; then it writes the status and a log entry in
one transaction, with the report row locked. Nothing else changes a status.

Other documents follow the same table and roles (``Flow``, registered by their app with
``flow_register``): the same states, actions and policy (``perfeval.access``), their own log
and checks. ``document_transition`` moves any of them; ``transition_apply`` is its name for
reports.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import serializers
from django.db import transaction
from django.db.models import Max, Model
from django.dispatch import Signal
from django.utils import timezone

from perfeval import access
from perfeval.fields import text_too_long
from perfeval.limits import COMMENT_MAX_CHARS

from .models import ApprovedVersion, Report, ReportTransition, ReviewOpening
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
    """A move from ``sources`` to ``target``; who may make it is ``perfeval.access``'s answer
    for ``action`` (``who`` says it in words)."""

    action: str
    sources: tuple[str, ...]
    target: str
    who: str
    needs_clean_report: bool = False
    comment_required: str = ""

    def allowed(self, user, report: Report) -> bool:
        return access.may(user, self.action, report)


TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition(
        Action.SUBMIT,
        (Status.DRAFT, Status.RETURNED),
        Status.SUBMITTED,
        "本部门的填报员",
        needs_clean_report=True,
    ),
    Action.APPROVE: Transition(
        Action.APPROVE,
        (Status.SUBMITTED,),
        Status.APPROVED,
        "负责该部门的审核人",
        needs_clean_report=True,
    ),
    Action.RETURN: Transition(
        Action.RETURN,
        (Status.SUBMITTED,),
        Status.RETURNED,
        "负责该部门的审核人",
        comment_required="退回时必须填写意见：请写明需要填报员修改的地方。",
    ),
    Action.WITHDRAW: Transition(
        Action.WITHDRAW,
        (Status.SUBMITTED,),
        Status.DRAFT,
        "本部门的填报员",
    ),
    Action.REOPEN: Transition(
        Action.REOPEN,
        (Status.APPROVED,),
        Status.DRAFT,
        "超级管理员",
        comment_required="重新打开已批准的报告必须填写理由。",
    ),
}


def _no_checks(subject) -> tuple[list[str], Any]:
    return [], None


@dataclass(frozen=True)
class Flow:
    """How one kind of document moves through ``TRANSITIONS``: what it is called in messages,
    the append-only log a move writes (its foreign key to the document is ``subject_field``,
    with ``related_name="transitions"``), the checks that must pass before it is submitted or
    approved (error messages, and what they read, handed on to ``approved``), and what
    approving it records besides the log."""

    noun: str
    log_model: type[Model]
    subject_field: str
    checks: Callable[[Any], tuple[list[str], Any]] = _no_checks
    approved: Callable[[Any, Any, Any], None] | None = None  # (locked document, log, checked)


FLOWS: dict[type[Model], Flow] = {}

# Sent inside the transaction of every move, after its log row is written: notifications
# listen (deadlines.notices). Arguments: ``subject`` (the document as locked) and ``log``.
transitioned = Signal()


def flow_register(model: type[Model], flow: Flow) -> None:
    FLOWS[model] = flow


def flow_for(subject) -> Flow:
    try:
        return FLOWS[type(subject)]
    except KeyError:
        raise TypeError(f"{type(subject).__name__} has no workflow (flow_register)") from None


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


def document_history(*, subject) -> list:
    """Any registered document's transitions, oldest first, with who made each."""
    return list(subject.transitions.select_related("user").order_by("created_at", "pk"))


def document_actions(*, user, subject) -> list[str]:
    """The actions ``user`` could take on a registered document in its current state."""
    return available_actions(user=user, report=subject)


def action_label(action: str) -> str:
    return str(dict(Action.choices).get(action, action))


def transition_refusal(*, user, report, action: str, comment: str = "") -> str | None:
    """Why ``user`` may not take ``action`` on ``report`` (or another registered document)
    now, or None if they may.

    The document's checks are not run here (they need the database); see
    ``document_transition``.
    """
    noun = flow_for(report).noun
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
            f"{noun}当前状态为“{report.get_status_display()}”，不能{label}："
            f"只有{sources}的{noun}可以{label}。"
        )
    if transition.comment_required and not comment.strip():
        return transition.comment_required
    if too_long := text_too_long(comment, COMMENT_MAX_CHARS):
        return f"意见{too_long}"
    if action == Action.APPROVE:
        last_submit = last_submission(report)
        if last_submit and last_submit.user_id == user.pk:
            return f"不能批准自己提交的{noun}：请由另一位审核人批准。"
    if action == Action.WITHDRAW and review_started(report):
        return (
            "审核人已开始审核这份报告，不能撤回："
            "如需修改，请联系审核人退回，退回后即可修改并再次提交。"
        )
    return None


def last_submission(report):
    """The log row of the document's last submission, or None."""
    return report.transitions.filter(action=Action.SUBMIT).order_by("-pk").first()


def review_started(report) -> bool:
    """Whether a reviewer has opened the report since it was last submitted (only reports
    record openings; other documents may be withdrawn until a decision)."""
    if not isinstance(report, Report):
        return False
    submission = last_submission(report)
    return submission is not None and submission.openings.exists()


def review_opened(*, report: Report, user) -> None:
    """Record that ``user``, who may decide on the report, has opened it for review: from now
    on its clerk can no longer withdraw this submission. Once per submission and reviewer."""
    if report.status != Status.SUBMITTED or not access.may(user, access.APPROVE, report):
        return
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        submission = last_submission(locked)
        if locked.status != Status.SUBMITTED or submission is None:
            return
        if not submission.openings.filter(user=user).exists():
            ReviewOpening.objects.create(submission=submission, user=user)


def state_note(report) -> str:
    """What the report's state means for its clerk, in words (not a missing permission)."""
    if report.status == Status.SUBMITTED:
        if review_started(report):
            return "已提交，审核人正在审核：审核期间不能修改；如需修改，请联系审核人退回。"
        return "已提交，等待审核：审核期间不能修改；审核人打开之前，您可以撤回后再修改。"
    if report.status == Status.APPROVED:
        return "已批准：内容已锁定，不能修改。"
    return ""


def may_take(*, user, report, action: str) -> bool:
    """Whether ``user`` holds the role for ``action`` on the report, whatever its state: a
    refusal then speaks of the state or the report's content, not of a permission."""
    transition = TRANSITIONS.get(action)
    return transition is not None and transition.allowed(user, report)


def done_message(*, report, action: str) -> str:
    """What a user is told after taking ``action`` on a report (or another registered
    document): the state it is now in."""
    noun = flow_for(report).noun
    if action == Action.SUBMIT:
        if isinstance(report, Report):
            return "已提交，等待审核：审核人打开之前，您可以在报告页面撤回后再修改。"
        return "已提交，等待审核：审核人作出决定之前，您可以撤回后再修改。"
    if action == Action.WITHDRAW:
        return f"已撤回：{noun}回到草稿，可以继续修改，改好后再次提交审核。"
    return f"已{action_label(action)}：当前状态“{report.get_status_display()}”。"


def available_actions(*, user, report) -> list[str]:
    """The actions this user could take on the report in its current state."""
    actions = [
        action
        for action, transition in TRANSITIONS.items()
        if report.status in transition.sources and transition.allowed(user, report)
    ]
    if Action.WITHDRAW in actions and review_started(report):
        actions.remove(Action.WITHDRAW)
    return actions


def transition_apply(*, report: Report, user, action: str, comment: str = "") -> ReportTransition:
    """Move a report through the workflow, or raise TransitionRefused saying why not."""
    return document_transition(subject=report, user=user, action=action, comment=comment)


@transaction.atomic
def document_transition(*, subject, user, action: str, comment: str = ""):
    """Move a registered document through the workflow, or raise TransitionRefused saying
    why not; the log row written."""
    flow = flow_for(subject)
    model = type(subject)
    queryset = model._default_manager.select_for_update()
    if isinstance(subject, Report):
        queryset = queryset.select_related("department", "framework")
    locked = queryset.get(pk=subject.pk)
    refusal = transition_refusal(user=user, report=locked, action=action, comment=comment)
    if refusal:
        raise TransitionRefused(refusal)
    transition = TRANSITIONS[action]
    checked = None
    if transition.needs_clean_report:
        messages, checked = flow.checks(locked)
        if messages:
            raise TransitionRefused(
                f"{flow.noun}还有 {len(messages)} 个错误，不能{action_label(action)}："
                "请先改正以下问题。",
                messages,
            )
    changes: dict[str, Any] = {"status": transition.target}
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        changes["updated_at"] = timezone.now()
    model._default_manager.filter(pk=locked.pk).update(**changes)
    log = flow.log_model._default_manager.create(
        **{flow.subject_field: locked},
        action=action,
        from_status=locked.status,
        to_status=transition.target,
        user=user,
        comment=comment.strip(),
    )
    locked.status = subject.status = transition.target
    if action == Action.APPROVE and flow.approved is not None:
        flow.approved(locked, log, checked)
    transitioned.send(sender=model, subject=locked, log=log)
    return log


def _report_checks(report: Report):
    data = report_data(report=report)
    return [check.message for check in data.errors], data


def _report_approved(report: Report, log: ReportTransition, data) -> None:
    version = _record_approved_version(report, log, data)
    # The official PDF is made once, now, in the background (inline without a worker).
    official_pdf_enqueue(version_ids=[version.pk])


flow_register(
    Report,
    Flow(
        noun="报告",
        log_model=ReportTransition,
        subject_field="report",
        checks=_report_checks,
        approved=_report_approved,
    ),
)


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
    return transition_apply(report=report, user=user, action=Action.SUBMIT, comment=comment)


def report_approve(*, report: Report, user, comment: str = "") -> ReportTransition:
    return transition_apply(report=report, user=user, action=Action.APPROVE, comment=comment)


def transitions_planned(
    *, report: Report, actions: tuple[str, ...], user, comments: dict[str, str] | None = None
) -> list[ReportTransition]:
    """Unsaved log rows for ``report`` taken from 草稿 through ``actions`` by the transition
    table, for generated test data written in bulk (reports.demo.province): each action must
    start where the previous one ended, and a required comment must be given. The report's
    status (``report.status``) is set to where the actions end; nothing is checked or saved."""
    comments = comments or {}
    rows: list[ReportTransition] = []
    status: str = Status.DRAFT
    for action in actions:
        transition = TRANSITIONS[action]
        comment = comments.get(action, "")
        if status not in transition.sources or (transition.comment_required and not comment):
            raise ValueError(f"{action} cannot follow {status} (comment {comment!r})")
        rows.append(
            ReportTransition(
                report=report,
                action=action,
                from_status=status,
                to_status=transition.target,
                user=user,
                comment=comment,
            )
        )
        status = transition.target
    report.status = status
    return rows
