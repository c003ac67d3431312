"""Reading target forms: what a user may see, a department-year's versions, the approved
targets the self-assessment starts from, and the form laid out as the official table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from perfeval import access
from reports.models import Report, ReportTransition
from scoring.models import Indicator

from .checks import FormValues, RowValues, form_errors
from .models import BUDGET_FIELDS, TargetForm, TargetRow


@dataclass(frozen=True)
class ApprovedTargets:
    """The last approved version of a department's targets for a year."""

    form: TargetForm
    number: int
    approved_at: datetime | None
    annual_goal: str
    budget: dict[str, Decimal | None]  # "fiscal", "other", "basic", "project"
    values: dict[int, str]  # level-3 indicator id → 年度指标值 ("≥80%")
    label: str


def date_text(moment: datetime | None) -> str:
    """2022年6月15日, in the site's time zone."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def targets_label(*, number: int, approved_at: datetime | None) -> str:
    """第 2 版绩效目标（2022年6月15日批准，调整）."""
    kind = "，调整" if number > 1 else ""
    when = f"{date_text(approved_at)}批准" if approved_at else "已批准"
    return f"第 {number} 版绩效目标（{when}{kind}）"


def approved_at(form: TargetForm) -> datetime | None:
    log = (
        form.transitions.filter(action=ReportTransition.Action.APPROVE)
        .order_by("-created_at", "-pk")
        .first()
    )
    return log.created_at if log else None


def approved_targets(*, department_id: int, year: int) -> ApprovedTargets | None:
    """The targets the self-assessment of that year scores against: the last approved
    version, or None when no version is approved."""
    form = (
        TargetForm.objects.filter(
            department_id=department_id, year=year, status=Report.Status.APPROVED
        )
        .select_related("department", "framework")
        .order_by("-number")
        .first()
    )
    if form is None:
        return None
    when = approved_at(form)
    rows = form.rows.only("indicator_id", "comparator", "value", "unit")
    return ApprovedTargets(
        form=form,
        number=form.number,
        approved_at=when,
        annual_goal=form.annual_goal,
        budget={name.removeprefix("budget_"): getattr(form, name) for name in BUDGET_FIELDS},
        values={row.indicator_id: row.target_text for row in rows},
        label=targets_label(number=form.number, approved_at=when),
    )


def target_forms_visible(*, user) -> QuerySet[TargetForm]:
    """The forms this user may see, newest year first, then by department and version."""
    return (
        access.scope(user, TargetForm)
        .select_related("department")
        .order_by("-year", "department__code", "-number")
    )


def target_versions(*, department_id: int, year: int, user=None) -> list[TargetForm]:
    """Every version of a department-year, first to last (those ``user`` may see)."""
    forms = TargetForm.objects.filter(department_id=department_id, year=year)
    if user is not None:
        forms = access.scope(user, TargetForm, forms)
    return list(forms.select_related("based_on").order_by("number"))


def latest_version(*, department_id: int, year: int) -> TargetForm | None:
    return (
        TargetForm.objects.filter(department_id=department_id, year=year)
        .order_by("-number")
        .first()
    )


def form_rows(*, form: TargetForm) -> list[TargetRow]:
    """The form's rows in the framework's order, each with its indicator's parents."""
    return list(form.rows.select_related("indicator__parent__parent"))


def form_values(*, form: TargetForm, rows: list[TargetRow] | None = None) -> FormValues:
    """The form as the checks read it."""
    rows = form_rows(form=form) if rows is None else rows
    return FormValues(
        number=form.number,
        adjustment_reason=form.adjustment_reason,
        annual_goal=form.annual_goal,
        budget_fiscal=form.budget_fiscal,
        budget_other=form.budget_other,
        budget_basic=form.budget_basic,
        budget_project=form.budget_project,
        rows=[RowValues(row.indicator.name, row.value_type, row.value) for row in rows],
    )


@dataclass(frozen=True)
class TableRow:
    """A row of the printed table; a ``*_span`` above 0 starts a merged cell."""

    row: TargetRow
    level1: Indicator
    level2: Indicator
    level1_span: int
    level2_span: int


def target_table(rows: list[TargetRow]) -> list[TableRow]:
    """一级 | 二级 | 三级 …: the rows with the spans of their level-1 and level-2 cells."""
    level1_counts: dict[int, int] = {}
    level2_counts: dict[int, int] = {}
    for row in rows:
        level2 = row.indicator.parent
        assert level2 is not None and level2.parent_id is not None
        level1_counts[level2.parent_id] = level1_counts.get(level2.parent_id, 0) + 1
        level2_counts[level2.pk] = level2_counts.get(level2.pk, 0) + 1
    table: list[TableRow] = []
    seen: set[tuple[int, int]] = set()
    for row in rows:
        level2 = row.indicator.parent
        assert level2 is not None and level2.parent is not None
        level1 = level2.parent
        first1, first2 = (1, level1.pk) not in seen, (2, level2.pk) not in seen
        seen |= {(1, level1.pk), (2, level2.pk)}
        table.append(
            TableRow(
                row=row,
                level1=level1,
                level2=level2,
                level1_span=level1_counts[level1.pk] if first1 else 0,
                level2_span=level2_counts[level2.pk] if first2 else 0,
            )
        )
    return table


def form_checks(form: TargetForm) -> tuple[list[str], None]:
    """The workflow's checks before the form is submitted or approved (reports.workflow)."""
    return form_errors(form_values(form=form)), None
