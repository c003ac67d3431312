"""Writing what an import found, through the writers: results and group scores, the
年度总体目标, the money lines and the reasons for imported scores that differ from a rule's."""

from __future__ import annotations

from typing import cast

from budgets.models import ExpenditureLine, IncomeLine, ThreePublicLine
from budgets.writers import lines_create, lines_sync
from reports.models import Report
from reports.selectors import report_data
from scoring.models import Framework
from scoring.writers import results_reset, results_write

from .cells import TEXT_LIMIT
from .matching import GroupPlan
from .money import LinesPlan
from .reading import SheetReading

IMPORT_REASON = "由 Excel 自评表导入"


def _save(instance, user, **kwargs) -> None:
    if user is not None:
        instance._history_user = user
    instance.save(**kwargs)


def write_results(report: Report, plans: list[GroupPlan], user, written: list[str]) -> None:
    """Write the matched rows (a sheet may have a thousand of them) through the writer."""
    rows: dict[int, dict] = {}
    groups: dict[int, dict | None] = {}
    for plan in plans:
        head = plan.rows[0][0]
        group_deviation = head.deviation if plan.whole else ""
        for row, leaf in plan.rows:
            values = {
                "target": row.target[:TEXT_LIMIT],
                "actual": row.actual[:TEXT_LIMIT],
                "score": None if plan.whole else row.score,
                "deviation": (
                    "" if plan.whole and row.deviation == group_deviation else row.deviation
                ),
            }
            # A column the sheet does not have leaves what the report holds.
            rows[leaf.pk] = {k: v for k, v in values.items() if k in row.columns}
        groups[plan.node.pk] = None
        if plan.whole:
            whole: dict = {"score": head.score}
            if "deviation" in head.columns:
                whole["deviation"] = group_deviation
            groups[plan.node.pk] = whole
    results_write(report=report, rows=rows, groups=groups, user=user, reason=IMPORT_REASON)
    if rows:
        written.append(
            f"三级指标 {len(rows)} 行（年度指标值、全年完成值、自评得分、偏差及原因分析）"
        )
    if wholes := sum(1 for plan in plans if plan.whole):
        written.append(f"整组评分的二级指标 {wholes} 个")


def write_goals(report: Report, reading: SheetReading, user, written: list[str]) -> None:
    changed = [
        name
        for name in ("annual_goal", "annual_goal_result")
        if getattr(reading, name) and getattr(reading, name) != getattr(report, name)
    ]
    for name in changed:
        setattr(report, name, getattr(reading, name))
    if changed:
        # Goals read from the sheet are this year's: no longer last year's carried text.
        carried = ["carried_fields"] if report.carried_edited(changed) else []
        _save(report, user, update_fields=[*changed, *carried, "updated_at"])
    if reading.annual_goal or reading.annual_goal_result:
        written.append("年度总体目标（年初设定目标、全年完成情况）")


def write_lines(report: Report, plan: LinesPlan, user, written: list[str]) -> None:
    if plan.source == "sheet":
        for model, rows in (
            (IncomeLine, plan.income),
            (ExpenditureLine, plan.expenditure),
            (ThreePublicLine, plan.three_public),
        ):
            lines_sync(report=report, model=model, rows=rows, user=user, reason=IMPORT_REASON)
        written.append(
            f"收入 {len(plan.income)} 行、支出 {len(plan.expenditure)} 行、“三公”经费 "
            f"{len(plan.three_public)} 行（按“收支明细”工作表核对，只改动不同的行）"
        )
        return
    lines_create(
        [ExpenditureLine(report=report, **values) for values in plan.expenditure],
        user=user,
        reason=IMPORT_REASON,
    )
    written.append(f"支出 {len(plan.expenditure)} 行（按表头“整体支出规模”生成）")


def fill_override_reasons(report: Report, plans: list[GroupPlan], user, filename: str) -> None:
    """An imported score that differs from a rule's suggestion stays, with the reason said."""
    if not plans:
        return
    reason = f"由 Excel 导入：{filename or '自评表'}"
    imported_groups = {plan.node.pk for plan in plans if plan.whole}
    imported_rows = {leaf.pk for plan in plans if not plan.whole for _, leaf in plan.rows}
    card = report_data(report=report).scorecard
    # The scorecard's keys are the indicators' pks (scoring/selectors.py).
    rows: dict[int, dict] = {}
    groups: dict[int, dict | None] = {}
    for section in card.sections:
        for group in section.groups:
            if group.key in imported_groups:
                suggested = group.suggested_score
                if (
                    suggested is not None
                    and suggested != group.group_score
                    and not group.override_reason.strip()
                ):
                    groups[cast(int, group.key)] = {"override_reason": reason}
                continue
            for row in group.rows:
                if (
                    row.key in imported_rows
                    and row.suggestion is not None
                    and row.score is not None
                    and row.suggestion.score != row.score
                    and not row.override_reason.strip()
                ):
                    rows[cast(int, row.key)] = {"override_reason": reason}
    results_write(report=report, rows=rows, groups=groups, user=user, reason=IMPORT_REASON)


def bind_framework(report: Report, framework: Framework, user) -> None:
    """Bind the report to ``framework`` with a blank result row for each level-3 indicator."""
    if report.framework_id == framework.pk:
        return
    report.framework = framework
    _save(report, user, update_fields=["framework", "updated_at"])
    results_reset(report=report, user=user, reason=IMPORT_REASON)
