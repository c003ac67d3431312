"""Code that reads a report's money."""

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from .calc import ZERO, Amounts, BudgetFigures, ThreePublicAmounts
from .models import ExpenditureLine, FundSource, IncomeLine, ThreePublicLine


def _sum(field: str, **filters) -> Coalesce:
    condition = Q(**filters) if filters else None
    return Coalesce(
        Sum(field, filter=condition),
        Value(ZERO),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def report_budget_figures(*, report) -> BudgetFigures:
    """Sums of the report's lines (three queries), handed to the arithmetic in ``calc``."""
    income = IncomeLine.objects.filter(report_id=report.pk).aggregate(
        total=_sum("actual"), fiscal=_sum("actual", source__in=IncomeLine.FISCAL_SOURCES)
    )
    spending = {
        (row["nature"], row["fund_source"]): Amounts(row["budget"], row["actual"])
        for row in ExpenditureLine.objects.filter(report_id=report.pk)
        .values("nature", "fund_source")
        .annotate(budget=_sum("budget"), actual=_sum("actual"))
        .order_by()
    }

    def spent(*, nature=None, fund_source=None) -> Amounts:
        return sum(
            (
                amounts
                for (line_nature, line_source), amounts in spending.items()
                if nature in (None, line_nature) and fund_source in (None, line_source)
            ),
            Amounts(),
        )

    three = ThreePublicLine.objects.filter(report_id=report.pk).aggregate(
        budget=_sum("budget"), actual=_sum("actual"), previous_actual=_sum("previous_actual")
    )
    Nature = ExpenditureLine.Nature
    return BudgetFigures(
        income_total=income["total"],
        income_fiscal=income["fiscal"],
        personnel=spent(nature=Nature.PERSONNEL),
        public_operating=spent(nature=Nature.PUBLIC_OPERATING),
        project=spent(nature=Nature.PROJECT),
        fiscal_funds=spent(fund_source=FundSource.FISCAL),
        other_funds=spent(fund_source=FundSource.OTHER),
        three_public=ThreePublicAmounts(**three),
    )
