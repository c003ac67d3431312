"""Monitoring pages: the checkpoints, a checkpoint's departments, a 监控表 and its editing."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from departments import roles
from perfeval import access
from perfeval.converters import YearConverter
from reports import workflow
from reports.models import MAX_YEAR, MIN_YEAR
from reports.views.moves import transition_posted
from targets.selectors import approved_targets

from . import selectors, services
from .documents import checkpoint_report_pdf_response, checkpoint_report_xlsx_response
from .forms import CheckpointHeaderForm, row_forms
from .models import Checkpoint, CheckpointReport


def _sees_overview(user) -> bool:
    return bool(roles.reviewed_department_ids(user)) or roles.is_admin(user)


def monitoring_list(request):
    department = request.user.department
    checkpoints = list(access.scope(request.user, Checkpoint).order_by("-year", "period_end"))
    own = {}
    if department is not None:
        own = {
            report.checkpoint_id: report
            for report in access.scope(request.user, CheckpointReport).filter(department=department)
        }
    can_start = department is not None and access.may(request.user, access.START, department)
    today = timezone.localdate()
    entries = [
        {
            "checkpoint": checkpoint,
            "report": own.get(checkpoint.pk),
            "state": selectors.state_label(own.get(checkpoint.pk)),
            "late": department is not None
            and selectors.is_late(own.get(checkpoint.pk), checkpoint, today),
        }
        for checkpoint in checkpoints
    ]
    years = [
        (year, list(group)) for year, group in groupby(entries, key=lambda e: e["checkpoint"].year)
    ]
    return render(
        request,
        "monitoring/list.html",
        {
            "years": years,
            "department": department,
            "can_start": can_start,
            "sees_overview": _sees_overview(request.user),
            "can_set_defaults": access.may(request.user, access.ADD, Checkpoint),
            "this_year": today.year,
        },
    )


@require_POST
def checkpoints_default(request):
    if not access.may(request.user, access.ADD, Checkpoint):
        raise PermissionDenied("只有管理员可以设置检查点。")
    year_text = request.POST.get("year", "")
    if not YearConverter.is_valid(year_text) or not MIN_YEAR <= int(year_text) <= MAX_YEAR:
        messages.error(request, f"未设置检查点：请填写 {MIN_YEAR} 到 {MAX_YEAR} 之间的年度。")
        return redirect("monitoring_list")
    year = int(year_text)
    existed = Checkpoint.objects.filter(year=year).exists()
    services.checkpoints_default(year)
    if existed:
        messages.info(request, f"{year} 年已有检查点，未作改动：请在管理后台修改。")
    else:
        messages.success(
            request, f"已按通用规则设置 {year} 年的四个检查点（4、6、8、10 月末，25%—80%）。"
        )
    return redirect("monitoring_list")


def checkpoint_overview(request, pk: int):
    checkpoint = get_object_or_404(access.scope(request.user, Checkpoint), pk=pk)
    rows = selectors.checkpoint_overview(user=request.user, checkpoint=checkpoint)
    return render(
        request,
        "monitoring/overview.html",
        {
            "checkpoint": checkpoint,
            "rows": rows,
            "alerted": sum(1 for row in rows if row.alerts),
            "late": sum(1 for row in rows if row.late),
        },
    )


@require_POST
def checkpoint_report_start(request, pk: int):
    checkpoint = get_object_or_404(access.scope(request.user, Checkpoint), pk=pk)
    department = request.user.department
    if department is None or not access.may(request.user, access.START, department):
        raise PermissionDenied("只有部门的填报员可以填报本部门的监控表。")
    existing = CheckpointReport.objects.filter(department=department, checkpoint=checkpoint)
    if report := existing.first():
        messages.info(request, f"{checkpoint}的监控表已经存在：请继续填写。")
        return redirect("checkpoint_report_detail", pk=report.pk)
    previous = selectors.previous_report(department=department, checkpoint=checkpoint)
    approved = approved_targets(department_id=department.pk, year=checkpoint.year)
    try:
        report = services.checkpoint_report_create(
            department=department,
            checkpoint=checkpoint,
            **selectors.start_values(previous, approved),
        )
    except (IntegrityError, ValidationError):  # started twice at once: open the one that won
        report = existing.get()
    messages.success(request, f"已新建{checkpoint}的监控表：请填写执行数和各指标的完成情况。")
    return redirect("checkpoint_report_edit", pk=report.pk)


def _report_for(user, pk: int) -> CheckpointReport:
    """The report, if this user may see it; 404 otherwise."""
    reports = CheckpointReport.objects.select_related("department", "checkpoint", "framework")
    return get_object_or_404(access.scope(user, CheckpointReport, reports), pk=pk)


def checkpoint_report_detail(request, pk: int):
    report = _report_for(request.user, pk)
    rows = selectors.report_rows(report=report)
    alerts = selectors.report_alerts(report=report, rows=rows)
    actions = workflow.document_actions(user=request.user, subject=report)
    transitions = workflow.document_history(subject=report)
    context = {
        "report": report,
        "rows": rows,
        "alerts": alerts,
        "row_alerts": {alert.indicator_id: alert for alert in alerts if alert.indicator_id},
        "execution_alert": next((a for a in alerts if a.indicator_id is None), None),
        "can_edit": access.may(request.user, access.CHANGE, report),
        "actions": actions,
        "transition_url": reverse("checkpoint_report_transition", args=[report.pk]),
        "transitions": transitions,
    }
    if report.status == "returned" and transitions:
        context["return_comment"] = transitions[-1].comment
    if "submit" in actions:
        context["submit_errors"] = selectors.checkpoint_report_checks(report)[0]
    return render(request, "monitoring/report_detail.html", context)


@require_POST
def checkpoint_report_transition(request, pk: int):
    report = _report_for(request.user, pk)
    transition_posted(request, report)
    return redirect("checkpoint_report_detail", pk=report.pk)


def checkpoint_report_edit(request, pk: int):
    report = _report_for(request.user, pk)
    if not access.may(request.user, access.CHANGE, report):
        if report.is_editable:
            raise PermissionDenied("只有本部门的填报员和管理员可以修改监控表。")
        messages.info(request, f"监控表当前为“{report.get_status_display()}”，不能修改。")
        return redirect("checkpoint_report_detail", pk=report.pk)
    rows = selectors.report_rows(report=report)
    data = request.POST if request.method == "POST" else None
    header = CheckpointHeaderForm(data, instance=report, prefix="header")
    forms = row_forms(rows, data)
    if data is not None and header.is_valid() and all(form.is_valid() for form in forms):
        try:
            services.checkpoint_report_save(
                report=report,
                user=request.user,
                header=header.cleaned_data,
                rows={form.instance.indicator_id: form.cleaned_data for form in forms},
            )
        except services.SaveRefused as refused:
            messages.error(request, f"未保存：{refused.message}")
            return redirect("checkpoint_report_detail", pk=report.pk)
        messages.success(request, "已保存。")
        return redirect("checkpoint_report_edit", pk=report.pk)
    if data is not None:
        messages.error(request, "未保存：请按各栏旁的提示改正后再保存。")
    alerts = selectors.report_alerts(report=report, rows=rows) if data is None else []
    return render(
        request,
        "monitoring/report_edit.html",
        {
            "report": report,
            "header": header,
            "forms": forms,
            "alerts": alerts,
            "row_alerts": {alert.indicator_id: alert for alert in alerts if alert.indicator_id},
            "execution_alert": next((a for a in alerts if a.indicator_id is None), None),
        },
    )


def checkpoint_report_pdf(request, pk: int):
    return checkpoint_report_pdf_response(report=_report_for(request.user, pk))


def checkpoint_report_xlsx(request, pk: int):
    return checkpoint_report_xlsx_response(report=_report_for(request.user, pk))
