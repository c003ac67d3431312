"""Importing a filled 自评表: the upload page's logic, shared with the admin's page."""

import uuid
from datetime import timedelta

from django.contrib import messages
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ..excel import importer
from ..forms import SelfevalUploadForm
from .access import editable_report_for

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
        try:
            with default_storage.open(name, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            # Confirmed already (the file is deleted on use) or pruned as expired.
            messages.error(request, "确认已使用或已过期：请重新选择文件上传。")
            return redirect(request.path)
        default_storage.delete(name)
        page = (form_class(), template, context)
        return _selfeval_import(request, report, data, request.POST, page, done_url)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            reading = importer.selfeval_reading(data)  # once per request: check, then import
            warnings = importer.selfeval_identity_check(report=report, reading=reading)
        except importer.SelfevalImportRefused as refused:
            return render(
                request, template, {**context, "form": form, "problems": refused.problems}
            )
        if warnings:
            pending_prune()
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
        page = (form, template, context)
        return _selfeval_import(request, report, reading, options, page, done_url)
    return render(request, template, {**context, "form": form})


def pending_prune() -> int:
    """Delete held-back uploads whose confirmation has expired; how many were deleted.

    A file waits only as long as its signed confirmation is valid (PENDING_MAX_AGE): one
    never confirmed is removed the next time someone's upload is held back.
    """
    try:
        _, names = default_storage.listdir(PENDING_UPLOADS)
    except FileNotFoundError:
        return 0
    expired = timezone.now() - timedelta(seconds=PENDING_MAX_AGE)
    deleted = 0
    for name in names:
        path = f"{PENDING_UPLOADS}{name}"
        if default_storage.get_modified_time(path) < expired:
            default_storage.delete(path)
            deleted += 1
    return deleted


def _selfeval_import(request, report, workbook, options, page, done_url):
    """Import ``workbook``: its bytes (a held-back file) or its reading (a fresh upload)."""
    source = {"data": workbook} if isinstance(workbook, bytes) else {"reading": workbook}
    try:
        result = importer.selfeval_import(
            report=report,
            **source,
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
