"""What a 自评表 workbook was read into: plain frozen values and the problems met."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .cells import Problem, normalise


@dataclass(frozen=True)
class HeaderFigure:
    """A line of 整体支出规模: 全年预算数, 全年执行数 and the printed 执行率 (never stored)."""

    label: str
    row: int
    budget: Decimal | None = None
    actual: Decimal | None = None
    rate_pct: Decimal | None = None
    budget_column: str = ""
    actual_column: str = ""
    rate_column: str = ""


@dataclass(frozen=True)
class IndicatorRow:
    """A level-3 row of the 分解目标自评 with the level-1 and level-2 names it sits under.

    ``group_scored`` marks a score given once for the whole level-2 group (a score cell
    merged over the group's rows, or written only on its first row): every row of the group
    then carries that same score and deviation.
    """

    row: int
    level1: str
    level1_weight: Decimal | None
    level2: str
    level2_weight: Decimal | None
    level3: str
    level3_weight: Decimal | None = None
    target: str = ""
    actual: str = ""
    score: Decimal | None = None
    deviation: str = ""
    group_scored: bool = False
    # Where each value was read: field name → column letter.
    columns: Mapping[str, str] = field(default_factory=dict)
    # The first sheet row of this row's level-1 and level-2 (merged or written once).
    level1_row: int = 0
    level2_row: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return normalise(self.level1), normalise(self.level2), normalise(self.level3)


@dataclass(frozen=True)
class IncomeRow:
    row: int
    source: str
    description: str = ""
    budget: Decimal | None = None
    actual: Decimal | None = None


@dataclass(frozen=True)
class ExpenditureRow:
    row: int
    nature: str
    fund_source: str = ""
    description: str = ""
    budget: Decimal | None = None
    actual: Decimal | None = None


@dataclass(frozen=True)
class ThreePublicRow:
    row: int
    kind: str
    budget: Decimal | None = None
    actual: Decimal | None = None
    previous_actual: Decimal | None = None
    count: Decimal | None = None


@dataclass(frozen=True)
class LinesReading:
    """The 收支明细 sheet: the lines the figures are summed from."""

    sheet: str
    income: tuple[IncomeRow, ...] = ()
    expenditure: tuple[ExpenditureRow, ...] = ()
    three_public: tuple[ThreePublicRow, ...] = ()
    # Column letter of each label, per table: ("支出", "全年预算数") → "D".
    columns: Mapping[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class SheetReading:
    """Everything read from a 自评表 workbook, and every problem met on the way."""

    sheet: str = ""
    department: str = ""
    department_row: int | None = None
    department_column: str = ""
    year: int | None = None
    year_row: int | None = None
    figures: dict[str, HeaderFigure] = field(default_factory=dict)
    annual_goal: str = ""
    annual_goal_result: str = ""
    # Where each goal's text was read: "annual_goal" → (row, column letter).
    goal_cells: dict[str, tuple[int, str]] = field(default_factory=dict)
    header_row: int | None = None
    rows: list[IndicatorRow] = field(default_factory=list)
    total_score: Decimal | None = None
    total_row: int | None = None
    total_column: str = ""
    lines: LinesReading | None = None
    problems: list[Problem] = field(default_factory=list)
    # The sheets that could each be the 自评表 when the reader would not guess: nothing was
    # read, and a problem asks which one to import.
    choices: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]
