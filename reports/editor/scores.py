"""The editor's 自评表 page: one grid, a row per level-3 indicator, an optional score per
group, and each row's suggestion and checks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms

from perfeval.fields import TextLimitValidator
from perfeval.limits import ROW_TEXT_MAX_CHARS
from scoring import rules
from scoring.models import GroupResult, IndicatorResult
from scoring.selectors import framework_children
from scoring.writers import results_write

from ..models import Report
from .pages import EditorPage, stored_text


@dataclass(frozen=True)
class GridRow:
    """A row of the editable 自评表: its layout, its inputs, its suggestion and its checks."""

    layout: object  # scoring.table.TableRow
    target: object
    actual: object
    score: object
    deviation: object
    override: object
    group_score: object | None
    group_deviation: object | None
    group_override: object | None
    checks: list
    group_checks: list
    actual_reason: object = None
    # 按本报告数据计算：123.10%（2575.66 ÷ 2092.38）, where the report's figures decide the
    # 全年完成值; empty where it is typed.
    computed: str = ""
    # The approved target where it differs, the monitoring and its offered text
    # (reports.year.RowYear); None without a year around the report.
    year: object = None


def grid_rows(table_rows, form: forms.Form, checks, year=None) -> list[GridRow]:
    by_field: dict[str, list] = {}
    for check in checks:
        by_field.setdefault(check.field, []).append(check)
    rows = []
    for layout in table_rows:
        r, g = layout.row.key, layout.group.key
        first = layout.group_span > 0
        computed = _computed_actual(form, layout.row)
        rows.append(
            GridRow(
                layout=layout,
                target=form[f"r{r}_target"],
                actual=form[f"r{r}_actual"],
                score=form[f"r{r}_score"],
                deviation=form[f"r{r}_deviation"],
                override=form[f"r{r}_override"],
                group_score=form[f"g{g}_score"] if first else None,
                group_deviation=form[f"g{g}_deviation"] if first else None,
                group_override=form[f"g{g}_override"] if first else None,
                checks=by_field.get(f"row-{r}", []),
                group_checks=by_field.get(f"group-{g}", []) if first else [],
                actual_reason=form[f"r{r}_actual_reason"],
                computed=computed,
                year=year.rows.get(r) if year is not None else None,
            )
        )
    return rows


def _computed_actual(form: forms.Form, row) -> str:
    """Show a computed 全年完成值 in its input (``row`` is a ``scoring.core.Row``): the value
    as placeholder, the box left blank to accept it. A typed value that agrees with it is
    shown blank too, since the computed value is what prints."""
    if row.actual_figure is None:
        return ""
    name = f"r{row.key}_actual"
    form.fields[name].widget.attrs |= {
        "placeholder": rules.rate_text(row.computed_actual),
        "aria-describedby": f"computed-{row.key}",
    }
    if not form.is_bound and not row.actual_overridden:
        form.initial[name] = ""
    return f"按本报告数据计算：{row.actual_figure.working}"


SCORE_HELP = "请输入数字，例如 4 或 3.5。"


def _score_field(label: str, bound: Decimal) -> forms.DecimalField:
    """A score of at most ``bound`` (rules.score_bound): more is refused beside the field,
    as not saved, before the writer would refuse the whole save."""
    most = rules.num(bound)
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=bound,
        max_digits=6,
        decimal_places=2,
        error_messages={
            "invalid": SCORE_HELP,
            "min_value": "得分不能为负数。",
            "max_value": f"未保存：得分超过分值 {most} 分，请填写不超过 {most} 分的得分。",
            "max_decimal_places": "得分最多保留两位小数。",
        },
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "class": "form-control form-control-sm text-end"}
        ),
    )


def _text_field(label: str, *, rows: int = 0, max_length: int | None = 200) -> forms.CharField:
    """A short value (``max_length``), or with ``rows`` a text of up to ROW_TEXT_MAX_CHARS,
    refused with a message rather than cut by the browser."""
    if rows:
        return forms.CharField(
            label=label,
            required=False,
            validators=[TextLimitValidator(ROW_TEXT_MAX_CHARS)],
            widget=forms.Textarea(attrs={"rows": rows, "class": "form-control form-control-sm"}),
        )
    # One line that grows to show all of its text (static/js/editor.js), never cut.
    widget = forms.Textarea(
        attrs={"rows": 1, "class": "form-control form-control-sm", "data-single-line": ""}
    )
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget)


# The inputs of a 自评表 row and of a group: (input name, result field, label, form label,
# text rows). Rows 0 is a one-line value, None a score.
ROW_INPUTS = (
    ("target", "target", "年度指标值", "年度指标值", 0),
    ("actual", "actual", "全年完成值", "全年完成值", 0),
    ("score", "score", "自评得分", "自评得分", None),
    ("deviation", "deviation", "偏差及原因分析", "偏差及原因分析", 2),
    ("override", "override_reason", "不采用建议得分的理由", "不采用建议得分的理由", 1),
    ("actual_reason", "actual_reason", "不采用计算值的理由", "不采用计算值的理由", 1),
)
GROUP_INPUTS = (
    ("score", "score", "整组得分", "整组得分", None),
    ("deviation", "deviation", "偏差及原因分析", "整组偏差及原因分析", 1),
    ("override", "override_reason", "不采用建议得分的理由", "不采用建议得分的理由", 1),
)


def _add_inputs(form: forms.Form, prefix: str, node, bound: Decimal, inputs, stored) -> None:
    """The inputs of one row (prefix r<pk>) or group (g<pk>), filled from ``stored``."""
    for name, field, _, label, rows in inputs:
        label = f"{node.name} {label}"
        key = f"{prefix}{node.pk}_{name}"
        form.fields[key] = (
            _score_field(label, bound) if rows is None else _text_field(label, rows=rows)
        )
        if stored is not None:
            form.initial[key] = getattr(stored, field)


def _cleaned(data: dict, prefix: str, node, inputs) -> dict:
    return {field: data[f"{prefix}{node.pk}_{name}"] for name, field, *_ in inputs}


def _snapshot(values: dict, kind: str, stored, names: dict, inputs) -> None:
    for _, field, label, *_ in inputs:
        values[f"{kind}.{stored.indicator_id}.{field}"] = [
            f"“{names.get(stored.indicator_id, '')}”{label}",
            stored_text(getattr(stored, field)),
        ]


class ScoresSection(EditorPage):
    """The 自评表 as one grid: a row per level-3 indicator, an optional score per group."""

    key, title = "scores", "自评表"
    template = "scores.html"

    def _nodes(self, report):
        children = framework_children(framework_id=report.framework_id)
        groups = [group for top in children[None] for group in children[top.pk]]
        rows = [row for group in groups for row in children[group.pk]]
        return groups, rows

    def build(self, report: Report, data=None) -> dict:
        groups, rows = self._nodes(report)
        form = forms.Form(data)
        results = {r.indicator_id: r for r in IndicatorResult.objects.filter(report=report)}
        wholes = {g.indicator_id: g for g in GroupResult.objects.filter(report=report)}
        weights = {node.pk: node.weight for node in groups}
        for node in rows:
            bound = rules.score_bound(row_weight=node.weight, group_weight=weights[node.parent_id])
            _add_inputs(form, "r", node, bound, ROW_INPUTS, results.get(node.pk))
        for node in groups:
            _add_inputs(form, "g", node, node.weight, GROUP_INPUTS, wholes.get(node.pk))
        return {"grid": form}

    def save(self, report: Report, bundle: dict) -> None:
        data = bundle["grid"].cleaned_data
        groups, rows = self._nodes(report)
        results_write(
            report=report,
            rows={node.pk: _cleaned(data, "r", node, ROW_INPUTS) for node in rows},
            groups={
                node.pk: (
                    None
                    if data[f"g{node.pk}_score"] is None
                    else _cleaned(data, "g", node, GROUP_INPUTS)
                )
                for node in groups
            },
            reason="在线编辑",
        )

    def snapshot(self, report: Report) -> dict[str, list[str]]:
        groups, rows = self._nodes(report)
        names = {node.pk: node.name for node in [*groups, *rows]}
        values: dict[str, list[str]] = {}
        for result in IndicatorResult.objects.filter(report=report):
            _snapshot(values, "row", result, names, ROW_INPUTS)
        for whole in GroupResult.objects.filter(report=report):
            _snapshot(values, "group", whole, names, GROUP_INPUTS)
        return values
