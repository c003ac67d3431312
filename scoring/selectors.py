"""Code that reads frameworks and a report's indicator results."""

from collections import defaultdict
from collections.abc import Mapping

from . import rules
from .core import Group, Row, Scorecard, Section
from .models import GradeBand, GroupResult, Indicator, IndicatorResult


def framework_children(*, framework_id: int) -> dict[int | None, list[Indicator]]:
    """Every node of a framework keyed by its parent's id (None for level 1), in order."""
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for node in Indicator.objects.filter(framework_id=framework_id).order_by("order", "pk"):
        children[node.parent_id].append(node)
    return children


def report_scorecard(*, report, rates: Mapping[str, rules.Rate] | None = None) -> Scorecard:
    """The report's 自评表 as plain values, in four queries whatever its size.

    With ``rates`` (the report's money figures) every auto-scoring rule's suggestion is
    worked out too.
    """
    children = framework_children(framework_id=report.framework_id)
    results = {r.indicator_id: r for r in IndicatorResult.objects.filter(report_id=report.pk)}
    group_results = {g.indicator_id: g for g in GroupResult.objects.filter(report_id=report.pk)}
    bands = tuple(
        GradeBand.objects.filter(framework_id=report.framework_id).values_list("name", "min_score")
    )

    def row(node: Indicator) -> Row:
        result = results.get(node.pk)
        return Row(
            name=node.name,
            weight=node.weight,
            key=node.pk,
            rule=node.rule,
            rule_params=node.rule_params,
            target=result.target if result else "",
            actual=result.actual if result else "",
            score=result.score if result else None,
            deviation=result.deviation if result else "",
            override_reason=result.override_reason if result else "",
        )

    def group(node: Indicator) -> Group:
        whole = group_results.get(node.pk)
        return Group(
            name=node.name,
            weight=node.weight,
            key=node.pk,
            rows=tuple(row(child) for child in children[node.pk]),
            group_score=whole.score if whole else None,
            group_deviation=whole.deviation if whole else "",
            override_reason=whole.override_reason if whole else "",
        )

    card = Scorecard(
        sections=tuple(
            Section(
                name=top.name,
                weight=top.weight,
                key=top.pk,
                groups=tuple(group(node) for node in children[top.pk]),
            )
            for top in children[None]
        ),
        bands=bands or rules.DEFAULT_GRADE_BANDS,
    )
    return card if rates is None else card.with_suggestions(rates)
