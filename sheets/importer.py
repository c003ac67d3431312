"""Importing a filled 自评表 workbook into a report: all problems at once, nothing saved on any.

``selfeval_import`` reads the workbook (``read.py``), matches its rows to the report's
framework by normalised name — or builds a new framework version from the sheet — checks
weights, scores and figures, and only when nothing is wrong writes results, group scores,
the 年度总体目标 and the money lines in one transaction. What it changed (or, in a dry run,
would change) comes back as a list of values, old → new (``preview.py``).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from budgets.calc import Amounts
from budgets.models import ExpenditureLine, FundSource, IncomeLine, ThreePublicLine
from budgets.selectors import report_budget_figures
from budgets.writers import lines_create, lines_sync
from perfeval import access
from perfeval.fields import text_too_long
from perfeval.limits import NARRATIVE_MAX_CHARS, ROW_TEXT_MAX_CHARS, UPLOAD_MAX_BYTES
from reports.models import Report
from reports.selectors import report_data
from reports.totals import totals_deferred
from scoring import rules
from scoring.models import Framework, Indicator
from scoring.selectors import framework_children
from scoring.services import framework_load
from scoring.writers import results_reset, results_write

from .measure import size_refusal
from .preview import ImportChanges, content_changes, content_snapshot
from .read import (
    WARNING,
    HeaderFigure,
    IndicatorRow,
    LinesReading,
    Problem,
    SheetReading,
    UnreadableWorkbook,
    normalise,
    selfeval_read,
)

MAX_BYTES = UPLOAD_MAX_BYTES
ZERO = Decimal("0")
HEADER_FIGURES = {
    "fiscal": "财政拨款",
    "other": "其他资金",
    "basic": "基本支出",
    "project": "项目支出",
}
TEXT_LIMIT = 200  # IndicatorResult.target / actual, Indicator.name
IMPORT_REASON = "由 Excel 自评表导入"
BASIC_LINE_DESCRIPTION = "由 Excel 自评表导入的基本支出合计（未拆分公用经费）"


class SelfevalImportRefused(Exception):
    """The workbook was not imported; ``problems`` lists every error (and the warnings)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        self.errors = [p for p in self.problems if p.is_error]
        self.warnings = [p for p in self.problems if not p.is_error]
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"自评表未导入，没有保存任何内容：发现 {len(self.errors)} 个问题，请改正后重新导入。"


class SelfevalSheetChoice(SelfevalImportRefused):
    """Several sheets of the workbook could be the 自评表: the user names one of ``sheets``."""

    def __init__(self, problems: list[Problem], sheets: tuple[str, ...]):
        self.sheets = tuple(sheets)
        super().__init__(problems)

    @property
    def message(self) -> str:
        return (
            "自评表未导入，没有保存任何内容：工作簿中有多张工作表可能是自评表，请选择要导入的一张。"
        )


class SelfevalImportOutdated(Exception):
    """The report changed since the preview was shown: nothing was written; ``result`` is
    the import as it now would be (a new preview)."""

    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__("报告在预览之后有了改动：请核对重新列出的修改后再确认导入。")


@dataclass
class ImportResult:
    """What an import wrote, and what the clerk should look at."""

    report: Report
    sheet: str = ""  # the worksheet read
    written: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    framework: Framework | None = None  # the framework built with ``new_framework``
    changes: ImportChanges = field(default_factory=ImportChanges)  # what it wrote, old → new

    @property
    def message(self) -> str:
        """The success message, naming the sheet read: 已导入工作表“自评表”：…"""
        done = f"已导入工作表“{self.sheet}”"
        return f"{done}：{'；'.join(self.written)}" if self.written else f"{done}。"

    @property
    def fingerprint(self) -> str:
        """Equal for two imports that write exactly the same (``expected`` of the import)."""
        return self.changes.fingerprint


@dataclass
class _GroupPlan:
    node: Indicator
    rows: list[tuple[IndicatorRow, Indicator]]
    whole: bool


@dataclass
class _LinesPlan:
    source: str  # "sheet" (收支明细) or "header" (整体支出规模)
    income: list[dict] = field(default_factory=list)
    expenditure: list[dict] = field(default_factory=list)
    three_public: list[dict] = field(default_factory=list)


def selfeval_import(
    *,
    report: Report,
    data: bytes | None = None,
    reading: SheetReading | None = None,
    sheet: str = "",
    new_framework: str = "",
    user=None,
    filename: str = "",
    dry_run: bool = False,
    expected: str | None = None,
) -> ImportResult:
    """Import a filled 自评表 into ``report``, or raise SelfevalImportRefused listing why not.

    The workbook is given as its bytes (``data``) or as already read by ``selfeval_reading``
    (``reading``), so that a page checking the sheet first reads the file once. ``sheet``
    names the worksheet to read from the bytes; without it the reader picks the one of the
    report's year, or SelfevalSheetChoice asks which.
    ``new_framework`` names a new framework built from the sheet's own indicators and
    weights; the report is bound to it. ``user`` is recorded in the change history;
    ``filename`` goes into the override reasons the import fills in. ``dry_run`` does
    everything and then rolls it back, so a page can show the warnings (another department's
    sheet, another year) and ask the clerk to confirm before importing for real.

    The result lists each value changed, old → new (``changes``): a dry run is the preview
    of an import. ``expected`` is the ``fingerprint`` of the preview the user confirmed: if
    the import would now change anything else (the report was edited since), nothing is
    written and SelfevalImportOutdated carries the new preview.
    """
    reading = _open_for(report, data, reading, sheet)
    with transaction.atomic():
        with totals_deferred():  # the writers' refreshes, once at the end
            locked = (
                Report.objects.select_for_update()
                .select_related("department", "framework")
                .get(pk=report.pk)
            )
            _refuse_unless_editable(locked)
            if user is not None and (refusal := access.write_refusal(user, access.CHANGE, locked)):
                raise SelfevalImportRefused([Problem(refusal)])
            before = content_snapshot(locked.pk)
            result = _import(locked, reading, new_framework.strip(), user, filename)
            result.changes = content_changes(before, content_snapshot(locked.pk))
            if expected is not None and result.fingerprint != expected:
                raise SelfevalImportOutdated(result)  # rolls the import back
        if dry_run:
            transaction.set_rollback(True)
    report.refresh_from_db()
    result.report = report
    return result


def selfeval_reading(data: bytes, *, year: int | None = None, sheet: str = "") -> SheetReading:
    """The workbook read (``read.selfeval_read``), or SelfevalImportRefused saying why not.

    The file is measured before it is parsed: too large, not an .xlsx, or a sheet, merge or
    part over the limits of perfeval/limits.py is refused with what to do. ``year`` is the
    report's, to choose among several sheets; ``sheet`` names the one to read. A workbook
    whose sheet cannot be chosen raises SelfevalSheetChoice with the candidates, one without
    such a sheet SelfevalImportRefused.
    """
    _refuse_if_too_large(data)
    try:
        reading = selfeval_read(data, year=year, sheet=sheet)
    except UnreadableWorkbook as unreadable:
        raise SelfevalImportRefused([Problem(unreadable.message)]) from None
    _refuse_unless_read(reading)
    return reading


def selfeval_identity_check(
    *,
    report: Report,
    data: bytes | None = None,
    reading: SheetReading | None = None,
    sheet: str = "",
) -> list[Problem]:
    """Where the sheet's printed 部门名称 or year differ from the report's, before importing.

    An upload page asks the clerk to confirm these. A file that cannot be imported at all
    (too large, not a workbook, a report not open for editing, no sheet to choose) is
    refused as by the import. Give the bytes (``data``, with the ``sheet`` to read if one
    was named) or the reading the import will then be given.
    """
    return _identity_warnings(report, _open_for(report, data, reading, sheet))


def _open_for(
    report: Report, data: bytes | None, reading: SheetReading | None, sheet: str = ""
) -> SheetReading:
    """The reading to import into ``report``, once the report is known to be open for it."""
    _refuse_unless_editable(report)
    if reading is None:
        return selfeval_reading(data, year=report.year, sheet=sheet)
    _refuse_unless_read(reading)
    return reading


def _refuse_unless_read(reading: SheetReading) -> None:
    """No sheet was read: several could be the 自评表, the one named is not there, or none."""
    if reading.choices:
        raise SelfevalSheetChoice(reading.problems, reading.choices)
    if not reading.sheet:
        raise SelfevalImportRefused(reading.problems)


def _refuse_if_too_large(data: bytes | None) -> None:
    if data is None:
        raise TypeError("give the workbook's bytes (data) or its reading")
    if message := size_refusal(len(data)):
        raise SelfevalImportRefused([Problem(message)])


def _refuse_unless_editable(report: Report) -> None:
    status = Report.objects.filter(pk=report.pk).values_list("status", flat=True).first()
    if status is None:
        raise SelfevalImportRefused([Problem("报告不存在或已被删除：请重新打开报告后再导入。")])
    if status in (Report.Status.DRAFT, Report.Status.RETURNED):
        return
    label = Report.Status(status).label
    what_to_do = {
        Report.Status.SUBMITTED: "请等待审核，或请审核人退回后再导入",
        Report.Status.APPROVED: "已批准的报告内容已锁定，如确需修改请联系超级管理员重新打开",
    }.get(status, "")
    raise SelfevalImportRefused(
        [
            Problem(
                f"报告“{report}”当前状态为“{label}”，不能导入自评表："
                f"只有“草稿”或“已退回”的报告可以导入，{what_to_do}。"
            )
        ]
    )


def _import(
    report: Report, reading: SheetReading, new_framework: str, user, filename: str
) -> ImportResult:
    problems: list[Problem] = list(reading.problems)
    result = ImportResult(report=report, sheet=reading.sheet)
    problems += _identity_warnings(report, reading)

    framework = report.framework
    can_match = reading.header_row is not None and bool(reading.rows)
    if reading.header_row is not None and not reading.rows:
        problems.append(
            Problem(
                "表头行下面没有读到任何三级指标行：请在表头行下逐行填写指标和得分。",
                sheet=reading.sheet,
                row=reading.header_row,
            )
        )
    if new_framework and can_match:
        tree, tree_problems = _sheet_tree(reading)
        problems += tree_problems
        if any(p.is_error for p in problems):
            can_match = False
        else:
            framework, created = _framework_for(new_framework, report, tree)
            result.framework = framework
            result.written.append(
                f"{'新建' if created else '沿用'}指标体系“{framework}”，报告改用该指标体系"
                if framework.pk != report.framework_id
                else f"指标体系“{framework}”（报告已在使用）"
            )
            _bind(report, framework, user)

    plans: list[_GroupPlan] = []
    if can_match:
        plans = _match(reading, framework, problems)
        problems += _total_warning(reading)
    lines = _lines_plan(report, reading, problems)
    problems += _text_problems(reading)

    problems.sort(key=lambda p: (p.sheet != reading.sheet, p.sheet, p.row or 0, p.column))
    if any(p.is_error for p in problems):
        raise SelfevalImportRefused(problems)

    _write_results(report, plans, user, result)
    _write_goals(report, reading, user, result)
    if lines is not None:
        _write_lines(report, lines, user, result)
    result.warnings = [p for p in problems if not p.is_error]
    _fill_override_reasons(report, plans, user, filename)
    after = report_data(report=report)
    if after.errors:
        result.warnings.append(
            Problem(
                f"导入后报告还有 {len(after.errors)} 个问题需要在提交前改正"
                f"（如：{after.errors[0].message}）：请在报告编辑页面查看。",
                severity=WARNING,
            )
        )
    return result


# --- Identity: the sheet's department and year -------------------------------------------


def _text_problems(reading: SheetReading) -> list[Problem]:
    """Free text longer than the report may hold: refused, not cut, since it is the clerk's."""
    problems = []
    for name, label in (("annual_goal", "年初设定目标"), ("annual_goal_result", "全年完成情况")):
        if message := text_too_long(getattr(reading, name), NARRATIVE_MAX_CHARS):
            row, column = reading.goal_cells.get(name, (None, ""))
            problems.append(
                Problem(
                    f"年度总体目标“{label}”{message}",
                    sheet=reading.sheet,
                    row=row,
                    column=column,
                )
            )
    reported: set[str] = set()  # a merged 偏差及原因分析 is read on every row it covers
    for row in reading.rows:
        message = text_too_long(row.deviation, ROW_TEXT_MAX_CHARS)
        if message and row.deviation not in reported:
            reported.add(row.deviation)
            problems.append(
                Problem(
                    f"三级指标“{row.level3}”的偏差及原因分析{message}",
                    sheet=reading.sheet,
                    row=row.row,
                    column=row.columns.get("deviation", ""),
                )
            )
    return problems


def _identity_warnings(report: Report, reading: SheetReading) -> list[Problem]:
    warnings = []
    department = report.department
    names = {normalise(n) for n in (department.name, department.short_name) if n}
    names.add(normalise(department.reporting_unit))
    if reading.department and normalise(reading.department) not in names:
        warnings.append(
            Problem(
                f"表中部门名称为“{reading.department}”，与导入的报告所属部门“{department.name}”"
                "不同：已按报告的部门导入，请确认这是本部门的自评表。",
                sheet=reading.sheet,
                row=reading.department_row,
                column=reading.department_column,
                severity=WARNING,
            )
        )
    if reading.year is not None and reading.year != report.year:
        warnings.append(
            Problem(
                f"表头标题为 {reading.year} 年，与导入的报告年度 {report.year} 年不同："
                f"已按 {report.year} 年导入，请确认年度。",
                sheet=reading.sheet,
                row=reading.year_row,
                severity=WARNING,
            )
        )
    return warnings


# --- A new framework from the sheet's own tree -------------------------------------------


def _weight_text(weight: Decimal | None) -> str | None:
    return None if weight is None else rules.num(weight)


def _sheet_tree(reading: SheetReading) -> tuple[list[dict], list[Problem]]:
    """The sheet's indicators as ``framework_load`` reads them, checked by the weight rules."""
    problems: list[Problem] = []
    tree: list[dict] = []
    level1: dict[str, dict] = {}
    level2: dict[tuple[str, str], dict] = {}
    cells: dict[str, tuple[int, str]] = {}  # node name → the cell of its weight
    too_long: set[tuple[str, str]] = set()
    for row in reading.rows:
        k1, k2, k3 = row.key
        if k1 not in level1:
            level1[k1] = {
                "name": row.level1,
                "weight": _weight_text(row.level1_weight),
                "children": [],
            }
            tree.append(level1[k1])
            cells.setdefault(row.level1, (row.level1_row, row.columns["level1_weight"]))
        if (k1, k2) not in level2:
            level2[(k1, k2)] = {
                "name": row.level2,
                "weight": _weight_text(row.level2_weight),
                "children": [],
            }
            level1[k1]["children"].append(level2[(k1, k2)])
            cells.setdefault(row.level2, (row.level2_row, row.columns["level2_weight"]))
        siblings = level2[(k1, k2)]["children"]
        for name, column in (
            (row.level1, row.columns["level1"]),
            (row.level2, row.columns["level2"]),
            (row.level3, row.columns["level3"]),
        ):
            if len(name) > TEXT_LIMIT and (name, column) not in too_long:
                too_long.add((name, column))
                problems.append(
                    Problem(
                        f"指标名称“{name[:20]}…”超过 {TEXT_LIMIT} 字：请精简指标名称。",
                        sheet=reading.sheet,
                        row=row.row,
                        column=column,
                    )
                )
        if any(normalise(child["name"]) == k3 for child in siblings):
            problems.append(
                Problem(
                    f"二级指标“{row.level2}”下三级指标“{row.level3}”出现了两次：请删除重复的一行。",
                    sheet=reading.sheet,
                    row=row.row,
                    column=row.columns["level3"],
                )
            )
            continue
        siblings.append({"name": row.level3, "weight": _weight_text(row.level3_weight)})
        cells.setdefault(row.level3, (row.row, row.columns["level3_weight"]))

    nodes, counter = [], iter(range(1, 100000))

    def add(node: dict, parent_key) -> None:
        key = next(counter)
        weight = Decimal(node["weight"]) if node.get("weight") is not None else None
        nodes.append(rules.NodeSpec(key, parent_key, node["name"], weight))
        for child in node.get("children", []):
            add(child, key)

    for node in tree:
        add(node, None)
    first = reading.rows[0] if reading.rows else None
    for message in rules.framework_weight_errors(nodes):
        row, column = (first.level1_row, first.columns["level1_weight"]) if first else (None, "")
        for name, cell in cells.items():
            if message.startswith(f"“{name}”"):
                row, column = cell
                break
        problems.append(
            Problem(
                f"{message}（按表中的指标新建指标体系时，权重必须符合规则）",
                sheet=reading.sheet,
                row=row,
                column=column,
            )
        )
    return tree, problems


def _tree_of(framework: Framework) -> tuple:
    children = framework_children(framework_id=framework.pk)

    def shape(node: Indicator) -> tuple:
        return (node.name, node.weight, tuple(shape(child) for child in children[node.pk]))

    return tuple(shape(node) for node in children[None])


def _tree_shape(tree: list[dict]) -> tuple:
    def shape(node: dict) -> tuple:
        weight = Decimal(node["weight"]) if node.get("weight") is not None else None
        return (node["name"], weight, tuple(shape(c) for c in node.get("children", [])))

    return tuple(shape(node) for node in tree)


def _framework_for(name: str, report: Report, tree: list[dict]) -> tuple[Framework, bool]:
    """An existing version of ``name`` with exactly this tree, or a new version of it."""
    shape = _tree_shape(tree)
    versions = list(Framework.objects.filter(name=name))
    for framework in versions:
        if _tree_of(framework) == shape:
            return framework, False
    taken = {framework.version for framework in versions}
    version = str(report.year)
    number = 2
    while version in taken:
        version, number = f"{report.year}-{number}", number + 1
    framework = framework_load(
        data={
            "name": name,
            "version": version,
            "description": (
                f"由 {report.department.name} {report.year} 年自评表（Excel）"
                "按表中的指标和权重生成。"
            ),
            "indicators": tree,
        }
    )
    return framework, True


def _bind(report: Report, framework: Framework, user) -> None:
    """Bind the report to ``framework`` with a blank result row for each level-3 indicator."""
    if report.framework_id == framework.pk:
        return
    report.framework = framework
    _save(report, user, update_fields=["framework", "updated_at"])
    results_reset(report=report, user=user, reason=IMPORT_REASON)


# --- Matching rows to the framework ------------------------------------------------------


def _close(name: str, candidates: dict[str, Indicator]) -> list[str]:
    keys = difflib.get_close_matches(normalise(name), list(candidates), n=3, cutoff=0.5)
    return [candidates[key].name for key in keys]


def _unknown(kind: str, name: str, where: str, candidates: dict[str, Indicator]) -> str:
    close = _close(name, candidates)
    hint = f"最接近的是{'、'.join(f'“{n}”' for n in close)}；" if close else ""
    names = "、".join(node.name for node in candidates.values())
    return (
        f"{kind}“{name}”不在{where}：{hint}请改用指标体系中的名称（{names}），"
        "或按表中的指标新建指标体系后导入。"
    )


def _match(reading: SheetReading, framework: Framework, problems: list[Problem]):
    sheet = reading.sheet
    children = framework_children(framework_id=framework.pk)
    tops = {normalise(node.name): node for node in children[None]}
    reported: set = set()
    seen: dict[int, int] = {}
    grouped: dict[int, list[tuple[IndicatorRow, Indicator]]] = defaultdict(list)
    group_nodes: dict[int, Indicator] = {}
    sheet_groups: dict[int, list[IndicatorRow]] = defaultdict(list)

    def report_once(key, problem: Problem) -> None:
        if key not in reported:
            reported.add(key)
            problems.append(problem)

    for row in reading.rows:
        k1, k2, k3 = row.key
        top = tops.get(k1)
        if top is None:
            report_once(
                ("l1", k1),
                Problem(
                    _unknown("一级指标", row.level1, f"指标体系“{framework}”中", tops),
                    sheet=sheet,
                    row=row.level1_row,
                    column=row.columns["level1"],
                ),
            )
            continue
        if row.level1_weight is not None and row.level1_weight != top.weight:
            report_once(
                ("w1", k1),
                _weight_problem(reading, row, "level1", top, row.level1_weight, row.level1_row),
            )
        groups = {normalise(node.name): node for node in children[top.pk]}
        group = groups.get(k2)
        if group is None:
            elsewhere = [
                t.name
                for t in children[None]
                if any(normalise(g.name) == k2 for g in children[t.pk])
            ]
            message = _unknown("二级指标", row.level2, f"一级指标“{top.name}”下", groups)
            if elsewhere:
                message = (
                    f"二级指标“{row.level2}”在指标体系中属于一级指标“{elsewhere[0]}”，"
                    f"不属于“{top.name}”：请把这一行移到“{elsewhere[0]}”下。"
                )
            report_once(
                ("l2", k1, k2),
                Problem(message, sheet=sheet, row=row.level2_row, column=row.columns["level2"]),
            )
            continue
        if row.level2_weight is not None and row.level2_weight != group.weight:
            report_once(
                ("w2", k1, k2),
                _weight_problem(reading, row, "level2", group, row.level2_weight, row.level2_row),
            )
        leaves = {normalise(node.name): node for node in children[group.pk]}
        leaf = leaves.get(k3)
        if leaf is None:
            problems.append(
                Problem(
                    _unknown("三级指标", row.level3, f"二级指标“{group.name}”下", leaves),
                    sheet=sheet,
                    row=row.row,
                    column=row.columns["level3"],
                )
            )
            continue
        if leaf.pk in seen:
            problems.append(
                Problem(
                    f"三级指标“{group.name} / {leaf.name}”在第 {seen[leaf.pk]} 行已经出现过："
                    "请删除重复的一行。",
                    sheet=sheet,
                    row=row.row,
                    column=row.columns["level3"],
                )
            )
            continue
        seen[leaf.pk] = row.row
        if row.level3_weight is not None and row.level3_weight != leaf.weight:
            single = len(children[group.pk]) == 1 and row.level3_weight == group.weight
            if leaf.weight is not None:
                problems.append(
                    _weight_problem(reading, row, "level3", leaf, row.level3_weight, row.row)
                )
            elif not single:
                problems.append(
                    Problem(
                        f"指标体系没有为三级指标“{leaf.name}”设权重，表中的权重 "
                        f"{rules.num(row.level3_weight)} 未采用。",
                        sheet=sheet,
                        row=row.row,
                        column=row.columns["level3_weight"],
                        severity=WARNING,
                    )
                )
        for name, label in (("target", "年度指标值"), ("actual", "全年完成值")):
            if len(getattr(row, name)) > TEXT_LIMIT:
                problems.append(
                    Problem(
                        f"{label}超过 {TEXT_LIMIT} 字，只导入了前 {TEXT_LIMIT} 字："
                        "请精简后填写，详细说明可写在偏差及原因分析中。",
                        sheet=sheet,
                        row=row.row,
                        column=row.columns.get(name, ""),
                        severity=WARNING,
                    )
                )
        grouped[group.pk].append((row, leaf))
        group_nodes[group.pk] = group
        sheet_groups[group.pk].append(row)

    plans = []
    for pk, matched in grouped.items():
        group = group_nodes[pk]
        whole = any(row.group_scored for row, _ in matched)
        plans.append(_GroupPlan(node=group, rows=matched, whole=whole))
        problems += _score_problems(reading, group, matched, whole)
    problems += _missing_warnings(reading, framework, children, seen)
    return plans


def _weight_problem(
    reading: SheetReading, row: IndicatorRow, level: str, node: Indicator, weight, at_row: int
) -> Problem:
    names = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标"}
    return Problem(
        f"{names[level]}“{node.name}”的权重表中为 {rules.num(weight)}，指标体系中为 "
        f"{rules.num(node.weight)}：请改为 {rules.num(node.weight)}，"
        "或按表中的权重新建指标体系后导入。",
        sheet=reading.sheet,
        row=at_row,
        column=row.columns[f"{level}_weight"],
    )


def _score_problems(
    reading: SheetReading, group: Indicator, matched: list, whole: bool
) -> list[Problem]:
    sheet = reading.sheet
    problems = []
    first = matched[0][0]
    column = first.columns["score"]
    if whole:
        score = first.score
        if score is not None and not ZERO <= score <= group.weight:
            problems.append(
                Problem(
                    f"二级指标“{group.name}”的整组得分 {rules.num(score)} 超出范围："
                    f"应在 0 到 {rules.num(group.weight)} 分之间，请改正。",
                    sheet=sheet,
                    row=first.row,
                    column=column,
                )
            )
        return problems
    total = ZERO
    for row, leaf in matched:
        if row.score is None:
            continue
        bound = rules.score_bound(row_weight=leaf.weight, group_weight=group.weight)
        if not ZERO <= row.score <= bound:
            problems.append(
                Problem(
                    f"三级指标“{group.name} / {leaf.name}”的自评得分 {rules.num(row.score)} "
                    f"超出范围：应在 0 到 {rules.num(bound)} 分之间（权重 {rules.num(bound)} 分），"
                    "请改正。",
                    sheet=sheet,
                    row=row.row,
                    column=column,
                )
            )
        total += row.score
    if total > group.weight and not problems:
        problems.append(
            Problem(
                f"二级指标“{group.name}”各三级指标得分合计 {rules.num(total)} 超过该组权重 "
                f"{rules.num(group.weight)} 分：请调低得分。",
                sheet=sheet,
                row=first.row,
                column=column,
            )
        )
    return problems


def _missing_warnings(reading, framework, children, seen) -> list[Problem]:
    missing = []
    for top in children[None]:
        for group in children[top.pk]:
            for leaf in children[group.pk]:
                if leaf.pk not in seen:
                    missing.append(f"“{top.name} / {group.name} / {leaf.name}”")
    if not missing:
        return []
    return [
        Problem(
            f"指标体系“{framework}”中有 {len(missing)} 个三级指标不在表中"
            f"（{'、'.join(missing[:8])}{'等' if len(missing) > 8 else ''}）："
            "这些指标未导入，保留报告中原有的内容，请在编辑器中补填。",
            sheet=reading.sheet,
            severity=WARNING,
        )
    ]


def _total_warning(reading: SheetReading) -> list[Problem]:
    if reading.total_score is None:
        return []
    total, whole_groups = ZERO, set()
    for row in reading.rows:
        if row.group_scored:
            if row.key[:2] in whole_groups:
                continue
            whole_groups.add(row.key[:2])
        total += row.score or ZERO
    if total == reading.total_score:
        return []
    return [
        Problem(
            f"表中总分为 {rules.num(reading.total_score)}，各项得分之和为 {rules.num(total)}："
            "总分不导入，由系统按各项得分计算，请核对。",
            sheet=reading.sheet,
            row=reading.total_row,
            column=reading.total_column,
            severity=WARNING,
        )
    ]


# --- Money --------------------------------------------------------------------------------


def _choice(labels, text: str) -> str | None:
    key = normalise(text)
    for value, label in labels:
        if key in (normalise(label), normalise(value)):
            return value
    return None


def _lines_plan(report: Report, reading: SheetReading, problems: list[Problem]):
    if reading.lines is not None:
        plan = _lines_from_sheet(reading.lines, problems)
        if plan is not None:
            problems += _header_differences(reading, _figures_of(plan), "“收支明细”工作表")
        return plan
    return _lines_from_header(report, reading, problems)


def _money_problem(lines: LinesReading, table: str, field_name: str, row: int, what: str):
    return Problem(
        f"“{table}”表的{what}不能为负数：请填写 0 或正数（单位：万元）。",
        sheet=lines.sheet,
        row=row,
        column=lines.columns.get((table, field_name), ""),
    )


def _lines_from_sheet(lines: LinesReading, problems: list[Problem]) -> _LinesPlan | None:
    plan = _LinesPlan(source="sheet")
    before = len([p for p in problems if p.is_error])

    def money(table, line, name, what, *, optional=False):
        value = getattr(line, name)
        if value is None:
            return None if optional else ZERO
        if value < 0:
            problems.append(_money_problem(lines, table, name, line.row, what))
        return value

    def unknown(table, name, line, text, labels):
        options = "、".join(str(label) for _, label in labels)
        problems.append(
            Problem(
                f"“{table}”表中的“{text}”不是可选的{name}：请改为 {options} 之一。",
                sheet=lines.sheet,
                row=line.row,
                column=lines.columns.get((table, _FIELD_OF[name]), ""),
            )
        )

    for order, line in enumerate(lines.income, start=1):
        source = _choice(IncomeLine.Source.choices, line.source)
        if source is None:
            unknown("收入", "收入来源", line, line.source, IncomeLine.Source.choices)
        plan.income.append(
            {
                "source": source,
                "description": line.description[:200],
                "budget": money("收入", line, "budget", "全年预算数", optional=True),
                "actual": money("收入", line, "actual", "全年执行数"),
                "order": order,
            }
        )
    for order, line in enumerate(lines.expenditure, start=1):
        nature = _choice(ExpenditureLine.Nature.choices, line.nature)
        if nature is None:
            unknown("支出", "支出性质", line, line.nature, ExpenditureLine.Nature.choices)
        fund_source = (
            _choice(FundSource.choices, line.fund_source) if line.fund_source else FundSource.FISCAL
        )
        if fund_source is None:
            unknown("支出", "资金来源", line, line.fund_source, FundSource.choices)
        plan.expenditure.append(
            {
                "nature": nature,
                "fund_source": fund_source,
                "description": line.description[:200],
                "budget": money("支出", line, "budget", "全年预算数"),
                "actual": money("支出", line, "actual", "全年执行数"),
                "order": order,
            }
        )
    kinds: dict[str, int] = {}
    for line in lines.three_public:
        kind = _choice(ThreePublicLine.Kind.choices, line.kind)
        if kind is None:
            unknown("三公经费", "“三公”经费项目", line, line.kind, ThreePublicLine.Kind.choices)
        elif kind in kinds:
            problems.append(
                Problem(
                    f"“三公经费”表中“{line.kind}”在第 {kinds[kind]} 行已经出现过：每项只填一行。",
                    sheet=lines.sheet,
                    row=line.row,
                    column=lines.columns.get(("三公经费", "kind"), ""),
                )
            )
        else:
            kinds[kind] = line.row
        count = line.count
        if count is not None and (count < 0 or count != count.to_integral_value()):
            problems.append(
                Problem(
                    f"“三公经费”表中“{line.kind}”的数量“{rules.num(count)}”应为 0 或正整数。",
                    sheet=lines.sheet,
                    row=line.row,
                    column=lines.columns.get(("三公经费", "count"), ""),
                )
            )
            count = None
        plan.three_public.append(
            {
                "kind": kind,
                "budget": money("三公经费", line, "budget", "预算数"),
                "actual": money("三公经费", line, "actual", "决算数"),
                "previous_actual": money("三公经费", line, "previous_actual", "上年决算数"),
                "count": None if count is None else int(count),
            }
        )
    for kind in ThreePublicLine.Kind:
        if kind not in kinds:
            plan.three_public.append(
                {"kind": kind, "budget": ZERO, "actual": ZERO, "previous_actual": ZERO}
            )
    if len([p for p in problems if p.is_error]) > before:
        return None
    return plan


_FIELD_OF = {
    "收入来源": "source",
    "支出性质": "nature",
    "资金来源": "fund_source",
    "“三公”经费项目": "kind",
}


@dataclass(frozen=True)
class _Figures:
    fiscal: Amounts
    other: Amounts
    basic: Amounts
    project: Amounts


def _figures_of(plan: _LinesPlan) -> _Figures:
    def total(lines) -> Amounts:
        return sum((Amounts(line["budget"], line["actual"]) for line in lines), Amounts())

    spending = plan.expenditure
    return _Figures(
        fiscal=total(line for line in spending if line["fund_source"] == FundSource.FISCAL),
        other=total(line for line in spending if line["fund_source"] == FundSource.OTHER),
        basic=total(line for line in spending if line["nature"] in ExpenditureLine.BASIC_NATURES),
        project=total(
            line for line in spending if line["nature"] == ExpenditureLine.Nature.PROJECT
        ),
    )


def _header_amounts(figure: HeaderFigure | None) -> Amounts:
    if figure is None:
        return Amounts(ZERO, ZERO)
    return Amounts(figure.budget or ZERO, figure.actual or ZERO)


def _header_differences(reading: SheetReading, figures: _Figures, against: str) -> list[Problem]:
    """A warning for each header-block figure that differs from the lines it should sum."""
    warnings = []
    for key, label in HEADER_FIGURES.items():
        figure = reading.figures.get(key)
        if figure is None:
            continue
        stated = getattr(figures, key)
        for name, column, value, what in (
            ("budget", figure.budget_column, figure.budget, "全年预算数"),
            ("actual", figure.actual_column, figure.actual, "全年执行数"),
        ):
            expected = getattr(stated, name)
            if expected is None:  # the report's lines are not filled in yet: nothing to hold
                continue
            if (value or ZERO) != expected:
                warnings.append(
                    Problem(
                        f"表头{label}的{what}为 {(value or ZERO):,.2f} 万元，{against}中为 "
                        f"{expected:,.2f} 万元：表头数字未导入，以{against}为准，请核对。",
                        sheet=reading.sheet,
                        row=figure.row,
                        column=column,
                        severity=WARNING,
                    )
                )
        warnings += _rate_warning(reading, figure, label)
    return warnings


def _rate_warning(reading: SheetReading, figure: HeaderFigure, label: str) -> list[Problem]:
    if figure.rate_pct is None or figure.budget is None or figure.actual is None:
        return []
    computed = Amounts(figure.budget, figure.actual).rate_pct
    if computed is None or abs(computed - figure.rate_pct) <= 1:
        return []
    return [
        Problem(
            f"表头{label}的执行率为 {rules.num(figure.rate_pct.quantize(Decimal('0.01')))}%，"
            f"按执行数 ÷ 预算数计算为 {rules.rate_text(computed)}：执行率不导入，由系统计算。",
            sheet=reading.sheet,
            row=figure.row,
            column=figure.rate_column,
            severity=WARNING,
        )
    ]


def _lines_from_header(
    report: Report, reading: SheetReading, problems: list[Problem]
) -> _LinesPlan | None:
    """Lines from the header block for a report with none; otherwise a comparison only."""
    figures = reading.figures
    for key, label in HEADER_FIGURES.items():
        figure = figures.get(key)
        if figure is None:
            continue
        for value, column, what in (
            (figure.budget, figure.budget_column, "全年预算数"),
            (figure.actual, figure.actual_column, "全年执行数"),
        ):
            if value is not None and value < 0:
                problems.append(
                    Problem(
                        f"表头{label}的{what}不能为负数：请填写 0 或正数（单位：万元）。",
                        sheet=reading.sheet,
                        row=figure.row,
                        column=column,
                    )
                )
    if not any(f.budget is not None or f.actual is not None for f in figures.values()):
        problems.append(
            Problem(
                "表头“整体支出规模”没有读到金额：报告中的收支数字未改动，请在编辑器中填写。",
                sheet=reading.sheet,
                severity=WARNING,
            )
        )
        return None
    if ExpenditureLine.objects.filter(report=report).exists():
        stored = report_budget_figures(report=report)
        if not stored.expenditure.known:
            problems.append(
                Problem(
                    "报告已有支出明细（如按上年报告新建），其金额尚未填写：表头“整体支出规模”"
                    "的数字未导入，请在编辑器“收入和支出”中逐行填写。",
                    sheet=reading.sheet,
                    severity=WARNING,
                )
            )
        problems += _header_differences(
            reading,
            _Figures(stored.fiscal_funds, stored.other_funds, stored.basic, stored.project),
            "报告已有的支出明细",
        )
        return None

    fiscal, other = _header_amounts(figures.get("fiscal")), _header_amounts(figures.get("other"))
    basic, project = _header_amounts(figures.get("basic")), _header_amounts(figures.get("project"))
    sources = fiscal + other
    structure = basic + project
    if sources == Amounts(ZERO, ZERO):
        fiscal = structure
    elif sources != structure:
        figure = figures.get("fiscal") or figures.get("other")
        problems.append(
            Problem(
                f"表头资金来源合计（预算 {sources.budget:,.2f}、执行 {sources.actual:,.2f} 万元）"
                f"与资金结构合计（预算 {structure.budget:,.2f}、执行 {structure.actual:,.2f} 万元）"
                "不一致：财政拨款 + 其他资金应等于基本支出 + 项目支出，请核对后改正。",
                sheet=reading.sheet,
                row=figure.row,
                column=figure.budget_column,
            )
        )
        return None
    for key, label in HEADER_FIGURES.items():
        figure = figures.get(key)
        if figure is not None:
            problems += _rate_warning(reading, figure, label)

    def split(name: str) -> dict[tuple[str, str], Decimal]:
        b, f = getattr(basic, name), getattr(fiscal, name)
        basic_fiscal = min(b, f)
        basic_other = b - basic_fiscal
        return {
            (ExpenditureLine.Nature.PERSONNEL, FundSource.FISCAL): basic_fiscal,
            (ExpenditureLine.Nature.PERSONNEL, FundSource.OTHER): basic_other,
            (ExpenditureLine.Nature.PROJECT, FundSource.FISCAL): f - basic_fiscal,
            (ExpenditureLine.Nature.PROJECT, FundSource.OTHER): getattr(other, name) - basic_other,
        }

    budgets, actuals = split("budget"), split("actual")
    plan = _LinesPlan(source="header")
    for order, key in enumerate(budgets, start=1):
        if budgets[key] or actuals[key]:
            nature, fund_source = key
            plan.expenditure.append(
                {
                    "nature": nature,
                    "fund_source": fund_source,
                    "description": (
                        BASIC_LINE_DESCRIPTION if nature == ExpenditureLine.Nature.PERSONNEL else ""
                    ),
                    "budget": budgets[key],
                    "actual": actuals[key],
                    "order": order,
                }
            )
    if basic.budget or basic.actual:
        figure = figures["basic"]
        problems.append(
            Problem(
                f"表头基本支出（预算 {basic.budget:,.2f}、执行 {basic.actual:,.2f} 万元）已全部"
                "记为“人员经费”：请在编辑器的支出明细中拆分出“公用经费”。",
                sheet=reading.sheet,
                row=figure.row,
                column=figure.budget_column,
                severity=WARNING,
            )
        )
    if other.budget or other.actual:
        figure = figures["other"]
        problems.append(
            Problem(
                "表头有“其他资金”：财政拨款已先计入基本支出、余额计入项目支出，"
                "请在编辑器中核对各支出行的资金来源。",
                sheet=reading.sheet,
                row=figure.row,
                column=figure.budget_column,
                severity=WARNING,
            )
        )
    return plan


# --- Writing ------------------------------------------------------------------------------


def _save(instance, user, **kwargs) -> None:
    if user is not None:
        instance._history_user = user
    instance.save(**kwargs)


def _write_results(report: Report, plans: list[_GroupPlan], user, result: ImportResult) -> None:
    """Write the matched rows (a sheet may have a thousand of them) through the writer."""
    rows: dict[int, dict] = {}
    groups: dict[int, dict | None] = {}
    for plan in plans:
        head = plan.rows[0][0]
        group_deviation = head.deviation if plan.whole else ""
        for row, leaf in plan.rows:
            values = {
                "target": row.target[:TEXT_LIMIT],
                "actual": row.actual[:TEXT_LIMIT],
                "score": None if plan.whole else row.score,
                "deviation": (
                    "" if plan.whole and row.deviation == group_deviation else row.deviation
                ),
            }
            # A column the sheet does not have leaves what the report holds.
            rows[leaf.pk] = {k: v for k, v in values.items() if k in row.columns}
        groups[plan.node.pk] = None
        if plan.whole:
            groups[plan.node.pk] = {"score": head.score}
            if "deviation" in head.columns:
                groups[plan.node.pk]["deviation"] = group_deviation
    results_write(report=report, rows=rows, groups=groups, user=user, reason=IMPORT_REASON)
    if rows:
        result.written.append(
            f"三级指标 {len(rows)} 行（年度指标值、全年完成值、自评得分、偏差及原因分析）"
        )
    if wholes := sum(1 for plan in plans if plan.whole):
        result.written.append(f"整组评分的二级指标 {wholes} 个")


def _write_goals(report: Report, reading: SheetReading, user, result: ImportResult) -> None:
    changed = [
        name
        for name in ("annual_goal", "annual_goal_result")
        if getattr(reading, name) and getattr(reading, name) != getattr(report, name)
    ]
    for name in changed:
        setattr(report, name, getattr(reading, name))
    if changed:
        # Goals read from the sheet are this year's: no longer last year's carried text.
        carried = ["carried_fields"] if report.carried_edited(changed) else []
        _save(report, user, update_fields=[*changed, *carried, "updated_at"])
    if reading.annual_goal or reading.annual_goal_result:
        result.written.append("年度总体目标（年初设定目标、全年完成情况）")


def _write_lines(report: Report, plan: _LinesPlan, user, result: ImportResult) -> None:
    if plan.source == "sheet":
        for model, rows in (
            (IncomeLine, plan.income),
            (ExpenditureLine, plan.expenditure),
            (ThreePublicLine, plan.three_public),
        ):
            lines_sync(report=report, model=model, rows=rows, user=user, reason=IMPORT_REASON)
        result.written.append(
            f"收入 {len(plan.income)} 行、支出 {len(plan.expenditure)} 行、“三公”经费 "
            f"{len(plan.three_public)} 行（按“收支明细”工作表核对，只改动不同的行）"
        )
        return
    lines_create(
        [ExpenditureLine(report=report, **values) for values in plan.expenditure],
        user=user,
        reason=IMPORT_REASON,
    )
    result.written.append(f"支出 {len(plan.expenditure)} 行（按表头“整体支出规模”生成）")


def _fill_override_reasons(report: Report, plans: list[_GroupPlan], user, filename: str) -> None:
    """An imported score that differs from a rule's suggestion stays, with the reason said."""
    if not plans:
        return
    reason = f"由 Excel 导入：{filename or '自评表'}"
    imported_groups = {plan.node.pk for plan in plans if plan.whole}
    imported_rows = {leaf.pk for plan in plans if not plan.whole for _, leaf in plan.rows}
    card = report_data(report=report).scorecard
    rows, groups = {}, {}
    for section in card.sections:
        for group in section.groups:
            if group.key in imported_groups:
                suggested = group.suggested_score
                if (
                    suggested is not None
                    and suggested != group.group_score
                    and not group.override_reason.strip()
                ):
                    groups[group.key] = {"override_reason": reason}
                continue
            for row in group.rows:
                if (
                    row.key in imported_rows
                    and row.suggestion is not None
                    and row.score is not None
                    and row.suggestion.score != row.score
                    and not row.override_reason.strip()
                ):
                    rows[row.key] = {"override_reason": reason}
    results_write(report=report, rows=rows, groups=groups, user=user, reason=IMPORT_REASON)


__all__ = [
    "MAX_BYTES",
    "ImportResult",
    "SelfevalImportOutdated",
    "SelfevalImportRefused",
    "SelfevalSheetChoice",
    "selfeval_identity_check",
    "selfeval_import",
    "selfeval_reading",
]
