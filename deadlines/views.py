"""The deadlines page (a clerk's stages, the late departments and 催办) and notifications."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from departments import roles
from departments.models import Department
from perfeval import access
from perfeval.converters import IdConverter, YearConverter
from reports.models import MAX_YEAR, MIN_YEAR

from . import selectors, services
from .stages import stages_for


def year_or_none(value) -> int | None:
    """A year from a query string or form, or None if it is not one the site keeps."""
    if value is None or not YearConverter.is_valid(value):
        return None
    year = int(value)
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _page(request, *, years: tuple[int, ...], status: int = 200, error: str = ""):
    user, today = request.user, timezone.localdate()
    clerk_of = user.department_id if roles.CLERK in roles.user_roles(user) else None
    due_rows = (
        [
            row
            for year in years
            for row in selectors.due_for_department(department_id=clerk_of, year=year, today=today)
        ]
        if clerk_of
        else []
    )
    late_rows = [
        row
        for year in years
        for row in selectors.late_departments(user=user, year=year, today=today)
    ]
    context = {
        "years": years,
        "year_choice": years[-1],
        "today": today,
        "error": error,
        "department": user.department if clerk_of else None,
        "due_rows": due_rows,
        "late_rows": late_rows,
        "follows_up": bool(roles.user_roles(user) & {roles.REVIEWER, roles.ADMIN}),
        "stages": [stage for year in years for stage in stages_for(year)],
    }
    return render(request, "deadlines/deadline_list.html", context, status=status)


def deadline_list(request):
    given = request.GET.get("year")
    year = year_or_none(given)
    if given is not None and year is None:
        error = f"年度“{given[:10]}”无效：请填写 {MIN_YEAR}—{MAX_YEAR} 之间的四位年份。"
        return _page(request, years=selectors.current_years(timezone.localdate()), error=error)
    years = (year,) if year else selectors.current_years(timezone.localdate())
    return _page(request, years=years)


@require_POST
def deadline_remind(request):
    data = request.POST
    department_id = data.get("department", "")
    year = year_or_none(data.get("year"))
    default_years = selectors.current_years(timezone.localdate())
    if not IdConverter.is_valid(department_id) or year is None:
        error = "未催办：请从逾期列表中选择部门和年度后再催办。"
        return _page(request, years=default_years, status=400, error=error)
    department = access.scope(request.user, Department).filter(pk=int(department_id)).first()
    if department is None:
        raise Http404("没有找到该部门。")
    try:
        reminder = services.reminder_send(
            department=department,
            stage_key=data.get("stage", ""),
            year=year,
            user=request.user,
            note=data.get("note", ""),
        )
    except access.Refused as refused:
        raise PermissionDenied(refused.message) from None
    except services.ReminderRefused as refused:
        return _page(request, years=(year,), status=400, error=f"未催办：{refused.message}")
    messages.success(
        request, f"已向{department}催办{reminder.stage_label}，该部门的填报员会收到通知。"
    )
    return redirect(f"{reverse('deadline_list')}?year={year}")


def notification_list(request):
    return render(
        request,
        "deadlines/notification_list.html",
        {"notifications": selectors.user_notifications(user=request.user)},
    )


@require_POST
def notifications_read(request):
    count = services.notifications_read(user=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读的通知。")
    return redirect("notification_list")
