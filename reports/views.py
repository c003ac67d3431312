"""Pages of the report: home, editor, preview, workflow buttons. Thin: rules live elsewhere."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from departments.roles import user_roles
from scoring import table

from . import archive, editor, tasks, workflow
from .excel import importer
from .excel.export import selfeval_xlsx
from .forms import ArchiveFilterForm, SelfevalUploadForm
from .models import Download, Report
from .selectors import report_data, report_document, report_scores
from .services import report_create, report_start_next_year
from .workflow import TransitionRefused

STASH_PREFIX = "stashed-post:"


def report_for(user, pk: int) -> Report:
    """The report, if this user may see it; 404 otherwise, so others' reports stay unknown."""
    report = get_object_or_404(Report.objects.select_related("department", "framework"), pk=pk)
    if not workflow.can_view(user, report):
        raise Http404("没有找到该报告。")
    return report


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


def home(request):
    reports = list(workflow.visible_reports(request.user).order_by("-year", "department__code"))
    scores = report_scores(reports=reports)
    department = request.user.department
    own = [r for r in reports if department and r.department_id == department.pk]
    return render(
        request,
        "reports/home.html",
        {
            "rows": [(report, scores.get(report.pk)) for report in reports],
            "roles": sorted(user_roles(request.user)),
            "can_start": department is not None and workflow.can_start(request.user, department),
            "next_year": (max(r.year for r in own) + 1) if own else None,
            "latest": own[0] if own else None,
        },
    )


@require_POST
def report_start(request):
    department = request.user.department
    if department is None or not workflow.can_start(request.user, department):
        raise PermissionDenied("只有部门的填报员可以新建本部门的报告。")
    latest = Report.objects.filter(department=department).order_by("-year").first()
    year = latest.year + 1 if latest else int(request.POST.get("year") or 0)
    if Report.objects.filter(department=department, year=year).exists():
        messages.error(request, f"{year} 年的报告已经存在：请在列表中打开它继续填写。")
        return redirect("home")
    if latest is not None and request.POST.get("mode") == "copy":
        report = report_start_next_year(previous=latest)
        messages.success(
            request,
            f"已按 {latest.year} 年报告新建 {year} 年报告："
            "复制了文字、收支和项目的结构及年度指标值，金额、完成值和得分请重新填写。",
        )
    else:
        report = report_create(department=department, year=year)
        messages.success(request, f"已新建 {year} 年报告（默认指标体系）。")
    return redirect("report_edit", pk=report.pk, section="overview")


def report_detail(request, pk: int):
    report = report_for(request.user, pk)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "doc": report_document(report=report),
            "can_edit": workflow.can_edit(request.user, report),
            "can_download": workflow.can_download(request.user, report),
            "can_preview_pdf": workflow.can_preview_pdf(request.user, report),
            "actions": workflow.available_actions(user=request.user, report=report),
            "transition_url": reverse("report_transition", args=[report.pk]),
            "transitions": report.transitions.select_related("user"),
        },
    )


@login_not_required
def report_edit(request, pk: int, section: str = "overview"):
    if not request.user.is_authenticated:
        # The session ran out while the clerk typed: keep what they posted for after sign-in.
        if request.method == "POST":
            request.session[STASH_PREFIX + request.path] = dict(request.POST.lists())
        return redirect_to_login(request.get_full_path())
    report = editable_report_for(request.user, pk)
    page = editor.SECTIONS_BY_KEY.get(section)
    if page is None:
        raise Http404("报告中没有这一部分。")
    conflict = None
    token = page.token(report)
    stashed = request.session.pop(STASH_PREFIX + request.path, None)
    if request.method == "POST" or stashed:
        data = request.POST if request.method == "POST" else _querydict(stashed)
        bundle = page.build(report, data)
        token = data.get("snapshot", "")
        if stashed and request.method == "GET":
            messages.warning(
                request, "登录已过期，已恢复您上次提交但未保存的内容：请核对后点击“保存”。"
            )
        elif page.is_valid(bundle):
            try:
                editor.section_save(report=report, section=page, bundle=bundle, token=token)
            except editor.StaleSave as stale:
                conflict = stale.changes
                # Saving again now means "mine over theirs", decided with their changes in view.
                token = page.token(stored_copy(report))
            else:
                messages.success(request, f"已保存“{page.title}”。")
                return redirect("report_edit", pk=report.pk, section=page.key)
        else:
            messages.error(request, "有输入需要改正，尚未保存：请查看标红的栏目。")
    else:
        bundle = page.build(report)
    # Form validation wrote the clerk's input onto ``report``; checks speak of what is stored.
    data = report_data(report=stored_copy(report))
    context = {
        "report": report,
        "page": page,
        "sections": editor.SECTIONS,
        "bundle": bundle,
        "formsets": [(prefix, title, bundle[prefix]) for prefix, _, title in page.formsets],
        "snapshot": token,
        "conflict": conflict,
        "data": data,
        "check_links": [
            (check, _check_url(report, check)) for check in [*data.errors, *data.warnings]
        ],
        "field_checks": _checks_by_field(data.checks),
        "session_seconds": settings.SESSION_COOKIE_AGE,
        "transition_url": reverse("report_transition", args=[report.pk]),
    }
    if page.key == "scores":
        context["grid"] = editor.grid_rows(
            table.selfeval_rows(data.scorecard), bundle["grid"], data.checks
        )
        context["scorecard"] = data.scorecard
    return render(request, f"reports/edit/{page.template}", context)


def stored_copy(report: Report) -> Report:
    return Report.objects.select_related("department", "framework").get(pk=report.pk)


def _querydict(stashed: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in stashed.items():
        data.setlist(key, values)
    return data


def _check_url(report, check) -> str:
    section, anchor = editor.check_anchor(check.field)
    url = reverse("report_edit", args=[report.pk, section])
    return f"{url}#{anchor}" if anchor else url


def _checks_by_field(checks) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for check in checks:
        grouped.setdefault(check.field.removeprefix("narrative-"), []).append(check)
    return grouped


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
        if action == "submit" and workflow.can_edit(request.user, report):
            return redirect("report_edit", pk=report.pk, section="overview")
    else:
        messages.success(
            request,
            f"已{workflow.action_label(action)}：当前状态“{report.get_status_display()}”。",
        )
    return redirect("report_detail", pk=report.pk)


# PDFs and the approved-reports archive

ARCHIVE_PAGE_SIZE = 50
# A ZIP whose selection lacks at most this many stored PDFs renders them in the request;
# a larger one shows a progress page that renders them a few at a time first.
RENDER_INLINE_AT_MOST = 3
RENDER_PER_STEP = 2


def report_pdf(request, pk: int):
    """The official PDF of an approved report; a watermarked preview of any other."""
    report = report_for(request.user, pk)
    if workflow.can_download(request.user, report):
        version = archive.current_version(report)
        if not tasks.runs_inline() and not hasattr(version, "pdf"):
            # A worker renders it; the page waits for it and then downloads.
            tasks.official_pdf_enqueue(version_ids=[version.pk])
            return render(request, "reports/pdf_wait.html", {"report": report, "version": version})
        pdf = archive.official_pdf(report=report)
        archive.download_record(user=request.user, report=report, kind=Download.Kind.PDF, pdf=pdf)
        response = FileResponse(
            pdf.file.open("rb"),
            as_attachment=True,
            filename=archive.report_filename(report),
            content_type="application/pdf",
        )
        response["X-Content-SHA256"] = pdf.sha256
        return response
    if not workflow.can_preview_pdf(request.user, report):
        raise PermissionDenied("您无权下载该报告。")
    data = archive.preview_pdf(report=report)
    archive.download_record(user=request.user, report=report, kind=Download.Kind.PREVIEW)
    name = archive.report_filename(report, suffix=f"（{report.get_status_display()}预览）")
    return HttpResponse(
        data,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(False, name)},
    )


def _archive_selection(request, data: QueryDict):
    """The versions a request selects: the ticked ones, or all that match the filters."""
    reports = workflow.visible_reports(request.user)
    form = ArchiveFilterForm(data, reports=reports)
    versions = form.filter(archive.approved_current_versions(reports))
    if data.get("scope") != "all":
        ids = [int(pk) for pk in data.getlist("version") if pk.isdigit()]
        versions = versions.filter(pk__in=ids)
    return form, versions


def archive_list(request):
    reports = workflow.visible_reports(request.user)
    form = ArchiveFilterForm(request.GET or None, reports=reports)
    versions = form.filter(archive.approved_current_versions(reports))
    page = Paginator(versions, ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "reports/archive.html",
        {"form": form, "page": page, "filters": filters, "filter_items": _items(filters)},
    )


def _items(query: QueryDict) -> list[tuple[str, str]]:
    return [(key, value) for key, values in query.lists() for value in values]


@require_POST
def archive_zip(request):
    _, versions = _archive_selection(request, request.POST)
    count = versions.count()
    if not count:
        messages.error(
            request, "没有选中任何报告：请勾选要下载的报告，或选择“下载全部符合条件的报告”。"
        )
        return redirect(f"{reverse('archive')}?{request.POST.get('filters', '')}")
    missing = list(archive.versions_without_pdf(versions).values_list("pk", flat=True))
    inline = tasks.runs_inline()
    if missing and not inline:
        tasks.official_pdf_enqueue(version_ids=missing)
    if len(missing) > (RENDER_INLINE_AT_MOST if inline else 0):
        return render(
            request,
            "reports/archive_prepare.html",
            {"count": count, "missing": len(missing), "items": _items(request.POST)},
        )
    for version in archive.versions_without_pdf(versions):
        archive.official_pdf_render(version=version)
    bundle = archive.zip_bundle(versions.select_related("pdf"))
    archive.zip_downloads_record(user=request.user, bundle=bundle)
    response = StreamingHttpResponse(bundle.chunks, content_type="application/zip")
    response["Content-Length"] = str(bundle.size)
    response["Content-Disposition"] = content_disposition_header(
        True, f"已批准自评报告-{len(bundle.pdfs)}份.zip"
    )
    return response


@require_POST
def archive_prepare(request):
    """How far the selection's PDFs are; the progress page calls this until none is missing.

    Without a worker, each call renders a few itself.
    """
    _, versions = _archive_selection(request, request.POST)
    if tasks.runs_inline():
        for version in archive.versions_without_pdf(versions)[:RENDER_PER_STEP]:
            archive.official_pdf_render(version=version)
    return JsonResponse(
        {"total": versions.count(), "missing": archive.versions_without_pdf(versions).count()}
    )


def report_pdf_status(request, pk: int):
    """Whether the official PDF the wait page is waiting for is ready."""
    report = report_for(request.user, pk)
    if not workflow.can_download(request.user, report):
        raise PermissionDenied("您无权下载该报告。")
    version = archive.current_version(report)
    return JsonResponse({"ready": hasattr(version, "pdf")})


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_xlsx(request, pk: int):
    """The 自评表 in its official Excel layout, for anyone who may see the report."""
    report = report_for(request.user, pk)
    data = selfeval_xlsx(report=report)
    archive.download_record(user=request.user, report=report, kind=Download.Kind.XLSX)
    name = f"{report.department.name}{report.year}年部门整体支出绩效自评表.xlsx"
    return HttpResponse(
        data,
        content_type=XLSX_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


# Importing a filled 自评表

PENDING_UPLOADS = "imports/pending/"
PENDING_SALT = "perfeval.selfeval-upload"
PENDING_MAX_AGE = 3600


def selfeval_upload(request, *, report, form_class, template: str, context: dict, done_url: str):
    """The upload page's logic, shared by the clerk's page and the admin's.

    A sheet printed for another department or year is held back until the user confirms;
    the file waits in storage meanwhile, so it need not be chosen again.
    """
    pending = request.POST.get("pending", "")
    if request.method == "POST" and pending:
        try:
            name = signing.loads(pending, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
        except signing.BadSignature:
            messages.error(request, "确认已过期：请重新选择文件上传。")
            return redirect(request.path)
        with default_storage.open(name, "rb") as f:
            data = f.read()
        default_storage.delete(name)
        page = (form_class(), template, context)
        return _selfeval_import(request, report, data, request.POST, page, done_url)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            warnings = importer.selfeval_identity_check(report=report, data=data)
        except importer.SelfevalImportRefused as refused:
            return render(
                request, template, {**context, "form": form, "problems": refused.problems}
            )
        if warnings:
            name = default_storage.save(
                f"{PENDING_UPLOADS}{uuid.uuid4().hex}.xlsx", ContentFile(data)
            )
            return render(
                request,
                template,
                {
                    **context,
                    "form": form,
                    "confirm": warnings,
                    "pending": signing.dumps(name, salt=PENDING_SALT),
                    "new_framework": form.cleaned_data.get("new_framework", ""),
                    "filename": upload.name,
                },
            )
        options = {**form.cleaned_data, "filename": upload.name}
        return _selfeval_import(request, report, data, options, (form, template, context), done_url)
    return render(request, template, {**context, "form": form})


def _selfeval_import(request, report, data, options, page, done_url):
    try:
        result = importer.selfeval_import(
            report=report,
            data=data,
            new_framework=options.get("new_framework") or "",
            user=request.user,
            filename=options.get("filename") or "",
        )
    except importer.SelfevalImportRefused as refused:
        form, template, context = page
        return render(request, template, {**context, "form": form, "problems": refused.problems})
    messages.success(request, "已导入自评表：" + "；".join(result.written))
    for warning in result.warnings:
        messages.warning(request, str(warning))
    return redirect(done_url)


def report_import(request, pk: int):
    """The clerk's upload of a filled 自评表 into their draft or returned report."""
    report = editable_report_for(request.user, pk)
    return selfeval_upload(
        request,
        report=report,
        form_class=SelfevalUploadForm,
        template="reports/import.html",
        context={"report": report},
        done_url=reverse("report_edit", args=[report.pk, "scores"]),
    )
