"""Writing notifications (in the app and by e-mail), 催办 and the daily deadline notices."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from departments import roles
from departments.models import Department
from perfeval import access
from perfeval.fields import text_too_long
from perfeval.limits import COMMENT_MAX_CHARS

from .models import Notification, Reminder
from .selectors import current_years
from .stages import stage_for, stages_for

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "【绩效管理】"
SUBJECT_MAX_CHARS = 40
# Daily notices for a stage this many days before its date, and every day after it.
NOTICE_DAYS = 3

Kind = Notification.Kind


class ReminderRefused(Exception):
    """A 催办 that cannot be sent as asked; the message says what to correct."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def email_subject(text: str) -> str:
    line = " ".join(text.split())
    if len(line) > SUBJECT_MAX_CHARS:
        line = line[: SUBJECT_MAX_CHARS - 1] + "…"
    return SUBJECT_PREFIX + line


def _email_send(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:  # a mail server down must not break the page that notified
        logger.exception("notification e-mail to %s not sent", address)


def notify(*, users: Iterable, kind: str, text: str, url: str = "", key: str = "") -> list:
    """A notification for each (active) user, and an e-mail to those with an address, sent
    once the transaction commits. With ``key``, a user who already has a notification with
    that key gets none again (the daily notices)."""
    recipients = {user.pk: user for user in users if user.is_active}
    if key:
        already = Notification.objects.filter(user_id__in=sorted(recipients), key=key)
        for user_id in already.values_list("user_id", flat=True):
            recipients.pop(user_id, None)
    made = Notification.objects.bulk_create(
        [
            Notification(user=user, kind=kind, text=text, url=url[:200], key=key)
            for user in recipients.values()
        ]
    )
    subject = email_subject(text)
    body = f"{text}\n\n{url}" if url else text
    addresses = [user.email for user in recipients.values() if user.email]
    for address in addresses:
        transaction.on_commit(partial(_email_send, address, subject, body))
    return made


def _users_with_role(role: str):
    return get_user_model().objects.filter(is_active=True, groups__role__code=role)


def department_clerks(department_id: int) -> list:
    return list(_users_with_role(roles.CLERK).filter(department_id=department_id).distinct())


def department_reviewers(department_id: int) -> list:
    users = _users_with_role(roles.REVIEWER).filter(reviewed_departments__pk=department_id)
    return list(users.distinct())


def notifications_read(*, user) -> int:
    """Mark all of the user's notifications read; how many were unread."""
    unread = access.scope(user, Notification).filter(read_at__isnull=True)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def reminder_send(
    *, department: Department, stage_key: str, year: int, user, note: str = ""
) -> Reminder:
    """Record a 催办 of ``department`` for a stage of ``year``, and tell its clerks."""
    if not access.may(user, access.REMIND, department):
        raise access.Refused(f"您无权催办“{department}”：只有负责该部门的审核人和管理员可以催办。")
    stage = stage_for(year, stage_key)
    if stage is None:
        raise ReminderRefused(f"{year} 年没有“{stage_key}”这一阶段的截止日期：请从列表中选择。")
    if too_long := text_too_long(note, COMMENT_MAX_CHARS):
        raise ReminderRefused(f"附言{too_long}")
    note = note.strip()
    reminder = Reminder.objects.create(
        department=department,
        year=year,
        stage_key=stage.key,
        stage_label=stage.label,
        user=user,
        note=note,
    )
    sender = user.first_name or user.username
    text = f"{sender}催办：请尽快完成{stage.label}（截止 {stage.due:%Y-%m-%d}）。"
    if note:
        text += f"附言：{note}"
    notify(
        users=department_clerks(department.pk),
        kind=Kind.REMINDER,
        text=text,
        url=stage.url_for(department.pk) or "",
    )
    return reminder


def notice_text(*, label: str, due: date, days_left: int) -> tuple[str, str]:
    """The kind and text of a daily notice for a stage ``days_left`` days from its date."""
    if days_left >= 0:
        when = "今天" if days_left == 0 else f"还有 {days_left} 天"
        return Kind.DUE_SOON, f"{label}将于 {due:%Y-%m-%d} 截止（{when}），请按时完成。"
    return (
        Kind.OVERDUE,
        f"{label}已于 {due:%Y-%m-%d} 截止，已逾期 {-days_left} 天，请尽快完成。",
    )


def deadline_notices_send(*, today: date | None = None) -> int:
    """Tell each department's clerks, once a stage and day, of a stage not done that is due
    within ``NOTICE_DAYS`` (临近截止) or overdue (逾期); how many notifications were made.
    Running it again on the same day adds none."""
    day = today or timezone.localdate()
    clerks: dict[int, list] = {}
    for clerk in _users_with_role(roles.CLERK).filter(department__isnull=False).distinct():
        clerks.setdefault(clerk.department_id, []).append(clerk)
    made = 0
    years = (*current_years(day), day.year + 1)
    with transaction.atomic():
        for stage in (stage for year in years for stage in stages_for(year)):
            days_left = (stage.due - day).days
            if days_left > NOTICE_DAYS:
                continue
            kind, text = notice_text(label=stage.label, due=stage.due, days_left=days_left)
            done = stage.done_ids()
            for department_id, users in sorted(clerks.items()):
                if department_id in done:
                    continue
                key = f"deadline:{stage.year}:{stage.key}:{department_id}:{day:%Y%m%d}"
                url = stage.url_for(department_id) or ""
                made += len(notify(users=users, kind=kind, text=text, url=url, key=key))
    return made
