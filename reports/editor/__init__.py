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
from budgets.writers import formset_save as lines_formset_save
from perfeval import access
from perfeval.fields import TextLimitValidator
from perfeval.limits import ROW_TEXT_MAX_CHARS
from scoring import rules
from scoring.models import GroupResult, IndicatorResult
from scoring.selectors import framework_children
from scoring.writers import results_write

from .checks import ERROR, Check
from .models import NARRATIVE_FIELDS, Report, same_text

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
    actual_reason: object = None
    # 按本报告数据计算：123.10%（2575.66 ÷ 2092.38）, where the report's figures decide the
    # 全年完成值; empty where it is typed.
    computed: str = ""


def grid_rows(table_rows, form: forms.Form, checks) -> list[GridRow]:
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
                lines_formset_save(form, reason="在线编辑")
                continue
            edited = [
                field
                for field in self.narrative
                if not same_text(getattr(report, field), form.cleaned_data[field])
            ]
            for field in self.narrative:
                setattr(report, field, form.cleaned_data[field])
            # Text copied from last year stays marked until the clerk changes it.
            carried = ["carried_fields"] if report.carried_edited(edited) else []
            report.save(update_fields=[*self.narrative, *carried, "updated_at"])

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
        weights = {node.pk: node.weight for node in groups}
        for node in rows:
            result = results.get(node.pk)
            name = node.name
            form.fields[f"r{node.pk}_target"] = _text_field(f"{name} 年度指标值")
            form.fields[f"r{node.pk}_actual"] = _text_field(f"{name} 全年完成值")
            bound = rules.score_bound(row_weight=node.weight, group_weight=weights[node.parent_id])
            form.fields[f"r{node.pk}_score"] = _score_field(f"{name} 自评得分", bound)
            form.fields[f"r{node.pk}_deviation"] = _text_field(f"{name} 偏差及原因分析", rows=2)
            form.fields[f"r{node.pk}_override"] = _text_field(
                f"{name} 不采用建议得分的理由", rows=1
            )
            form.fields[f"r{node.pk}_actual_reason"] = _text_field(
                f"{name} 不采用计算值的理由", rows=1
            )
            if result is not None:
                form.initial |= {
                    f"r{node.pk}_target": result.target,
                    f"r{node.pk}_actual": result.actual,
                    f"r{node.pk}_score": result.score,
                    f"r{node.pk}_deviation": result.deviation,
                    f"r{node.pk}_override": result.override_reason,
                    f"r{node.pk}_actual_reason": result.actual_reason,
                }
        for node in groups:
            whole = wholes.get(node.pk)
            form.fields[f"g{node.pk}_score"] = _score_field(f"{node.name} 整组得分", node.weight)
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
        results_write(
            report=report,
            rows={
                node.pk: {
                    "target": data[f"r{node.pk}_target"],
                    "actual": data[f"r{node.pk}_actual"],
                    "score": data[f"r{node.pk}_score"],
                    "deviation": data[f"r{node.pk}_deviation"],
                    "override_reason": data[f"r{node.pk}_override"],
                    "actual_reason": data[f"r{node.pk}_actual_reason"],
                }
                for node in rows
            },
            groups={
                node.pk: (
                    None
                    if data[f"g{node.pk}_score"] is None
                    else {
                        "score": data[f"g{node.pk}_score"],
                        "deviation": data[f"g{node.pk}_deviation"],
                        "override_reason": data[f"g{node.pk}_override"],
                    }
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
            for field, label in (
                ("target", "年度指标值"),
                ("actual", "全年完成值"),
                ("score", "自评得分"),
                ("deviation", "偏差及原因分析"),
                ("override_reason", "不采用建议得分的理由"),
                ("actual_reason", "不采用计算值的理由"),
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
    if field.startswith(SECTION_FIELD) and field.removeprefix(SECTION_FIELD) in SECTIONS_BY_KEY:
        return field.removeprefix(SECTION_FIELD), ""
    if field.startswith(("row-", "group-")):
        return "scores", field
    if field.startswith("narrative-"):
        name = field.removeprefix("narrative-")
        for section in SECTIONS:
            if name in section.narrative:
                return section.key, f"div_id_{name}"
    return "overview", ""


# --- What is left to fill, section by section --------------------------------------------

# The field of a check that speaks of a whole section: section-<key>.
SECTION_FIELD = "section-"
# Errors that say something is not filled in yet, and what they count.
UNFILLED = {"amount_missing": "lines", "narrative_missing": "text", "indicator_unscored": "scores"}


@dataclass(frozen=True)
class Part:
    """One kind of thing to fill on an editor page: its lines of a table, its text, its scores."""

    key: str  # a table's prefix, "text" or "scores"
    what: str
    unit: str
    filled: int
    total: int

    def __str__(self) -> str:
        return f"{self.what}已填 {self.filled}/{self.total} {self.unit}"


def section_parts(section: Section, data) -> dict[str, Part]:
    """How much of each thing to fill on ``section``'s page is filled (``data``: ReportData).

    A line counts once all its amounts are filled, a text once it is not blank, a 自评表 row
    once it or its group has a score.
    """
    parts = {}
    for prefix, _, title in section.formsets:
        lines = [line for line in data.figures.lines if line.table == prefix]
        done = sum(1 for line in lines if not line.empty)
        parts[prefix] = Part(prefix, title, "行", done, len(lines))
    texts = [field for field in section.narrative if field in NARRATIVE_FIELDS]
    if texts:
        done = sum(1 for field in texts if (getattr(data.report, field) or "").strip())
        parts["text"] = Part("text", "文字", "段", done, len(texts))
    if isinstance(section, ScoresSection):
        rows = [(group, row) for _, group, row in data.scorecard.rows()]
        done = sum(1 for group, row in rows if group.scored_as_whole or row.score is not None)
        parts["scores"] = Part("scores", "自评得分", "项", done, len(rows))
    return parts


def _untouched(data) -> dict[str, tuple[Section, list[Part]]]:
    """The pages with at least two things left to fill and nothing of those kinds filled in
    yet: each with the parts concerned."""
    unfilled: dict[str, list[Check]] = {}
    for check in data.errors:
        if check.code in UNFILLED:
            unfilled.setdefault(check_anchor(check.field)[0], []).append(check)
    untouched = {}
    for key, found in unfilled.items():
        section = SECTIONS_BY_KEY[key]
        parts = section_parts(section, data)
        concerned = [parts[_part_key(check)] for check in found if _part_key(check) in parts]
        concerned = list({part.key: part for part in concerned}.values())
        if len(found) >= 2 and concerned and not any(part.filled for part in concerned):
            untouched[key] = (section, concerned)
    return untouched


def checks_shown(data) -> list[Check]:
    """The report's checks as a page lists them (``data``: ReportData), errors first.

    The errors that something is not filled in come after the others, page by page in the
    editor's order. On a page that nothing of that kind has been filled in on yet, they (one
    per line, text or row: a new report has dozens) are one line saying how much is left
    there, linked to that page; a page partly filled keeps them one by one, to find the rest.
    Errors still block only submission; warnings are listed as they are.
    """
    summaries: dict[str, Check] = {}
    for key, (section, concerned) in _untouched(data).items():
        zero = "，没有发生的金额填 0" if any(part.unit == "行" for part in concerned) else ""
        # “三公”经费：尚未填写（已填 0/3 行）, not （“三公”经费已填 0/3 行）.
        left = "、".join(
            str(part).removeprefix(section.title) if part.what == section.title else str(part)
            for part in concerned
        )
        summaries[key] = Check(
            "section_unfilled",
            ERROR,
            f"{section.title}：尚未填写（{left}）：请逐项填写{zero}。",
            f"{SECTION_FIELD}{key}",
        )
    to_fill: list[Check] = []
    for check in data.errors:
        key = check_anchor(check.field)[0]
        if check.code in UNFILLED and key in summaries:
            if summaries[key] not in to_fill:
                to_fill.append(summaries[key])
        elif check.code in UNFILLED:
            to_fill.append(check)
    order = [section.key for section in SECTIONS]
    to_fill.sort(key=lambda check: order.index(check_anchor(check.field)[0]))
    others = [check for check in data.errors if check.code not in UNFILLED]
    return others + to_fill + data.warnings


def checks_beside_fields(data) -> list[Check]:
    """The checks a page shows beside its fields (``data``: ReportData).

    Beside a table none of whose lines is filled in, one note for the table rather than one
    per line; beside the rows of a 自评表 with no score yet, none (the list at the top says
    how many are left). A text field left empty keeps its own note.
    """
    untouched = _untouched(data)
    shown, tables = [], set()
    for check in data.checks:
        key = check_anchor(check.field)[0]
        kind = UNFILLED.get(check.code)
        if kind == "lines" and key in untouched:
            if check.field not in tables:
                tables.add(check.field)
                part = section_parts(untouched[key][0], data)[check.field]
                shown.append(
                    Check(
                        check.code,
                        ERROR,
                        f"{part.what}的金额尚未填写（已填 0/{part.total} 行）："
                        "请逐行填写，没有发生的填 0。",
                        check.field,
                    )
                )
            continue
        if kind == "scores" and key in untouched:
            continue
        shown.append(check)
    return shown


@dataclass(frozen=True)
class SectionState:
    """What a section's tab says: ✓, what is left to fill, or how many errors there are."""

    mark: str  # "done", "unfilled" or "errors"
    text: str

    @property
    def label(self) -> str:
        """The state for a screen reader, after the tab's title."""
        return {"done": "已完成，没有错误"}.get(self.mark, self.text)


def section_states(data) -> dict[str, SectionState]:
    """Each section's state for its tab (``data``: ReportData): ✓ without errors; 未填 n when
    its only errors are things not filled in yet; n 个错误 otherwise. Warnings do not count:
    they do not stop a submission."""
    errors: dict[str, list[Check]] = {section.key: [] for section in SECTIONS}
    for check in data.errors:
        errors[check_anchor(check.field)[0]].append(check)
    states = {}
    for key, found in errors.items():
        if not found:
            states[key] = SectionState("done", "✓")
        elif all(check.code in UNFILLED for check in found):
            states[key] = SectionState("unfilled", f"未填 {len(found)}")
        else:
            states[key] = SectionState("errors", f"{len(found)} 个错误")
    return states


def _part_key(check: Check) -> str:
    kind = UNFILLED[check.code]
    return check.field if kind == "lines" else kind


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
