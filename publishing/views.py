"""The report page's publishing buttons: publish an approved report, or withdraw it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from perfeval.policy import Refused
from reports.views.access import report_for

from . import services


def _posted(request, pk: int, service, done: str):
    report = report_for(request.user, pk)
    try:
        service(report=report, user=request.user, note=request.POST.get("note", ""))
    except Refused as refused:
        if report.status == report.Status.APPROVED and services.publish_refusal(
            user=request.user, report=report
        ):
            raise PermissionDenied(refused.message) from None
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect("report_detail", pk=report.pk)


@require_POST
def publish_post(request, pk: int):
    return _posted(
        request,
        pk,
        services.report_publish,
        "已公开发布：公众无需登录即可在信息公开页面查看该报告及其正式 PDF。",
    )


@require_POST
def withdraw_post(request, pk: int):
    return _posted(
        request, pk, services.report_withdraw, "已撤回公开：信息公开页面不再显示该报告。"
    )
