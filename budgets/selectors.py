"""Code that reads a report's money."""

from collections import defaultdict
from decimal import Decimal

from .calc import (
    ZERO,
    Amounts,
    BudgetFigures,
    LineFill,
    ThreePublicAmounts,
    ThreePublicItem,
    line_fill,
    plus,
)
from .models import ExpenditureLine, IncomeLine, Project, ThreePublicLine

# The amounts of each kind of line that must be filled in, with the labels the editor shows
# (an income line's budget is optional: the report states income by what was received).
FILLED_AMOUNTS = {
    IncomeLine: {"actual": "全年执行数"},
    ExpenditureLine: {"budget": "全年预算数", "actual": "全年执行数"},
    ThreePublicLine: {"budget": "预算数", "actual": "决算数", "previous_actual": "上年决算数"},
    Project: {"budget": "全年预算数", "actual": "全年执行数"},
}


def lines_fill(table: str, lines, name) -> list[LineFill]:
    """``LineFill`` of ``lines`` (one model, in the editor's order); ``name`` names a line."""
    lines = list(lines)
    amounts = FILLED_AMOUNTS[type(lines[0])] if lines else {}
    return [
        line_fill(
            table,
            number,
            str(name(line)),
            {label: getattr(line, field) for field, label in amounts.items()},
        )
        for number, line in enumerate(lines, start=1)
    ]


def report_budget_figures(
    *, report, income_lines=None, expenditure_lines=None, three_public_lines=None
) -> BudgetFigures:
    """The report's lines (three queries), summed by the arithmetic in ``calc``.

    Summed here rather than in SQL, whose SUM skips an empty amount: a sum with an empty
    amount in it is not known yet (None), not the sum of the others. Lines given (the
    report's as they once were, from their history: ``reports.changes``) are summed instead
    of the stored ones.
    """
    if income_lines is None:
        income_lines = IncomeLine.objects.filter(report_id=report.pk)
    if expenditure_lines is None:
        expenditure_lines = ExpenditureLine.objects.filter(report_id=report.pk)
    if three_public_lines is None:
        three_public_lines = ThreePublicLine.objects.filter(report_id=report.pk)
    income_lines = list(income_lines)
    income: dict[str, Decimal | None] = {}
    for line in income_lines:
        income[line.source] = plus(income.get(line.source, ZERO), line.actual)
    expenditure_lines = list(expenditure_lines)
    spending: dict[tuple[str, str], Amounts] = defaultdict(Amounts)
    for line in expenditure_lines:
        key = (line.nature, line.fund_source)
        spending[key] += Amounts(line.budget, line.actual)
    three_public_lines = list(three_public_lines)
    three_public = tuple(
        ThreePublicItem(
            kind=line.kind,
            label=line.get_kind_display(),
            amounts=ThreePublicAmounts(line.budget, line.actual, line.previous_actual),
            count=line.count,
        )
        for line in three_public_lines
    )
    return BudgetFigures(
        income_by_source=income,
        spending=dict(spending),
        three_public_items=three_public,
        lines=(
            *lines_fill("income", income_lines, lambda line: line.get_source_display()),
            *lines_fill("expenditure", expenditure_lines, lambda line: line.get_nature_display()),
            *lines_fill("three_public", three_public_lines, lambda line: line.get_kind_display()),
        ),
    )
