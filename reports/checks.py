"""Checks on a report: errors block submission, warnings are shown. Pure: plain values in.

Every check has a stable code and a Chinese message that says what to fix, and names the
field it concerns so that the editor can put it beside that field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from budgets.calc import Amounts, BudgetFigures
from scoring import rules
from scoring.core import Group, Row, Scorecard

ERROR, WARNING = "error", "warning"
EXECUTION_BAND = (Decimal("90"), Decimal("110"))


@dataclass(frozen=True)
class Check:
    code: str
    severity: str
    message: str
    field: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass(frozen=True)
class StatedTotals:
    """Figures a sheet states for itself (the 自评表 header block), to hold against the lines."""

    basic: Amounts | None = None
    project: Amounts | None = None
    total: Amounts | None = None


# Sections that must not be left empty: (field, heading as the clerk sees it).
REQUIRED_NARRATIVE = (
    ("annual_goal", "年度总体目标：年初设定目标"),
    ("annual_goal_result", "年度总体目标：全年完成情况"),
    ("functions", "一（一）部门职能概述"),
    ("organisation", "一（二）部门组织机构及人员情况"),
    ("work_plan", "一（三）年度重点工作计划"),
    ("spending_scope", "一（四）支出使用方向、主要内容和涉及范围"),
    ("project_organisation", "三（一）项目组织情况"),
    ("project_management", "三（二）项目管理情况"),
    ("asset_management", "四、资产管理情况"),
    ("performance", "五、部门整体支出绩效情况"),
    ("problems", "六、存在的主要问题"),
    ("improvements", "七、改进措施和有关建议"),
)


def _n(value: Decimal) -> str:
    return rules.num(value)


def _path(group: Group, row: Row | None = None) -> str:
    return f"“{group.name} / {row.name}”" if row else f"“{group.name}”"


def money_checks(
    figures: BudgetFigures,
    *,
    projects: Amounts | None = None,
    stated: StatedTotals | None = None,
) -> list[Check]:
    checks: list[Check] = []
    if stated and stated.basic is not None and stated.basic != figures.basic:
        checks.append(
            Check(
                "basic_split_mismatch",
                ERROR,
                f"基本支出（预算 {stated.basic.budget:.2f}、执行 {stated.basic.actual:.2f}）不等于"
                f"人员经费 + 公用经费（预算 {figures.basic.budget:.2f}、执行 "
                f"{figures.basic.actual:.2f}）：请核对人员经费和公用经费，或改正基本支出。",
                "expenditure",
            )
        )
    for label, stated_amounts, lines in (
        ("项目支出", stated and stated.project, figures.project),
        ("支出合计", stated and stated.total, figures.expenditure),
    ):
        if stated_amounts is not None and stated_amounts != lines:
            checks.append(
                Check(
                    "totals_mismatch",
                    ERROR,
                    f"{label}（预算 {stated_amounts.budget:.2f}、执行 {stated_amounts.actual:.2f}）"
                    f"与各支出行合计（预算 {lines.budget:.2f}、执行 {lines.actual:.2f}）不一致："
                    "请核对后改正。",
                    "expenditure",
                )
            )
    if projects is not None and projects != figures.project:
        checks.append(
            Check(
                "totals_mismatch",
                ERROR,
                f"项目明细合计（预算 {projects.budget:.2f}、执行 {projects.actual:.2f} 万元）与"
                f"项目支出（预算 {figures.project.budget:.2f}、"
                f"执行 {figures.project.actual:.2f} 万元）"
                "不一致：请补全或改正项目明细，或改正项目支出。",
                "projects",
            )
        )
    low, high = EXECUTION_BAND
    for label, amounts in (
        ("整体支出", figures.expenditure),
        ("基本支出", figures.basic),
        ("项目支出", figures.project),
    ):
        rate = amounts.rate_pct
        if rate is not None and not low <= rate <= high:
            where = "超出" if rate > high else "低于"
            checks.append(
                Check(
                    "execution_rate_out_of_band",
                    WARNING,
                    f"{label}执行率 {rate:.2f}%（执行 {amounts.actual:.2f} ÷ 预算 "
                    f"{amounts.budget:.2f}），{where} {_n(low)}%–{_n(high)}% 的合理区间："
                    "请在自评表偏差分析或资金管理情况中说明原因。",
                    "expenditure",
                )
            )
    three = figures.three_public
    if three.actual > three.previous_actual:
        checks.append(
            Check(
                "three_public_increase",
                WARNING,
                f"“三公”经费决算 {three.actual:.2f} 万元高于上年 {three.previous_actual:.2f} 万元"
                f"（增加 {three.change:.2f} 万元）：请说明增加的原因。",
                "three_public",
            )
        )
    return checks


def score_checks(card: Scorecard) -> list[Check]:
    checks: list[Check] = []
    for section in card.sections:
        for group in section.groups:
            checks += _group_checks(group)
    return checks


def _group_checks(group: Group) -> list[Check]:
    checks: list[Check] = []
    field = f"group-{group.key}"
    row_scored = [row for row in group.rows if row.score is not None]
    if group.scored_as_whole:
        if row_scored:
            checks.append(
                Check(
                    "score_mixed",
                    ERROR,
                    f"{_path(group)}既填了整组得分，又给 "
                    f"{'、'.join(row.name for row in row_scored)} 逐项打分：只保留一种。",
                    field,
                )
            )
        if not 0 <= group.group_score <= group.weight:
            checks.append(
                Check(
                    "score_out_of_range",
                    ERROR,
                    f"{_path(group)}的整组得分 {_n(group.group_score)} 超出范围："
                    f"应在 0 到 {_n(group.weight)} 分之间。",
                    field,
                )
            )
        elif group.group_score < group.weight and not (
            group.group_deviation.strip() or any(row.deviation.strip() for row in group.rows)
        ):
            checks.append(_deviation_missing(group, None, group.group_score, group.weight, field))
        suggested = group.suggested_score
        if (
            suggested is not None
            and suggested != group.group_score
            and not group.override_reason.strip()
        ):
            checks.append(_override_missing(group, None, group.group_score, suggested, field))
        return checks

    for row in group.rows:
        row_field = f"row-{row.key}"
        if row.score is None:
            checks.append(
                Check(
                    "indicator_unscored",
                    ERROR,
                    f"{_path(group, row)}尚未评分：请填写自评得分"
                    + ("，或为该二级指标填写整组得分。" if len(group.rows) > 1 else "。"),
                    row_field,
                )
            )
            continue
        bound = rules.score_bound(row_weight=row.weight, group_weight=group.weight)
        if not 0 <= row.score <= bound:
            checks.append(
                Check(
                    "score_out_of_range",
                    ERROR,
                    f"{_path(group, row)}的自评得分 {_n(row.score)} 超出范围："
                    f"应在 0 到 {_n(bound)} 分之间。",
                    row_field,
                )
            )
            continue
        weight = group.row_weight(row)
        if weight is not None and row.score < weight and not row.deviation.strip():
            checks.append(_deviation_missing(group, row, row.score, weight, row_field))
        if (
            row.suggestion is not None
            and row.suggestion.score != row.score
            and not row.override_reason.strip()
        ):
            checks.append(_override_missing(group, row, row.score, row.suggestion.score, row_field))
    if len(row_scored) == len(group.rows) and group.rows:
        total = group.score
        if total > group.weight:
            checks.append(
                Check(
                    "score_out_of_range",
                    ERROR,
                    f"{_path(group)}各三级指标得分合计 {_n(total)} 超过该组权重 "
                    f"{_n(group.weight)} 分：请调低得分。",
                    field,
                )
            )
        elif (
            total < group.weight
            and all(row.weight is None for row in group.rows)
            and len(group.rows) > 1
            and not any(row.deviation.strip() for row in group.rows)
        ):
            checks.append(_deviation_missing(group, None, total, group.weight, field))
    return checks


def _deviation_missing(group, row, score, weight, field) -> Check:
    return Check(
        "deviation_missing",
        ERROR,
        f"{_path(group, row)}得分 {_n(score)} 低于权重 {_n(weight)} 分，但没有填写偏差及原因分析："
        "请说明扣分的原因。",
        field,
    )


def _override_missing(group, row, score, suggested, field) -> Check:
    return Check(
        "override_reason_missing",
        ERROR,
        f"{_path(group, row)}的得分 {_n(score)} 与自动评分建议 {suggested:.2f} 分不同："
        "请填写不采用建议得分的理由，或改用建议得分。",
        field,
    )


def full_marks_checks(card: Scorecard) -> list[Check]:
    checks = []
    for _, group, row in card.rows():
        weight = group.row_weight(row)
        full = row.score is not None and weight is not None and row.score >= weight
        if group.scored_as_whole:
            full = group.group_score >= group.weight
        if full and falls_short(row.target, row.actual):
            checks.append(
                Check(
                    "full_score_short_of_target",
                    WARNING,
                    f"{_path(group, row)}得了满分，但全年完成值“{row.actual}”未达到年度指标值"
                    f"“{row.target}”：请核实得分或完成值。",
                    f"row-{row.key}",
                )
            )
    return checks


def falls_short(target: str, actual: str) -> bool:
    """Whether a 全年完成值 misses its 年度指标值 (both read as numbers, if they can be)."""
    goal, got = rules.parse_measure(target), rules.parse_measure(actual)
    if goal is None or got is None:
        return False
    comparison, goal_value = goal
    if comparison == "≤":
        return got[1] > goal_value
    return got[1] < goal_value


def narrative_checks(texts: Mapping[str, str], figures: BudgetFigures) -> list[Check]:
    required = list(REQUIRED_NARRATIVE)
    three = figures.three_public
    if three.actual != three.budget:
        required.append(("three_public_variance_reason", "“三公”经费决算数与预算数差异的原因"))
    if three.change:
        required.append(("three_public_change_reason", "“三公”经费比上年增减的主要原因"))
    if figures.project.actual:
        required.append(("project_usage", "二（二）项目资金实际使用情况"))
    return [
        Check(
            "narrative_missing",
            ERROR,
            f"“{heading}”尚未填写：请补充这一部分的内容。",
            f"narrative-{field}",
        )
        for field, heading in required
        if not (texts.get(field) or "").strip()
    ]


def report_checks(
    *,
    figures: BudgetFigures,
    scorecard: Scorecard,
    texts: Mapping[str, str],
    projects: Amounts | None = None,
    stated: StatedTotals | None = None,
) -> list[Check]:
    """Every check of a report, errors first, each group in the report's order."""
    checks = (
        money_checks(figures, projects=projects, stated=stated)
        + score_checks(scorecard)
        + full_marks_checks(scorecard)
        + narrative_checks(texts, figures)
    )
    return [c for c in checks if c.severity == ERROR] + [c for c in checks if c.severity == WARNING]
