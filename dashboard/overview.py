"""Code that reads the year's dashboard and a department's history, summed in the database.

Every figure is an annotation or an aggregate over the reports a user may see
(``perfeval.access.visible_reports``): a page costs the same few queries for ten reports or ten
thousand. Each report's money and score come from its stored totals (``reports.totals``,
kept equal to its lines); rates are worked out from those sums by ``budgets.calc``
(half-up, two places), as the report itself prints them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs

from budgets.calc import Amounts, ThreePublicAmounts, shares_pct, summed
from departments.models import Department
from perfeval import access
from reports.checks import EXECUTION_BAND
from reports.models import Report
from scoring.models import GradeBand
from scoring.rules import UNSCORED
from scoring.selectors import grade_case, grade_expression

LOW, HIGH = EXECUTION_BAND


# --- Annotations -------------------------------------------------------------------------


def _out_of_band(budget: str, actual: str) -> Q:
    """actual ÷ budget outside 90–110%, compared without dividing."""
    return Q(**{f"{budget}__gt": 0}) & (
        Q(**{f"{actual}__lt": F(budget) * LOW / 100})
        | Q(**{f"{actual}__gt": F(budget) * HIGH / 100})
    )


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


class Figures(TypedDict):
    """What ``reports_with_figures`` adds to each report."""

    score_total: Decimal | None
    basic_budget: Decimal | None
    basic_actual: Decimal | None
    project_budget: Decimal | None
    project_actual: Decimal | None
    tp_budget: Decimal | None
    tp_actual: Decimal | None
    tp_previous: Decimal | None
    spend_budget: Decimal | None
    spend_actual: Decimal | None
    grade: str
    rate_deviation: Decimal | None
    warnings: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    FiguredReport = WithAnnotations[Report, Figures]


def reports_with_figures(
    reports: QuerySet[Report], *, grade: Expression | None = None
) -> QuerySet[FiguredReport]:
    """Reports annotated with their totals, grade, execution and 三公经费 sums.

    The totals are each report's stored ``ReportTotals`` (``reports.totals``), so a page
    reads one row a report instead of summing its lines.
    The grade is ``scoring.rules.grade_for`` in SQL (``grade_case``):
    the report's own framework's band, 未评分 for a report with no score. ``warnings``
    counts the money warnings of ``checks.money_checks`` (execution rate out of 90–110%
    for the whole, 基本 and 项目; 三公经费 above last year), the ones the database can tell.
    ``grade`` replaces the grade's expression (a department's few years:
    ``scoring.selectors.grade_expression``, without reading the bands first).
    """
    annotated = reports.annotate(
        score_total=F("totals__score"),
        basic_budget=F("totals__basic_budget"),
        basic_actual=F("totals__basic_actual"),
        project_budget=F("totals__project_budget"),
        project_actual=F("totals__project_actual"),
        tp_budget=F("totals__three_public_budget"),
        tp_actual=F("totals__three_public_actual"),
        tp_previous=F("totals__three_public_previous"),
    ).annotate(
        spend_budget=F("basic_budget") + F("project_budget"),
        spend_actual=F("basic_actual") + F("project_actual"),
    )
    return annotated.annotate(
        grade=grade_case(score="score_total") if grade is None else grade,
        rate_deviation=Case(
            When(
                spend_budget__gt=0,
                then=Abs(F("spend_actual") * 100 / F("spend_budget") - 100),
            ),
            default=None,
            output_field=DecimalField(max_digits=12, decimal_places=4),
        ),
        warnings=_flag(_out_of_band("spend_budget", "spend_actual"))
        + _flag(_out_of_band("basic_budget", "basic_actual"))
        + _flag(_out_of_band("project_budget", "project_actual"))
        + _flag(Q(tp_actual__gt=F("tp_previous"))),
    )


# --- Filters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    year: int
    region: str = ""
    grade: str = ""
    status: str = ""


def dashboard_scope(*, user, year: int) -> QuerySet[Report]:
    """The reports of ``year`` the user may see, before any filter."""
    return access.visible_reports(user).filter(year=year)


def dashboard_reports(*, user, filters: DashboardFilters) -> QuerySet[FiguredReport]:
    scope = dashboard_scope(user=user, year=filters.year)
    if filters.region:
        scope = scope.filter(department__region=filters.region)
    if filters.status:
        scope = scope.filter(status=filters.status)
    reports = reports_with_figures(scope)
    if filters.grade:
        reports = reports.filter(grade=filters.grade)
    return reports


def dashboard_years(*, user) -> list[int]:
    return list(
        access.visible_reports(user).order_by("-year").values_list("year", flat=True).distinct()
    )


def grade_names(*, reports: QuerySet[Report]) -> list[str]:
    """The grades of the frameworks these reports use, best first (优, 良, 中, 差), then
    未评分 for reports no score has been entered for."""
    used = reports.filter(framework_id=OuterRef("framework_id"))
    rows = (
        GradeBand.objects.filter(Exists(used))
        .order_by("-min_score", "name")
        .values_list("name", flat=True)
    )
    return [*dict.fromkeys(rows), UNSCORED]


# --- Rows of reports ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFigures:
    """One report's totals as the dashboard table and the history page show them."""

    report_id: int
    year: int
    department_id: int
    department: str
    region: str
    status: str
    status_label: str
    score: Decimal | None  # None: 未评分
    grade: str
    basic: Amounts
    project: Amounts
    three_public: ThreePublicAmounts
    warnings: int

    @property
    def spending(self) -> Amounts:
        return self.basic + self.project

    @property
    def rate(self) -> Decimal | None:
        return self.spending.rate_pct

    @property
    def deviation(self) -> Decimal | None:
        return None if self.rate is None else abs(self.rate - 100)

    @property
    def in_band(self) -> bool:
        return self.rate is not None and LOW <= self.rate <= HIGH

    @property
    def basic_share(self) -> Decimal | None:
        return shares_pct([self.basic.actual, self.project.actual])[0]

    @property
    def project_share(self) -> Decimal | None:
        return shares_pct([self.basic.actual, self.project.actual])[1]


# What ``row_of`` reads of a report: not the report's text, so that PostgreSQL sorts a
# year's reports without reading their rows (the index ``report_year_status``).
ROW_FIELDS = (
    "year",
    "status",
    "framework_id",
    "department__name",
    "department__code",
    "department__region",
)


def row_of(report: FiguredReport) -> ReportFigures:
    return ReportFigures(
        report_id=report.pk,
        year=report.year,
        department_id=report.department_id,
        department=report.department.name,
        region=report.department.region,
        status=report.status,
        status_label=report.get_status_display(),
        score=None if report.score_total is None else summed(report.score_total),
        grade=report.grade or "",
        basic=Amounts(summed(report.basic_budget), summed(report.basic_actual)),
        project=Amounts(summed(report.project_budget), summed(report.project_actual)),
        three_public=ThreePublicAmounts(
            summed(report.tp_budget), summed(report.tp_actual), summed(report.tp_previous)
        ),
        warnings=report.warnings,
    )


SORTS = {
    "deviation": ("执行率偏离 100% 最多", (F("rate_deviation").desc(nulls_last=True),)),
    "warnings": (
        "资金预警最多",
        (F("warnings").desc(), F("rate_deviation").desc(nulls_last=True)),
    ),
    "score": ("总分最低", (F("score_total").asc(nulls_last=True),)),
    "department": ("部门编码", ()),
}


def sort_key(sort: str, report: FiguredReport) -> tuple:
    """Where ``dashboard_rows`` puts the report in ``sort``'s order, as a Python sort key (the
    rows of the dashboard's parts merged: dashboard/parts.py)."""
    deviation = report.rate_deviation
    by_deviation = (deviation is None, -(deviation or 0))
    first = {
        "deviation": by_deviation,
        "warnings": (-report.warnings, *by_deviation),
        "score": (report.score_total is None, report.score_total or 0),
        "department": (),
    }[sort if sort in SORTS else "deviation"]
    return (*first, report.department.code, report.pk)


def dashboard_rows(
    *, reports: QuerySet[FiguredReport], sort: str = "deviation", limit: int | None = 25
) -> list[ReportFigures]:
    """The reports in the table's order (one query); ``limit=None`` for all of them."""
    rows = rows_ordered(reports, sort)
    if limit is not None:
        rows = rows[:limit]
    return [row_of(report) for report in rows]


def rows_ordered(reports: QuerySet[FiguredReport], sort: str) -> QuerySet[FiguredReport]:
    """The reports with what a table row shows, in ``sort``'s order (``SORTS``)."""
    return (
        reports.select_related(None)
        .select_related("department")
        .only(*ROW_FIELDS)
        .order_by(*sort_order(sort))
    )


def sort_order(sort: str) -> tuple:
    return (*SORTS.get(sort, SORTS["deviation"])[1], "department__code", "pk")


@dataclass(frozen=True)
class LabelRate:
    label: str
    amounts: Amounts
    count: int = 1
    department_id: int | None = None

    @property
    def rate(self) -> Decimal | None:
        return self.amounts.rate_pct


# Above this many reports the rate chart shows regions instead of departments.
DEPARTMENT_CHART_LIMIT = 40


def execution_rates(*, reports: QuerySet[FiguredReport], total: int) -> tuple[str, list[LabelRate]]:
    """Each department's execution rate, or each region's when there are too many: one query."""
    if total <= DEPARTMENT_CHART_LIMIT:
        rows = reports.select_related("department").order_by("department__code")
        return "department", [
            LabelRate(
                r.department.display_name,
                Amounts(summed(r.spend_budget), summed(r.spend_actual)),
                department_id=r.department_id,
            )
            for r in rows
        ]
    return "region", region_rates(region_sums(reports.order_by("department__region")))


# At most this many regions in the rate chart: those furthest from 100%.
REGION_CHART_LIMIT = 40


def rates_furthest(rates: list[LabelRate], limit: int = REGION_CHART_LIMIT) -> list[LabelRate]:
    """The ``limit`` rates furthest from 100% (then by name), or all of them when fewer: a
    country's 1,200 regions are no chart to read."""
    if len(rates) <= limit:
        return rates
    return sorted(
        rates,
        key=lambda r: (r.rate is None, -abs(r.rate - 100) if r.rate is not None else 0, r.label),
    )[:limit]


def region_sums(reports: QuerySet[FiguredReport], *, by: str = "") -> list[dict]:
    """The reports' spending summed per region (and per ``by``, an annotation): ``region``,
    ``budget``, ``actual``, ``count``."""
    return list(
        reports.values(*((by,) if by else ()), region=F("department__region")).annotate(
            budget=Sum(F("totals__basic_budget") + F("totals__project_budget")),
            actual=Sum(F("totals__basic_actual") + F("totals__project_actual")),
            count=Count("pk"),
        )
    )


def region_rates(rows: Iterable[dict]) -> list[LabelRate]:
    """Each region's execution rate, by region, from ``region_sums``'s rows (of one pass or of
    many parts: each region's rows are added up)."""
    regions: dict[str, tuple[Amounts, int]] = {}
    for row in rows:
        amounts, count = regions.get(row["region"], (Amounts(), 0))
        amounts += Amounts(summed(row["budget"]), summed(row["actual"]))
        regions[row["region"]] = (amounts, count + row["count"])
    return [
        LabelRate(region or "（未填地区）", amounts, count=count)
        for region, (amounts, count) in sorted(regions.items())
    ]


# --- A department's history --------------------------------------------------------------


def history_figures(*, user, department: Department) -> list[ReportFigures]:
    """The department's reports this user may see, oldest year first: one query."""
    reports = access.visible_reports(user).filter(department=department)
    return [
        row_of(report)
        for report in reports_with_figures(reports, grade=grade_expression(score="score_total"))
        .select_related("department")
        .order_by("year")
    ]
