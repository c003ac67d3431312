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

from sheets import importer

from ..forms import SelfevalUploadForm
from .access import editable_report_for

PENDING_UPLOADS = "imports/pending/"
PENDING_SALT = "perfeval.selfeval-upload"
PENDING_MAX_AGE = 3600


def selfeval_upload(request, *, report, form_class, template: str, context: dict, done_url: str):
    """The upload page's logic, shared by the clerk's page and the admin's.

    Two questions may come before the import: which sheet, when several could be the
    自评表 (the user picks one from a list), and whether to go on, when the sheet is printed
    for another department or year. Then the page lists what the import would change, old →
    new, and writes it only when the user confirms that list (a file that changes nothing
    writes nothing). Meanwhile the file waits in storage with what was asked and answered,
    under a signed ``pending`` token, so it need not be chosen again.
    """
    if request.method == "POST" and request.POST.get("pending"):
        return _pending_answer(request, report, form_class(), template, context, done_url)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        held = {
            "filename": upload.name,
            "new_framework": form.cleaned_data.get("new_framework", ""),
            "sheet": "",
        }
        page = (form, template, context)
        return _checked_import(request, report, upload.read(), held, page, done_url)
    return render(request, template, {**context, "form": form})


def _pending_answer(request, report, form, template, context, done_url):
    """A held-back file, with the sheet chosen for it or the import confirmed."""
    try:
        held = signing.loads(request.POST["pending"], salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, "确认已过期：请重新选择文件上传。")
        return redirect(request.path)
    if not isinstance(held, dict) or held.get("report") != report.pk:
        messages.error(request, "确认不属于这份报告：请重新选择文件上传。")
        return redirect(request.path)
    if "cancel" in request.POST:
        default_storage.delete(held["file"])
        messages.info(request, "已取消导入，没有保存任何内容。")
        return redirect(request.path)
    page = (form, template, context)
    choices = held.get("choices") or []
    if choices:
        sheet = request.POST.get("sheet", "")
        if sheet not in choices:
            return render(
                request,
                template,
                {
                    **_held_context(context, form, held, request.POST["pending"]),
                    "choose": choices,
                    "choose_error": "请选择要导入的工作表。",
                },
            )
        held = {**held, "sheet": sheet}
    try:
        with default_storage.open(held["file"], "rb") as f:
            data = f.read()
    except FileNotFoundError:
        # Answered already (the file is deleted on use) or pruned as expired.
        messages.error(request, "确认已使用或已过期：请重新选择文件上传。")
        return redirect(request.path)
    default_storage.delete(held["file"])
    if held.get("preview"):
        return _confirmed_import(request, report, data, held, page, done_url)
    # A confirmation has been asked after the sheet was known; a chosen sheet has not yet
    # been checked for its department and year.
    confirmed = not choices
    return _checked_import(request, report, data, held, page, done_url, confirmed=confirmed)


def _checked_import(request, report, data: bytes, held: dict, page, done_url, *, confirmed=False):
    """Read ``data``; ask which sheet or whether to go on if need be; else show the preview."""
    form, template, context = page
    try:
        # Read once per request: the checks and the import share the reading.
        reading = importer.selfeval_reading(data, year=report.year, sheet=held.get("sheet", ""))
        warnings = (
            [] if confirmed else importer.selfeval_identity_check(report=report, reading=reading)
        )
    except importer.SelfevalSheetChoice as choice:
        held = {**held, "choices": list(choice.sheets), "sheet": ""}
        pending = _hold(report, data, held)
        return render(
            request,
            template,
            {
                **_held_context(context, form, held, pending),
                "choose": choice.sheets,
                "question": choice.problems[0],
            },
        )
    except importer.SelfevalImportRefused as refused:
        return render(request, template, {**context, "form": form, "problems": refused.problems})
    if warnings:
        # The confirmed import reads the same sheet, whichever way it was found.
        held = {**held, "choices": [], "sheet": reading.sheet}
        pending = _hold(report, data, held)
        return render(
            request,
            template,
            {**_held_context(context, form, held, pending), "confirm": warnings},
        )
    held = {**held, "choices": [], "sheet": reading.sheet}
    try:
        result = _import(request, report, reading, held, dry_run=True)
    except importer.SelfevalImportRefused as refused:
        return render(request, template, {**context, "form": form, "problems": refused.problems})
    return _preview(request, report, data, held, page, result)


def _preview(request, report, data: bytes, held: dict, page, result, *, outdated=False):
    """List what the import would change and hold the file for the confirmation; or say
    that it would change nothing, holding nothing."""
    form, template, context = page
    if not result.changes:
        return render(
            request,
            template,
            {**context, "form": form, "unchanged": True, "filename": held.get("filename", "")},
        )
    held = {**held, "preview": result.fingerprint}
    pending = _hold(report, data, held)
    return render(
        request,
        template,
        {
            **_held_context(context, form, held, pending),
            "preview": result,
            "outdated": outdated,
        },
    )


def _confirmed_import(request, report, data: bytes, held: dict, page, done_url):
    """Import the file whose preview the user confirmed, if it still writes what was shown."""
    form, template, context = page
    try:
        reading = importer.selfeval_reading(data, year=report.year, sheet=held.get("sheet", ""))
        result = _import(request, report, reading, held, expected=held["preview"])
    except importer.SelfevalImportOutdated as outdated:
        return _preview(request, report, data, held, page, outdated.result, outdated=True)
    except importer.SelfevalImportRefused as refused:
        return render(request, template, {**context, "form": form, "problems": refused.problems})
    messages.success(request, f"{result.message.rstrip('。')}；共修改 {result.changes.count} 项。")
    for warning in result.warnings:
        messages.warning(request, str(warning))
    return redirect(done_url)


def _import(request, report, reading, held: dict, **options):
    return importer.selfeval_import(
        report=report,
        reading=reading,
        new_framework=held.get("new_framework") or "",
        user=request.user,
        filename=held.get("filename") or "",
        **options,
    )


def _hold(report, data: bytes, held: dict) -> str:
    """Store the file until the user answers; a signed token naming it, its report and ``held``."""
    pending_prune()
    name = default_storage.save(f"{PENDING_UPLOADS}{uuid.uuid4().hex}.xlsx", ContentFile(data))
    return signing.dumps({**held, "file": name, "report": report.pk}, salt=PENDING_SALT)


def _held_context(context: dict, form, held: dict, pending: str) -> dict:
    return {
        **context,
        "form": form,
        "pending": pending,
        "filename": held.get("filename", ""),
        "sheet": held.get("sheet", ""),
    }


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
