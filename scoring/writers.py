"""The one writer of a report's 自评表 results: indicator rows and whole-group scores.

The editor's grid, the Excel import, the admin, the demo loader, a new report and the
province generator all write results through these functions. Besides the mechanics of
``perfeval.owned`` (lock, editability, history, stored totals) they refuse a result for
an indicator of another framework or level, and a score above what it may score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError

from perfeval.owned import Changes, OwnedRows

from . import rules
from .models import GroupResult, Indicator, IndicatorResult

RESULTS = OwnedRows(IndicatorResult, GroupResult)

ROW_FIELDS = tuple(
    field.name
    for field in IndicatorResult._meta.concrete_fields
    if field.editable and not field.primary_key and field.name not in ("report", "indicator")
)
GROUP_FIELDS = tuple(
    field.name
    for field in GroupResult._meta.concrete_fields
    if field.editable and not field.primary_key and field.name not in ("report", "indicator")
)


def results_write(
    *,
    report,
    rows: Mapping[int, Mapping[str, object]] | None = None,
    groups: Mapping[int, Mapping[str, object] | None] | None = None,
    user=None,
    reason: str = "",
    prune: bool = False,
) -> bool:
    """Write results of ``report``; whether anything changed.

    ``rows`` maps a level-3 indicator's id to the fields to set on its row (a row the report
    lacks is created); ``groups`` maps a level-2 indicator's id to its whole-group score's
    fields, or None to remove that score. With ``prune``, rows and group scores not named
    are removed. Unchanged rows are not written, so their history records nothing.
    """
    rows, groups = rows or {}, groups or {}
    _refuse_fields(rows.values(), ROW_FIELDS)
    _refuse_fields((values for values in groups.values() if values is not None), GROUP_FIELDS)
    nodes = _nodes(report, rows.keys() | groups.keys())
    _refuse_unknown(report, rows, groups, nodes)
    _refuse_over_weight(rows, groups, nodes)
    results = {r.indicator_id: r for r in IndicatorResult.objects.filter(report=report)}
    wholes = {g.indicator_id: g for g in GroupResult.objects.filter(report=report)}

    row_changes = _changes(IndicatorResult, report, results, rows)
    present = {key: values for key, values in groups.items() if values is not None}
    group_changes = _changes(GroupResult, report, wholes, present)
    gone_rows = [r.pk for key, r in results.items() if prune and key not in rows]
    gone_groups = [
        g.pk
        for key, g in wholes.items()
        if (key in groups and groups[key] is None) or (prune and key not in groups)
    ]
    if not (row_changes or group_changes or gone_rows or gone_groups):
        return False
    common = {"report_ids": [report.pk], "user": user, "reason": reason}
    with RESULTS.editing(IndicatorResult, [report.pk]):
        for model, changes, gone in (
            (IndicatorResult, row_changes, gone_rows),
            (GroupResult, group_changes, gone_groups),
        ):
            RESULTS.bulk_write(
                model,
                new=changes.new,
                changed=changes.changed,
                fields=changes.fields,
                removed=model.objects.filter(pk__in=gone),
                **common,
            )
    return True


def results_reset(*, report, user=None, reason: str = "") -> None:
    """Start the report's 自评表 afresh on its framework: a blank row per level-3 indicator,
    no whole-group scores (a new report, a report bound to another framework)."""
    leaves = Indicator.objects.filter(framework_id=report.framework_id, level=3)
    common = {"report_ids": [report.pk], "user": user, "reason": reason}
    with RESULTS.editing(IndicatorResult, [report.pk]):
        RESULTS.bulk_write(GroupResult, removed=GroupResult.objects.filter(report=report), **common)
        RESULTS.bulk_write(
            IndicatorResult,
            removed=IndicatorResult.objects.filter(report=report),
            new=[IndicatorResult(report=report, indicator=node) for node in leaves],
            **common,
        )


def results_create(
    results: Iterable[IndicatorResult],
    groups: Iterable[GroupResult] = (),
    *,
    user=None,
    reason: str = "",
    history: bool = True,
) -> None:
    """Insert results of any reports in bulk: generated test data."""
    results, groups = list(results), list(groups)
    common = {"user": user, "reason": reason, "history": history}
    if results:
        RESULTS.bulk_write(
            IndicatorResult, report_ids={r.report_id for r in results}, new=results, **common
        )
    if groups:
        RESULTS.bulk_write(
            GroupResult, report_ids={g.report_id for g in groups}, new=groups, **common
        )


# --- Checks ---------------------------------------------------------------------------------


def _nodes(report, keys) -> dict[int, Indicator]:
    return {
        node.pk: node
        for node in Indicator.objects.filter(pk__in=keys).select_related("parent")
        if node.framework_id == report.framework_id
    }


def _refuse_fields(values: Iterable[Mapping], allowed: tuple[str, ...]) -> None:
    unknown = {name for row in values for name in row} - set(allowed)
    if unknown:
        raise TypeError(f"not a result field: {', '.join(sorted(unknown))}")


def _refuse_unknown(report, rows, groups, nodes) -> None:
    wrong = [key for key in rows if key not in nodes or nodes[key].level != 3]
    wrong += [key for key in groups if key not in nodes or nodes[key].level != 2]
    if wrong:
        raise ValidationError(
            f"指标（编号 {'、'.join(map(str, sorted(wrong)))}）不是“{report}”所用指标体系"
            "中对应层级的指标：请刷新页面后重新填写。"
        )


def _refuse_over_weight(rows, groups, nodes) -> None:
    problems = []
    for key, values in rows.items():
        node = nodes[key]
        bound = rules.score_bound(row_weight=node.weight, group_weight=node.parent.weight)
        problems += _over(node.name, values.get("score"), bound)
    for key, values in groups.items():
        if values is not None:
            problems += _over(nodes[key].name, values.get("score"), nodes[key].weight)
    if problems:
        raise ValidationError(problems)


def _over(name: str, score, bound: Decimal) -> list[str]:
    if score is None or Decimal(score) <= bound:
        return []
    return [
        f"“{name}”的自评得分 {rules.num(Decimal(score))} 分超过其分值 {rules.num(bound)} 分："
        f"请填写不超过 {rules.num(bound)} 分的得分。"
    ]


def _changes(model, report, stored: dict, wanted: Mapping[int, Mapping[str, object]]):
    changes = Changes()
    for key, values in wanted.items():
        changes.add(
            stored.get(key),
            values,
            partial(model, report=report, indicator_id=key),
            exclude=["report", "indicator"],
        )
    return changes
