"""The arithmetic of a report's money: totals, shares and rates over plain Decimals.

No Django here: selectors sum the stored lines and hand the sums to these functions.

An amount not filled in yet is None, and so is every sum, share and rate it is part of: a
figure is known only when all of its lines are (no made-up 0.00, no rate of a half-filled
table). A report without lines of a kind has nothing of that kind: 0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Self

from perfeval.numbers import CENT, HUNDRED, ZERO


def money(value: Decimal | int | str) -> Decimal:
    """An amount in 万元 rounded to two places."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def summed(value: Decimal | float | None) -> Decimal:
    """A database sum as an exact amount: 0 where there was nothing to sum; SQLite sums to a
    float, which two places make exact again."""
    return ZERO if value is None else money(Decimal(str(value)))


_SPACE_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s+(?=\d)")
_GROUPED_BY_THREE = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?")


def ungrouped(text: str) -> str | None:
    """A typed number without its thousands separators: "2,320.58" gives "2320.58".

    The separators must group the whole part by three, so "7,1,0.12" and "1,2,3" (slips of
    the finger, not 710.12 and 123) give None. A space between digits is a separator too
    ("2 320.58"); any other space is dropped. Expects NFKC text (full-width folded).
    """
    text = re.sub(r"\s+", "", _SPACE_BETWEEN_DIGITS.sub(",", text))
    if "," not in text:
        return text
    return text.replace(",", "") if _GROUPED_BY_THREE.fullmatch(text) else None


def plus(*values: Decimal | None) -> Decimal | None:
    """The sum of amounts; None (not known yet) when any of them is not filled in."""
    known = [value for value in values if value is not None]
    if len(known) < len(values):
        return None
    return sum(known, ZERO)


def rate_pct(actual: Decimal | None, budget: Decimal | None) -> Decimal | None:
    """Execution or completion rate in percent (actual ÷ budget), half-up to two places.

    None when there is no budget to measure against, or either amount is not filled in.
    """
    if actual is None or not budget:
        return None
    return (actual / budget * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def shares_pct(parts: Sequence[Decimal | None]) -> list[Decimal | None]:
    """Each part's share of their sum, in percent, adding up to exactly 100.00.

    As the reference report does (and Chinese financial statements commonly do), every
    share but the last is cut to two places and the last takes the remainder (尾差计入末项):
    1846.37 and 114.80 of 1961.17 give 94.14 and 5.86.
    """
    whole = plus(*parts)
    if not whole:
        return [None] * len(parts)
    known = [part for part in parts if part is not None]  # all of them: ``whole`` is known
    shares = [(part / whole * HUNDRED).quantize(CENT, rounding=ROUND_DOWN) for part in known[:-1]]
    return [*shares, HUNDRED - sum(shares, ZERO)]


@dataclass(frozen=True)
class Amounts:
    """A budget (全年预算数) and what was spent or received against it (全年执行数)."""

    budget: Decimal | None = ZERO
    actual: Decimal | None = ZERO

    def __add__(self, other: Self) -> Self:
        return type(self)(
            *(plus(getattr(self, f.name), getattr(other, f.name)) for f in fields(self))
        )

    @property
    def known(self) -> bool:
        """Whether both amounts are filled in, so that they can be measured one by the other."""
        return self.budget is not None and self.actual is not None

    @property
    def rate_pct(self) -> Decimal | None:
        """执行率 (for 三公经费 完成预算的 …%): the actual amount against the budget."""
        return rate_pct(self.actual, self.budget)


@dataclass(frozen=True)
class ThreePublicAmounts(Amounts):
    """三公经费: budget, this year's 决算 and last year's 决算."""

    previous_actual: Decimal | None = ZERO

    @property
    def change(self) -> Decimal | None:
        """比上年增减: negative when spending fell; None until both years are filled in."""
        if self.actual is None or self.previous_actual is None:
            return None
        return self.actual - self.previous_actual


# Codes shared with the models' choices (a test keeps them equal).
PERSONNEL, PUBLIC_OPERATING, PROJECT = "personnel", "public_operating", "project"
FISCAL, OTHER = "fiscal", "other"
GENERAL_BUDGET, CARRYOVER = "general_budget", "carryover"
FISCAL_INCOME_SOURCES = (GENERAL_BUDGET, "government_fund", "state_capital")


@dataclass(frozen=True)
class ThreePublicItem:
    """One 三公经费 line as the narrative reads it."""

    kind: str
    label: str
    amounts: ThreePublicAmounts
    count: int | None = None


@dataclass(frozen=True)
class LineFill:
    """One stored line as the checks see it: which of its amounts are still empty.

    ``table`` is the editor's name of its table (income, expenditure, three_public,
    projects), ``number`` its place there (1 for the first), ``name`` what it is (事业收入,
    公务接待费, a project's name), ``empty`` the labels of its amounts not filled in, and
    ``filled`` how many of them are.
    """

    table: str
    number: int
    name: str
    empty: tuple[str, ...] = ()
    filled: int = 0


def line_fill(table: str, number: int, name: str, amounts: Mapping[str, object]) -> LineFill:
    """A line's ``LineFill`` from its amounts that must be filled, keyed by their labels."""
    return LineFill(
        table=table,
        number=number,
        name=name,
        empty=tuple(label for label, value in amounts.items() if value is None),
        filled=sum(1 for value in amounts.values() if value is not None),
    )


class _Spent:
    """A property of ``BudgetFigures``: the amounts spent of one nature or from one source."""

    def __init__(self, *, nature: str | None = None, source: str | None = None) -> None:
        self.nature, self.source = nature, source

    def __get__(self, figures: BudgetFigures | None, owner: type | None = None) -> Amounts:
        if figures is None:
            raise AttributeError("spent amounts are read from figures, not from their class")
        return figures.spent(nature=self.nature, source=self.source)


@dataclass(frozen=True)
class BudgetFigures:
    """Every money figure of a report, derived from the sums of its stored lines."""

    income_by_source: Mapping[str, Decimal | None] = field(default_factory=dict)
    # Spending summed by (nature, fund source).
    spending: Mapping[tuple[str, str], Amounts] = field(default_factory=dict)
    three_public_items: tuple[ThreePublicItem, ...] = ()
    # The stored lines and what is left to fill in them (empty for figures read from a sheet).
    lines: tuple[LineFill, ...] = ()

    def spent(self, *, nature: str | None = None, source: str | None = None) -> Amounts:
        return sum(
            (
                amounts
                for (line_nature, line_source), amounts in self.spending.items()
                if nature in (None, line_nature) and source in (None, line_source)
            ),
            Amounts(),
        )

    @property
    def income_total(self) -> Decimal | None:
        return plus(*self.income_by_source.values())

    @property
    def income_fiscal(self) -> Decimal | None:
        return plus(*(v for k, v in self.income_by_source.items() if k in FISCAL_INCOME_SOURCES))

    @property
    def income_carryover(self) -> Decimal | None:
        """上年结转结余: money of earlier years, of either kind (the split is not recorded)."""
        return self.income_by_source.get(CARRYOVER, ZERO)

    @property
    def income_non_fiscal(self) -> Decimal | None:
        """This year's income other than 财政拨款 (事业收入, 其他收入 …), without carry-over."""
        return plus(
            *(
                v
                for k, v in self.income_by_source.items()
                if k not in FISCAL_INCOME_SOURCES and k != CARRYOVER
            )
        )

    @property
    def income_fiscal_share_pct(self) -> Decimal | None:
        total, fiscal = self.income_total, self.income_fiscal
        if total is None or fiscal is None:
            return None
        return shares_pct([fiscal, total - fiscal])[0]

    personnel = _Spent(nature=PERSONNEL)
    public_operating = _Spent(nature=PUBLIC_OPERATING)
    project = _Spent(nature=PROJECT)
    fiscal_funds = _Spent(source=FISCAL)
    other_funds = _Spent(source=OTHER)

    @property
    def basic(self) -> Amounts:
        """基本支出 = 人员经费 + 公用经费."""
        return self.personnel + self.public_operating

    @property
    def expenditure(self) -> Amounts:
        """Total spending: 基本支出 + 项目支出."""
        return self.basic + self.project

    @property
    def three_public(self) -> ThreePublicAmounts:
        return sum((item.amounts for item in self.three_public_items), ThreePublicAmounts())

    @property
    def basic_share_pct(self) -> Decimal | None:
        return shares_pct([self.basic.actual, self.project.actual])[0]

    @property
    def project_share_pct(self) -> Decimal | None:
        return shares_pct([self.basic.actual, self.project.actual])[1]

    @property
    def personnel_share_pct(self) -> Decimal | None:
        return shares_pct([self.personnel.actual, self.public_operating.actual])[0]

    @property
    def public_operating_share_pct(self) -> Decimal | None:
        return shares_pct([self.personnel.actual, self.public_operating.actual])[1]
