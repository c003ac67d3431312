"""A project's 项目支出绩效自评表 laid out as every format prints it (the page, the PDF, Word,
Excel), from plain values: the money block with the execution score, the indicator rows in
the framework's order with the cells each 一级/二级指标 spans, and the total. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from budgets.calc import Amounts
from scoring.rules import grade_for

from . import calc
from .layout import Layout

# What every format prints (the page, the PDF, Word, Excel; the importer looks for them).
INDICATOR_LABELS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
MONEY_LABELS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
TEXT_ROWS = (("评价结论", "conclusion"), ("存在问题", "problems"), ("改进措施", "measures"))
DEMO_LINE = "示例数据：本表为演示用虚构数据，与原报告项目支出合计一致。"


@dataclass(frozen=True)
class MoneyRow:
    """年度资金总额, 其中：财政拨款, 其他资金: 年初预算数 | 全年预算数 | 全年执行数 | 执行率;
    the 分值 and 得分 are the total row's only."""

    label: str
    initial: Decimal | None
    budget: Decimal | None
    actual: Decimal | None
    rate: Decimal | None
    points: Decimal | None = None
    score: Decimal | None = None


@dataclass(frozen=True)
class IndicatorRow:
    """A 三级指标; the ``*_span`` fields are set on the first row of what they span."""

    level1: str
    level2: str
    name: str
    target: str
    actual: str
    points: Decimal
    score: Decimal | None
    deviation: str
    level1_span: int = 0
    level2_span: int = 0
    level1_points: Decimal | None = None  # the 一级指标's 分值, on its first row


@dataclass(frozen=True)
class ProjectFigures:
    """A project's money as the table states it."""

    budget: Decimal | None  # 全年预算数
    actual: Decimal | None  # 全年执行数
    initial: Decimal | None = None  # 年初预算数
    fiscal: bool = True  # all of it 财政拨款 (else 其他资金)


@dataclass(frozen=True)
class ProjectTable:
    year: int
    name: str
    competent_department: str
    implementing_unit: str
    money: tuple[MoneyRow, ...]
    execution_points: Decimal
    execution_rate: Decimal | None
    execution_score: Decimal | None
    reason_below_rate: Decimal
    execution_reason: str
    goal: str
    goal_result: str
    rows: tuple[IndicatorRow, ...]
    total_points: Decimal
    total_score: Decimal | None
    grade: str
    conclusion: str = ""
    problems: str = ""
    measures: str = ""
    note: str = ""
    is_demo: bool = False
    checks: tuple = field(default=(), compare=False)

    @property
    def title(self) -> str:
        return f"{self.year}年度项目支出绩效自评表"

    @property
    def needs_reason(self) -> bool:
        return calc.needs_reason(self.execution_rate, self.reason_below_rate)


def money_rows(
    figures: ProjectFigures, points: Decimal, rate: Decimal | None, score: Decimal | None
) -> tuple[MoneyRow, ...]:
    """The money block: the total with the execution score, then the source the money came
    from (a project's money has one source; the other row stays empty)."""
    total = MoneyRow(
        "年度资金总额", figures.initial, figures.budget, figures.actual, rate, points, score
    )
    own = replace(total, points=None, score=None)
    empty = MoneyRow("", None, None, None, None)
    fiscal = replace(own if figures.fiscal else empty, label="其中：财政拨款")
    other = replace(empty if figures.fiscal else own, label="其他资金")
    return (total, fiscal, other)


def indicator_rows(layout: Layout, rows: Sequence[IndicatorRow]) -> tuple[IndicatorRow, ...]:
    """The rows in the layout's order (一级, then 二级, then as entered), with their spans."""
    out: list[IndicatorRow] = []
    for group in layout.groups:
        in_group = [row for row in rows if row.level1 == group.name]
        first_of_group = True
        for child in group.children:
            in_child = [row for row in in_group if row.level2 == child]
            for i, row in enumerate(in_child):
                out.append(
                    replace(
                        row,
                        level1_span=len(in_group) if first_of_group else 0,
                        level1_points=group.points if first_of_group else None,
                        level2_span=len(in_child) if i == 0 else 0,
                    )
                )
                first_of_group = False
    return tuple(out)


def project_table(
    *,
    year: int,
    name: str,
    layout: Layout,
    figures: ProjectFigures,
    rows: Sequence[IndicatorRow],
    texts: dict[str, str],
    bands: Sequence[tuple[str, Decimal]] | None = None,
    is_demo: bool = False,
) -> ProjectTable:
    """The table of one project: ``texts`` holds competent_department, implementing_unit,
    execution_reason, goal, goal_result, conclusion, problems and measures."""
    rate = calc.execution_rate(figures.actual, figures.budget)
    score = calc.execution_score(layout.execution_points, rate)
    ordered = indicator_rows(layout, rows)
    total = calc.total_score(score, (row.score for row in ordered))
    return ProjectTable(
        year=year,
        name=name,
        competent_department=texts.get("competent_department", ""),
        implementing_unit=texts.get("implementing_unit", ""),
        money=money_rows(figures, layout.execution_points, rate, score),
        execution_points=layout.execution_points,
        execution_rate=rate,
        execution_score=score,
        reason_below_rate=layout.reason_below_rate,
        execution_reason=texts.get("execution_reason", ""),
        goal=texts.get("goal", ""),
        goal_result=texts.get("goal_result", ""),
        rows=ordered,
        total_points=layout.total_points,
        total_score=total,
        grade=grade_for(total) if bands is None else grade_for(total, bands),
        conclusion=texts.get("conclusion", ""),
        problems=texts.get("problems", ""),
        measures=texts.get("measures", ""),
        note=layout.note,
        is_demo=is_demo,
    )


def amounts(figures: ProjectFigures) -> Amounts:
    return Amounts(figures.budget, figures.actual)
