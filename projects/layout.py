"""A project framework's layout as plain values, without Django: the execution 分值, the rate
below which a reason is needed, and the 一级指标 with their 分值 and 二级指标.

A framework is data (``frameworks/*.json``, the admin); this checks it and answers where a
row may go. Its 分值 add up to 100 with the execution's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

FULL_MARKS = Decimal("100")


@dataclass(frozen=True)
class Group:
    """A 一级指标 (产出指标 50) and the 二级指标 under it."""

    name: str
    points: Decimal
    children: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    execution_points: Decimal
    reason_below_rate: Decimal
    groups: tuple[Group, ...]
    note: str = ""

    @classmethod
    def from_data(
        cls, groups: Sequence[dict], execution_points, reason_below_rate, note: str = ""
    ) -> Layout:
        return cls(
            execution_points=Decimal(execution_points),
            reason_below_rate=Decimal(reason_below_rate),
            groups=tuple(
                Group(str(g["name"]), Decimal(str(g["points"])), tuple(map(str, g["children"])))
                for g in groups
            ),
            note=note,
        )

    @property
    def total_points(self) -> Decimal:
        return self.execution_points + sum((g.points for g in self.groups), Decimal("0"))

    def group(self, name: str) -> Group | None:
        return next((g for g in self.groups if g.name == name), None)

    def place_error(self, level1: str, level2: str) -> str:
        """Why a row cannot sit under these 一级/二级指标 of the layout; empty if it can."""
        group = self.group(level1)
        if group is None:
            names = "、".join(g.name for g in self.groups)
            return f"一级指标“{level1}”不在本表格式中：请选择 {names} 之一。"
        if level2 not in group.children:
            names = "、".join(group.children)
            return f"二级指标“{level2}”不属于“{level1}”：请选择 {names} 之一。"
        return ""


def groups_errors(groups, execution_points) -> list[str]:
    """What is wrong with a framework's 一级/二级指标 data, in words that say what to fix."""
    if not isinstance(groups, list) or not groups:
        return [
            '请至少设置一个一级指标，如 [{"name": "产出指标", "points": "50", '
            '"children": ["数量指标"]}]。'
        ]
    errors = []
    total = Decimal(execution_points or 0)
    for n, group in enumerate(groups, start=1):
        if not isinstance(group, dict) or not str(group.get("name", "")).strip():
            errors.append(f"第 {n} 个一级指标缺少名称（name）。")
            continue
        try:
            points = Decimal(str(group.get("points")))
        except InvalidOperation:
            errors.append(f"一级指标“{group['name']}”的分值（points）不是数字。")
            continue
        if points < 0:
            errors.append(f"一级指标“{group['name']}”的分值不能为负数。")
        total += points
        children = group.get("children")
        if not isinstance(children, list) or not all(str(c).strip() for c in children or [None]):
            errors.append(f"一级指标“{group['name']}”须列出二级指标（children）。")
    if not errors and total != FULL_MARKS:
        errors.append(f"预算执行分值与各一级指标分值合计为 {total}，应为 100：请调整分值。")
    return errors
