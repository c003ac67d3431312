"""The clerk's home, starting a year's report, a report's page and its workflow buttons."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from deadlines.selectors import home_panels
from departments.roles import user_roles
from perfeval import access, pagecache
from perfeval.landing import landing
from perfeval.policy import PUBLISH

from .. import archive, editor, workflow
from ..documents import report_document_html
from ..forms import ReportStartForm
from ..models import MAX_YEAR, Report
from ..services import report_create, report_start_next_year
from ..totals import with_scores
from ..workflow import TransitionRefused
from ..year import report_year
from .access import report_and_version_for, report_for
from .edit import check_links


def home(request):
    visible = access.visible_reports(request.user).order_by("-year", "department__code")
    reports = list(with_scores(visible))
    department = request.user.department
    own = [r for r in reports if department and r.department_id == department.pk]
    return render(
        request,
        "reports/home.html",
        {
            "rows": [(report, (report.score_total, report.score_grade)) for report in reports],
            "roles": sorted(user_roles(request.user)),
            "can_start": department is not None
            and access.may(request.user, access.START, department),
            "next_year": (max(r.year for r in own) + 1) if own else None,
            "latest": own[0] if own else None,
            # A reviewer's or auditor's work starts elsewhere: the page says where.
            "landing": landing(request.user),
            # What the department has due, which departments are late, unread notices.
            **home_panels(request.user),
        },
    )


@require_POST
def report_start(request):
    department = request.user.department
    if department is None or not access.may(request.user, access.START, department):
        raise PermissionDenied("只有部门的填报员可以新建本部门的报告。")
    form = ReportStartForm(request.POST)
    latest = Report.objects.filter(department=department).order_by("-year").first()
    if not form.is_valid() or (latest is None and form.cleaned_data["year"] is None):
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, f"未新建报告：{errors[0] if errors else '请填写年度，如 2023。'}")
        return redirect("home")
    year = latest.year + 1 if latest else form.cleaned_data["year"]
    if year > MAX_YEAR:
        messages.error(request, f"未新建报告：年度不能晚于 {MAX_YEAR} 年。")
        return redirect("home")
    if Report.objects.filter(department=department, year=year).exists():
        messages.error(request, f"{year} 年的报告已经存在：请在列表中打开它继续填写。")
        return redirect("home")
    if latest is not None and form.cleaned_data["mode"] == "copy":
        report = report_start_next_year(previous=latest)
        messages.success(
            request,
            f"已按 {latest.year} 年报告新建 {year} 年报告："
            "复制了文字、收支和项目的结构及年度指标值。沿用的文字标有“沿用上年内容”，"
            "请逐段改写；金额、完成值和得分请重新填写。",
        )
    else:
        report = report_create(department=department, year=year)
        messages.success(request, f"已新建 {year} 年报告（默认指标体系）。")
    return redirect("report_edit", pk=report.pk, section="overview")


def report_detail(request, pk: int):
    generation = pagecache.generation()  # before anything the page shows is read
    report, version = report_and_version_for(request.user, pk, generation=generation)
    if version is not None:
        return _approved_page(request, report, version, generation)
    # A reviewer has seen the submission here as in the admin: no withdrawing it any more.
    workflow.review_opened(report=report, user=request.user)
    return render(request, "reports/report_detail.html", _detail_context(request, report))


# What makes an approved report's page differ between users (besides the menu).
PAGE_PERMISSIONS = (
    access.CHANGE,
    access.DOWNLOAD,
    access.PREVIEW,
    access.SUBMIT,
    access.COMMENT,
    PUBLISH,
)


def _approved_page(request, report, version, generation: str):
    """An approved report's page, kept (perfeval/pagecache.py): its body per approved version
    and per what the user may do with it, shared by all such users; the page around it per
    user."""
    user = request.user
    variant = (
        tuple(access.may(user, action, report) for action in PAGE_PERMISSIONS),
        tuple(workflow.available_actions(user=user, report=report)),
    )
    parts = ("report", version.pk, variant)

    def body() -> str:
        full = report_for(user, report.pk)  # all of it, as the document needs
        context = _detail_context(request, full) | {"csrf_token": pagecache.CSRF_PLACEHOLDER}
        return render_to_string("reports/_report_body.html", context, request=request)

    def page(extra: dict):
        kept = mark_safe(pagecache.kept(pagecache.key((generation,), *parts), body))  # noqa: S308
        context = {"report": report, "kept": kept} | extra
        return render(request, "reports/report_detail.html", context)

    return pagecache.page(request, (generation,), parts, page)


def _detail_context(request, report) -> dict:
    transitions = workflow.report_history(report=report)
    actions = workflow.available_actions(user=request.user, report=report)
    document = report_document_html(report=report, transitions=transitions)
    context = {
        "report": report,
        "document": document,
        "can_edit": access.may(request.user, access.CHANGE, report),
        "can_download": access.may(request.user, access.DOWNLOAD, report),
        "can_preview_pdf": access.may(request.user, access.PREVIEW, report),
        "actions": actions,
        "transition_url": reverse("report_transition", args=[report.pk]),
        "transitions": transitions,
        # The approved targets it scores against, and where its own values differ.
        "year": report_year(report=report),
    }
    if context["can_download"]:  # approved: its official PDF renders in the background
        context["pdf_ready"] = archive.official_pdf_ready(report=report)
    if access.may(request.user, access.SUBMIT, report):
        context["state_note"] = workflow.state_note(report)
    if "submit" in actions:
        # The confirmation shows the total, the grade and what is still wrong or worth a look.
        # Made for this request: only an approved report's document comes from the cache.
        context |= {"data": document.data, "submit_checks": check_links(report, document.shown)}
    return context


@require_POST
def transition_post(request, pk: int):
    report = report_for(request.user, pk)
    action = request.POST.get("action", "")
    try:
        workflow.transition_apply(
            report=report, user=request.user, action=action, comment=request.POST.get("comment", "")
        )
    except TransitionRefused as refused:
        if not workflow.may_take(user=request.user, report=report, action=action):
            raise PermissionDenied(refused.message) from None
        messages.error(request, refused.message)
        if action == "submit" and access.may(request.user, access.CHANGE, report):
            # Back to the page the clerk submitted from, where the editor lists the errors
            # as one list, each linked to where it is fixed (editor.checks_shown).
            section = request.POST.get("section", "")
            if section not in editor.SECTIONS_BY_KEY:
                section = editor.SECTIONS[0].key
            return redirect("report_edit", pk=report.pk, section=section)
        if refused.errors:
            messages.error(request, "；".join(refused.errors))
    else:
        messages.success(request, workflow.done_message(report=report, action=action))
    return redirect("report_detail", pk=report.pk)
