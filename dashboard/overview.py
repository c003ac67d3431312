"""Code that reads the year's dashboard and a department's history, summed in the database.

Every figure is an annotation or an aggregate over the reports a user may see
(``perfeval.access.visible_reports``): a page costs the same few queries for ten reports or ten
thousand. Each report's money and score come from its stored totals (``reports.totals``,
kept equal to its lines); rates are worked out from those sums by ``budgets.calc``
(half-up, two places), as the report itself prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db import connections
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

from budgets.calc import Amounts, ThreePublicAmounts, rate_pct, shares_pct, summed
from budgets.models import ThreePublicKind, ThreePublicLine
from departments.models import Department
from perfeval import access
from reports.checks import EXECUTION_BAND
from reports.models import Report
from scoring.models import GradeBand
from scoring.rules import UNSCORED
from scoring.selectors import SCORE_SLACK, grade_case, grade_expression

# Score ranges of the distribution: (label, lowest, highest excluded).
SCORE_BINS = (
    ("60 分以下", None, 60),
    ("60–70", 60, 70),
    ("70–80", 70, 80),
    ("80–85", 80, 85),
    ("85–90", 85, 90),
    ("90–95", 90, 95),
    ("95 分及以上", 95, None),
)

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


def dashboard_regions(*, user, year: int) -> list[str]:
    """The regions of the departments of the reports the user sees that year: one pass over
    those reports (and their departments), not a second one to find them again."""
    scope = dashboard_scope(user=user, year=year)
    return list(
        scope.exclude(department__region="")
        .order_by("department__region")
        .values_list("department__region", flat=True)
        .distinct()
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


# --- The year's summary ------------------------------------------------------------------


@dataclass(frozen=True)
class LabelCount:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class RateBin:
    label: str
    count: int
    in_band: bool


@dataclass(frozen=True)
class ThreePublicRow:
    kind: str
    label: str
    amounts: ThreePublicAmounts

    @property
    def change_pct(self) -> Decimal | None:
        return rate_pct(self.amounts.change, self.amounts.previous_actual)


@dataclass(frozen=True)
class DashboardSummary:
    total: int
    by_status: tuple[LabelCount, ...]
    by_grade: tuple[LabelCount, ...]
    score_bins: tuple[LabelCount, ...]
    rate_bins: tuple[RateBin, ...]
    in_band: int
    no_budget: int
    mean_score: Decimal | None
    spending: Amounts
    three_public: tuple[ThreePublicRow, ...]

    @property
    def out_of_band(self) -> int:
        return self.total - self.in_band - self.no_budget

    @property
    def three_public_total(self) -> ThreePublicRow:
        return ThreePublicRow(
            "total", "合计", sum((row.amounts for row in self.three_public), ThreePublicAmounts())
        )


# Execution-rate ranges: (label, lowest, highest, inside 90–110%). A rate on an edge goes
# to the range nearer 100%, so that 90% and 110% count as inside.
RATE_BINS = (
    ("低于 80%", None, 80, False),
    ("80%–90%", 80, 90, False),
    ("90%–95%", 90, 95, True),
    ("95%–100%", 95, 100, True),
    ("100%–105%", 100, 105, True),
    ("105%–110%", 105, 110, True),
    ("110%–120%", 110, 120, False),
    ("高于 120%", 120, None, False),
)


def _rate_condition(low, high) -> tuple[str, list]:
    """SQL for actual ÷ budget in a range, compared as actual against budget × rate."""
    parts, params = ["spend_budget > 0"], []
    for edge, upper in ((low, False), (high, True)):
        if edge is None:
            continue
        # Below 100% a range holds its lower edge, from 100% up its upper edge.
        inclusive = edge >= 100 if upper else edge < 100
        if upper:
            parts.append(f"spend_actual {'<=' if inclusive else '<'} spend_budget * %s")
        else:
            parts.append(f"spend_actual {'>=' if inclusive else '>'} spend_budget * %s")
        params.append(edge / 100)
    return " AND ".join(parts), params


def _score_condition(low, high) -> tuple[str, list]:
    parts, params = ["1 = 1"], []
    if low is not None:
        parts.append("score_total >= %s")
        params.append(low - float(SCORE_SLACK))
    if high is not None:
        parts.append("score_total < %s")
        params.append(high - float(SCORE_SLACK))
    return " AND ".join(parts), params


def _bin_case(conditions: list[tuple[str, list]]) -> tuple[str, list]:
    """The index of the first condition that holds (NULL: none)."""
    whens = " ".join(f"WHEN {condition} THEN {i}" for i, (condition, _) in enumerate(conditions))
    return f"CASE {whens} END", [param for _, params in conditions for param in params]


def _counts(reports: QuerySet[FiguredReport], grades: list[str]) -> dict:
    """One pass over the reports: each report's sums are worked out once, put in its score
    range and execution-rate range, and the reports grouped by state, grade and ranges;
    the groups (a few hundred at most) are added up here.

    The reports' figures come from the ORM query (``reports_with_figures``); the grouping
    around it is plain SQL, since counting conditions on annotations through the ORM
    repeats every subquery for every condition. Grouping rather than one ``SUM(CASE …)``
    a count tests each report against its ranges once (issue 20: 120,000 reports).
    """
    inner = reports.values(
        "pk", "status", "score_total", "grade", "spend_budget", "spend_actual"
    ).order_by()
    inner_sql, inner_params = inner.query.sql_with_params()
    score_bin, score_params = _bin_case(
        [_score_condition(low, high) for _, low, high in SCORE_BINS]
    )
    rate_bin, rate_params = _bin_case([_rate_condition(low, high) for _, low, high, _ in RATE_BINS])
    # The score's ranges test ``score_total`` alone: a report without one is in none.
    score_bin = f"CASE WHEN score_total IS NULL THEN NULL ELSE {score_bin} END"
    # MATERIALIZED (SQLite ≥ 3.35, PostgreSQL ≥ 12): without it SQLite folds the inner query
    # into the outer one and works each report's sums out again for every range.
    sql = (
        f"WITH figures AS MATERIALIZED ({inner_sql}) "
        f"SELECT status, grade, {score_bin}, {rate_bin}, "
        "CASE WHEN spend_budget = 0 THEN 1 ELSE 0 END, "
        "COUNT(*), COUNT(score_total), SUM(score_total), SUM(spend_budget), SUM(spend_actual) "
        "FROM figures GROUP BY 1, 2, 3, 4, 5"
    )
    keys = [
        *(f"status_{value}" for value in Report.Status.values),
        *(f"grade_{i}" for i in range(len(grades))),
        *(f"score_{i}" for i in range(len(SCORE_BINS))),
        *(f"rate_{i}" for i in range(len(RATE_BINS))),
        "no_budget",
        "total",
        "scored",
    ]
    row: dict = dict.fromkeys(keys, 0) | {"score_sum": None, "budget": None, "actual": None}
    grade_index = {name: i for i, name in enumerate(grades)}
    with connections[reports.db].cursor() as cursor:
        cursor.execute(sql, [*inner_params, *score_params, *rate_params])
        groups = cursor.fetchall()
    for status, grade, score, rate, no_budget, count, scored, *sums in groups:
        row["total"] += count
        row["scored"] += scored
        if f"status_{status}" in row:
            row[f"status_{status}"] += count
        if grade in grade_index:
            row[f"grade_{grade_index[grade]}"] += count
        if score is not None:
            row[f"score_{score}"] += count
        if rate is not None:
            row[f"rate_{rate}"] += count
        row["no_budget"] += no_budget * count
        for key, value in zip(("score_sum", "budget", "actual"), sums, strict=True):
            if value is not None:
                row[key] = value if row[key] is None else row[key] + value
    return row


def dashboard_summary(*, reports: QuerySet[FiguredReport], grades: list[str]) -> DashboardSummary:
    """Counts per state, grade, score range and execution-rate range, and the money: 2 queries."""
    row = _counts(reports, grades)
    total = row["total"]
    rate_counts = tuple(
        RateBin(label, int(row[f"rate_{i}"]), band)
        for i, (label, _, _, band) in enumerate(RATE_BINS)
    )
    labels = dict(ThreePublicKind.choices)
    by_kind = {
        line["kind"]: line
        for line in ThreePublicLine.objects.filter(report__in=reports.values("pk"))
        .order_by()
        .values("kind")
        .annotate(budget=Sum("budget"), actual=Sum("actual"), previous=Sum("previous_actual"))
    }
    three_public = tuple(
        ThreePublicRow(
            kind,
            str(labels[kind]),
            ThreePublicAmounts(
                summed(by_kind.get(kind, {}).get("budget")),
                summed(by_kind.get(kind, {}).get("actual")),
                summed(by_kind.get(kind, {}).get("previous")),
            ),
        )
        for kind in ThreePublicKind.values
    )
    return DashboardSummary(
        total=total,
        by_status=tuple(
            LabelCount(value, str(label), int(row[f"status_{value}"]))
            for value, label in Report.Status.choices
        ),
        by_grade=tuple(
            LabelCount(name, name, int(row[f"grade_{i}"])) for i, name in enumerate(grades)
        ),
        score_bins=tuple(
            LabelCount(str(i), label, int(row[f"score_{i}"]))
            for i, (label, _, _) in enumerate(SCORE_BINS)
        ),
        rate_bins=rate_counts,
        in_band=sum(b.count for b in rate_counts if b.in_band),
        no_budget=int(row["no_budget"]),
        # Over the reports with a score: an unscored one (未评分) is no 0 to average in.
        mean_score=(
            summed(Decimal(str(row["score_sum"])) / row["scored"])
            if row["scored"] and row["score_sum"] is not None
            else None
        ),
        spending=Amounts(summed(row["budget"]), summed(row["actual"])),
        three_public=three_public,
    )


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


# What ``_figures`` reads of a report: not the report's text, so that PostgreSQL sorts a
# year's reports without reading their rows (the index ``report_year_status``).
ROW_FIELDS = (
    "year",
    "status",
    "framework_id",
    "department__name",
    "department__code",
    "department__region",
)


def _figures(report: FiguredReport) -> ReportFigures:
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


def dashboard_rows(
    *, reports: QuerySet[FiguredReport], sort: str = "deviation", limit: int | None = 25
) -> list[ReportFigures]:
    """The reports in the table's order (one query); ``limit=None`` for all of them."""
    order = SORTS.get(sort, SORTS["deviation"])[1]
    rows = (
        reports.select_related(None)
        .select_related("department")
        .only(*ROW_FIELDS)
        .order_by(*order, "department__code", "pk")
    )
    if limit is not None:
        rows = rows[:limit]
    return [_figures(report) for report in rows]


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
    regions = (
        reports.order_by()
        .values("department__region")
        .annotate(
            budget=Sum(F("totals__basic_budget") + F("totals__project_budget")),
            actual=Sum(F("totals__basic_actual") + F("totals__project_actual")),
            count=Count("pk"),
        )
        .order_by("department__region")
    )
    return "region", [
        LabelRate(
            row["department__region"] or "（未填地区）",
            Amounts(summed(row["budget"]), summed(row["actual"])),
            count=row["count"],
        )
        for row in regions
    ]


# --- A department's history --------------------------------------------------------------


def history_figures(*, user, department: Department) -> list[ReportFigures]:
    """The department's reports this user may see, oldest year first: one query."""
    reports = access.visible_reports(user).filter(department=department)
    return [
        _figures(report)
        for report in reports_with_figures(reports, grade=grade_expression(score="score_total"))
        .select_related("department")
        .order_by("year")
    ]
