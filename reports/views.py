"""Pages of the report: home, read-only report, workflow buttons. Thin: rules live elsewhere."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from departments.roles import user_roles

from . import workflow
from .forms import NARRATIVE_SECTIONS, SECTION_FIELDS, SECTION_TITLES, narrative_form_class
from .models import Report
from .selectors import report_document, report_scores
from .workflow import TransitionRefused


def report_for(user, pk: int) -> Report:
    """The report, if this user may see it; 404 otherwise, so others' reports stay unknown."""
    report = get_object_or_404(Report.objects.select_related("department", "framework"), pk=pk)
    if not workflow.can_view(user, report):
        raise Http404("没有找到该报告。")
    return report


def home(request):
    reports = list(workflow.visible_reports(request.user).order_by("-year", "department__code"))
    scores = report_scores(reports=reports)
    return render(
        request,
        "reports/home.html",
        {
            "rows": [(report, scores.get(report.pk)) for report in reports],
            "roles": sorted(user_roles(request.user)),
        },
    )


def report_detail(request, pk: int):
    report = report_for(request.user, pk)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "doc": report_document(report=report),
            "can_edit": workflow.can_edit(request.user, report),
            "actions": workflow.available_actions(user=request.user, report=report),
            "transition_url": reverse("report_transition", args=[report.pk]),
            "transitions": report.transitions.select_related("user"),
        },
    )


def editable_report_for(user, pk: int) -> Report:
    """The report, if this user may edit it now; 404 if they may not see it, else 403."""
    report = report_for(user, pk)
    if not workflow.can_edit(user, report):
        if report.is_locked:
            raise PermissionDenied("该报告已批准，内容已锁定，不能修改。")
        if not report.is_editable:
            raise PermissionDenied(
                f"该报告处于“{report.get_status_display()}”状态，不能修改：审核人退回后才能再修改。"
            )
        raise PermissionDenied("您无权修改该报告：只有本部门的填报员可以修改。")
    return report


def report_edit(request, pk: int, section: str = "overview"):
    report = editable_report_for(request.user, pk)
    if section not in SECTION_FIELDS:
        raise Http404("没有这一部分。")
    form_class = narrative_form_class(section)
    form = form_class(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"已保存“{SECTION_TITLES[section]}”。")
        return redirect("report_edit", pk=report.pk, section=section)
    return render(
        request,
        "reports/report_edit.html",
        {
            "report": report,
            "form": form,
            "section": section,
            "sections": NARRATIVE_SECTIONS,
        },
    )


@require_POST
def report_transition(request, pk: int):
    report = report_for(request.user, pk)
    action = request.POST.get("action", "")
    try:
        workflow.report_transition(
            report=report, user=request.user, action=action, comment=request.POST.get("comment", "")
        )
    except TransitionRefused as refused:
        if not workflow.available_actions(user=request.user, report=report):
            raise PermissionDenied(refused.message) from None
        messages.error(request, refused.message)
        for error in refused.errors:
            messages.error(request, error)
    else:
        messages.success(
            request,
            f"已{workflow.action_label(action)}：当前状态“{report.get_status_display()}”。",
        )
    return redirect("report_detail", pk=report.pk)
