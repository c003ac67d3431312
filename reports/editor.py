"""The report editor's sections: which forms each shows, how it saves, how it detects a
save made by someone else in the meantime.

A section renders with a signed snapshot of what it showed. On save the section's current
values are compared with that snapshot under a row lock: if someone else saved first, the
save is refused, their changes are listed, and the clerk's input stays in the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core import signing
from django.db import transaction

from budgets.forms import (
    ExpenditureFormSet,
    IncomeFormSet,
    ProjectFormSet,
    ThreePublicFormSet,
)
from perfeval import access
from perfeval.fields import TextLimitValidator
from perfeval.limits import ROW_TEXT_MAX_CHARS
from scoring.models import GroupResult, IndicatorResult
from scoring.selectors import framework_children

from .models import Report
from .totals import totals_deferred

SNAPSHOT_SALT = "perfeval.editor.snapshot"
EMPTY = "（空）"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def narrative_form_class(fields: tuple[str, ...]) -> type[forms.ModelForm]:
    return forms.modelform_factory(
        Report,
        fields=fields,
        widgets={
            field: forms.Textarea(attrs={"rows": 8 if field in LONG_FIELDS else 4})
            for field in fields
            if field != "report_date"
        }
        | {"report_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")},
    )


LONG_FIELDS = {"functions", "work_plan", "performance", "organisation", "improvements"}


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


def grid_rows(table_rows, form: forms.Form, checks) -> list[GridRow]:
    by_field: dict[str, list] = {}
    for check in checks:
        by_field.setdefault(check.field, []).append(check)
    rows = []
    for layout in table_rows:
        r, g = layout.row.key, layout.group.key
        first = layout.group_span > 0
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
            )
        )
    return rows


@dataclass
class Change:
    label: str
    before: str
    after: str


class Section:
    """A page of the editor: narrative fields, optionally with line formsets."""

    key = ""
    title = ""
    template = "section.html"
    narrative: tuple[str, ...] = ()
    formsets: tuple[tuple[str, type, str], ...] = ()  # (prefix, formset class, title)

    def __init__(self, key="", title="", narrative=()):
        self.key = key or self.key
        self.title = title or self.title
        self.narrative = tuple(narrative) or self.narrative

    # --- forms -------------------------------------------------------------------------

    def build(self, report: Report, data=None) -> dict:
        bundle = {}
        if self.narrative:
            bundle["narrative"] = narrative_form_class(self.narrative)(data, instance=report)
        for prefix, formset_class, _ in self.formsets:
            bundle[prefix] = formset_class(data, instance=report, prefix=prefix)
        return bundle

    def is_valid(self, bundle: dict) -> bool:
        return all([form.is_valid() for form in bundle.values()])

    def save(self, report: Report, bundle: dict) -> None:
        """Write the section onto ``report``, the stored row as locked for this save.

        Only this section's fields are written: the form's own instance was read when the
        request began, and saving it whole would put back another section that someone
        saved meanwhile.
        """
        for key, form in bundle.items():
            if key != "narrative":
                form.save()
                continue
            for field in self.narrative:
                setattr(report, field, form.cleaned_data[field])
            report.save(update_fields=[*self.narrative, "updated_at"])

    # --- concurrency ---------------------------------------------------------------------

    def snapshot(self, report: Report) -> dict[str, list[str]]:
        """Every value this section shows, keyed stably, with a label a clerk understands."""
        values: dict[str, list[str]] = {}
        for field in self.narrative:
            label = str(Report._meta.get_field(field).verbose_name)
            values[f"report.{field}"] = [label, _text(getattr(report, field))]
        for prefix, formset_class, title in self.formsets:
            model = formset_class.model
            fields = [f for f in formset_class.form.base_fields if f not in ("id", "report")]
            for n, line in enumerate(model.objects.filter(report=report).order_by("pk"), 1):
                for field in fields:
                    verbose = model._meta.get_field(field).verbose_name
                    display = getattr(line, f"get_{field}_display", None)
                    values[f"{prefix}.{line.pk}.{field}"] = [
                        f"{title}第 {n} 行{verbose}",
                        _text(display() if display else getattr(line, field)),
                    ]
        return values

    def token(self, report: Report) -> str:
        return signing.dumps(self.snapshot(report), salt=SNAPSHOT_SALT, compress=True)

    @staticmethod
    def changes_since(token: str, current: dict[str, list[str]]) -> list[Change] | None:
        """What changed since the snapshot in ``token``; None if the token is not ours."""
        try:
            before = signing.loads(token, salt=SNAPSHOT_SALT)
        except signing.BadSignature:
            return None
        changes = []
        for key in list(before) + [k for k in current if k not in before]:
            old, new = before.get(key), current.get(key)
            if old != new:
                label = (new or old)[0]
                changes.append(
                    Change(
                        label, (old[1] if old else "") or EMPTY, (new[1] if new else "") or EMPTY
                    )
                )
        return changes


class MoneySection(Section):
    key, title = "money", "收入和支出"
    narrative = ("spending_scope", "personnel_description", "public_operating_description")
    formsets = (
        ("income", IncomeFormSet, "收入"),
        ("expenditure", ExpenditureFormSet, "支出"),
    )


class ThreePublicSection(Section):
    key, title = "three_public", "“三公”经费"
    narrative = ("three_public_variance_reason", "three_public_change_reason", "basic_management")
    formsets = (("three_public", ThreePublicFormSet, "“三公”经费"),)


class ProjectsSection(Section):
    key, title = "projects", "项目"
    narrative = (
        "project_usage",
        "project_fund_management",
        "project_organisation",
        "project_management",
    )
    formsets = (("projects", ProjectFormSet, "项目"),)


SCORE_HELP = "请输入数字，例如 4 或 3.5。"


def _score_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        error_messages={
            "invalid": SCORE_HELP,
            "min_value": "得分不能为负数。",
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
    widget = forms.TextInput(attrs={"class": "form-control form-control-sm"})
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget)


class ScoresSection(Section):
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
        for node in rows:
            result = results.get(node.pk)
            name = node.name
            form.fields[f"r{node.pk}_target"] = _text_field(f"{name} 年度指标值")
            form.fields[f"r{node.pk}_actual"] = _text_field(f"{name} 全年完成值")
            form.fields[f"r{node.pk}_score"] = _score_field(f"{name} 自评得分")
            form.fields[f"r{node.pk}_deviation"] = _text_field(f"{name} 偏差及原因分析", rows=2)
            form.fields[f"r{node.pk}_override"] = _text_field(
                f"{name} 不采用建议得分的理由", rows=1
            )
            if result is not None:
                form.initial |= {
                    f"r{node.pk}_target": result.target,
                    f"r{node.pk}_actual": result.actual,
                    f"r{node.pk}_score": result.score,
                    f"r{node.pk}_deviation": result.deviation,
                    f"r{node.pk}_override": result.override_reason,
                }
        for node in groups:
            whole = wholes.get(node.pk)
            form.fields[f"g{node.pk}_score"] = _score_field(f"{node.name} 整组得分")
            form.fields[f"g{node.pk}_deviation"] = _text_field(
                f"{node.name} 整组偏差及原因分析", rows=1
            )
            form.fields[f"g{node.pk}_override"] = _text_field(
                f"{node.name} 不采用建议得分的理由", rows=1
            )
            if whole is not None:
                form.initial |= {
                    f"g{node.pk}_score": whole.score,
                    f"g{node.pk}_deviation": whole.deviation,
                    f"g{node.pk}_override": whole.override_reason,
                }
        return {"grid": form}

    def save(self, report: Report, bundle: dict) -> None:
        data = bundle["grid"].cleaned_data
        groups, rows = self._nodes(report)
        results = {r.indicator_id: r for r in IndicatorResult.objects.filter(report=report)}
        for node in rows:
            result = results.get(node.pk) or IndicatorResult(report=report, indicator=node)
            values = {
                "target": data[f"r{node.pk}_target"],
                "actual": data[f"r{node.pk}_actual"],
                "score": data[f"r{node.pk}_score"],
                "deviation": data[f"r{node.pk}_deviation"],
                "override_reason": data[f"r{node.pk}_override"],
            }
            if result.pk is None or any(getattr(result, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(result, key, value)
                result.save()
        wholes = {g.indicator_id: g for g in GroupResult.objects.filter(report=report)}
        for node in groups:
            score = data[f"g{node.pk}_score"]
            whole = wholes.get(node.pk)
            if score is None:
                if whole is not None:
                    whole.delete()
                continue
            values = {
                "score": score,
                "deviation": data[f"g{node.pk}_deviation"],
                "override_reason": data[f"g{node.pk}_override"],
            }
            whole = whole or GroupResult(report=report, indicator=node)
            if whole.pk is None or any(getattr(whole, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(whole, key, value)
                whole.save()

    def snapshot(self, report: Report) -> dict[str, list[str]]:
        groups, rows = self._nodes(report)
        names = {node.pk: node.name for node in [*groups, *rows]}
        values: dict[str, list[str]] = {}
        for result in IndicatorResult.objects.filter(report=report):
            for field, label in (
                ("target", "年度指标值"),
                ("actual", "全年完成值"),
                ("score", "自评得分"),
                ("deviation", "偏差及原因分析"),
                ("override_reason", "不采用建议得分的理由"),
            ):
                values[f"row.{result.indicator_id}.{field}"] = [
                    f"“{names.get(result.indicator_id, '')}”{label}",
                    _text(getattr(result, field)),
                ]
        for whole in GroupResult.objects.filter(report=report):
            for field, label in (
                ("score", "整组得分"),
                ("deviation", "偏差及原因分析"),
                ("override_reason", "不采用建议得分的理由"),
            ):
                values[f"group.{whole.indicator_id}.{field}"] = [
                    f"“{names.get(whole.indicator_id, '')}”{label}",
                    _text(getattr(whole, field)),
                ]
        return values


SECTIONS: tuple[Section, ...] = (
    Section("overview", "部门概况", ("report_date", "functions", "organisation", "work_plan")),
    MoneySection(),
    ThreePublicSection(),
    ProjectsSection(),
    Section("assets", "资产管理", ("asset_management",)),
    Section("performance", "绩效情况", ("annual_goal", "annual_goal_result", "performance")),
    Section("problems", "问题与改进", ("problems", "improvements")),
    ScoresSection(),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}

# Where a check's field lives in the editor: (section key, anchor id on that page).
FIXED_ANCHORS = {
    "income": ("money", "income"),
    "expenditure": ("money", "expenditure"),
    "three_public": ("three_public", "three_public"),
    "projects": ("projects", "projects"),
}


def check_anchor(field: str) -> tuple[str, str]:
    if field in FIXED_ANCHORS:
        return FIXED_ANCHORS[field]
    if field.startswith(("row-", "group-")):
        return "scores", field
    if field.startswith("narrative-"):
        name = field.removeprefix("narrative-")
        for section in SECTIONS:
            if name in section.narrative:
                return section.key, f"div_id_{name}"
    return "overview", ""


class SaveRefused(Exception):
    """The report may no longer be written by this user (submitted meanwhile, say)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleSave(Exception):
    """Someone saved this section after the clerk opened it."""

    def __init__(self, changes: list[Change]):
        super().__init__("stale save")
        self.changes = changes


@transaction.atomic
@totals_deferred()
def section_save(*, report: Report, section: Section, bundle: dict, token: str, user) -> None:
    """Save a valid section; raise SaveRefused if the user may no longer write the report
    (decided under the report's row lock, so a submit cannot slip in between), or StaleSave
    listing what someone else changed first."""
    refusal = access.write_refusal(user, access.CHANGE, report)
    if refusal:
        raise SaveRefused(refusal)
    # The stored row (locked above): ``report`` already carries the clerk's input (form
    # validation writes it onto the instance), so it cannot tell what is stored.
    stored = Report.objects.get(pk=report.pk)
    changes = Section.changes_since(token, section.snapshot(stored))
    if changes is None or changes:
        raise StaleSave(changes or [])
    section.save(stored, bundle)
