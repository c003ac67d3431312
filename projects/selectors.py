"""Projects' self-assessment tables of a report, as every format prints them."""

from __future__ import annotations

from budgets.models import FundSource
from reports.checks.base import Check

from .checks import missing_table_check, table_checks
from .models import ProjectAssessment
from .table import IndicatorRow, ProjectFigures, ProjectTable, project_table

TEXT_FIELDS: tuple[str, ...] = ("competent_department", "implementing_unit", "execution_reason")
TEXT_FIELDS += ("goal", "goal_result", "conclusion", "problems", "measures")


def assessment_table(assessment: ProjectAssessment, *, year: int) -> ProjectTable:
    project = assessment.project
    return project_table(
        year=year,
        name=project.name,
        layout=assessment.framework.layout,
        figures=ProjectFigures(
            budget=project.budget,
            actual=project.actual,
            initial=assessment.initial_budget,
            fiscal=project.fund_source == FundSource.FISCAL,
        ),
        rows=[
            IndicatorRow(
                level1=row.level1,
                level2=row.level2,
                name=row.name,
                target=row.target,
                actual=row.actual,
                points=row.points,
                score=row.score,
                deviation=row.deviation,
            )
            for row in assessment.indicators.all()
        ],
        texts={name: getattr(assessment, name) for name in TEXT_FIELDS},
        is_demo=assessment.is_demo,
    )


def report_assessments(*, report_id: int):
    return (
        ProjectAssessment.objects.filter(report_id=report_id)
        .select_related("project", "framework")
        .prefetch_related("indicators")
    )


def report_project_tables(*, report, projects) -> tuple[tuple[ProjectTable, ...], list[Check]]:
    """The tables of a report's ``projects`` (in their order) and what their checks found,
    each check's field keyed ``project-<id>`` for the editor."""
    if not projects:
        return (), []
    by_project = {a.project_id: a for a in report_assessments(report_id=report.pk)}
    tables, found = [], []
    for project in projects:
        key = f"project-{project.pk}"
        assessment = by_project.get(project.pk)
        if assessment is None:
            found.append(missing_table_check(project.name, key))
            continue
        assessment.project = project  # the caller's row: no second read
        table = assessment_table(assessment, year=report.year)
        tables.append(table)
        found.extend(table_checks(table, assessment.framework.layout, key=key))
    return tuple(tables), found
