"""Writing target forms: starting a year's form, saving it, adjusting an approved version.

Every writer runs in one transaction with the form row locked and refuses unless the form
may change now (its status, read under the lock); moving a form between states is
``reports.workflow.document_transition``'s alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from departments.models import Department
from perfeval import access
from perfeval.fields import text_too_long
from perfeval.limits import COMMENT_MAX_CHARS
from reports.models import Report
from scoring.models import Framework, Indicator
from scoring.services import framework_default

from .checks import quantity_error
from .models import BUDGET_FIELDS, TargetForm, TargetRow

# What the clerk writes in the header, and in each row.
HEADER_FIELDS = ("adjustment_reason", "annual_goal", *BUDGET_FIELDS)
ROW_FIELDS = ("value_type", "comparator", "value", "unit", "explanation", "standard")


class TargetRefused(Exception):
    """A write that may not happen now; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def level3_indicators(framework: Framework) -> list[Indicator]:
    return list(
        Indicator.objects.filter(framework=framework, level=Indicator.Level.THIRD).order_by(
            "parent__parent__order", "parent__order", "order", "pk"
        )
    )


def _previous_approved(*, department: Department, year: int, framework: Framework):
    return (
        TargetForm.objects.filter(
            department=department,
            year=year - 1,
            framework=framework,
            status=Report.Status.APPROVED,
        )
        .order_by("-number")
        .first()
    )


def _row_values(row: TargetRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ROW_FIELDS}


def target_form_create(
    *, department: Department, year: int, framework: Framework | None = None
) -> TargetForm:
    """Version 1 of a department's targets for ``year``, with a row for every level-3
    indicator of the framework (default: the default framework); last year's approved
    annual goal and target values, on the same framework, as a start."""
    framework = framework or framework_default()
    if TargetForm.objects.filter(department=department, year=year).exists():
        raise TargetRefused(f"{year} 年的绩效目标表已经存在：请在列表中打开它继续填写。")
    previous = _previous_approved(department=department, year=year, framework=framework)
    carried = {}
    if previous is not None:
        carried = {row.indicator_id: _row_values(row) for row in previous.rows.all()}
    form = TargetForm(
        department=department,
        year=year,
        framework=framework,
        annual_goal=previous.annual_goal if previous else "",
    )
    try:
        form.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise TargetRefused("；".join(error.messages)) from None
    try:
        with transaction.atomic():
            form.save()
            target_rows_complete(form=form, carried=carried)
    except IntegrityError:  # made by someone else a moment ago
        raise TargetRefused(f"{year} 年的绩效目标表已经存在：请在列表中打开它继续填写。") from None
    return form


def target_rows_complete(
    *, form: TargetForm, carried: Mapping[int, Mapping[str, Any]] | None = None
) -> int:
    """Add a row for every level-3 indicator of the form's framework that has none (a new
    form, or one made in the admin), from ``carried`` values where given; how many."""
    carried = carried or {}
    have = set(form.rows.values_list("indicator_id", flat=True))
    missing = [
        TargetRow(form=form, indicator=indicator, **carried.get(indicator.pk, {}))
        for indicator in level3_indicators(form.framework)
        if indicator.pk not in have
    ]
    TargetRow.objects.bulk_create(missing)
    return len(missing)


def _locked_editable(form: TargetForm, user) -> TargetForm:
    """The form row locked; refused unless it may change now, and by this user."""
    locked = TargetForm.objects.select_for_update().get(pk=form.pk)
    if not locked.is_editable:
        raise TargetRefused(
            f"该绩效目标表处于“{locked.get_status_display()}”状态，不能修改："
            + (
                "已批准的目标如需变更，请发起“调整”，形成新版本后再次审核。"
                if locked.is_locked
                else "审核人退回或您撤回提交后才能再修改。"
            )
        )
    if user is not None and not access.may(user, access.CHANGE, locked):
        raise TargetRefused("您无权修改该绩效目标表：只有本部门的填报员可以修改。")
    return locked


def _header_errors(locked: TargetForm, header: Mapping[str, Any]) -> dict[str, list[str]]:
    for name in HEADER_FIELDS:
        if name in header:
            setattr(locked, name, header[name])
    if not locked.is_adjustment:
        locked.adjustment_reason = ""
    try:
        locked.full_clean(
            exclude=["department", "year", "framework"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        return error.message_dict
    return {}


def target_form_save(
    *,
    form: TargetForm,
    user,
    header: Mapping[str, Any],
    rows: Mapping[int, Mapping[str, Any]],
) -> None:
    """Save the header and the rows (keyed by level-3 indicator id) in one transaction;
    only rows that changed are written. Raises ValidationError (keys: header field names
    and "<indicator id>.<field>") or TargetRefused."""
    with transaction.atomic():
        locked = _locked_editable(form, user)
        errors = _header_errors(locked, header)
        stored = {row.indicator_id: row for row in locked.rows.select_related("indicator")}
        unknown = set(rows) - set(stored)
        if unknown:
            raise TargetRefused("提交的指标不属于该绩效目标表：请刷新页面后重新填写。")
        changed: list[TargetRow] = []
        fields: set[str] = set()
        for indicator_id, values in rows.items():
            row = stored[indicator_id]
            differing = {
                name: values[name]
                for name in ROW_FIELDS
                if name in values and getattr(row, name) != values[name]
            }
            if not differing:
                continue
            for name, value in differing.items():
                setattr(row, name, value)
            errors |= _row_errors(row)
            changed.append(row)
            fields |= differing.keys()
        if errors:
            raise ValidationError(errors)
        locked.save()
        if changed:
            TargetRow.objects.bulk_update(changed, sorted(fields))
    for name in HEADER_FIELDS:
        setattr(form, name, getattr(locked, name))
    form.updated_at = locked.updated_at


def _row_errors(row: TargetRow) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        row.full_clean(
            exclude=["form", "indicator"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        errors = dict(error.message_dict)
    if message := quantity_error(row.value_type, row.value):
        errors.setdefault("value", []).append(message)
    return {f"{row.indicator_id}.{name}": messages for name, messages in errors.items()}


def target_adjust(*, form: TargetForm, user, reason: str) -> TargetForm:
    """Start an adjustment (调整) of the department's latest approved version: a new draft
    version, number + 1, based on it, with the same header and rows and the reason. The
    approved version stays as it is."""
    reason = reason.strip()
    with transaction.atomic():
        locked = TargetForm.objects.select_for_update().get(pk=form.pk)
        if not locked.is_locked:
            raise TargetRefused(
                f"该绩效目标表处于“{locked.get_status_display()}”状态：只有已批准的版本可以调整，"
                "未批准的版本请直接修改。"
            )
        if not access.may(user, access.ADJUST, locked):
            raise TargetRefused("您无权调整该绩效目标表：只有本部门的填报员可以发起调整。")
        newer = (
            TargetForm.objects.filter(
                department_id=locked.department_id, year=locked.year, number__gt=locked.number
            )
            .order_by("-number")
            .first()
        )
        if newer is not None:
            raise TargetRefused(
                f"已有第 {newer.number} 版（{newer.get_status_display()}）："
                "请打开最新版本，不要从旧版本重复调整。"
            )
        if not reason:
            raise TargetRefused("请填写调整原因：写明为什么需要调整已批准的绩效目标。")
        if too_long := text_too_long(reason, COMMENT_MAX_CHARS):
            raise TargetRefused(f"调整原因{too_long}")
        adjusted = TargetForm.objects.create(
            department_id=locked.department_id,
            year=locked.year,
            framework_id=locked.framework_id,
            number=locked.number + 1,
            based_on=locked,
            adjustment_reason=reason,
            annual_goal=locked.annual_goal,
            **{name: getattr(locked, name) for name in BUDGET_FIELDS},
        )
        TargetRow.objects.bulk_create(
            [
                TargetRow(form=adjusted, indicator_id=row.indicator_id, **_row_values(row))
                for row in locked.rows.all()
            ]
        )
    return adjusted
