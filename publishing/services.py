"""Publishing an approved report on the public site, and withdrawing it: the one writer of
``PublicationEvent``."""

from __future__ import annotations

import logging

from django.db import transaction

from perfeval import access
from perfeval.fields import text_too_long
from perfeval.limits import COMMENT_MAX_CHARS
from perfeval.policy import PUBLISH, Refused
from reports import archive
from reports.models import Report

from .caching import page_forget
from .models import PublicationEvent
from .selectors import is_published, latest_event

logger = logging.getLogger(__name__)
Action = PublicationEvent.Action


def publish_refusal(*, user, report: Report) -> str | None:
    """Why ``user`` may not publish or withdraw ``report`` (as it stands now), or None."""
    if not user.is_authenticated:
        return "请先登录。"
    if report.status != Report.Status.APPROVED:
        return (
            f"该报告当前为“{report.get_status_display()}”状态，不能公开："
            "只有已批准的报告可以公开发布或撤回公开。"
        )
    if not access.may(user, PUBLISH, report):
        return "您无权公开该报告：只有负责该部门的审核人和管理员可以公开发布或撤回公开。"
    return None


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("department").get(pk=report.pk)


def _note_checked(note: str) -> str:
    note = note.strip()
    if too_long := text_too_long(note, COMMENT_MAX_CHARS):
        raise Refused(f"说明{too_long}")
    return note


@transaction.atomic
def report_publish(*, report: Report, user, note: str = "") -> PublicationEvent:
    """Publish the version the approved ``report`` stands at; Refused says why not."""
    note = _note_checked(note)
    locked = _locked(report)
    if refusal := publish_refusal(user=user, report=locked):
        raise Refused(refusal)
    version = archive.current_version(locked)
    latest = latest_event(report=locked)
    if is_published(report=locked, event=latest):
        raise Refused("该报告已经公开，无需再次发布。")
    event = PublicationEvent.objects.create(
        report=locked, version=version, action=Action.PUBLISH, actor=user, note=note
    )
    logger.info("report %s published (version %s) by %s", locked.pk, version.number, user.username)
    return event


@transaction.atomic
def report_withdraw(*, report: Report, user, note: str) -> PublicationEvent:
    """Take ``report`` off the public site; a reason is required. Refused says why not."""
    note = _note_checked(note)
    locked = _locked(report)
    if refusal := publish_refusal(user=user, report=locked):
        raise Refused(refusal)
    latest = latest_event(report=locked)
    if latest is None or not is_published(report=locked, event=latest):
        raise Refused("该报告当前没有公开，无需撤回。")
    if not note:
        raise Refused("撤回公开必须填写原因：请写明撤回的理由。")
    event = PublicationEvent.objects.create(
        report=locked, version=latest.version, action=Action.WITHDRAW, actor=user, note=note
    )
    page_forget(locked.pk)
    logger.info("report %s withdrawn from the public site by %s", locked.pk, user.username)
    return event
