"""What is due, for a department and for those who follow departments up; the home panels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from departments import roles
from departments.models import Department
from perfeval import access

from .models import Notification, Reminder
from .stages import Stage, stages_for

# A stage not done comes "due soon" this many days before its date.
SOON_DAYS = 7

DONE, OPEN, SOON, OVERDUE = "done", "open", "soon", "overdue"


@dataclass(frozen=True)
class DueRow:
    """One stage of one department, as its clerk sees it."""

    stage_key: str
    label: str
    year: int
    due: date
    code: str  # DONE, OPEN, SOON, OVERDUE
    days_overdue: int
    url: str | None

    @property
    def state(self) -> str:
        if self.code == OVERDUE:
            return f"已逾期 {self.days_overdue} 天"
        return {DONE: "已完成", SOON: "即将到期", OPEN: "未到期"}[self.code]


@dataclass(frozen=True)
class LateRow:
    """A department that has not done a stage whose date has passed."""

    department: Department
    stage_key: str
    label: str
    year: int
    due: date
    days_overdue: int
    url: str | None
    last_reminder: Reminder | None
    may_remind: bool

    @property
    def state(self) -> str:
        return f"已逾期 {self.days_overdue} 天"


def stage_code(*, due: date, done: bool, today: date) -> tuple[str, int]:
    """The state of a stage on ``today``, and the days it is overdue (0 unless overdue)."""
    if done:
        return DONE, 0
    if today > due:
        return OVERDUE, (today - due).days
    if (due - today).days <= SOON_DAYS:
        return SOON, 0
    return OPEN, 0


def current_years(today: date) -> tuple[int, int]:
    """The years whose stages may be due around ``today``: last year's self-assessment falls
    due in spring, this year's targets at its start."""
    return today.year - 1, today.year


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _due_row(stage: Stage, department_id: int, today: date) -> DueRow:
    code, days = stage_code(due=stage.due, done=department_id in stage.done_ids(), today=today)
    return DueRow(
        stage_key=stage.key,
        label=stage.label,
        year=stage.year,
        due=stage.due,
        code=code,
        days_overdue=days,
        url=stage.url_for(department_id),
    )


def due_for_department(*, department_id: int, year: int, today: date | None = None) -> list[DueRow]:
    """Every stage of ``year`` for the department, in the order they fall due, with state."""
    day = _today(today)
    return [_due_row(stage, department_id, day) for stage in stages_for(year)]


def late_departments(*, user, year: int, today: date | None = None) -> list[LateRow]:
    """For reviewers and administrators: each department they may see that has not done a
    stage of ``year`` whose date has passed, most overdue first, with the last 催办 sent."""
    if not roles.user_roles(user) & {roles.REVIEWER, roles.ADMIN}:
        return []
    day = _today(today)
    overdue = [stage for stage in stages_for(year) if stage.due < day]
    if not overdue:
        return []
    departments = list(access.scope(user, Department).order_by("code"))
    late = [
        (department, stage)
        for stage in overdue
        for department in departments
        if department.pk not in stage.done_ids()
    ]
    last = last_reminders(
        year=year,
        department_ids={department.pk for department, _ in late},
        stage_keys={stage.key for stage in overdue},
    )
    rows = [
        LateRow(
            department=department,
            stage_key=stage.key,
            label=stage.label,
            year=year,
            due=stage.due,
            days_overdue=(day - stage.due).days,
            url=stage.url_for(department.pk),
            last_reminder=last.get((department.pk, stage.key)),
            may_remind=access.may(user, access.REMIND, department),
        )
        for department, stage in late
    ]
    return sorted(rows, key=lambda row: (-row.days_overdue, row.department.code))


def last_reminders(
    *, year: int, department_ids: Iterable[int], stage_keys: Iterable[str]
) -> dict[tuple[int, str], Reminder]:
    """The latest 催办 per (department, stage) of ``year``, with who sent it."""
    reminders = (
        Reminder.objects.filter(
            year=year, department_id__in=sorted(department_ids), stage_key__in=sorted(stage_keys)
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    return {(r.department_id, r.stage_key): r for r in reminders}


def user_notifications(*, user, limit: int = 200) -> list[Notification]:
    """The user's notifications, newest first."""
    return list(access.scope(user, Notification).order_by("-created_at", "-pk")[:limit])


def unread_count(*, user) -> int:
    return access.scope(user, Notification).filter(read_at__isnull=True).count()


def menu_unread_count(request) -> int:
    """The menu's count of unread notifications, counted once per request: a kept page's
    validator (perfeval/pagecache.py) and the menu both show it."""
    count = getattr(request, "_perfeval_unread", None)
    if count is None:
        user = request.user
        count = unread_count(user=user) if user.is_authenticated else 0
        request._perfeval_unread = count
    return count


def department_due(*, department_id: int, today: date | None = None) -> list[DueRow]:
    """What the department has still to do around ``today``: overdue first (most overdue
    first), then by date."""
    day = _today(today)
    rows = [
        row
        for year in current_years(day)
        for row in due_for_department(department_id=department_id, year=year, today=day)
        if row.code != DONE
    ]
    return sorted(rows, key=lambda row: (row.code != OVERDUE, -row.days_overdue, row.due))


def late_for_user(*, user, today: date | None = None) -> list[LateRow]:
    """The late departments of the years around ``today`` (``late_departments``)."""
    day = _today(today)
    rows = [
        row
        for year in current_years(day)
        for row in late_departments(user=user, year=year, today=day)
    ]
    return sorted(rows, key=lambda row: (-row.days_overdue, row.department.code))


# A home page or the review queue lists this many late departments, the most overdue first;
# /deadlines/ lists them all (a province has thousands of departments).
PANEL_ROWS = 20


def late_panel(*, user, today: date | None = None) -> dict:
    """The most overdue departments for a panel (``late_rows``) and how many are late in all
    (``late_count``)."""
    late = late_for_user(user=user, today=today)
    return {"late_rows": late[:PANEL_ROWS], "late_count": len(late)}


def home_panels(user, today: date | None = None) -> dict:
    """The home page's panels: what the user's department has due (clerks), and which
    departments are late (reviewers, administrators)."""
    day = _today(today)
    department_id = user.department_id if roles.CLERK in roles.user_roles(user) else None
    return {
        "due_rows": department_due(department_id=department_id, today=day) if department_id else [],
        **late_panel(user=user, today=day),
    }
