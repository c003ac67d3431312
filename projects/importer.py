"""Importing a project's 项目支出绩效自评表 from .xlsx: measured, read tolerantly, checked,
and written only through ``projects.writers.assessment_sync``.

The workbook is measured and opened as the department table's is (``sheets.read``), its
labels are found wherever they are, after width and spacing are folded (``sheets.cells``),
and the indicator block is read by the department table's reader (``sheets.table``: merged
or blank-below 一级/二级指标, points in brackets, spacer rows, numbers as text). What the
sheet says about the project's own money (全年预算数, 全年执行数) is not written here — it
belongs to the 项目 section — but held against the stored figures. Every problem names its
sheet, row and column and says what to fix; nothing is written while there is an error.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from perfeval.fields import text_too_long
from perfeval.limits import NARRATIVE_MAX_CHARS, ROW_TEXT_MAX_CHARS
from perfeval.numbers import CENT, num
from sheets.cells import WARNING, NotANumber, Problem, normalise, parse_number
from sheets.grid import Grid
from sheets.measure import size_refusal
from sheets.read import UnreadableWorkbook, open_workbook
from sheets.reading import SheetReading
from sheets.table import find_header, read_indicator_rows

from . import calc
from .layout import Group, Layout
from .table import INDICATOR_LABELS, MONEY_LABELS

IMPORT_REASON = "从 Excel 导入"
TEN_THOUSAND = Decimal("10000")
MONEY_LIMIT = Decimal("1e12")  # a MoneyField holds up to 999,999,999,999.99
SCORE_LIMIT = Decimal("10000")  # a score_field holds up to 9,999.99
NAME_MAX = 200  # 三级指标, 年度指标值, 实际完成值 (the model's CharFields)
UNIT_MAX = 100  # 主管部门, 实施单位

# Labels of the blocks around the indicator table, as normalised keys (see ``_key``).
TEXT_LABELS = {
    "conclusion": ("评价结论", "自评结论", "总体评价结论"),
    "problems": ("存在问题", "存在的问题", "主要问题"),
    "measures": ("改进措施", "改进意见", "整改措施", "下一步改进措施"),
    "execution_reason": ("执行率偏低原因", "预算执行率偏低原因", "偏低原因", "执行率偏低原因说明"),
}
GOAL_LABELS = {"goal": ("预期目标", "年度预期目标"), "goal_result": ("实际完成情况",)}
HEAD_LABELS = {
    "name": ("项目名称",),
    "competent_department": ("主管部门",),
    "implementing_unit": ("实施单位",),
}
MONEY_NAMES = ("initial", "budget", "actual", "points", "rate", "score")
MONEY_COLUMNS = dict(zip(MONEY_NAMES, MONEY_LABELS, strict=True))
TABLE_LABELS = INDICATOR_LABELS
# Any label: a cell holding one is never taken for the text next to another.
ALL_LABELS = {
    label
    for labels in (*TEXT_LABELS.values(), *GOAL_LABELS.values(), *HEAD_LABELS.values())
    for label in labels
} | {*MONEY_COLUMNS.values(), *TABLE_LABELS, "年度总体目标", "项目资金", "绩效指标", "总分"}
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
_YUAN = re.compile(r"(?<!万)元\)|单位:元$")


def _key(value) -> str:
    """A label as matched: widths folded, no spaces, no unit in brackets, no colon."""
    return _BRACKETS.sub("", normalise(value)).rstrip(":")


def _keys(grid: Grid, row: int) -> set[str]:
    return {_key(grid.get(row, col)) for col, _ in grid.row_keys(row)}


def _core(name: str) -> str:
    """A 一级/二级指标 name as matched: no brackets, no "指标" at the end ("产出" = 产出指标)."""
    return _key(name).removesuffix("指标")


class ProjectImportRefused(Exception):
    """The workbook could not be read at all; ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("；".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Stated:
    """A figure as the sheet states it, and where."""

    value: Decimal | None
    row: int | None = None
    column: str = ""


@dataclass
class ProjectPlan:
    """What an import would write for one project, and every problem met."""

    sheet: str = ""
    name: str = ""  # the 项目名称 the sheet prints
    values: dict = field(default_factory=dict)  # the assessment's fields
    indicators: list[dict] = field(default_factory=list)  # the rows, in the sheet's order
    rows: list[int] = field(default_factory=list)  # the sheet row of each indicator
    stated: dict[str, Stated] = field(default_factory=dict)  # budget, actual, score, total
    execution_score: Decimal | None = None
    total_score: Decimal | None = None  # as perfeval computes it
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def fingerprint(self) -> str:
        """Equal for two plans that write the same values and rows."""
        text = json.dumps([self.values, self.indicators], ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


# --- Reading the sheet ----------------------------------------------------------------------


def project_plan(*, data: bytes, project, layout: Layout) -> ProjectPlan:
    """Read ``data`` for ``project`` on ``layout``; ProjectImportRefused when no table can be
    read at all. Problems in the table are the plan's, with their cells."""
    if message := size_refusal(len(data)):
        raise ProjectImportRefused([Problem(message)])
    try:
        workbook, measured = open_workbook(data)
    except UnreadableWorkbook as unreadable:
        raise ProjectImportRefused([Problem(unreadable.message)]) from None
    grids = [
        Grid(ws, m.blank_formulas if (m := measured.sheets.get(ws.title)) else ())
        for ws in workbook.worksheets
        if isinstance(ws, Worksheet) and ws.sheet_state == Worksheet.SHEETSTATE_VISIBLE
    ]
    grid = _choose_sheet(grids, project.name)
    plan = ProjectPlan(sheet=grid.title)
    plan.name = _right_of(grid, _find(grid, HEAD_LABELS["name"]))[0]
    if plan.name and normalise(plan.name) != normalise(project.name):
        plan.problems.append(
            _at(
                grid,
                _find(grid, HEAD_LABELS["name"]),
                f"表中项目名称为“{plan.name}”，与导入的项目“{project.name}”不同："
                "已按本项目导入，请确认这是本项目的自评表。",
                WARNING,
                right=True,
            )
        )
    _read_head(grid, plan)
    _read_money(grid, plan, project, layout)
    _read_indicators(grid, plan, layout)
    _hold_scores(plan, project, layout)
    plan.problems.sort(key=lambda p: (p.row or 0, p.column))
    return plan


def _choose_sheet(grids: list[Grid], project_name: str) -> Grid:
    if not grids:
        raise ProjectImportRefused([Problem("工作簿中没有可见的工作表：请确认文件内容。")])
    if len(grids) == 1:
        return grids[0]
    wanted = normalise(project_name)
    by_name = [g for g in grids if normalise(_right_of(g, _find(g, ("项目名称",)))[0]) == wanted]
    by_title = [g for g in grids if normalise(g.title) and normalise(g.title) in wanted]
    by_title = by_title or [g for g in grids if wanted in normalise(g.title)]
    for found in (by_name, by_title):
        if len(found) == 1:
            return found[0]
    names = "、".join(f"“{g.title}”" for g in grids)
    raise ProjectImportRefused(
        [
            Problem(
                f"工作簿中有多张工作表（{names}），没有一张的项目名称或表名是“{project_name}”："
                "请只保留本项目的自评表，或把它的项目名称填写完整后再导入。"
            )
        ]
    )


def _find(grid: Grid, labels, rows: range | None = None) -> tuple[int, int] | None:
    """The first cell, in reading order, whose label is one of ``labels``."""
    wanted = {_key(label) for label in labels}
    for row in rows or range(1, grid.max_row + 1):
        for col, _ in grid.row_keys(row):
            if _key(grid.get(row, col)) in wanted:
                return row, col
    return None


def _is_label(grid: Grid, row: int, col: int) -> bool:
    return _key(grid.get(row, col)) in {_key(label) for label in ALL_LABELS}


def _right_of(grid: Grid, place) -> tuple[str, tuple[int, int] | None]:
    """The text right of a label (past its own merge), "" when the next cell is a label."""
    if place is None:
        return "", None
    row, col = place
    span = grid.span(row, col)
    for c in range((span.max_col if span else col) + 1, grid.max_col + 1):
        if grid.get(row, c) is not None:
            return ("", None) if _is_label(grid, row, c) else (grid.text(row, c), (row, c))
    return "", None


def _below(grid: Grid, place) -> tuple[str, tuple[int, int] | None]:
    """The text under a label (the official layout of 预期目标 | 实际完成情况)."""
    if place is None:
        return "", None
    row, col = place
    span = grid.span(row, col)
    for r in range((span.max_row if span else row) + 1, (span.max_row if span else row) + 4):
        if grid.get(r, col) is not None:
            return ("", None) if _is_label(grid, r, col) else (grid.text(r, col), (r, col))
    return "", None


def _at(grid: Grid, place, message: str, severity="error", *, right=False) -> Problem:
    if right:
        place = _right_of(grid, place)[1] or place
    row, col = place if place else (None, 0)
    return Problem(message, grid.title, row, get_column_letter(col) if col else "", severity)


def _read_head(grid: Grid, plan: ProjectPlan) -> None:
    """主管部门, 实施单位, the goal and the texts after the table, each checked for length."""
    for name in ("competent_department", "implementing_unit"):
        text, place = _right_of(grid, _find(grid, HEAD_LABELS[name]))
        if len(text) > UNIT_MAX:
            plan.problems.append(
                _at(grid, place, f"{HEAD_LABELS[name][0]}超过 {UNIT_MAX} 字：请精简后再导入。")
            )
        plan.values[name] = text[:UNIT_MAX]
    for name, labels in GOAL_LABELS.items():
        text, place = _below(grid, _find(grid, labels))
        if not text:
            text, place = _right_of(grid, _find(grid, labels))
        _text_value(grid, plan, name, labels[0], text, place, NARRATIVE_MAX_CHARS)
    for name, labels in TEXT_LABELS.items():
        label_at = _find(grid, labels)
        text, place = _right_of(grid, label_at)
        span = label_at and grid.span(*label_at)
        if not text and span and span.max_col >= grid.max_col:
            text, place = _below(grid, label_at)  # a heading across the sheet, text under it
        limit = ROW_TEXT_MAX_CHARS if name == "execution_reason" else NARRATIVE_MAX_CHARS
        _text_value(grid, plan, name, labels[0], text, place, limit)


def _text_value(grid, plan: ProjectPlan, name: str, label: str, text: str, place, limit: int):
    if message := text_too_long(text, limit):
        plan.problems.append(_at(grid, place, f"“{label}”{message}"))
    plan.values[name] = text


def _amount(grid: Grid, plan: ProjectPlan, row: int, col: int, what: str, yuan: bool):
    """An amount in 万元 from a cell (元 converted); None when blank or wrong (a problem)."""
    place = (row, col)
    try:
        value = parse_number(grid.get(row, col), units=("万元", "元", "分", "%"))
    except NotANumber:
        plan.problems.append(
            _at(grid, place, f"{what}“{grid.get(row, col)}”不是数字：请填写数字，如 710.12。")
        )
        return None
    if value is None:
        return None
    if value < 0:
        plan.problems.append(_at(grid, place, f"{what}不能为负数：请填写 0 或正数。"))
        return None
    if yuan and what in ("年初预算数", "全年预算数", "全年执行数"):
        value = value / TEN_THOUSAND
        if value < MONEY_LIMIT:
            value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if not _fits(value, MONEY_LIMIT):
        plan.problems.append(
            _at(
                grid,
                place,
                f"{what}“{grid.get(row, col)}”过大或超过两位小数：请填写万元数，保留两位小数。",
            )
        )
        return None
    return value


def _fits(value: Decimal, limit: Decimal) -> bool:
    """Below ``limit`` (checked first: a huge value cannot be quantized) with two places."""
    return value < limit and value == value.quantize(CENT)


def _read_money(grid: Grid, plan: ProjectPlan, project, layout: Layout) -> None:
    """The money block: 年初预算数 is written; 全年预算数/全年执行数 are held against the
    project's; the stated 得分 is compared with the computed one."""
    header = next(
        (
            row
            for row in range(1, grid.max_row + 1)
            if {"全年预算数", "全年执行数"}
            <= {_key(grid.get(row, c)) for c, _ in grid.row_keys(row)}
        ),
        None,
    )
    rate = calc.execution_rate(project.actual, project.budget)
    plan.execution_score = calc.execution_score(layout.execution_points, rate)
    plan.values["initial_budget"] = None
    if header is None:
        plan.problems.append(
            Problem(
                "找不到“项目资金”部分（写着年初预算数、全年预算数、全年执行数的一行）："
                "年初预算数未导入，预算数和执行数未核对。",
                grid.title,
                severity=WARNING,
            )
        )
        return
    columns: dict[str, int] = {}
    for col, _ in grid.row_keys(header):
        for name, label in MONEY_COLUMNS.items():
            if _key(grid.get(header, col)).startswith(label):
                columns.setdefault(name, col)
    total = _find(grid, ("年度资金总额", "资金总额", "合计"), range(header + 1, header + 6))
    if total is None:
        plan.problems.append(
            Problem("“项目资金”下找不到“年度资金总额”一行：请恢复这一行。", grid.title, header)
        )
        return
    unit_at = next(
        (
            (r, c)
            for r in range(1, total[0] + 1)
            for c, _ in grid.row_keys(r)
            if _YUAN.search(normalise(grid.get(r, c)))
        ),
        None,
    )
    yuan = unit_at is not None
    if yuan:
        message = "表中金额单位为元，已换算为万元（保留两位小数）：请核对换算后的金额。"
        plan.problems.append(_at(grid, unit_at, message, WARNING))
    row = total[0]
    found = {
        name: _amount(grid, plan, row, col, MONEY_COLUMNS[name], yuan)
        for name, col in columns.items()
        if name != "rate"
    }
    plan.values["initial_budget"] = found.get("initial")
    for name in ("budget", "actual", "score"):
        if name in columns:
            plan.stated[name] = Stated(found.get(name), row, get_column_letter(columns[name]))
    _hold_money(grid, plan, project)


def _hold_money(grid: Grid, plan: ProjectPlan, project) -> None:
    for name, label in (("budget", "全年预算数"), ("actual", "全年执行数")):
        stated = plan.stated.get(name)
        stored = getattr(project, name)
        if stated is None or stated.value is None or stated.value == stored:
            continue
        kept = "尚未填写" if stored is None else f"为 {stored:,.2f} 万元"
        plan.problems.append(
            Problem(
                f"表中{label}为 {stated.value:,.2f} 万元，项目“{project.name}”中{kept}："
                f"项目的{label}在报告的“项目”部分填写，导入不修改它。请把表中的{label}改为与"
                "项目一致，或先在“项目”部分改正后再导入。",
                grid.title,
                stated.row,
                stated.column,
            )
        )


def _table_view(grid: Grid, header_row: int) -> Grid:
    """The grid up to the texts after the table (评价结论 …), so that none is taken for an
    indicator row when the sheet has no 总分 row."""
    ends = [
        place[0]
        for labels in TEXT_LABELS.values()
        if (place := _find(grid, labels, range(header_row + 1, grid.max_row + 1)))
    ]
    if not ends:
        return grid
    end = min(ends)
    view = copy.copy(grid)
    view.values = {place: v for place, v in grid.values.items() if place[0] < end}
    view.max_row = end - 1
    return view


def _read_indicators(grid: Grid, plan: ProjectPlan, layout: Layout) -> None:
    header = find_header(grid)
    if header is None:
        plan.problems.append(
            Problem(
                "找不到绩效指标的表头行：请保留写着“一级指标、二级指标、三级指标、年度指标值、"
                "实际完成值、分值、得分、偏差原因分析及改进措施”的那一行。",
                grid.title,
            )
        )
        return
    header_row, columns = header
    for col, key in grid.row_keys(header_row):
        if key.startswith("偏差") and "deviation" not in columns:
            columns["deviation"] = col
    if "level3_weight" not in columns:
        plan.problems.append(
            Problem(
                "表头行缺少“分值”列：请恢复“分值”列并填写各三级指标的分值。", grid.title, header_row
            )
        )
        return
    reading = SheetReading(sheet=grid.title, header_row=header_row)
    read_indicator_rows(_table_view(grid, header_row), reading, header_row, columns)
    plan.problems += reading.problems
    if reading.total_score is not None:
        plan.stated["total"] = Stated(reading.total_score, reading.total_row, reading.total_column)
    _Rows(grid, plan, layout).add_all(reading)


class _Rows:
    """The sheet's rows placed on the layout's 一级/二级指标, each value checked."""

    def __init__(self, grid: Grid, plan: ProjectPlan, layout: Layout):
        self.grid, self.plan, self.layout = grid, plan, layout
        self.reported: set = set()
        self.seen: dict[tuple[str, str, str], int] = {}

    def problem(self, row: int, column: str, message: str, once=None) -> None:
        if once is not None:
            if once in self.reported:
                return
            self.reported.add(once)
        self.plan.problems.append(Problem(message, self.grid.title, row, column))

    def add_all(self, reading: SheetReading) -> None:
        if not reading.rows and reading.header_row:
            self.problem(reading.header_row, "", "表头行下面没有读到任何三级指标：请逐行填写。")
        for row in reading.rows:
            self.add(row)

    def group(self, row) -> Group | None:
        group = next((g for g in self.layout.groups if _core(g.name) == _core(row.level1)), None)
        if group is None:
            message = self.layout.place_error(row.level1, "")
            self.problem(row.level1_row, row.columns["level1"], message, ("l1", row.key[0]))
        elif row.level1_weight is not None and row.level1_weight != group.points:
            self.problem(
                row.level1_row,
                row.columns["level1"],
                f"一级指标“{group.name}”的分值表中为 {num(row.level1_weight)}，本表格式中为 "
                f"{num(group.points)}：请改为 {num(group.points)}。",
                ("w1", row.key[0]),
            )
        return group

    def child(self, row, group: Group) -> str | None:
        child = next((c for c in group.children if _core(c) == _core(row.level2)), None)
        if child is None:
            message = self.layout.place_error(group.name, row.level2)
            elsewhere = [
                g.name
                for g in self.layout.groups
                if any(_core(c) == _core(row.level2) for c in g.children)
            ]
            if elsewhere:
                message += f"（“{row.level2}”属于“{elsewhere[0]}”：请把这一行移到其下。）"
            self.problem(row.level2_row, row.columns["level2"], message, ("l2", row.key[:2]))
        return child

    def add(self, row) -> None:
        group = self.group(row)
        child = None if group is None else self.child(row, group)
        points, score = self.numbers(row)
        self.texts(row)
        if group is None or child is None:
            return
        key = (group.name, child, normalise(row.level3))
        if key in self.seen:
            self.problem(
                row.row,
                row.columns["level3"],
                f"三级指标“{row.level3}”在第 {self.seen[key]} 行已经出现过：请删除重复的一行。",
            )
            return
        self.seen[key] = row.row
        self.plan.rows.append(row.row)
        self.plan.indicators.append(
            {
                "level1": group.name,
                "level2": child,
                "name": row.level3,
                "target": row.target,
                "actual": row.actual,
                "points": points,
                "score": score,
                "deviation": row.deviation,
            }
        )

    def numbers(self, row) -> tuple[Decimal | None, Decimal | None]:
        points, score = row.level3_weight, row.score
        points_at, score_at = row.columns.get("level3_weight", ""), row.columns.get("score", "")
        if points is None:
            self.problem(row.row, points_at, "没有填写分值：请填写这个三级指标的分值。")
        for value, at, what in ((points, points_at, "分值"), (score, score_at, "得分")):
            if value is not None and value < 0:
                self.problem(row.row, at, f"{what} {num(value)} 不能为负数：请填写 0 或正数。")
            elif value is not None and not _fits(value, SCORE_LIMIT):
                self.problem(row.row, at, f"{what} {value} 不是有效的分数：请保留两位小数。")
        if row.group_scored:
            self.problem(
                row.row,
                score_at,
                "得分单元格合并了多个三级指标：请拆开合并单元格，为每个三级指标分别填写得分。",
            )
        elif points is not None and score is not None and score > points >= 0:
            self.problem(
                row.row,
                score_at,
                f"得分 {num(score)} 超过分值 {num(points)}：得分不能高于分值，请改正。",
            )
        return points, score

    def texts(self, row) -> None:
        for name, label, limit in (
            ("level3", "三级指标名称", NAME_MAX),
            ("target", "年度指标值", NAME_MAX),
            ("actual", "实际完成值", NAME_MAX),
        ):
            if len(getattr(row, name)) > limit:
                self.problem(
                    row.row, row.columns.get(name, ""), f"{label}超过 {limit} 字：请精简后再导入。"
                )
        if message := text_too_long(row.deviation, ROW_TEXT_MAX_CHARS):
            self.problem(row.row, row.columns.get("deviation", ""), f"偏差原因分析{message}")


def _hold_scores(plan: ProjectPlan, project, layout: Layout) -> None:
    """The stated execution 得分 and 总分 against what perfeval computes: warnings."""
    plan.total_score = calc.total_score(
        plan.execution_score, (row["score"] for row in plan.indicators)
    )
    for name, label, computed in (
        ("score", "预算执行得分", plan.execution_score),
        ("total", "总分", plan.total_score),
    ):
        stated = plan.stated.get(name)
        if stated is None or stated.value is None or stated.value == computed:
            continue
        shown = "无法计算（项目缺少预算数或执行数）" if computed is None else num(computed)
        plan.problems.append(
            Problem(
                f"表中{label}为 {num(stated.value)}，按本系统计算为 {shown}：{label}不导入，"
                "由系统按项目的数字和各项得分计算，请核对。",
                plan.sheet,
                stated.row,
                stated.column,
                WARNING,
            )
        )


# --- Writing --------------------------------------------------------------------------------


def project_import_write(*, project, framework, plan: ProjectPlan, user) -> bool:
    """Write a plan without errors through the one writer; whether anything changed."""
    if plan.errors:
        raise ProjectImportRefused(plan.errors)
    from .writers import assessment_sync  # the writer imports models; the reader need not

    return assessment_sync(
        project=project,
        framework=framework,
        values=plan.values,
        indicators=plan.indicators,
        user=user,
        reason=IMPORT_REASON,
    )
