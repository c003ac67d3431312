"""Notifications of the workflow's moves: 退回 and 批准 to the department's clerks, 提交 to
its reviewers, for reports and every other registered document."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from reports.models import Report, ReportTransition

from .models import Notification
from .services import department_clerks, department_reviewers, notify

Kind = Notification.Kind
Action = ReportTransition.Action


def document_url(subject) -> str:
    """Where the document is read: its ``get_absolute_url``, a report's page, or nothing."""
    absolute = getattr(subject, "get_absolute_url", None)
    try:
        if callable(absolute):
            return str(absolute())
        if isinstance(subject, Report):
            return reverse("report_detail", args=[subject.pk])
    except NoReverseMatch:
        pass
    return ""


def transition_notify(sender, *, subject, log, **kwargs) -> None:
    """Receiver of ``reports.workflow.transitioned``, inside the move's transaction."""
    department_id = subject.department_id
    actor = log.user_id
    if log.action == Action.RETURN:
        users, kind = department_clerks(department_id), Kind.RETURNED
        text = f"{subject}已退回：{log.comment}" if log.comment else f"{subject}已退回。"
    elif log.action == Action.APPROVE:
        users, kind, text = department_clerks(department_id), Kind.APPROVED, f"{subject}已批准。"
    elif log.action == Action.SUBMIT:
        users, kind = department_reviewers(department_id), Kind.SUBMITTED
        text = f"{subject}已提交，等待审核。"
    else:
        return
    users = [user for user in users if user.pk != actor]
    if users:
        notify(users=users, kind=kind, text=text, url=document_url(subject))
