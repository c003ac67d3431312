"""Code that reads a report's money."""

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from .calc import ZERO, Amounts, BudgetFigures, ThreePublicAmounts, ThreePublicItem
from .models import ExpenditureLine, IncomeLine, ThreePublicLine


def _sum(field: str) -> Coalesce:
    return Coalesce(
        Sum(field), Value(ZERO), output_field=DecimalField(max_digits=16, decimal_places=2)
    )


def report_budget_figures(*, report) -> BudgetFigures:
    """Sums of the report's lines (three queries), handed to the arithmetic in ``calc``."""
    income = {
        row["source"]: row["actual"]
        for row in IncomeLine.objects.filter(report_id=report.pk)
        .values("source")
        .annotate(actual=_sum("actual"))
        .order_by()
    }
    spending = {
        (row["nature"], row["fund_source"]): Amounts(row["budget"], row["actual"])
        for row in ExpenditureLine.objects.filter(report_id=report.pk)
        .values("nature", "fund_source")
        .annotate(budget=_sum("budget"), actual=_sum("actual"))
        .order_by()
    }
    three_public = tuple(
        ThreePublicItem(
            kind=line.kind,
            label=line.get_kind_display(),
            amounts=ThreePublicAmounts(line.budget, line.actual, line.previous_actual),
            count=line.count,
        )
        for line in ThreePublicLine.objects.filter(report_id=report.pk)
    )
    return BudgetFigures(
        income_by_source=income, spending=spending, three_public_items=three_public
    )
