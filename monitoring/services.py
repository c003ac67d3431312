"""Writing monitoring: a year's default checkpoints, a department's 监控表 and its saves."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from departments.models import Department
from perfeval import access
from scoring.models import Framework, Indicator
from scoring.services import framework_default

from .models import Checkpoint, CheckpointReport, ProgressRow, due_default

# The common rule (Sichuan): by the end of April, June, August and October, 25 %, 40 %,
# 60 % and 80 % of the year's budget should have been spent.
DEFAULT_CHECKPOINTS = ((4, 30, "25.00"), (6, 30, "40.00"), (8, 31, "60.00"), (10, 31, "80.00"))

HEADER_FIELDS = ("budget", "executed", "expected_year", "execution_reason", "execution_measure")
ROW_FIELDS = (
    "year_target",
    "actual_to_date",
    "expected_year",
    "likelihood",
    "at_risk",
    "reason_category",
    "reason",
    "measure",
)


class SaveRefused(Exception):
    """A save that may not happen now; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def checkpoints_default(year: int) -> list[Checkpoint]:
    """The year's checkpoints; the common rule's four are made when the year has none."""
    with transaction.atomic():
        if not Checkpoint.objects.filter(year=year).exists():
            for order, (month, day, share) in enumerate(DEFAULT_CHECKPOINTS, start=1):
                period_end = datetime.date(year, month, day)
                checkpoint = Checkpoint(
                    year=year,
                    name=f"1—{month}月",
                    period_end=period_end,
                    expected_share=Decimal(share),
                    due=due_default(period_end),
                    order=order,
                )
                checkpoint.full_clean()
                checkpoint.save()
    return list(Checkpoint.objects.filter(year=year).order_by("period_end"))


@transaction.atomic
def checkpoint_report_create(
    *,
    department: Department,
    checkpoint: Checkpoint,
    framework: Framework | None = None,
    targets: Mapping[int, str] | None = None,
    budget: Decimal | None = None,
) -> CheckpointReport:
    """A draft 监控表 with a row per level-3 indicator of the framework (the default one
    unless given); each row's 全年指标值 from ``targets`` (indicator id → text)."""
    targets = targets or {}
    report = CheckpointReport(
        department=department,
        checkpoint=checkpoint,
        framework=framework or framework_default(),
        budget=budget,
    )
    report.full_clean()
    report.save()
    indicators = Indicator.objects.filter(
        framework_id=report.framework_id, level=Indicator.Level.THIRD
    ).order_by("parent__parent__order", "parent__order", "order", "pk")
    ProgressRow.objects.bulk_create(
        ProgressRow(report=report, indicator=indicator, year_target=targets.get(indicator.pk, ""))
        for indicator in indicators
    )
    return report


def _changed(obj, values: Mapping[str, Any], fields: tuple[str, ...]) -> list[str]:
    changed = []
    for name in fields:
        if name in values and getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed.append(name)
    return changed


@transaction.atomic
def checkpoint_report_save(
    *,
    report: CheckpointReport,
    user,
    header: Mapping[str, Any],
    rows: Mapping[int, Mapping[str, Any]],
) -> CheckpointReport:
    """Write the header figures and the rows (indicator id → field values) of a 监控表 in one
    transaction, the report locked and refused unless this user may change it now. Only
    values that differ are written; the report as saved is returned."""
    locked = CheckpointReport.objects.select_for_update().select_related("checkpoint")
    locked_report = locked.get(pk=report.pk)
    if not locked_report.is_editable:
        raise SaveRefused(
            f"“{locked_report}”当前为“{locked_report.get_status_display()}”状态，不能修改："
            "只有草稿和已退回的监控表可以修改。"
        )
    if not access.may(user, access.CHANGE, locked_report):
        raise SaveRefused(f"您无权修改“{locked_report}”：只有本部门的填报员和管理员可以修改。")
    changed = _changed(locked_report, header, HEADER_FIELDS)
    stored = {row.indicator_id: row for row in locked_report.rows.select_related("indicator")}
    unknown = set(rows) - set(stored)
    if unknown:
        raise SaveRefused("表中有不属于本监控表的指标：请刷新页面后重新填写。")
    changed_rows, row_fields = [], set()
    for indicator_id, values in rows.items():
        row = stored[indicator_id]
        fields = _changed(row, values, ROW_FIELDS)
        if fields:
            try:
                row.full_clean(exclude=["report", "indicator"], validate_unique=False)
            except ValidationError as error:
                messages = "；".join(error.messages)
                raise SaveRefused(f"指标“{row.indicator.name}”：{messages}") from None
            changed_rows.append(row)
            row_fields.update(fields)
    if changed_rows:
        ProgressRow.objects.bulk_update(changed_rows, sorted(row_fields))
    if changed or changed_rows:
        try:
            locked_report.full_clean(exclude=["department", "checkpoint", "framework"])
        except ValidationError as error:
            raise SaveRefused("；".join(error.messages)) from None
        locked_report.save()
    report.refresh_from_db()
    return locked_report
