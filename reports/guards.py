"""A report's content changes only while it is a draft or returned; an approved one never.

Signal receivers refuse every save and delete of a submitted or approved report and of what
belongs to it, wherever it comes from (forms, the admin, imports, code), reading the
report's status under a row lock when the write runs in a transaction: a save racing a
submit is refused, never written into a submitted report. The workflow changes status with
a queryset update, which is the only way a status moves.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import pre_delete, pre_save

from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
from projects.models import ProjectAssessment, ProjectIndicator
from scoring.models import GroupResult, IndicatorResult

from .models import Report

LOCKED_MESSAGE = (
    "该报告已批准，内容已锁定，不能修改或删除："
    "如确需修改，请联系超级管理员重新打开报告（需填写理由）。"
)
SUBMITTED_MESSAGE = "该报告已提交审核，不能修改：审核人退回后才能再修改。"
STATUS_MESSAGE = "报告状态只能通过“提交审核”“批准”“退回”“重新打开”操作改变。"

REPORT_OWNED: tuple[type[Model], ...] = (
    *(IncomeLine, ExpenditureLine, ThreePublicLine, Project, IndicatorResult, GroupResult),
    *(ProjectAssessment, ProjectIndicator),
)


class ReportNotEditable(ValidationError):
    """An attempt to change a report that is not a draft or returned."""


class ReportLocked(ReportNotEditable):
    """An attempt to change an approved report."""


def _stored_statuses(report_ids) -> list[str]:
    """The reports' statuses, their rows locked until the current transaction ends."""
    reports = Report.objects.filter(pk__in=report_ids)
    if transaction.get_connection().in_atomic_block:
        reports = reports.select_for_update()
    return list(reports.values_list("status", flat=True))


def refuse_unless_editable(report_ids) -> list[str]:
    """Raise ReportNotEditable unless every one of these reports may change now; their
    statuses, as locked, if they may."""
    statuses = _stored_statuses(report_ids)
    if Report.Status.APPROVED in statuses:
        raise ReportLocked(LOCKED_MESSAGE)
    if any(status not in Report.EDITABLE_STATUSES for status in statuses):
        raise ReportNotEditable(SUBMITTED_MESSAGE)
    return statuses


def refuse_report_change(sender, instance: Report, **kwargs):
    if kwargs.get("raw") or instance.pk is None:
        return
    stored = refuse_unless_editable([instance.pk])
    if stored and stored[0] != instance.status:
        raise ValidationError(STATUS_MESSAGE)


def refuse_report_delete(sender, instance: Report, **kwargs):
    if _stored_statuses([instance.pk]) == [Report.Status.APPROVED]:
        raise ReportLocked(LOCKED_MESSAGE)


# The reports that the writer running now (``Report.editing``) has locked and checked.
_session: ContextVar[frozenset[int]] = ContextVar("report_editing_session", default=frozenset())


@contextmanager
def editing_session(report_ids) -> Iterator[None]:
    """Lock these reports and refuse unless editable; rows of them saved inside the block
    are not checked again one by one, nor are the reports by a block nested in it (their
    locks are held until the transaction ends)."""
    if not in_editing_session(report_ids):
        refuse_unless_editable(report_ids)
    token = _session.set(_session.get() | frozenset(report_ids))
    try:
        yield
    finally:
        _session.reset(token)


def in_editing_session(report_ids) -> bool:
    """Whether a writer (``Report.editing``) is writing these reports now."""
    return set(report_ids) <= _session.get()


def refuse_owned_change(sender, instance, **kwargs):
    """The backstop for writes past ``budgets.writers`` and ``scoring.writers``."""
    if kwargs.get("raw"):
        return
    report_ids = {instance.report_id}
    if instance.pk is not None:
        # A line moved from one report to another would change the first one too.
        stored = sender.objects.filter(pk=instance.pk).values_list("report_id", flat=True).first()
        if stored is not None:
            report_ids.add(stored)
    if in_editing_session(report_ids):
        return
    refuse_unless_editable(report_ids)


def connect():
    pre_save.connect(refuse_report_change, sender=Report, dispatch_uid="report_locked_save")
    pre_delete.connect(refuse_report_delete, sender=Report, dispatch_uid="report_locked_delete")
    for model in REPORT_OWNED:
        uid = model._meta.label_lower
        pre_save.connect(refuse_owned_change, sender=model, dispatch_uid=f"{uid}_locked_save")
        pre_delete.connect(refuse_owned_change, sender=model, dispatch_uid=f"{uid}_locked_delete")
