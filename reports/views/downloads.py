"""PDFs (official and previews), the approved-reports list, its ZIP, the Excel sheet and the
report as Word."""

import functools
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.http import require_POST

from perfeval import access, pagecache
from perfeval.converters import IdConverter
from sheets.export import selfeval_xlsx

from .. import archive, tasks, word
from ..forms import ArchiveFilterForm
from ..models import Download, Report
from ..sending import stored_file_response
from .access import report_and_version_for, report_for

ARCHIVE_PAGE_SIZE = 50
# A ZIP whose selection lacks at most this many stored PDFs renders them in the request;
# a larger one shows a progress page that renders them a few at a time first.
RENDER_INLINE_AT_MOST = 3
RENDER_PER_STEP = 2
# How often the ZIP's progress page asks while tasks render the PDFs.
PREPARE_RETRY_MS = 1000
NO_LONGER_APPROVED = "该报告已被重新打开，不再是已批准状态，没有正式 PDF：请待再次批准后下载。"


def report_pdf(request, pk: int):
    """The official PDF of an approved report; a watermarked preview of any other."""
    report, version = report_and_version_for(request.user, pk)
    if version is not None:
        return _official_pdf(request, report, version)
    if not access.may(request.user, access.PREVIEW, report):
        raise PermissionDenied("您无权下载该报告。")
    data = archive.preview_pdf(report=report)
    archive.download_record(user=request.user, report=report, kind=Download.Kind.PREVIEW)
    name = archive.report_filename(report, suffix=f"（{report.get_status_display()}预览）")
    return HttpResponse(
        data,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(False, name)},
    )


def _official_pdf(request, report, version):
    if not tasks.runs_inline() and not hasattr(version, "pdf"):
        # A worker renders it; the page waits for it and then downloads.
        tasks.official_pdf_enqueue(version_ids=[version.pk])
        return render(request, "reports/pdf_wait.html", {"report": report, "version": version})
    try:
        pdf = archive.version_pdf(version=version)
    except archive.NotApproved:  # reopened while it rendered
        raise Http404(NO_LONGER_APPROVED) from None
    # The file is never replaced: a browser that kept it gets 304 Not Modified. It must ask
    # every time (no-cache), so that every download is checked and recorded.
    etag = f'"{pdf.sha256}"'
    last_modified = int(pdf.created_at.timestamp())
    response: HttpResponseBase | None = get_conditional_response(
        request, etag=etag, last_modified=last_modified
    )
    if response is None:
        response = stored_file_response(
            pdf.file, filename=archive.report_filename(report), content_type="application/pdf"
        )
        response["X-Content-SHA256"] = pdf.sha256
    if response.status_code != 412:  # a failed If-Match gets nothing
        archive.download_record(user=request.user, report=report, kind=Download.Kind.PDF, pdf=pdf)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _archive_selection(request, data: QueryDict):
    """The versions a request selects: the ticked ones, or all that match the filters."""
    reports = access.visible_reports(request.user)
    form = ArchiveFilterForm(data, reports=reports)
    versions = form.filter(archive.approved_current_versions(reports))
    if data.get("scope") != "all":
        ids = [int(pk) for pk in data.getlist("version") if IdConverter.is_valid(pk)]
        versions = versions.filter(pk__in=ids)
    return form, versions


ARCHIVE_QUERY = frozenset({"year", "department", "grade", "q", "page"})


def archive_list(request):
    """The approved reports the user may see, kept per scope and filter until something moves
    (perfeval/pagecache.py)."""
    generation = pagecache.generation()
    query = pagecache.query_part(request, ARCHIVE_QUERY)
    render_page = functools.partial(_archive_page, request)
    if query is None:
        return render_page({})
    parts = ("approved-list", access.scope_key(request.user, Report), query)
    return pagecache.page(request, (generation,), parts, render_page)


def _archive_page(request, extra: dict):
    reports = access.visible_reports(request.user)
    form = ArchiveFilterForm(request.GET or None, reports=reports)
    versions = form.filter(archive.approved_versions_listed(reports))
    page = _page(versions, request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    context = {"form": form, "page": page, "filters": filters, "filter_items": _items(filters)}
    return render(request, "reports/archive.html", context | extra)


def _page(versions: QuerySet, number: str | None) -> Page:
    """``Paginator.get_page``, in one query rather than two when one page holds them all."""
    # Paginator asks only count() and slices of it.
    listed = cast(Any, archive.NarrowSlices(versions))
    if number not in (None, "", "1"):
        return Paginator(listed, ARCHIVE_PAGE_SIZE).get_page(number)
    rows = listed[: ARCHIVE_PAGE_SIZE + 1]
    if len(rows) <= ARCHIVE_PAGE_SIZE:
        return Paginator(rows, ARCHIVE_PAGE_SIZE).get_page(1)
    return Page(rows[:ARCHIVE_PAGE_SIZE], 1, Paginator(listed, ARCHIVE_PAGE_SIZE))


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
    if _render(archive.versions_without_pdf(versions)):
        # A report was reopened while it rendered (or approved again): decide afresh.
        return archive_zip(request)
    with_xlsx = request.POST.get("xlsx") == "1"
    with_docx = request.POST.get("docx") == "1"
    bundle = archive.zip_bundle(
        versions.select_related("pdf"), with_xlsx=with_xlsx, with_docx=with_docx
    )
    archive.zip_downloads_record(user=request.user, bundle=bundle)
    response = StreamingHttpResponse(bundle.chunks, content_type="application/zip")
    if bundle.size is not None:
        response["Content-Length"] = str(bundle.size)
    extras = "、".join(
        name for name, wanted in (("自评表", with_xlsx), ("Word", with_docx)) if wanted
    )
    name = f"已批准自评报告-{len(bundle.pdfs)}份{f'（含{extras}）' if extras else ''}.zip"
    disposition = content_disposition_header(True, name)
    assert disposition is not None  # always made for an attachment
    response["Content-Disposition"] = disposition
    return response


@require_POST
def archive_prepare(request):
    """How far the selection's PDFs are; the progress page calls this until none is missing.

    Inline, each call renders a few itself and the page may ask again at once; otherwise a
    task renders them, and the page asks again after ``retry_ms``.
    """
    _, versions = _archive_selection(request, request.POST)
    inline = tasks.runs_inline()
    if inline:
        _render(archive.versions_without_pdf(versions)[:RENDER_PER_STEP])
    return JsonResponse(
        {
            "total": versions.count(),
            "missing": archive.versions_without_pdf(versions).count(),
            "retry_ms": 0 if inline else PREPARE_RETRY_MS,
        }
    )


def _render(versions) -> int:
    """Render and store these versions' PDFs; how many were refused as no longer approved."""
    refused = 0
    for version in versions:
        try:
            archive.official_pdf_render(version=version)
        except archive.NotCurrent:
            refused += 1
    return refused


def report_pdf_status(request, pk: int):
    """Whether the official PDF the wait page is waiting for is ready."""
    report = report_for(request.user, pk)
    if not access.may(request.user, access.DOWNLOAD, report):
        raise PermissionDenied("您无权下载该报告。")
    return JsonResponse({"ready": archive.official_pdf_ready(report=report)})


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_xlsx(request, pk: int):
    """The 自评表 in its official Excel layout, for anyone who may see the report; an approved
    one's made once per version and kept (perfeval/pagecache.py), 304 on revalidation."""
    generation = pagecache.generation()
    report, version = report_and_version_for(request.user, pk, generation=generation)
    name = archive.xlsx_filename(report)
    headers = {"Content-Disposition": content_disposition_header(True, name)}
    if version is None:  # it may still change: made for the request
        data = selfeval_xlsx(report=report)
        archive.download_record(user=request.user, report=report, kind=Download.Kind.XLSX)
        return HttpResponse(data, content_type=XLSX_TYPE, headers=headers)
    key = pagecache.key((generation,), "xlsx", version.pk)
    etag = pagecache.etag(key)
    last_modified = int(version.created_at.timestamp())
    response: HttpResponseBase | None = get_conditional_response(
        request, etag=etag, last_modified=last_modified
    )
    if response is None:
        data = pagecache.kept(key, lambda: selfeval_xlsx(report=report_for(request.user, pk)))
        response = HttpResponse(data, content_type=XLSX_TYPE, headers=headers)
    if response.status_code != 412:  # a failed If-Match gets nothing
        archive.download_record(user=request.user, report=report, kind=Download.Kind.XLSX)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return pagecache.revalidated(response)


def report_docx(request, pk: int):
    """The report as Word, for anyone who may see it: an approved one as it stands, any other
    with its status (the preview PDF's watermark) at the head of every page."""
    report = report_for(request.user, pk)
    approved = report.status == Report.Status.APPROVED
    if not access.may(request.user, access.DOWNLOAD if approved else access.PREVIEW, report):
        raise PermissionDenied("您无权下载该报告。")
    watermark = archive.status_watermark(report)
    data = word.report_docx(report=report, watermark=watermark)
    archive.download_record(user=request.user, report=report, kind=Download.Kind.DOCX)
    name = archive.docx_filename(report, suffix="" if approved else f"（{watermark}）")
    return HttpResponse(
        data,
        content_type=word.CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )
