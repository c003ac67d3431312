"""The year's summary of the dashboard: reports counted per state, grade, score range and
execution-rate range, and their money summed, in one pass over the reports grouped in SQL.

A pass's groups and sums add up: ``summary_from`` makes the summary of one pass or of many
(the dashboard's parts, dashboard/parts.py) with the same code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import Expression, QuerySet, Sum

from budgets.calc import Amounts, ThreePublicAmounts, rate_pct, summed
from budgets.models import ThreePublicKind, ThreePublicLine
from reports.models import Report
from scoring.selectors import SCORE_SLACK

if TYPE_CHECKING:
    from .overview import FiguredReport

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


def count_groups(reports: QuerySet[FiguredReport], *, by: str = "") -> list[tuple]:
    """One pass over the reports: each report's sums are worked out once, put in its score
    range and execution-rate range, and the reports grouped by state, grade and ranges (a few
    hundred groups at most); ``by`` names an annotation to group by first (each group's first
    value). ``counts_from_groups`` adds the groups up.

    The reports' figures come from the ORM query (``reports_with_figures``); the grouping
    around it is plain SQL, since counting conditions on annotations through the ORM
    repeats every subquery for every condition. Grouping rather than one ``SUM(CASE …)``
    a count tests each report against its ranges once (issue 20: 120,000 reports).
    """
    fields = ("pk", "status", "score_total", "grade", "spend_budget", "spend_actual")
    inner = reports.values(*fields, *((by,) if by else ())).order_by()
    inner_sql, inner_params = inner.query.sql_with_params()
    score_bin, score_params = _bin_case(
        [_score_condition(low, high) for _, low, high in SCORE_BINS]
    )
    rate_bin, rate_params = _bin_case([_rate_condition(low, high) for _, low, high, _ in RATE_BINS])
    # The score's ranges test ``score_total`` alone: a report without one is in none.
    score_bin = f"CASE WHEN score_total IS NULL THEN NULL ELSE {score_bin} END"
    first = f"{connections[reports.db].ops.quote_name(by)}, " if by else ""
    # MATERIALIZED (SQLite ≥ 3.35, PostgreSQL ≥ 12): without it SQLite folds the inner query
    # into the outer one and works each report's sums out again for every range.
    sql = (
        f"WITH figures AS MATERIALIZED ({inner_sql}) "
        f"SELECT {first}status, grade, {score_bin}, {rate_bin}, "
        "CASE WHEN spend_budget = 0 THEN 1 ELSE 0 END, "
        "COUNT(*), COUNT(score_total), SUM(score_total), SUM(spend_budget), SUM(spend_actual) "
        f"FROM figures GROUP BY {', '.join(str(i) for i in range(1, 6 + bool(by)))}"
    )
    with connections[reports.db].cursor() as cursor:
        cursor.execute(sql, [*inner_params, *score_params, *rate_params])
        return [tuple(row) for row in cursor.fetchall()]


def counts_from_groups(groups: Iterable[tuple], grades: list[str]) -> dict:
    """The counts and sums of ``count_groups``'s groups (without a ``by`` value), added up."""
    keys = [
        *(f"status_{value}" for value in Report.Status.values),
        *(f"grade_{i}" for i in range(len(grades))),
        *(f"score_{i}" for i in range(len(SCORE_BINS))),
        *(f"rate_{i}" for i in range(len(RATE_BINS))),
        "no_budget",
        "total",
        "scored",
    ]
    row: dict = dict.fromkeys(keys, 0)
    status_key = {value: f"status_{value}" for value in Report.Status.values}
    grade_key = {name: f"grade_{i}" for i, name in enumerate(grades)}
    score_key = [f"score_{i}" for i in range(len(SCORE_BINS))]
    rate_key = [f"rate_{i}" for i in range(len(RATE_BINS))]
    sums: tuple[list, list, list] = ([], [], [])  # of score, budget, actual
    for status, grade, score, rate, no_budget, count, scored, *group_sums in groups:
        row["total"] += count
        row["scored"] += scored
        if status in status_key:
            row[status_key[status]] += count
        if grade in grade_key:
            row[grade_key[grade]] += count
        if score is not None:
            row[score_key[score]] += count
        if rate is not None:
            row[rate_key[rate]] += count
        row["no_budget"] += no_budget * count
        for values, value in zip(sums, group_sums, strict=True):
            if value is not None:
                values.append(value)
    for key, values in zip(("score_sum", "budget", "actual"), sums, strict=True):
        row[key] = sum(values) if values else None
    return row


def three_public_sums(reports: QuerySet[Report], *, by: Expression | None = None) -> list[dict]:
    """The 三公经费 lines of the reports summed per kind (and per ``by``, an expression of the
    line, as ``by``)."""
    lines = ThreePublicLine.objects.filter(report__in=reports.values("pk")).order_by()
    grouped: QuerySet[Any, Any] = (
        lines.values("kind") if by is None else lines.annotate(by=by).values("by", "kind")
    )
    sums = {"budget": Sum("budget"), "actual": Sum("actual"), "previous": Sum("previous_actual")}
    return list(grouped.annotate(**sums))


def dashboard_summary(*, reports: QuerySet[FiguredReport], grades: list[str]) -> DashboardSummary:
    """Counts per state, grade, score range and execution-rate range, and the money: 2 queries."""
    return summary_from(count_groups(reports), three_public_sums(reports), grades)


def summary_from(
    groups: Iterable[tuple], by_kind: Iterable[dict], grades: list[str]
) -> DashboardSummary:
    """The summary of ``count_groups``'s groups and ``three_public_sums``'s rows (of one pass or
    of many parts: each kind's rows are added up)."""
    row = counts_from_groups(groups, grades)
    total = row["total"]
    rate_counts = tuple(
        RateBin(label, int(row[f"rate_{i}"]), band)
        for i, (label, _, _, band) in enumerate(RATE_BINS)
    )
    labels = dict(ThreePublicKind.choices)
    kinds: dict[str, ThreePublicAmounts] = {}
    for line in by_kind:
        amounts = ThreePublicAmounts(
            summed(line["budget"]), summed(line["actual"]), summed(line["previous"])
        )
        kinds[line["kind"]] = kinds.get(line["kind"], ThreePublicAmounts()) + amounts
    three_public = tuple(
        ThreePublicRow(kind, str(labels[kind]), kinds.get(kind, ThreePublicAmounts()))
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
