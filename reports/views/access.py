"""Which report a request may reach: 404 for reports the user may not see, 403 for edits."""

from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
)
from django.shortcuts import get_object_or_404

from perfeval import access, pagecache

from .. import archive
from ..models import ApprovedVersion, Report


def report_for(user, pk: int) -> Report:
    """The report, if this user may see it; 404 otherwise, so others' reports stay unknown."""
    report = get_object_or_404(Report.objects.select_related("department", "framework"), pk=pk)
    if not access.may(user, access.VIEW, report):
        raise Http404("没有找到该报告。")
    return report


def report_and_version_for(
    user, pk: int, *, generation: str | None = None
) -> tuple[Report, ApprovedVersion | None]:
    """The report as ``report_for`` finds it, and its current version if it stands approved.

    An approved report comes with its version (and stored PDF) in a single query, or from the
    pages cache, where it is kept until something moves (``generation``, read by the view
    before anything else; perfeval/pagecache.py): approving, reopening, storing the PDF and
    renaming the department all move.
    """
    version = _standing_version(pk, generation or pagecache.generation())
    if version is None:
        return report_for(user, pk), None
    if not access.may(user, access.VIEW, version.report):
        raise Http404("没有找到该报告。")
    return version.report, version


def _standing_version(pk: int, generation: str) -> ApprovedVersion | None:
    """Only a version is kept: an id that names no approved report (a draft, or none at all)
    is asked of the database every time, so that no one fills the cache by trying ids."""
    key = pagecache.key((generation,), "standing-version", pk)
    version = caches[pagecache.CACHE].get(key)
    if version is None:
        version = archive.standing_version(report_id=pk)
        if version is not None:
            caches[pagecache.CACHE].set(key, version)
    return version


def editable_report_for(user, pk: int) -> Report:
    """The report, if this user may edit it now; 404 if they may not see it, else 403."""
    report = report_for(user, pk)
    if not access.may(user, access.CHANGE, report):
        if report.is_locked:
            raise PermissionDenied("该报告已批准，内容已锁定，不能修改。")
        if not report.is_editable:
            raise PermissionDenied(
                f"该报告处于“{report.get_status_display()}”状态，不能修改：审核人退回后才能再修改。"
            )
        raise PermissionDenied("您无权修改该报告：只有本部门的填报员可以修改。")
    return report
