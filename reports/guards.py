"""Nothing of an approved report changes: not its figures, results, narrative or status.

Signal receivers refuse every save and delete of an approved report and of what belongs to
it, wherever it comes from (forms, the admin, imports, code). The workflow changes status
with a queryset update, which is the only way a status moves.
"""

from django.core.exceptions import ValidationError
from django.db.models.signals import pre_delete, pre_save

from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
from scoring.models import GroupResult, IndicatorResult

from .models import Report

LOCKED_MESSAGE = (
    "该报告已批准，内容已锁定，不能修改或删除："
    "如确需修改，请联系超级管理员重新打开报告（需填写理由）。"
)
STATUS_MESSAGE = "报告状态只能通过“提交审核”“批准”“退回”“重新打开”操作改变。"

REPORT_OWNED = (IncomeLine, ExpenditureLine, ThreePublicLine, Project, IndicatorResult, GroupResult)


class ReportLocked(ValidationError):
    """An attempt to change an approved report."""


def _stored_status(report_id) -> str | None:
    return Report.objects.filter(pk=report_id).values_list("status", flat=True).first()


def refuse_report_change(sender, instance: Report, **kwargs):
    if kwargs.get("raw") or instance.pk is None:
        return
    stored = _stored_status(instance.pk)
    if stored == Report.Status.APPROVED:
        raise ReportLocked(LOCKED_MESSAGE)
    if stored is not None and stored != instance.status:
        raise ValidationError(STATUS_MESSAGE)


def refuse_report_delete(sender, instance: Report, **kwargs):
    if _stored_status(instance.pk) == Report.Status.APPROVED:
        raise ReportLocked(LOCKED_MESSAGE)


def refuse_owned_change(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    report_ids = {instance.report_id}
    if instance.pk is not None:
        # A line moved from one report to another would change the first one too.
        stored = sender.objects.filter(pk=instance.pk).values_list("report_id", flat=True).first()
        if stored is not None:
            report_ids.add(stored)
    # Read again before every save; reports.totals refreshes the report it leaves as well.
    instance._stored_report_ids = report_ids
    if Report.objects.filter(pk__in=report_ids, status=Report.Status.APPROVED).exists():
        raise ReportLocked(LOCKED_MESSAGE)


def connect():
    pre_save.connect(refuse_report_change, sender=Report, dispatch_uid="report_locked_save")
    pre_delete.connect(refuse_report_delete, sender=Report, dispatch_uid="report_locked_delete")
    for model in REPORT_OWNED:
        uid = model._meta.label_lower
        pre_save.connect(refuse_owned_change, sender=model, dispatch_uid=f"{uid}_locked_save")
        pre_delete.connect(refuse_owned_change, sender=model, dispatch_uid=f"{uid}_locked_delete")
