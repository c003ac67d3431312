"""What a 绩效目标表 must hold before it is submitted or approved, over plain values (no Django).

Also how a 年度指标值 written as text ("≥80%", "100%", "效果显著") splits into the form's
comparator, value and unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from perfeval.numbers import money_text

QUANTITATIVE, QUALITATIVE = "quantitative", "qualitative"
COMPARATORS = ("≥", "≤", "=")
NUMBER = re.compile(r"\d+(\.\d+)?")
# A quantity as the published forms write it: an optional comparator, a number, a unit.
WRITTEN_QUANTITY = re.compile(r"([≥≤=]?)(\d+(?:\.\d+)?)(%|个)?")
# Rows named one by one in a message; more are counted.
NAMED_ROWS_MAX = 5


@dataclass(frozen=True)
class RowValues:
    name: str
    value_type: str
    value: str


@dataclass(frozen=True)
class FormValues:
    number: int
    adjustment_reason: str
    annual_goal: str
    budget_fiscal: Decimal | None
    budget_other: Decimal | None
    budget_basic: Decimal | None
    budget_project: Decimal | None
    rows: Sequence[RowValues]


@dataclass(frozen=True)
class WrittenTarget:
    value_type: str
    comparator: str
    value: str
    unit: str


def target_parse(text: str) -> WrittenTarget:
    """ "≥80%" → 定量 ≥ 80 %; "100%" → 定量 100 %; anything else is 定性, kept verbatim."""
    text = text.strip()
    match = WRITTEN_QUANTITY.fullmatch(text)
    if match is None:
        return WrittenTarget(QUALITATIVE, "", text, "")
    comparator, value, unit = match.groups()
    return WrittenTarget(QUANTITATIVE, comparator, value, unit or "")


def quantity_error(value_type: str, value: str) -> str | None:
    """A 定量 target's value must be a number; what to do when it is not."""
    value = value.strip()
    if value_type != QUANTITATIVE or not value or NUMBER.fullmatch(value):
        return None
    return (
        f"定量指标的指标值应为数字（如 80、100），现为“{value}”："
        "比较符和计量单位请分别选择和填写，或把指标值类型改为“定性”。"
    )


def _names(names: Sequence[str]) -> str:
    shown = "、".join(f"“{name}”" for name in names[:NAMED_ROWS_MAX])
    if len(names) > NAMED_ROWS_MAX:
        shown += f" 等 {len(names)} 个指标"
    return shown


def budget_errors(values: FormValues) -> list[str]:
    figures = (
        values.budget_fiscal,
        values.budget_other,
        values.budget_basic,
        values.budget_project,
    )
    if any(figure is None for figure in figures):
        return [
            "年度预算未填完：请填写财政拨款、其他资金、基本支出和项目支出四个金额"
            "（单位：万元，没有的填 0）。"
        ]
    fiscal, other, basic, project = (Decimal(figure or 0) for figure in figures)
    by_source, by_structure = fiscal + other, basic + project
    if by_source != by_structure:
        return [
            f"年度预算按资金来源合计 {money_text(by_source)} 万元（财政拨款 + 其他资金），"
            f"按支出结构合计 {money_text(by_structure)} 万元（基本支出 + 项目支出），"
            "两者应相等：请核对这四个金额。"
        ]
    return []


def form_errors(values: FormValues) -> list[str]:
    """Everything that stops the form from being submitted or approved, each saying what
    to fix."""
    errors: list[str] = []
    if values.number > 1 and not values.adjustment_reason.strip():
        errors.append("这是调整后的版本，请在“调整原因”中写明为什么调整绩效目标。")
    if not values.annual_goal.strip():
        errors.append("年度总体目标未填写：请写明本年度的总体目标（可分条写“目标1、目标2……”）。")
    errors += budget_errors(values)
    if not values.rows:
        errors.append("目标表没有三级指标：请联系管理员检查所用的指标体系。")
    missing = [row.name for row in values.rows if not row.value.strip()]
    if missing:
        errors.append(f"{_names(missing)}未填写指标值：请为每个三级指标填写年度指标值。")
    not_numbers = [
        row.name for row in values.rows if quantity_error(row.value_type, row.value) is not None
    ]
    if not_numbers:
        errors.append(
            f"{_names(not_numbers)}是定量指标，但指标值不是数字："
            "请填写数字（如 80），或把指标值类型改为“定性”。"
        )
    return errors
