"""The editor's 项目自评表 page: per project of the report its 项目支出绩效自评表 (the header
and the indicator rows), the figures computed from its line in “项目”, and its checks.

A project with no table yet gets one, on the default project framework, when the clerk first
saves something into it; every project's table is written through ``projects.writers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budgets.models import Project
from perfeval.fields import model_field
from projects import calc
from projects.forms import HEADER_FIELDS, AssessmentForm, BaseIndicatorFormSet, IndicatorFormSet
from projects.layout import Layout
from projects.models import ProjectAssessment, ProjectFramework, ProjectIndicator
from projects.services import project_framework_default
from projects.writers import assessment_save, formset_save

from ..models import Report
from .pages import EditorPage, stored_text

REASON = "在线编辑"
INDICATOR_FIELDS: tuple[str, ...] = (
    "level1",
    "level2",
    "name",
    "target",
    "actual",
    "points",
    "score",
)
INDICATOR_FIELDS += ("deviation",)
# The field of every check of a project's table starts so (projects.selectors).
CHECK_PREFIX = "project-"
# The parts of a table the page shows its checks beside (the rest are listed at its end).
PARTS = ("", "execution", "execution_reason", "goal", "indicators")


def project_key(project_id: int) -> str:
    """What a project's checks (``project-<id>-…``) and its part of the page are keyed by."""
    return f"{CHECK_PREFIX}{project_id}"


@dataclass(frozen=True)
class ProjectPart:
    """One project on the page: its forms, the figures from its line, and its checks."""

    project: Project
    key: str
    header: AssessmentForm
    rows: BaseIndicatorFormSet
    layout: Layout
    rate: Decimal | None
    score: Decimal | None
    total_score: Decimal | None
    grade: str
    checks: list

    @property
    def needs_reason(self) -> bool:
        return calc.needs_reason(self.rate, self.layout.reason_below_rate)

    @property
    def checks_by_part(self) -> dict[str, list]:
        """The checks by the part of the table they speak of: "" (the whole table),
        "execution", "execution_reason", "goal", "indicators"; others under "other"."""
        grouped: dict[str, list] = {}
        for check in self.checks:
            part = check.field.removeprefix(self.key).removeprefix("-")
            grouped.setdefault(part if part in PARTS else "other", []).append(check)
        return grouped


class ProjectTablesSection(EditorPage):
    """Every project's 项目支出绩效自评表 on one page, saved together in one transaction."""

    key, title = "project-tables", "项目自评表"
    template = "project_tables.html"

    @staticmethod
    def _projects(report: Report) -> list[Project]:
        return list(Project.objects.filter(report_id=report.pk))

    @staticmethod
    def _assessments(report: Report) -> dict[int, ProjectAssessment]:
        rows = ProjectAssessment.objects.filter(report_id=report.pk).select_related("framework")
        return {row.project_id: row for row in rows}

    def build(self, report: Report, data=None) -> dict:
        projects = self._projects(report)
        assessments = self._assessments(report)
        default: ProjectFramework | None = None
        bundle: dict = {}
        for project in projects:
            prefix = f"p{project.pk}"
            if data is not None and f"{prefix}-rows-TOTAL_FORMS" not in data:
                continue  # added since the page was shown: not on it, so not posted
            assessment = assessments.get(project.pk)
            if assessment is None:
                default = default or project_framework_default()
                assessment = ProjectAssessment(
                    report_id=report.pk, project=project, framework=default
                )
            assessment.project = project
            bundle[prefix] = AssessmentForm(data, instance=assessment, prefix=prefix)
            bundle[f"{prefix}-rows"] = IndicatorFormSet(
                data,
                instance=assessment,
                prefix=f"{prefix}-rows",
                layout=assessment.framework.layout,
            )
        return bundle

    def save(self, report: Report, bundle: dict) -> None:
        """Write each project whose table the clerk changed; a table is made on its first
        save. The caller's transaction holds the report's lock; the writers take it again."""
        for key, header in bundle.items():
            if key.endswith("-rows"):
                continue
            rows = bundle[f"{key}-rows"]
            if not (header.has_changed() or rows.has_changed()):
                continue
            assessment = header.instance
            if header.has_changed() or assessment.pk is None:
                assessment_save(assessment, reason=REASON)
            rows.instance = assessment
            formset_save(rows, reason=REASON)

    def snapshot(self, report: Report) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {}
        assessments = (
            ProjectAssessment.objects.filter(report_id=report.pk)
            .select_related("project", "framework")
            .prefetch_related("indicators")
        )
        for assessment in assessments:
            name = f"项目“{assessment.project.name}”"
            values[f"assessment.{assessment.project_id}.framework"] = [
                f"{name}自评表格式",
                str(assessment.framework),
            ]
            for field in HEADER_FIELDS:
                verbose = model_field(ProjectAssessment, field).verbose_name
                values[f"assessment.{assessment.project_id}.{field}"] = [
                    f"{name}{verbose}",
                    stored_text(getattr(assessment, field)),
                ]
            for n, row in enumerate(assessment.indicators.all(), 1):
                for field in INDICATOR_FIELDS:
                    verbose = model_field(ProjectIndicator, field).verbose_name
                    values[f"indicator.{row.pk}.{field}"] = [
                        f"{name}第 {n} 行指标{verbose}",
                        stored_text(getattr(row, field)),
                    ]
        return values

    def parts(self, *, bundle: dict, data, checks) -> list[ProjectPart]:
        """The projects as the page shows them (``data``: ReportData, read from what is
        stored; ``checks``: those shown beside fields)."""
        stored = {project.pk: project for project in data.projects}
        tables = {table.name: table for table in data.project_tables}
        parts = []
        for key, header in bundle.items():
            if key.endswith("-rows"):
                continue
            project = stored.get(header.instance.project_id, header.instance.project)
            layout = header.instance.framework.layout
            rate = calc.execution_rate(project.actual, project.budget)
            table = tables.get(project.name) if header.instance.pk is not None else None
            anchor = project_key(project.pk)
            parts.append(
                ProjectPart(
                    project=project,
                    key=anchor,
                    header=header,
                    rows=bundle[f"{key}-rows"],
                    layout=layout,
                    rate=rate,
                    score=calc.execution_score(layout.execution_points, rate),
                    total_score=table.total_score if table else None,
                    grade=table.grade if table else "",
                    checks=[
                        check
                        for check in checks
                        if check.field == anchor or check.field.startswith(f"{anchor}-")
                    ],
                )
            )
        return parts
