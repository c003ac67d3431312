"""What a reviewer compares: a report now against its earlier submission, and against last year.

The content at an earlier submission is read from django-simple-history (every row a report
owns keeps its history). Lines are matched by what they are (an income source, a 三公 kind,
a project's name, an indicator), never by their id: rows deleted and written again with the
same figures (an import, loading the demo) show no change, nor does who wrote them.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from budgets.calc import BudgetFigures
from budgets.fields import MoneyField
from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicKind, ThreePublicLine
from budgets.selectors import report_budget_figures
from perfeval.fields import model_field
from perfeval.numbers import DASH, ZERO, money_text, num
from perfeval.owned import ReportRow
from perfeval.text import plain_text
from scoring.core import Scorecard
from scoring.models import GroupResult, Indicator, IndicatorResult
from scoring.selectors import report_scorecard

from .models import NARRATIVE_FIELDS, Report, ReportTransition, same_text

Status = Report.Status
Action = ReportTransition.Action

NOT_FILLED = "（未填）"
EMPTY_TEXT = "（空）"
# Characters of unchanged text kept on each side of a change, so it reads in its place.
CONTEXT_CHARS = 40
# Sentences replaced by others are compared character by character up to this length;
# longer ones show whole (a character diff of pages of Chinese text costs seconds).
CHAR_DIFF_MAX = 1500
# Report fields besides the narrative that a reviewer would want to see change.
REPORT_FIELDS = ("report_date", "framework")


# --- What the page shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A piece of a text diff: kept ("same"), taken out ("del") or put in ("ins")."""

    kind: str
    text: str


@dataclass(frozen=True)
class Change:
    """One value that differs: ``old`` → ``new``, and for longer text a diff (``segments``)."""

    label: str
    old: str
    new: str
    segments: tuple[Segment, ...] = ()


@dataclass(frozen=True)
class LineChange:
    """A line or result added, removed or changed (with the values that changed)."""

    table: str
    name: str
    status: str  # 新增, 删除, 修改
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class ReportChanges:
    """The differences between a report now and at an earlier submission (``since``)."""

    since: ReportTransition | None = None
    # What ended that submission (退回 with its comment, 撤回, 批准 then 重新打开).
    ended_by: ReportTransition | None = None
    totals: tuple[Change, ...] = ()
    lines: tuple[LineChange, ...] = ()
    texts: tuple[Change, ...] = ()

    @property
    def first_submission(self) -> bool:
        return self.since is None

    @property
    def unchanged(self) -> bool:
        return not (self.totals or self.lines or self.texts)

    @property
    def count(self) -> int:
        return len(self.totals) + len(self.lines) + len(self.texts)

    def tables(self) -> list[tuple[str, list[LineChange]]]:
        """The changed lines grouped by table, in the report's order."""
        grouped: dict[str, list[LineChange]] = {}
        for line in self.lines:
            grouped.setdefault(line.table, []).append(line)
        return list(grouped.items())


@dataclass(frozen=True)
class FigureRow:
    """One main figure this year beside last year's, and the difference."""

    label: str
    this_year: str
    last_year: str
    change: str


# --- Snapshots --------------------------------------------------------------------------


OWNED = (IncomeLine, ExpenditureLine, ThreePublicLine, Project, IndicatorResult, GroupResult)


@dataclass(frozen=True)
class Snapshot:
    """A report's content at one moment: the report row and the rows it owns, by model."""

    report: Report
    rows: dict[type[models.Model], tuple[ReportRow, ...]]


def snapshot_now(*, report: Report) -> Snapshot:
    return Snapshot(
        report=report,
        rows={model: tuple(model.objects.filter(report_id=report.pk)) for model in OWNED},
    )


def snapshot_at(*, report: Report, when) -> Snapshot:
    """The report as its history records it at ``when`` (rows deleted by then left out)."""
    try:
        then = report.history.as_of(when)
    except Report.DoesNotExist:  # no history kept (a restored database): compare text with now
        then = report
    return Snapshot(
        report=then,
        rows={
            model: tuple(model.history.as_of(when).filter(report_id=report.pk)) for model in OWNED
        },
    )


def baseline_submission(*, report: Report) -> ReportTransition | None:
    """The earlier submission to compare the report with, or None (首次提交).

    While the report awaits review (or once approved) its last submission is what is being
    reviewed: the one before it is compared. A report being worked on again is compared
    with its last submission.
    """
    skip = 1 if report.status in (Status.SUBMITTED, Status.APPROVED) else 0
    submissions = report.transitions.filter(action=Action.SUBMIT).order_by("-created_at", "-pk")
    return next(iter(submissions[skip : skip + 1]), None)


def report_changes(*, report: Report) -> ReportChanges:
    """What changed in the report since its earlier submission (``baseline_submission``)."""
    since = baseline_submission(report=report)
    if since is None:
        return ReportChanges()
    ended_by = (
        report.transitions.filter(created_at__gte=since.created_at)
        .exclude(pk=since.pk)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    before = snapshot_at(report=report, when=since.created_at)
    after = snapshot_now(report=report)
    totals, lines, texts = snapshot_diff(before, after)
    return ReportChanges(since=since, ended_by=ended_by, totals=totals, lines=lines, texts=texts)


def snapshot_diff(
    before: Snapshot, after: Snapshot
) -> tuple[tuple[Change, ...], tuple[LineChange, ...], tuple[Change, ...]]:
    """(totals, lines, report texts) that differ between two snapshots of a report."""
    names = _indicator_names(
        row.indicator_id
        for snapshot in (before, after)
        for model in (IndicatorResult, GroupResult)
        for row in snapshot.rows[model]
    )
    lines = [
        change
        for table in _tables(names)
        for change in _table_diff(table, before.rows[table.model], after.rows[table.model])
    ]
    return _totals_diff(before, after), tuple(lines), _report_diff(before.report, after.report)


# --- Lines ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """How the lines of one model are told apart and named, and which values are compared."""

    label: str
    model: type[models.Model]
    fields: tuple[str, ...]
    # A line's identity without its id; ``ordinal`` counts lines of the same identity.
    identity: Callable[[ReportRow], tuple]
    name: Callable[[ReportRow], str]
    order: Callable[[ReportRow], tuple] = lambda row: (getattr(row, "order", 0), row.pk)
    ordinal: bool = False


def _tables(indicator_names: dict[int, str]) -> tuple[Table, ...]:
    kinds = list(ThreePublicKind)
    return (
        Table(
            "收入",
            IncomeLine,
            ("description", "budget", "actual"),
            identity=lambda row: (row.source,),
            name=lambda row: row.get_source_display(),
            ordinal=True,
        ),
        Table(
            "支出",
            ExpenditureLine,
            ("description", "budget", "actual"),
            identity=lambda row: (row.nature, row.fund_source),
            name=lambda row: f"{row.get_nature_display()}（{row.get_fund_source_display()}）",
            ordinal=True,
        ),
        Table(
            "“三公”经费",
            ThreePublicLine,
            ("budget", "actual", "previous_actual", "count"),
            identity=lambda row: (row.kind,),
            name=lambda row: row.get_kind_display(),
            order=lambda row: (kinds.index(row.kind) if row.kind in kinds else len(kinds),),
        ),
        Table(
            "项目",
            Project,
            ("fund_source", "budget", "actual", "achievement"),
            identity=lambda row: (row.name,),
            name=lambda row: row.name,
        ),
        Table(
            "三级指标",
            IndicatorResult,
            ("target", "actual", "actual_reason", "score", "deviation", "override_reason"),
            identity=lambda row: (row.indicator_id,),
            name=lambda row: indicator_names.get(row.indicator_id, "（已删除的指标）"),
            order=lambda row: (indicator_names.get(row.indicator_id, ""), row.indicator_id),
        ),
        Table(
            "二级指标整组得分",
            GroupResult,
            ("score", "deviation", "override_reason"),
            identity=lambda row: (row.indicator_id,),
            name=lambda row: indicator_names.get(row.indicator_id, "（已删除的指标）"),
            order=lambda row: (indicator_names.get(row.indicator_id, ""), row.indicator_id),
        ),
    )


def _indicator_names(ids: Iterable[int]) -> dict[int, str]:
    """Each indicator as "二级指标 · 三级指标", so that a row names where it is."""
    nodes = Indicator.objects.filter(pk__in=set(ids)).select_related("parent")
    return {
        node.pk: f"{node.parent.name} · {node.name}" if node.parent else node.name for node in nodes
    }


def _keyed(table: Table, rows: Sequence[models.Model]) -> dict[tuple, models.Model]:
    keyed = {}
    seen: Counter = Counter()
    for row in sorted(rows, key=table.order):
        identity = table.identity(row)
        seen[identity] += 1
        keyed[(*identity, seen[identity]) if table.ordinal else identity] = row
    return keyed


def _line_name(table: Table, key: tuple, row: models.Model) -> str:
    name = table.name(row)
    # The second line of one source (two 其他收入) is told apart by its place.
    return f"{name}（第 {key[-1]} 行）" if table.ordinal and key[-1] > 1 else name


def _table_diff(table: Table, before: Sequence, after: Sequence) -> list[LineChange]:
    old, new = _keyed(table, before), _keyed(table, after)
    fields = [model_field(table.model, name) for name in table.fields]
    changes = []
    for key, row in new.items():
        previous = old.get(key)
        if previous is None:
            shown = tuple(
                Change(_label(field), "", _shown(row, field))
                for field in fields
                if not _is_empty(getattr(row, field.attname))
            )
            changes.append(LineChange(table.label, _line_name(table, key, row), "新增", shown))
            continue
        differing = tuple(
            _field_change(field, previous, row)
            for field in fields
            if not _same(field, getattr(previous, field.attname), getattr(row, field.attname))
        )
        if differing:
            changes.append(LineChange(table.label, _line_name(table, key, row), "修改", differing))
    for key, row in old.items():
        if key not in new:
            changes.append(LineChange(table.label, _line_name(table, key, row), "删除"))
    return changes


def _label(field: models.Field) -> str:
    return str(field.verbose_name)


def _is_empty(value) -> bool:
    return value is None or value == ""


def _is_text(field: models.Field) -> bool:
    return isinstance(field, models.TextField)


def _same(field: models.Field, old, new) -> bool:
    if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
        return same_text(old, new)
    return old == new


def _shown(row: models.Model, field: models.Field) -> str:
    """A value as the report prints it: 1,234.50 for money, 2.5 for a score, a choice's label."""
    value = getattr(row, field.attname)
    if _is_empty(value):
        return EMPTY_TEXT if isinstance(field, (models.CharField, models.TextField)) else NOT_FILLED
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, MoneyField):
        return money_text(value)
    if isinstance(value, Decimal):
        return num(value)
    if isinstance(field, models.ForeignKey):
        return str(getattr(row, field.name))
    return str(value)


def _field_change(field: models.Field, before: models.Model, after: models.Model) -> Change:
    old, new = _shown(before, field), _shown(after, field)
    if _is_text(field):
        segments = text_segments(getattr(before, field.attname), getattr(after, field.attname))
        return Change(_label(field), old, new, segments)
    return Change(_label(field), old, new)


# --- The report's own fields --------------------------------------------------------------


def _report_diff(before: Report, after: Report) -> tuple[Change, ...]:
    changes = []
    for name in (*REPORT_FIELDS, *NARRATIVE_FIELDS):
        field = model_field(Report, name)
        if not _same(field, getattr(before, field.attname), getattr(after, field.attname)):
            changes.append(_field_change(field, before, after))
    return tuple(changes)


# --- Totals -----------------------------------------------------------------------------


def _money_text(value: Decimal | None) -> str:
    return DASH if value is None else money_text(value)


def _score_text(value: Decimal | None) -> str:
    return DASH if value is None else num(value)


# The main figures of a report: (label, how it prints, how it is read from the figures and
# the scorecard). The change since a submission and the comparison with last year list these.
MAIN_FIGURES: tuple[
    tuple[str, str, Callable[[BudgetFigures, Scorecard], Decimal | str | None]], ...
] = (
    ("收入合计", "money", lambda f, c: f.income_total),
    ("支出合计", "money", lambda f, c: f.expenditure.actual),
    ("基本支出", "money", lambda f, c: f.basic.actual),
    ("其中：人员经费", "money", lambda f, c: f.personnel.actual),
    ("其中：公用经费", "money", lambda f, c: f.public_operating.actual),
    ("项目支出", "money", lambda f, c: f.project.actual),
    ("“三公”经费", "money", lambda f, c: f.three_public.actual),
    ("总分", "score", lambda f, c: c.final_score),
    ("等级", "text", lambda f, c: c.grade),
)
PRINTED: dict[str, Callable[[Any], str]] = {
    "money": _money_text,
    "score": _score_text,
    "text": str,
}


def _snapshot_figures(snapshot: Snapshot) -> tuple[BudgetFigures, Scorecard]:
    rows = snapshot.rows
    figures = report_budget_figures(
        report=snapshot.report,
        income_lines=rows[IncomeLine],
        expenditure_lines=rows[ExpenditureLine],
        three_public_lines=rows[ThreePublicLine],
    )
    card = report_scorecard(
        report=snapshot.report, results=rows[IndicatorResult], group_results=rows[GroupResult]
    )
    return figures, card


def _totals_diff(before: Snapshot, after: Snapshot) -> tuple[Change, ...]:
    old_figures, old_card = _snapshot_figures(before)
    new_figures, new_card = _snapshot_figures(after)
    changes = []
    for label, kind, read in MAIN_FIGURES:
        old, new = read(old_figures, old_card), read(new_figures, new_card)
        if old != new:
            changes.append(Change(label, PRINTED[kind](old), PRINTED[kind](new)))
    return tuple(changes)


def year_comparison(
    *, figures: BudgetFigures, scorecard: Scorecard, previous: Report | None
) -> list[FigureRow]:
    """The report's main figures beside those of last year's report (``previous``), if any."""
    if previous is not None:
        last_figures = report_budget_figures(report=previous)
        last_card = report_scorecard(report=previous)
    rows = []
    for label, kind, read in MAIN_FIGURES:
        this = read(figures, scorecard)
        last = read(last_figures, last_card) if previous is not None else None
        change = ""
        # Money and scores are Decimal (or None, not filled in); the grade is text.
        if isinstance(this, Decimal) and isinstance(last, Decimal):
            difference = sum((this, -last), ZERO)  # ``plus`` of two known amounts
            change = f"{'+' if difference > 0 else ''}{PRINTED[kind](difference)}"
        rows.append(
            FigureRow(
                label=label,
                this_year=PRINTED[kind](this),
                last_year="" if previous is None else PRINTED[kind](last),
                change=change,
            )
        )
    return rows


# --- Text diffs ---------------------------------------------------------------------------


_SENTENCE_END = re.compile(r"(?<=[。！？；\n])")


def _sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part]


def text_segments(old, new) -> tuple[Segment, ...]:
    """A readable diff of two texts: sentences matched first, then the characters of the
    sentences that differ; long unchanged stretches shortened to their ends (…)."""
    old, new = plain_text(old), plain_text(new)
    raw: list[Segment] = []
    a, b = _sentences(old), _sentences(new)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        gone, come = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            raw.append(Segment("same", gone))
        elif tag == "replace" and len(gone) + len(come) <= CHAR_DIFF_MAX:
            raw.extend(_char_segments(gone, come))
        else:
            raw += [Segment("del", gone), Segment("ins", come)]
    merged = _merged(segment for segment in raw if segment.text)
    return tuple(_shortened(merged))


def _char_segments(old: str, new: str) -> list[Segment]:
    segments = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", old[i1:i2]))
        else:
            segments += [Segment("del", old[i1:i2]), Segment("ins", new[j1:j2])]
    return segments


def _merged(segments: Iterable[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].kind == segment.kind:
            merged[-1] = Segment(segment.kind, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def _shortened(segments: list[Segment]) -> list[Segment]:
    shown = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        text = segment.text
        if segment.kind == "same":
            keep_start = index > 0  # right after a change
            keep_end = index < last  # right before one
            # A text with no change in it (only its line ends differ) shows whole.
            limit = CONTEXT_CHARS * (keep_start + keep_end) if last else len(text)
            if len(text) > limit + 1:
                head = text[:CONTEXT_CHARS] if keep_start else ""
                tail = text[-CONTEXT_CHARS:] if keep_end else ""
                text = f"{head}…{tail}"
        shown.append(Segment(segment.kind, text))
    return shown
