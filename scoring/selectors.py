"""Code that reads frameworks and a report's indicator results."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce

from . import rules
from .core import Group, Row, Scorecard, Section
from .models import GradeBand, GroupResult, Indicator, IndicatorResult


def framework_children(*, framework_id: int) -> dict[int | None, list[Indicator]]:
    """Every node of a framework keyed by its parent's id (None for level 1), in order."""
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for node in Indicator.objects.filter(framework_id=framework_id).order_by("order", "pk"):
        children[node.parent_id].append(node)
    return children


def report_scorecard(
    *,
    report,
    rates: Mapping[str, rules.Rate] | None = None,
    results: Iterable[IndicatorResult] | None = None,
    group_results: Iterable[GroupResult] | None = None,
) -> Scorecard:
    """The report's 自评表 as plain values, in four queries whatever its size.

    With ``rates`` (the report's money figures) every computed 全年完成值 and every
    auto-scoring rule's suggestion are worked out too. Results given (the report's as they
    once were, from their history: ``reports.changes``) are scored instead of the stored ones.
    """
    children = framework_children(framework_id=report.framework_id)
    if results is None:
        results = IndicatorResult.objects.filter(report_id=report.pk)
    if group_results is None:
        group_results = GroupResult.objects.filter(report_id=report.pk)
    result_of = {r.indicator_id: r for r in results}
    group_result_of = {g.indicator_id: g for g in group_results}
    bands = tuple(
        GradeBand.objects.filter(framework_id=report.framework_id).values_list("name", "min_score")
    )

    def named(node: Indicator) -> dict:
        return {"name": node.name, "weight": node.weight, "key": node.pk}

    def row(node: Indicator) -> Row:
        result = result_of.get(node.pk)
        return Row(
            **named(node),
            rule=node.rule,
            rule_params=node.rule_params,
            target=result.target if result else "",
            actual=result.actual if result else "",
            score=result.score if result else None,
            deviation=result.deviation if result else "",
            override_reason=result.override_reason if result else "",
            actual_reason=result.actual_reason if result else "",
        )

    def group(node: Indicator) -> Group:
        whole = group_result_of.get(node.pk)
        return Group(
            **named(node),
            rows=tuple(row(child) for child in children[node.pk]),
            group_score=whole.score if whole else None,
            group_deviation=whole.deviation if whole else "",
            override_reason=whole.override_reason if whole else "",
        )

    card = Scorecard(
        sections=tuple(
            Section(
                **named(top),
                groups=tuple(group(node) for node in children[top.pk]),
            )
            for top in children[None]
        ),
        bands=bands or rules.DEFAULT_GRADE_BANDS,
    )
    return card if rates is None else card.with_suggestions(rates)


def scored_totals(*, report_ids) -> list[tuple[int, Decimal]]:
    """(report id, part of its total) pairs, summed in the database: rows, then groups.

    A row's score counts only when its group is not scored as a whole, as in ``core.Group``.
    """
    whole_groups = GroupResult.objects.filter(
        report_id=OuterRef("report_id"), indicator_id=OuterRef("indicator__parent_id")
    )
    rows = (
        IndicatorResult.objects.filter(report_id__in=report_ids, score__isnull=False)
        .exclude(Exists(whole_groups))
        .values("report_id")
        .annotate(total=Sum("score"))
        .values_list("report_id", "total")
        .order_by()
    )
    groups = (
        GroupResult.objects.filter(report_id__in=report_ids)
        .values("report_id")
        .annotate(total=Sum("score"))
        .values_list("report_id", "total")
        .order_by()
    )
    return [*rows, *groups]


def framework_bands(*, framework_ids) -> dict[int, tuple[tuple[str, Decimal], ...]]:
    bands: dict[int, list] = defaultdict(list)
    for framework_id, name, minimum in GradeBand.objects.filter(
        framework_id__in=framework_ids
    ).values_list("framework_id", "name", "min_score"):
        bands[framework_id].append((name, minimum))
    return {key: tuple(value) for key, value in bands.items()}


# Scores have two places; summed on SQLite they may come back as floats (89.99999… for 90),
# so the database compares a score with a band's minimum half a cent up. Exact elsewhere.
SCORE_SLACK = Decimal("0.005")


def grade_expression(*, score: str, framework: str = "framework_id") -> Expression:
    """``rules.grade_for`` in SQL, for lists that filter and count by grade in the database.

    ``score`` names the total score (None: 未评分), ``framework`` the report's framework. The
    bands are the framework's ``GradeBand`` rows, or ``rules.DEFAULT_GRADE_BANDS`` for a
    framework without any, as ``report_scorecard`` and ``framework_bands`` read them; a
    score takes the band with the highest minimum it reaches (``rules.grade_ladder``).
    """
    bands = GradeBand.objects.filter(framework_id=OuterRef(framework))
    reached = (
        bands.filter(min_score__lte=OuterRef(score) + SCORE_SLACK)
        .order_by("-min_score")
        .values("name")[:1]
    )
    default = Case(*_default_ladder(score), default=Value(""), output_field=CharField())
    return Case(
        When(**{f"{score}__isnull": True}, then=Value(rules.UNSCORED)),
        When(Exists(bands), then=Coalesce(Subquery(reached), Value(""))),
        default=default,
        output_field=CharField(),
    )


def grade_case(*, score: str, framework: str = "framework_id") -> Case:
    """``grade_expression`` with the bands read first (one query): a ``CASE`` on the report's
    framework and score, where that expression runs a subquery on the bands for every report
    (issue 20: 1.2 s for 120,000 reports on PostgreSQL). For lists of many reports.

    The same answers: 未评分 without a score, else the band with the highest minimum the
    score reaches (half a cent of slack, ``SCORE_SLACK``) among the framework's bands, or
    among ``rules.DEFAULT_GRADE_BANDS`` for a framework without any; "" below every band.
    """
    bands: dict[int, list[tuple[str, Decimal]]] = {}
    for framework_id, name, minimum in GradeBand.objects.order_by("pk").values_list(
        "framework_id", "name", "min_score"
    ):
        bands.setdefault(framework_id, []).append((name, minimum))
    whens = [When(**{f"{score}__isnull": True}, then=Value(rules.UNSCORED))]
    for framework_id, rows in sorted(bands.items()):
        whens += [
            When(
                **{framework: framework_id, f"{score}__gte": minimum - SCORE_SLACK},
                then=Value(name),
            )
            for name, minimum in rules.grade_ladder(rows)
        ]
    if bands:
        whens.append(When(**{f"{framework}__in": sorted(bands)}, then=Value("")))
    whens += _default_ladder(score)
    return Case(*whens, default=Value(""), output_field=CharField())


def _default_ladder(score: str) -> list[When]:
    """``rules.DEFAULT_GRADE_BANDS`` as a grade's cases, the best band first."""
    return [
        When(**{f"{score}__gte": minimum - SCORE_SLACK}, then=Value(name))
        for name, minimum in rules.grade_ladder(rules.DEFAULT_GRADE_BANDS)
    ]
