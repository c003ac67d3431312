"""The arithmetic of the 自评表: group, level-1 and total scores over plain values.

No Django here: selectors turn a report's framework and results into these dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Row:
    """A level-3 indicator and its result (one row of the 自评表)."""

    name: str
    weight: Decimal | None = None
    target: str = ""
    actual: str = ""
    score: Decimal | None = None
    deviation: str = ""


@dataclass(frozen=True)
class Group:
    """A level-2 indicator; scored row by row, or once as a whole (``group_score``)."""

    name: str
    weight: Decimal
    rows: tuple[Row, ...] = ()
    group_score: Decimal | None = None
    group_deviation: str = ""

    @property
    def scored_as_whole(self) -> bool:
        return self.group_score is not None

    @property
    def score(self) -> Decimal:
        if self.group_score is not None:
            return self.group_score
        return sum((row.score for row in self.rows if row.score is not None), ZERO)


@dataclass(frozen=True)
class Section:
    """A level-1 indicator (投入管理, 产出指标, 效益指标) and its level-2 groups."""

    name: str
    weight: Decimal
    groups: tuple[Group, ...] = ()

    @property
    def score(self) -> Decimal:
        return sum((group.score for group in self.groups), ZERO)


@dataclass(frozen=True)
class Scorecard:
    """The whole 分解目标自评 of a report."""

    sections: tuple[Section, ...] = ()

    @property
    def total_weight(self) -> Decimal:
        return sum((section.weight for section in self.sections), ZERO)

    @property
    def total_score(self) -> Decimal:
        return sum((section.score for section in self.sections), ZERO)

    def rows(self):
        """(section, group, row) for every level-3 row, in the table's order."""
        for section in self.sections:
            for group in section.groups:
                for row in group.rows:
                    yield section, group, row
