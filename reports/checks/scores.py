"""Checks on the self-assessment scores: every indicator scored, within its bound, short
scores explained, suggestions followed or overridden with a reason, typed 全年完成值."""

from __future__ import annotations

from decimal import Decimal

from scoring import rules
from scoring.core import Group, Row, Scorecard

from .base import ERROR, WARNING, Check


def _n(value: Decimal) -> str:
    return rules.num(value)


def _path(group: Group, row: Row | None = None) -> str:
    return f"“{group.name} / {row.name}”" if row else f"“{group.name}”"


def score_checks(card: Scorecard) -> list[Check]:
    checks: list[Check] = []
    for section in card.sections:
        for group in section.groups:
            checks += group_checks(group)
    return checks


def actual_checks(card: Scorecard) -> list[Check]:
    """A typed 全年完成值 that differs from the one computed from the report's figures.

    With a reason it stands and prints, and a warning shows both values side by side;
    without one the computed value prints, and the error asks to clear the box or give a
    reason. A typed value that agrees at its own precision ("123%" for 123.10%) is no override.
    """
    checks = []
    for _, group, row in card.rows():
        if not row.actual_overridden:
            continue
        typed, computed = row.actual.strip(), row.actual_figure.working
        reason = row.actual_reason.strip()
        if reason:
            checks.append(
                Check(
                    "actual_overridden",
                    WARNING,
                    f"{_path(group, row)}的全年完成值填写为 {typed}，按本报告数据计算为 "
                    f"{computed}，已说明不采用计算值的理由：{reason}",
                    f"row-{row.key}",
                )
            )
        else:
            checks.append(
                Check(
                    "actual_reason_missing",
                    ERROR,
                    f"{_path(group, row)}的全年完成值填写为 {typed}，与按本报告数据计算的 "
                    f"{computed}不符，报告中按计算值印出：请清空该栏以采用计算值，"
                    "或填写不采用计算值的理由。",
                    f"row-{row.key}",
                )
            )
    return checks


def group_checks(group: Group) -> list[Check]:
    """The checks of one 二级指标: scored as a whole, or row by row and then in total."""
    row_scored = [row for row in group.rows if row.score is not None]
    if group.scored_as_whole:
        return _whole_group_checks(group, row_scored)
    checks: list[Check] = []
    for row in group.rows:
        checks += _row_checks(group, row)
    if len(row_scored) == len(group.rows) and group.rows:
        checks += _group_total_checks(group)
    return checks


def _whole_group_checks(group: Group, row_scored: list[Row]) -> list[Check]:
    score = group.group_score
    assert score is not None  # scored as a whole
    checks: list[Check] = []
    field = f"group-{group.key}"
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
    if not 0 <= score <= group.weight:
        checks.append(
            Check(
                "score_out_of_range",
                ERROR,
                f"{_path(group)}的整组得分 {_n(score)} 超出范围："
                f"应在 0 到 {_n(group.weight)} 分之间。",
                field,
            )
        )
    elif score < group.weight and not (
        group.group_deviation.strip() or any(row.deviation.strip() for row in group.rows)
    ):
        checks.append(
            _reason_missing("deviation_missing", group, None, group.group_score, _n(group.weight))
        )
    suggested = group.suggested_score
    overridden = suggested is not None and suggested != group.group_score
    if overridden and not group.override_reason.strip():
        checks.append(
            _reason_missing(
                "override_reason_missing", group, None, group.group_score, f"{suggested:.2f}"
            )
        )
    return checks


def _row_checks(group: Group, row: Row) -> list[Check]:
    field = f"row-{row.key}"
    if row.score is None:
        return [
            Check(
                "indicator_unscored",
                ERROR,
                f"{_path(group, row)}尚未评分：请填写自评得分"
                + ("，或为该二级指标填写整组得分。" if len(group.rows) > 1 else "。"),
                field,
            )
        ]
    bound = rules.score_bound(row_weight=row.weight, group_weight=group.weight)
    if not 0 <= row.score <= bound:
        return [
            Check(
                "score_out_of_range",
                ERROR,
                f"{_path(group, row)}的自评得分 {_n(row.score)} 超出范围："
                f"应在 0 到 {_n(bound)} 分之间。",
                field,
            )
        ]
    checks: list[Check] = []
    weight = group.row_weight(row)
    if weight is not None and row.score < weight and not row.deviation.strip():
        checks.append(_reason_missing("deviation_missing", group, row, row.score, _n(weight)))
    suggestion = row.suggestion
    if suggestion is not None and suggestion.score != row.score and not row.override_reason.strip():
        checks.append(
            _reason_missing(
                "override_reason_missing", group, row, row.score, f"{suggestion.score:.2f}"
            )
        )
    return checks


def _group_total_checks(group: Group) -> list[Check]:
    """A group whose rows are all scored: their sum against the group's weight."""
    total = group.score
    if total > group.weight:
        return [
            Check(
                "score_out_of_range",
                ERROR,
                f"{_path(group)}各三级指标得分合计 {_n(total)} 超过该组权重 "
                f"{_n(group.weight)} 分：请调低得分。",
                f"group-{group.key}",
            )
        ]
    if (
        total < group.weight
        and all(row.weight is None for row in group.rows)
        and len(group.rows) > 1
        and not any(row.deviation.strip() for row in group.rows)
    ):
        return [_reason_missing("deviation_missing", group, None, total, _n(group.weight))]
    return []


# The score needs a reason the clerk has not given: {other} is the weight it falls short of,
# or the suggested score it departs from.
_REASON_MISSING = {
    "deviation_missing": "{path}得分 {score} 低于权重 {other} 分，但没有填写偏差及原因分析："
    "请说明扣分的原因。",
    "override_reason_missing": "{path}的得分 {score} 与自动评分建议 {other} 分不同："
    "请填写不采用建议得分的理由，或改用建议得分。",
}


def _reason_missing(code: str, group: Group, row: Row | None, score, other: str) -> Check:
    message = _REASON_MISSING[code].format(path=_path(group, row), score=_n(score), other=other)
    field = f"row-{row.key}" if row else f"group-{group.key}"
    return Check(code, ERROR, message, field)


def full_marks_checks(card: Scorecard) -> list[Check]:
    checks = []
    for _, group, row in card.rows():
        weight = group.row_weight(row)
        full = row.score is not None and weight is not None and row.score >= weight
        if group.scored_as_whole:
            full = group.group_score >= group.weight
        if full and falls_short(row.target, row.actual_display):
            checks.append(
                Check(
                    "full_score_short_of_target",
                    WARNING,
                    f"{_path(group, row)}得了满分，但全年完成值“{row.actual_display}”"
                    f"未达到年度指标值“{row.target}”：请核实得分或完成值。",
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
