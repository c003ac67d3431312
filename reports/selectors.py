"""Code that reads reports."""

from dataclasses import dataclass
from decimal import Decimal

from budgets.calc import Amounts, BudgetFigures
from budgets.models import Project
from budgets.selectors import report_budget_figures
from scoring import rules
from scoring.core import Scorecard
from scoring.selectors import report_scorecard

from . import checks, narrative
from .models import NARRATIVE_FIELDS, Report


def decimal_str(value: Decimal | None) -> str | None:
    """A decimal with exactly two places, as the summary prints every figure."""
    return None if value is None else f"{Decimal(value):.2f}"


def report_get(*, department_name: str, year: int) -> Report:
    return Report.objects.select_related("department", "framework").get(
        department__name=department_name, year=year
    )


def rates_from_figures(figures: BudgetFigures) -> dict[str, rules.Rate]:
    """The figures the auto-scoring rules can measure, keyed as the rules name them."""
    three = figures.three_public
    return {
        key: rules.Rate(rules.FIGURES[key], amounts.actual, amounts.budget)
        for key, amounts in {
            "total": figures.expenditure,
            "basic": figures.basic,
            "project": figures.project,
            "personnel": figures.personnel,
            "public_operating": figures.public_operating,
            "three_public": Amounts(three.budget, three.actual),
        }.items()
    }


@dataclass(frozen=True)
class ReportData:
    """Everything derived from a report's stored figures, read once."""

    report: Report
    figures: BudgetFigures
    scorecard: Scorecard
    projects: tuple[Project, ...]
    checks: list[checks.Check]

    @property
    def errors(self) -> list[checks.Check]:
        return [c for c in self.checks if c.severity == checks.ERROR]

    @property
    def warnings(self) -> list[checks.Check]:
        return [c for c in self.checks if c.severity == checks.WARNING]

    @property
    def texts(self) -> dict[str, str]:
        return {field: getattr(self.report, field) for field in NARRATIVE_FIELDS}

    def blocks(self) -> list[narrative.Block]:
        department = self.report.department
        return narrative.narrative_blocks(
            year=self.report.year,
            unit=department.display_name,
            region=department.region,
            texts=self.texts,
            figures=self.figures,
            total_score=self.scorecard.total_score,
            grade=self.scorecard.grade,
            projects=tuple(
                narrative.ProjectText(
                    p.name, p.budget, p.actual, Amounts(p.budget, p.actual).rate_pct, p.achievement
                )
                for p in self.projects
            ),
        )


def report_data(*, report: Report) -> ReportData:
    figures = report_budget_figures(report=report)
    scorecard = report_scorecard(report=report, rates=rates_from_figures(figures))
    projects = tuple(Project.objects.filter(report_id=report.pk))
    project_total = (
        sum((Amounts(p.budget, p.actual) for p in projects), Amounts()) if projects else None
    )
    texts = {field: getattr(report, field) for field in NARRATIVE_FIELDS}
    return ReportData(
        report=report,
        figures=figures,
        scorecard=scorecard,
        projects=projects,
        checks=checks.report_checks(
            figures=figures, scorecard=scorecard, texts=texts, projects=project_total
        ),
    )


def _indicator_rows(card: Scorecard) -> list[dict]:
    d = decimal_str
    rows = []
    for section, group, row in card.rows():
        first = row is group.rows[0]
        if group.scored_as_whole:
            score = group.group_score if first else None
            deviation = row.deviation or (group.group_deviation if first else "")
        else:
            score, deviation = row.score, row.deviation
        rows.append(
            {
                "level1": section.name,
                "level2": group.name,
                "level2_weight": d(group.weight),
                "level3": row.name,
                "target": row.target,
                "actual": row.actual,
                "score": d(score),
                "suggested_score": d(row.suggestion.score) if row.suggestion else None,
                "suggestion_working": row.suggestion.working if row.suggestion else None,
                "override_reason": row.override_reason
                or (group.override_reason if group.scored_as_whole and first else ""),
                "deviation": deviation,
            }
        )
    return rows


def report_summary(*, report: Report, data: ReportData | None = None) -> dict:
    """The machine-readable summary of a report (``manage.py report_summary --json``)."""
    data = data or report_data(report=report)
    figures, scorecard = data.figures, data.scorecard
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
            "grade": scorecard.grade,
            "level1": [
                {"name": s.name, "weight": d(s.weight), "score": d(s.score)}
                for s in scorecard.sections
            ],
            "rows": _indicator_rows(scorecard),
        },
        "checks": {
            "errors": [c.as_dict() for c in data.errors],
            "warnings": [c.as_dict() for c in data.warnings],
        },
    }
