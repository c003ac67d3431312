"""The pages of 问题整改: the list of items, one item with its record, a reviewer's new item."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from departments.models import Department
from perfeval import access

from . import services
from .forms import ProblemFilterForm, ProblemIssueForm, ProblemUpdateForm
from .models import ProblemItem
from .selectors import overdue_q, problems_visible, with_overdue

PAGE_ROWS = 50


def problem_list(request):
    """The items the user may see, overdue ones first; filtered by year, status, department."""
    if not access.may(request.user, access.VIEW, ProblemItem):
        raise PermissionDenied("您没有查看问题整改的权限。")
    visible = problems_visible(request.user)
    today = timezone.localdate()
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    department_ids = set(visible.values_list("department_id", flat=True))
    departments = list(Department.objects.filter(pk__in=department_ids).values_list("pk", "name"))
    form = ProblemFilterForm(request.GET, years=years, departments=departments)
    chosen = form.filters()
    items = visible
    if "year" in chosen:
        items = items.filter(year=chosen["year"])
    if "department" in chosen:
        items = items.filter(department_id=chosen["department"])
    if chosen.get("status") == "overdue":
        items = items.filter(overdue_q(today))
    elif "status" in chosen:
        items = items.filter(status=chosen["status"])
    page = Paginator(with_overdue(items, today), PAGE_ROWS).get_page(request.GET.get("page"))
    return render(
        request,
        "followup/problem_list.html",
        {
            "form": form,
            "page": page,
            "items": page.object_list,
            "filtered": bool(chosen),
            "overdue_count": visible.filter(overdue_q(today)).count(),
            "may_issue": services.issuable_departments(request.user).exists(),
            "query": _query_without_page(request),
            "departments": departments,
            "show_department": len(departments) > 1,
        },
    )


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def problem_detail(request, pk: int):
    """An item with its record; who may change it updates it here (POST to the same page)."""
    item = get_object_or_404(problems_visible(request.user), pk=pk)
    may_change = access.may(request.user, access.CHANGE, item)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied("您不能修改这个问题的整改情况。")
        form = ProblemUpdateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.problem_update(
                    item=item,
                    user=request.user,
                    status=data["status"],
                    measure=data["measure"],
                    owner=data["owner"],
                    due_date=data["due_date"],
                    note=data["note"],
                )
            except services.ProblemRefused as refused:
                if refused.forbidden:
                    raise PermissionDenied(refused.message) from None
                form.add_error(refused.field, refused.message)
            else:
                messages.success(request, "已保存整改情况。")
                return redirect("problem_detail", pk=item.pk)
    else:
        form = ProblemUpdateForm(
            initial={
                "measure": item.measure,
                "owner": item.owner,
                "due_date": item.due_date,
                "status": item.status,
            }
        )
    updates = item.updates.select_related("user").order_by("created_at", "pk")
    return render(
        request,
        "followup/problem_detail.html",
        {
            "item": item,
            "overdue": item.is_overdue(),
            "updates": updates,
            "form": form if may_change else None,
        },
    )


def problem_issue(request):
    """A reviewer's problem for a department they review (审核意见)."""
    departments = services.issuable_departments(request.user)
    if not departments.exists():
        raise PermissionDenied("只有部门的审核人和管理员可以登记审核发现的问题。")
    form = ProblemIssueForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.problem_issue(user=request.user, **data)
        except services.ProblemRefused as refused:
            if refused.forbidden:
                raise PermissionDenied(refused.message) from None
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, f"已登记{item.department}的问题，整改状态为“未整改”。")
            return redirect("problem_detail", pk=item.pk)
    return render(request, "followup/problem_issue.html", {"form": form})
