"""Code that reads frameworks and a report's indicator results."""

from collections import defaultdict

from .core import Group, Row, Scorecard, Section
from .models import GroupResult, Indicator, IndicatorResult


def framework_children(*, framework_id: int) -> dict[int | None, list[Indicator]]:
    """Every node of a framework keyed by its parent's id (None for level 1), in order."""
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for node in Indicator.objects.filter(framework_id=framework_id).order_by("order", "pk"):
        children[node.parent_id].append(node)
    return children


def report_scorecard(*, report) -> Scorecard:
    """The report's 自评表 as plain values, in three queries whatever its size."""
    children = framework_children(framework_id=report.framework_id)
    results = {r.indicator_id: r for r in IndicatorResult.objects.filter(report_id=report.pk)}
    group_results = {g.indicator_id: g for g in GroupResult.objects.filter(report_id=report.pk)}

    def row(node: Indicator) -> Row:
        result = results.get(node.pk)
        if result is None:
            return Row(name=node.name, weight=node.weight)
        return Row(
            name=node.name,
            weight=node.weight,
            target=result.target,
            actual=result.actual,
            score=result.score,
            deviation=result.deviation,
        )

    def group(node: Indicator) -> Group:
        whole = group_results.get(node.pk)
        return Group(
            name=node.name,
            weight=node.weight,
            rows=tuple(row(child) for child in children[node.pk]),
            group_score=whole.score if whole else None,
            group_deviation=whole.deviation if whole else "",
        )

    return Scorecard(
        sections=tuple(
            Section(
                name=top.name,
                weight=top.weight,
                groups=tuple(group(node) for node in children[top.pk]),
            )
            for top in children[None]
        )
    )
