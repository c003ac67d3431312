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
