"""What 问题整改 reads: the items a user may see, last year's items for this year's report,
and the overdue ones."""

from __future__ import annotations

from datetime import date

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from perfeval import access

from .models import ProblemItem


def overdue_q(today: date) -> Q:
    """Items still to be put right whose 整改期限 has passed (``ProblemItem.is_overdue``)."""
    return Q(status__in=ProblemItem.PENDING_STATUSES, due_date__lt=today)


def with_overdue(queryset: QuerySet[ProblemItem], today: date | None = None) -> QuerySet:
    """The items with ``overdue`` (a flag from the database), overdue ones first."""
    today = today or timezone.localdate()
    return queryset.annotate(
        overdue=Case(
            When(overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by("-overdue", "-year", "department__code", "pk")


def problems_visible(user) -> QuerySet[ProblemItem]:
    """The items ``user`` may see (perfeval.access), with what their pages show."""
    return access.scope(user, ProblemItem).select_related("department", "report", "created_by")


def carried_problems(
    *, department_id: int, year: int, today: date | None = None
) -> list[ProblemItem]:
    """The items found in ``year - 1`` of the department, as ``year``'s report lists them
    (上年发现问题整改情况): in the order they were found, each with ``overdue``."""
    today = today or timezone.localdate()
    items = list(
        ProblemItem.objects.filter(department_id=department_id, year=year - 1).order_by(
            "created_at", "pk"
        )
    )
    for item in items:
        item.overdue = item.is_overdue(today)  # type: ignore[attr-defined]
    return items


def overdue_items(*, department_ids, today: date | None = None) -> QuerySet[ProblemItem]:
    """The departments' items still open after their 整改期限, the longest overdue first."""
    today = today or timezone.localdate()
    return (
        ProblemItem.objects.filter(overdue_q(today), department_id__in=list(department_ids))
        .select_related("department")
        .order_by("due_date", "pk")
    )


def carried_warnings(carried: list[ProblemItem]) -> list[str]:
    """A warning for each of last year's items still open after its 整改期限 (from
    ``carried_problems``), saying what to do, for the report's checks."""
    warnings = []
    for item in carried:
        if getattr(item, "overdue", False):
            short = item.text if len(item.text) <= 30 else f"{item.text[:30]}…"
            due = item.due_date.isoformat() if item.due_date else ""
            warnings.append(
                f"上年发现的问题“{short}”整改期限 {due} 已过，仍为“{item.get_status_display()}”："
                "请在“问题整改”中更新整改情况，或在改进措施中说明原因。"
            )
    return warnings
