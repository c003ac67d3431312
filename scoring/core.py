"""The arithmetic of the 自评表: group, level-1 and total scores, grade, suggestions.

No Django here: selectors turn a report's framework and results into these dataclasses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from perfeval.numbers import ZERO

from . import rules


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
    actual_reason: str = ""
    # The figure the 全年完成值 is computed from, where the row's rule measures one.
    actual_figure: rules.Rate | None = None

    @property
    def computed_actual(self) -> Decimal | None:
        """The 全年完成值 as the report's figures give it (a rate in percent), or None."""
        return None if self.actual_figure is None else self.actual_figure.pct

    @property
    def actual_overridden(self) -> bool:
        """Whether a typed 全年完成值 says other than the computed one at its own precision
        ("123%" for 123.10 does not; "30%" for 29.20 does)."""
        computed = self.computed_actual
        return (
            computed is not None
            and bool(self.actual.strip())
            and not rules.actual_agrees(self.actual, computed)
        )

    @property
    def actual_shows_computed(self) -> bool:
        """Whether the computed 全年完成值 prints: always, but for an override with a reason."""
        return self.computed_actual is not None and not (
            self.actual_overridden and self.actual_reason.strip()
        )

    @property
    def actual_display(self) -> str:
        """The 全年完成值 as every copy of the report prints it."""
        if self.actual_shows_computed:
            return rules.rate_text(self.computed_actual)
        return self.actual


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
        scores = [row.suggestion.score for row in self.rows if row.suggestion is not None]
        if not self.rows or len(scores) < len(self.rows):
            return None
        return sum(scores, ZERO)


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
    def scored(self) -> bool:
        """Whether any row or group has a score: until then the report is 未评分, not 0 分."""
        return any(
            group.group_score is not None or any(row.score is not None for row in group.rows)
            for section in self.sections
            for group in section.groups
        )

    @property
    def final_score(self) -> Decimal | None:
        """The 总分 as lists and the printed report state it: None while nothing is scored."""
        return self.total_score if self.scored else None

    @property
    def grade(self) -> str:
        return rules.grade_for(self.final_score, self.bands)

    def rows(self):
        """(section, group, row) for every level-3 row, in the table's order."""
        for section in self.sections:
            for group in section.groups:
                for row in group.rows:
                    yield section, group, row

    def with_suggestions(self, rates: Mapping[str, rules.Rate]) -> Scorecard:
        """The same scorecard with the report's figures applied: every computed 全年完成值
        and every rule's suggested score worked out."""

        def row_with(group: Group, row: Row) -> Row:
            row = replace(
                row,
                actual_figure=rules.actual_rate(rule=row.rule, params=row.rule_params, rates=rates),
            )
            return replace(
                row,
                suggestion=rules.suggest(
                    rule=row.rule,
                    params=row.rule_params,
                    weight=group.row_weight(row),
                    rates=rates,
                    target=row.target,
                    actual=row.actual_display,
                ),
            )

        def group_with(group: Group) -> Group:
            return replace(group, rows=tuple(row_with(group, row) for row in group.rows))

        return replace(
            self,
            sections=tuple(
                replace(section, groups=tuple(group_with(g) for g in section.groups))
                for section in self.sections
            ),
        )
