"""What a project's 自评表 must hold before its report is submitted, without Django: each
check says in Chinese what to fix and names the project and field it concerns."""

from __future__ import annotations

from decimal import Decimal

from perfeval.numbers import rate_text
from reports.checks.base import ERROR, WARNING, Check
from scoring.rules import num

from .layout import Layout
from .table import ProjectTable

# A reason for a low execution rate says at least this much (forms ask for about 100 字).
REASON_MIN_CHARS = 10


def table_checks(table: ProjectTable, layout: Layout, *, key: str) -> list[Check]:
    """The checks of one project's table; ``key`` prefixes each field (the editor's form)."""
    name = f"项目“{table.name}”"
    found = [
        *_execution_checks(table, name, key),
        *_group_checks(table, layout, name, key),
        *_row_checks(table, name, key),
    ]
    if not table.goal.strip() or not table.goal_result.strip():
        found.append(
            Check(
                "project_goal",
                WARNING,
                f"{name}的年度总体目标（预期目标、实际完成情况）未填写完整。",
                f"{key}-goal",
            )
        )
    return found


def _execution_checks(table: ProjectTable, name: str, key: str) -> list[Check]:
    found: list[Check] = []
    if table.execution_rate is None:
        found.append(
            Check(
                "project_rate_unknown",
                ERROR,
                f"{name}缺少全年预算数或全年执行数，无法计算预算执行率：请在“项目”中填写。",
                f"{key}-execution",
            )
        )
    elif table.needs_reason and len(table.execution_reason.strip()) < REASON_MIN_CHARS:
        found.append(
            Check(
                "project_rate_reason",
                ERROR,
                f"{name}预算执行率 {rate_text(table.execution_rate)}，低于 "
                f"{num(table.reason_below_rate)}%：请在“执行率偏低原因”中说明原因"
                f"（不少于 {REASON_MIN_CHARS} 字）。",
                f"{key}-execution_reason",
            )
        )
    return found


def _group_checks(table: ProjectTable, layout: Layout, name: str, key: str) -> list[Check]:
    found: list[Check] = []
    for group in layout.groups:
        rows = [row for row in table.rows if row.level1 == group.name]
        total = sum((row.points for row in rows), Decimal("0"))
        if not rows:
            found.append(
                Check(
                    "project_group_empty",
                    ERROR,
                    f"{name}没有{group.name}：请至少填写一个{group.name}（分值合计 "
                    f"{num(group.points)}）。",
                    f"{key}-indicators",
                )
            )
        elif total != group.points:
            found.append(
                Check(
                    "project_group_points",
                    ERROR,
                    f"{name}{group.name}分值合计 {num(total)}，应为 {num(group.points)}："
                    "请调整各三级指标的分值。",
                    f"{key}-indicators",
                )
            )
    return found


def _row_checks(table: ProjectTable, name: str, key: str) -> list[Check]:
    found: list[Check] = []
    for row in table.rows:
        where = f"{name}的“{row.name}”"
        if not row.target.strip() or not row.actual.strip():
            found.append(
                Check(
                    "project_row_values",
                    ERROR,
                    f"{where}缺少年度指标值或实际完成值：请填写。",
                    f"{key}-indicators",
                )
            )
        if row.score is None:
            found.append(
                Check(
                    "project_row_score", ERROR, f"{where}未填写得分：请填写。", f"{key}-indicators"
                )
            )
        elif row.score > row.points:
            found.append(
                Check(
                    "project_row_over",
                    ERROR,
                    f"{where}得分 {num(row.score)} 超过分值 {num(row.points)}：请改正。",
                    f"{key}-indicators",
                )
            )
        elif row.score < row.points and not row.deviation.strip():
            found.append(
                Check(
                    "project_row_deviation",
                    WARNING,
                    f"{where}未得满分：请在“偏差原因分析及改进措施”中说明原因。",
                    f"{key}-indicators",
                )
            )
    return found


def missing_table_check(project_name: str, key: str) -> Check:
    return Check(
        "project_table_missing",
        WARNING,
        f"项目“{project_name}”还没有项目支出绩效自评表：请在“项目自评表”中填写。",
        key,
    )
