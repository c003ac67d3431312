"""The arithmetic of the 自评表: group, level-1 and total scores, grade, suggestions.

No Django here: selectors turn a report's framework and results into these dataclasses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from . import rules

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
    key: object = None
    rule: str = ""
    rule_params: Mapping = field(default_factory=dict)
    override_reason: str = ""
    suggestion: rules.Suggestion | None = None


@dataclass(frozen=True)
class Group:
    """A level-2 indicator; scored row by row, or once as a whole (``group_score``)."""

    name: str
    weight: Decimal
    rows: tuple[Row, ...] = ()
    group_score: Decimal | None = None
    group_deviation: str = ""
    key: object = None
    override_reason: str = ""

    @property
    def scored_as_whole(self) -> bool:
        return self.group_score is not None

    @property
    def score(self) -> Decimal:
        if self.group_score is not None:
            return self.group_score
        return sum((row.score for row in self.rows if row.score is not None), ZERO)

    def row_weight(self, row: Row) -> Decimal | None:
        """What a row is worth: its own weight, or the group's when it is the only row."""
        if row.weight is not None:
            return row.weight
        return self.weight if len(self.rows) == 1 else None

    @property
    def suggested_score(self) -> Decimal | None:
        """The sum of the rows' suggestions, when every row has one."""
        if not self.rows or any(row.suggestion is None for row in self.rows):
            return None
        return sum((row.suggestion.score for row in self.rows), ZERO)


@dataclass(frozen=True)
class Section:
    """A level-1 indicator (投入管理, 产出指标, 效益指标) and its level-2 groups."""

    name: str
    weight: Decimal
    groups: tuple[Group, ...] = ()
    key: object = None

    @property
    def score(self) -> Decimal:
        return sum((group.score for group in self.groups), ZERO)


@dataclass(frozen=True)
class Scorecard:
    """The whole 分解目标自评 of a report."""

    sections: tuple[Section, ...] = ()
    bands: tuple[tuple[str, Decimal], ...] = rules.DEFAULT_GRADE_BANDS

    @property
    def total_weight(self) -> Decimal:
        return sum((section.weight for section in self.sections), ZERO)

    @property
    def total_score(self) -> Decimal:
        return sum((section.score for section in self.sections), ZERO)

    @property
    def grade(self) -> str:
        return rules.grade_for(self.total_score, self.bands)

    def rows(self):
        """(section, group, row) for every level-3 row, in the table's order."""
        for section in self.sections:
            for group in section.groups:
                for row in group.rows:
                    yield section, group, row

    def with_suggestions(self, rates: Mapping[str, rules.Rate]) -> Scorecard:
        """The same scorecard with every rule's suggested score worked out."""

        def group_with(group: Group) -> Group:
            return replace(
                group,
                rows=tuple(
                    replace(
                        row,
                        suggestion=rules.suggest(
                            rule=row.rule,
                            params=row.rule_params,
                            weight=group.row_weight(row),
                            rates=rates,
                            target=row.target,
                            actual=row.actual,
                        ),
                    )
                    for row in group.rows
                ),
            )

        return replace(
            self,
            sections=tuple(
                replace(section, groups=tuple(group_with(g) for g in section.groups))
                for section in self.sections
            ),
        )
