"""Code that reads reports."""

from decimal import Decimal

from budgets.selectors import report_budget_figures
from scoring.selectors import report_scorecard

from .models import Report


def decimal_str(value: Decimal | None) -> str | None:
    """A decimal with exactly two places, as the summary prints every figure."""
    return None if value is None else f"{Decimal(value):.2f}"


def report_get(*, department_name: str, year: int) -> Report:
    return Report.objects.select_related("department", "framework").get(
        department__name=department_name, year=year
    )


def report_summary(*, report: Report) -> dict:
    """The machine-readable summary of a report (``manage.py report_summary --json``)."""
    figures = report_budget_figures(report=report)
    scorecard = report_scorecard(report=report)
    d = decimal_str
    return {
        "department": report.department.name,
        "year": report.year,
        "status": report.status,
        "income": {
            "total": d(figures.income_total),
            "fiscal_appropriation": d(figures.income_fiscal),
            "fiscal_share_pct": d(figures.income_fiscal_share_pct),
        },
        "expenditure": {
            "total": d(figures.expenditure.actual),
            "basic": d(figures.basic.actual),
            "basic_share_pct": d(figures.basic_share_pct),
            "personnel": d(figures.personnel.actual),
            "personnel_share_pct": d(figures.personnel_share_pct),
            "public_operating": d(figures.public_operating.actual),
            "public_operating_share_pct": d(figures.public_operating_share_pct),
            "project": d(figures.project.actual),
            "project_share_pct": d(figures.project_share_pct),
        },
        "execution": {
            "budget": d(figures.expenditure.budget),
            "actual": d(figures.expenditure.actual),
            "rate_pct": d(figures.expenditure.rate_pct),
            "basic_budget": d(figures.basic.budget),
            "basic_actual": d(figures.basic.actual),
            "basic_rate_pct": d(figures.basic.rate_pct),
            "project_budget": d(figures.project.budget),
            "project_actual": d(figures.project.actual),
            "project_rate_pct": d(figures.project.rate_pct),
        },
        "three_public": {
            "budget": d(figures.three_public.budget),
            "actual": d(figures.three_public.actual),
            "rate_pct": d(figures.three_public.rate_pct),
            "previous_actual": d(figures.three_public.previous_actual),
            "change": d(figures.three_public.change),
        },
        "indicators": {
            "total_weight": d(scorecard.total_weight),
            "total_score": d(scorecard.total_score),
            "level1": [
                {"name": s.name, "weight": d(s.weight), "score": d(s.score)}
                for s in scorecard.sections
            ],
        },
    }
