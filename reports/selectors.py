"""Code that reads reports."""

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from budgets.calc import Amounts, BudgetFigures
from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
from budgets.selectors import lines_fill, report_budget_figures
from departments.models import User
from perfeval.fields import model_field
from projects.selectors import report_project_tables
from projects.table import ProjectTable
from scoring import rules, table
from scoring.core import Scorecard
from scoring.models import GroupResult, IndicatorResult
from scoring.selectors import report_scorecard
from scoring.table import TableRow

from . import checks, narrative
from .checks import Check
from .models import NARRATIVE_FIELDS, Report
from .totals import with_scores
from .year import followup_texts


def decimal_str(value: Decimal | None) -> str | None:
    """A decimal with exactly two places, as the summary prints every figure."""
    return None if value is None else f"{Decimal(value):.2f}"


def report_get(*, department_name: str, year: int) -> Report:
    return Report.objects.select_related("department", "framework").get(
        department__name=department_name, year=year
    )


def rates_from_figures(figures: BudgetFigures) -> dict[str, rules.Rate]:
    """The figures the auto-scoring rules can measure, keyed as the rules name them.

    A figure whose amounts are not all filled in yet is missing: no rate, so no computed
    value and no suggested score (a real 0 of 0 is a figure like any other).
    """
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
        if amounts.actual is not None and amounts.budget is not None  # ``amounts.known``
    }


@dataclass(frozen=True)
class ReportData:
    """Everything derived from a report's stored figures, read once."""

    report: Report
    figures: BudgetFigures
    scorecard: Scorecard
    projects: tuple[Project, ...]
    checks: list[Check]
    # Last year's problems and what became of them (followup), printed under 七.
    followups: tuple[narrative.FollowupText, ...] = ()
    # The projects' 项目支出绩效自评表, in the projects' order (a project may have none yet).
    project_tables: tuple[ProjectTable, ...] = ()

    @property
    def errors(self) -> list[Check]:
        return [c for c in self.checks if c.severity == checks.ERROR]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.severity == checks.WARNING]

    @property
    def texts(self) -> dict[str, str]:
        return {field: getattr(self.report, field) for field in NARRATIVE_FIELDS}

    def blocks(self) -> list[narrative.Block]:
        department = self.report.department
        tables = {table.name: table for table in self.project_tables}
        return narrative.narrative_blocks(
            year=self.report.year,
            unit=department.display_name,
            region=department.region,
            texts=self.texts,
            figures=self.figures,
            total_score=self.scorecard.final_score,
            grade=self.scorecard.grade,
            projects=tuple(
                narrative.ProjectText(
                    p.name,
                    p.budget,
                    p.actual,
                    Amounts(p.budget, p.actual).rate_pct,
                    p.achievement,
                    score=tables[p.name].total_score if p.name in tables else None,
                    grade=tables[p.name].grade if p.name in tables else "",
                )
                for p in self.projects
            ),
            followups=self.followups,
        )


@dataclass(frozen=True)
class HeaderLine:
    """A line of the 自评表 header block: 资金来源 or 资金结构 with budget, actual and rate."""

    label: str
    amounts: Amounts | None


def header_lines(figures: BudgetFigures) -> tuple[HeaderLine, ...]:
    """整体支出规模 as the 自评表 prints it; a source with no money is left blank."""
    other = figures.other_funds
    return (
        HeaderLine("资金来源：（1）财政拨款", figures.fiscal_funds),
        HeaderLine("（2）其他资金", other if (other.budget or other.actual) else None),
        HeaderLine("资金结构：（1）基本支出", figures.basic),
        HeaderLine("（2）项目支出", figures.project),
    )


@dataclass(frozen=True)
class Cover:
    """The report's cover page."""

    title: str
    # The 署名单位: the unit whose seal the report bears (the cover's 单位名称（盖章）). Every
    # place that names the reporting unit prints this one name.
    unit: str
    date: str  # 二〇二三年三月, or empty while the report has no date


@dataclass(frozen=True)
class SelfEvalTable:
    """The 部门整体支出绩效自评表 (the report's attachment), as every format prints it."""

    year: int
    unit: str  # the 部门（单位）名称: the cover's 署名单位
    header: tuple[HeaderLine, ...]  # 整体支出规模
    annual_goal: str  # 年度总体目标：年初设定目标
    annual_goal_result: str  # 年度总体目标：全年完成情况
    rows: tuple[TableRow, ...]  # 分解目标自评, one per level-3 indicator
    total_weight: Decimal
    total_score: Decimal | None  # None while nothing is scored
    grade: str
    note: str  # the 注 under the table, without its 注：; empty for none


@dataclass(frozen=True)
class ReportDocument:
    """What the report page, the PDF and the Excel export print, in the published order."""

    cover: Cover
    blocks: tuple[narrative.Block, ...]  # sections 一 to 八
    table: SelfEvalTable
    data: ReportData  # the figures, scores and checks the document was made from

    @property
    def projects(self) -> tuple[ProjectTable, ...]:
        """The projects' 自评表, printed as attachments after the 自评表."""
        return self.data.project_tables

    @property
    def report(self) -> Report:
        return self.data.report


def report_document(*, report: Report, data: ReportData | None = None) -> ReportDocument:
    """The report as it is printed, made from ``data`` (read afresh when not given)."""
    data = data or report_data(report=report)
    card = data.scorecard
    unit = report.department.reporting_unit
    return ReportDocument(
        cover=Cover(
            title=report.title,
            unit=unit,
            date=narrative.chinese_year_month(report.report_date) if report.report_date else "",
        ),
        blocks=tuple(data.blocks()),
        table=SelfEvalTable(
            year=report.year,
            unit=unit,
            header=header_lines(data.figures),
            annual_goal=report.annual_goal,
            annual_goal_result=report.annual_goal_result,
            rows=tuple(table.selfeval_rows(card)),
            total_weight=card.total_weight,
            total_score=card.final_score,
            grade=card.grade,
            note=table_note(report.framework.table_note, card),
        ),
        data=data,
    )


def table_note(framework_note: str, card: Scorecard) -> str:
    """The 注 under the 自评表: the framework's note, then which 全年完成值 were computed."""
    parts = [framework_note.strip(), table.computed_actuals_note(card)]
    return "".join(
        part if part.endswith(("。", "！", "？", ".")) else f"{part}。" for part in parts if part
    )


def report_scores(*, reports) -> dict[int, tuple[Decimal | None, str]]:
    """Total score and grade of many reports, as lists show them (``totals.with_scores``):
    (None, 未评分) for a report no score has been entered for."""
    scored = with_scores(Report.objects.filter(pk__in=[report.pk for report in reports]))
    rows = scored.values_list("pk", "score_total", "score_grade")
    return {pk: (score, grade) for pk, score, grade in rows}


def report_data(*, report: Report) -> ReportData:
    figures = report_budget_figures(report=report)
    scorecard = report_scorecard(report=report, rates=rates_from_figures(figures))
    projects = tuple(Project.objects.filter(report_id=report.pk))
    figures = replace(
        figures, lines=(*figures.lines, *lines_fill("projects", projects, lambda p: p.name))
    )
    project_total = (
        sum((Amounts(p.budget, p.actual) for p in projects), Amounts()) if projects else None
    )
    texts = {field: getattr(report, field) for field in NARRATIVE_FIELDS}
    followups = followup_texts(report=report)
    tables, table_checks = report_project_tables(report=report, projects=projects)
    return ReportData(
        report=report,
        figures=figures,
        scorecard=scorecard,
        projects=projects,
        followups=followups,
        project_tables=tables,
        checks=[
            *checks.report_checks(
                figures=figures,
                scorecard=scorecard,
                texts=texts,
                projects=project_total,
                year=report.year,
                carried=report.carried_fields,
                carried_from=report.carried_from,
                followups=followups,
            ),
            *table_checks,
        ],
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
                "actual": row.actual_display,
                "actual_computed": d(row.computed_actual),
                "actual_reason": row.actual_reason if row.actual_overridden else "",
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
            "total_score": d(scorecard.final_score),
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


@dataclass(frozen=True)
class FieldChange:
    when: datetime
    user: User | None
    what: str
    field: str
    old: str
    new: str

    @property
    def who(self) -> str:
        """The person, or 系统 for changes made by commands such as load_demo."""
        if self.user is None:
            return "系统"
        return self.user.first_name or self.user.username


def report_change_log(*, report: Report, limit: int = 300) -> list[FieldChange]:
    """Who changed which field of the report, its lines and results, when, from what to what."""
    sources = [
        (Report.history.filter(id=report.pk), Report),
        *[
            (model.history.filter(report_id=report.pk), model)
            for model in (
                IncomeLine,
                ExpenditureLine,
                ThreePublicLine,
                Project,
                IndicatorResult,
                GroupResult,
            )
        ],
    ]
    changes: list[FieldChange] = []
    for records, model in sources:
        previous: dict[int, object] = {}
        for record in records.select_related("history_user").order_by("id", "history_date"):
            what = f"{model._meta.verbose_name}“{record.instance}”"
            before = previous.get(record.id)
            previous[record.id] = record
            if record.history_type == "+":
                changes.append(
                    FieldChange(record.history_date, record.history_user, what, "—", "", "新增")
                )
            elif record.history_type == "-":
                changes.append(
                    FieldChange(record.history_date, record.history_user, what, "—", "", "删除")
                )
            elif before is not None:
                for change in record.diff_against(before).changes:
                    field = model_field(model, change.field)
                    changes.append(
                        FieldChange(
                            record.history_date,
                            record.history_user,
                            what,
                            str(field.verbose_name),
                            "" if change.old is None else str(change.old),
                            "" if change.new is None else str(change.new),
                        )
                    )
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]
