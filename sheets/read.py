"""Reading a filled 自评表 workbook into plain values, tolerant of how people lay it out.

Pure: openpyxl, the standard library and the money arithmetic of budgets/calc.py, no models
or settings. Every cell is found by its label
(一级指标, 三级指标, 自评得分, 财政拨款, …) after normalising width and spacing, never by its
position, so a header block moved down, a missing title, spacer rows, weights in brackets or
in their own column and numbers stored as text all read the same. What cannot be read becomes
a ``Problem`` naming the sheet, row and column and saying what to fix. Of several sheets, the
one read is named, or found (visible, with the table, of the report's year), never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budgets.calc import ungrouped
from perfeval.limits import UPLOAD_MAX_UNPACKED_BYTES

from .measure import UnreadableWorkbook, WorkbookMeasure, workbook_measure

ERROR, WARNING = "error", "warning"
MAX_UNPACKED_BYTES = UPLOAD_MAX_UNPACKED_BYTES  # checked by measure.py, before openpyxl
HUNDRED = Decimal("100")

# --- Problems -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something in the file to fix (an error) or to know (a warning), and where it is."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(f"{self.column} 列")
        return " ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}：{self.message}" if self.where else self.message


# --- Text and numbers ---------------------------------------------------------------------

QUOTES = "“”‘’\"'「」『』"
_SPACE = re.compile(r"\s+")
_WIDE = r"[^\x00-\x7f]"
_SPACE_BY_WIDE = re.compile(rf"(?<={_WIDE})\s+|\s+(?={_WIDE})")
_WEIGHT_SUFFIX = re.compile(
    r"^(?P<name>.*?)\s*[（(]\s*(?P<weight>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*分?\s*[)）]\s*$",
    re.S,
)


def normalise(text) -> str:
    """The key names are matched on: NFKC width folding, no spaces, no quotation marks."""
    text = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return "".join(ch for ch in _SPACE.sub("", text) if ch not in QUOTES)


def clean(text) -> str:
    """A name as it is shown: trimmed, no spaces beside Chinese characters ("产出 指标")."""
    text = "" if text is None else str(text).strip()
    return _SPACE.sub(" ", _SPACE_BY_WIDE.sub("", text))


def split_weight(text: str) -> tuple[str, str | None]:
    """("预算编审管理", "3") from "预算编审管理（3）", "相关性(5 分)" or "投入管理（30分）"."""
    match = _WEIGHT_SUFFIX.match(text or "")
    if not match or not match.group("name").strip():
        return clean(text), None
    return clean(match.group("name")), unicodedata.normalize("NFKC", match.group("weight"))


class NotANumber(ValueError):
    """A cell that should hold a number holds text."""


BLANK_MARKS = {"", "-", "—", "–", "/", "无"}


def parse_number(value, *, units: Iterable[str] = ("分", "万元")) -> Decimal | None:
    """A number from a cell: 2, 2.0, "99", " 2.00 ", "2,092.38", "3分"; None when blank.

    Thousands separators must group by three: "7,1,0.12" and "1,2,3" are refused.
    """
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise NotANumber(str(value))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if _SPACE.sub("", text) in BLANK_MARKS:
        return None
    for unit in units:
        if text.endswith(unit):
            text = text[: -len(unit)]
            break
    # Thousands separators as the editor takes them: "7,1,0.12" is a slip, not 710.12.
    text = ungrouped(text)
    if text is None:
        raise NotANumber(str(value))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise NotANumber(str(value)) from None
    if not number.is_finite():
        raise NotANumber(str(value))
    return number


def parse_percent(value, number_format: str = "") -> Decimal | None:
    """A rate in percent: "87%", 0.87 (a fraction, as Excel stores 87%) or 87."""
    if isinstance(value, str) and "%" in unicodedata.normalize("NFKC", value):
        return parse_number(unicodedata.normalize("NFKC", value).replace("%", ""), units=())
    number = parse_number(value, units=())
    if number is None:
        return None
    # Excel keeps 87% as 0.87; a bare rate above 3 (300%) is taken as already in percent.
    if "%" in (number_format or "") or abs(number) <= 3:
        return number * HUNDRED
    return number


def _number_text(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def cell_text(value, number_format: str = "") -> str:
    """A 年度指标值 or 全年完成值 as written: 0.87 formatted as a percentage reads "87%"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if "%" in (number_format or ""):
            return f"{_number_text(number * HUNDRED)}%"
        return _number_text(number)
    if isinstance(value, datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# --- What was read ------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderFigure:
    """A line of 整体支出规模: 全年预算数, 全年执行数 and the printed 执行率 (never stored)."""

    label: str
    row: int
    budget: Decimal | None = None
    actual: Decimal | None = None
    rate_pct: Decimal | None = None
    budget_column: str = ""
    actual_column: str = ""
    rate_column: str = ""


@dataclass(frozen=True)
class IndicatorRow:
    """A level-3 row of the 分解目标自评 with the level-1 and level-2 names it sits under.

    ``group_scored`` marks a score given once for the whole level-2 group (a score cell
    merged over the group's rows, or written only on its first row): every row of the group
    then carries that same score and deviation.
    """

    row: int
    level1: str
    level1_weight: Decimal | None
    level2: str
    level2_weight: Decimal | None
    level3: str
    level3_weight: Decimal | None = None
    target: str = ""
    actual: str = ""
    score: Decimal | None = None
    deviation: str = ""
    group_scored: bool = False
    # Where each value was read: field name → column letter.
    columns: Mapping[str, str] = field(default_factory=dict)
    # The first sheet row of this row's level-1 and level-2 (merged or written once).
    level1_row: int = 0
    level2_row: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return normalise(self.level1), normalise(self.level2), normalise(self.level3)


@dataclass(frozen=True)
class IncomeRow:
    row: int
    source: str
    description: str = ""
    budget: Decimal | None = None
    actual: Decimal | None = None


@dataclass(frozen=True)
class ExpenditureRow:
    row: int
    nature: str
    fund_source: str = ""
    description: str = ""
    budget: Decimal | None = None
    actual: Decimal | None = None


@dataclass(frozen=True)
class ThreePublicRow:
    row: int
    kind: str
    budget: Decimal | None = None
    actual: Decimal | None = None
    previous_actual: Decimal | None = None
    count: Decimal | None = None


@dataclass(frozen=True)
class LinesReading:
    """The 收支明细 sheet: the lines the figures are summed from."""

    sheet: str
    income: tuple[IncomeRow, ...] = ()
    expenditure: tuple[ExpenditureRow, ...] = ()
    three_public: tuple[ThreePublicRow, ...] = ()
    # Column letter of each label, per table: ("支出", "全年预算数") → "D".
    columns: Mapping[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class SheetReading:
    """Everything read from a 自评表 workbook, and every problem met on the way."""

    sheet: str = ""
    department: str = ""
    department_row: int | None = None
    department_column: str = ""
    year: int | None = None
    year_row: int | None = None
    figures: dict[str, HeaderFigure] = field(default_factory=dict)
    annual_goal: str = ""
    annual_goal_result: str = ""
    # Where each goal's text was read: "annual_goal" → (row, column letter).
    goal_cells: dict[str, tuple[int, str]] = field(default_factory=dict)
    header_row: int | None = None
    rows: list[IndicatorRow] = field(default_factory=list)
    total_score: Decimal | None = None
    total_row: int | None = None
    total_column: str = ""
    lines: LinesReading | None = None
    problems: list[Problem] = field(default_factory=list)
    # The sheets that could each be the 自评表 when the reader would not guess: nothing was
    # read, and a problem asks which one to import.
    choices: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


# --- The grid: a sheet's values with merged ranges spread over their cells ----------------


@dataclass(frozen=True)
class Span:
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    @property
    def ref(self) -> str:
        return (
            f"{get_column_letter(self.min_col)}{self.min_row}:"
            f"{get_column_letter(self.max_col)}{self.max_row}"
        )


# How the export's comment on a computed 全年完成值 begins (按本报告数据计算：123.10%（…）).
COMPUTED_MARK = "按本报告数据计算："


def _stored_cells(ws: Worksheet):
    return sorted(ws._cells.items())


class Grid:
    """A worksheet's values by (row, column), 1-based; a merged range's value in all its cells.

    ``blank_formulas`` are the cells holding a formula saved without its result, as measured
    from the file (measure.py): openpyxl's cached values alone cannot tell them from blanks.
    """

    def __init__(self, ws: Worksheet, blank_formulas: Iterable[tuple[int, int]] = ()):
        self.title = ws.title
        self.values: dict[tuple[int, int], object] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.spans: dict[tuple[int, int], Span] = {}
        self.comments: dict[tuple[int, int], str] = {}
        # The cells stored in the file only: iter_rows() would visit every empty cell up to a
        # stray formatted cell at row 1,048,576.
        for place, cell in _stored_cells(ws):
            if cell.comment is not None:
                self.comments[place] = cell.comment.text or ""
            if cell.value is not None and not (
                isinstance(cell.value, str) and not cell.value.strip()
            ):
                self.values[place] = cell.value
                self.formats[place] = cell.number_format or ""
        self.formula_cells = {place for place in blank_formulas if place not in self.values}
        # measure.py has refused merges outside the sheet's limits and overlapping ones
        # covering more than it, so this walks a bounded number of cells.
        for merged in ws.merged_cells.ranges:
            span = Span(merged.min_row, merged.min_col, merged.max_row, merged.max_col)
            value = self.values.get((span.min_row, span.min_col))
            number_format = self.formats.get((span.min_row, span.min_col), "")
            for r in range(span.min_row, span.max_row + 1):
                for c in range(span.min_col, span.max_col + 1):
                    self.spans[(r, c)] = span
                    if value is None:
                        self.values.pop((r, c), None)
                    else:
                        self.values[(r, c)] = value
                        self.formats[(r, c)] = number_format
        self.max_row = max((r for r, _ in self.values), default=0)
        self.max_col = max((c for _, c in self.values), default=0)

    def get(self, row: int, col: int):
        return self.values.get((row, col))

    def text(self, row: int, col: int) -> str:
        return cell_text(self.get(row, col), self.formats.get((row, col), ""))

    def key(self, row: int, col: int) -> str:
        return normalise(self.get(row, col))

    def span(self, row: int, col: int) -> Span | None:
        return self.spans.get((row, col))

    def own(self, row: int, col: int):
        """The value written in this row: None for a cell covered by a merge from a row above."""
        span = self.spans.get((row, col))
        if span is not None and span.min_row != row:
            return None
        return self.values.get((row, col))

    def is_blank_formula(self, row: int, col: int) -> bool:
        return (row, col) in self.formula_cells

    def row_keys(self, row: int) -> list[tuple[int, str]]:
        return [(c, key) for c in range(1, self.max_col + 1) if (key := self.key(row, c))]


# --- Finding the indicator table ----------------------------------------------------------

COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标", "一级指标名称"),
    "level2": ("二级指标", "二级指标名称"),
    "level3": ("三级指标", "三级指标名称"),
    "weight": ("权重", "分值", "权重(分)", "分值(分)", "权重分", "标准分", "指标分值"),
    "target": ("年度指标值", "指标值", "年度目标值", "目标值", "预期指标值", "年度指标"),
    "actual": ("全年完成值", "实际完成值", "完成值", "全年实际完成值", "实际值", "全年实际值"),
    "score": ("自评得分", "得分", "评分", "自评分", "评价得分", "自评分值"),
    "deviation": (
        "偏差及原因分析",
        "偏差原因分析",
        "偏差分析",
        "原因分析",
        "偏差及原因",
        "偏差原因",
        "未完成原因分析",
        "偏差及原因分析说明",
    ),
}
_LABEL_OF = {normalise(text): name for name, texts in COLUMN_LABELS.items() for text in texts}
REQUIRED_COLUMNS = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标"}
TOTAL_MARKS = ("总分", "合计", "总计", "得分合计")
NOTE_MARKS = ("注:", "注：", "备注")


def _header_columns(grid: Grid, row: int) -> dict[str, int] | None:
    """The column of each label in ``row`` if it is the table's header row, else None."""
    found: dict[str, int] = {}
    for col, key in grid.row_keys(row):
        label = _LABEL_OF.get(key)
        if label is None:
            continue
        span = grid.span(row, col)
        if span is not None and span.min_col != col:
            continue  # the rest of a merged label
        if label == "weight":
            owner = max(
                (name for name in ("level1", "level2", "level3") if name in found),
                key=lambda name: found[name],
                default=None,
            )
            if owner is not None and f"{owner}_weight" not in found:
                found[f"{owner}_weight"] = col
            continue
        found.setdefault(label, col)
    if "level3" in found and ("level1" in found or "level2" in found):
        return found
    return None


def find_header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    for row in range(1, grid.max_row + 1):
        columns = _header_columns(grid, row)
        if columns is not None:
            return row, columns
    return None


# --- Reading the workbook -----------------------------------------------------------------


def open_workbook(data: bytes) -> tuple[Workbook, WorkbookMeasure]:
    """The workbook's cached values and its measurement; or UnreadableWorkbook saying why not.

    The bytes are measured first (measure.py), so openpyxl opens only a file within the
    limits, and only once: the measurement has already found the formulas without a result.
    """
    measured = workbook_measure(data)
    try:
        workbook = load_workbook(BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableWorkbook(
            f"无法读取这个 Excel 文件（{type(exc).__name__}）："
            "请在 Excel 中打开并另存为 .xlsx 后再导入。"
        ) from None
    return workbook, measured


def selfeval_read(data: bytes, *, year: int | None = None, sheet: str = "") -> SheetReading:
    """Read a 自评表 workbook; raise UnreadableWorkbook when the bytes are not one.

    The 自评表 is ``sheet`` when one is named (hidden or not). Otherwise it is the visible
    sheet with an indicator table, or of several the one whose title or header block names
    ``year`` (the year of the report it is read for); hidden sheets, often a backup with older
    scores, are never taken by themselves. When that still leaves more than one (a 初稿 and a
    定稿 of the same year), nothing is guessed and nothing read: ``choices`` lists them and a
    problem asks which to import.
    """
    workbook, measured = open_workbook(data)
    sheets = [ws for ws in workbook.worksheets if isinstance(ws, Worksheet)]
    grids: dict[str, Grid] = {}

    def grid_of(ws: Worksheet) -> Grid:
        if ws.title not in grids:
            sheet_measure = measured.sheets.get(ws.title)
            grids[ws.title] = Grid(ws, sheet_measure.blank_formulas if sheet_measure else ())
        return grids[ws.title]

    reading = SheetReading()
    if not sheets:
        reading.problems.append(Problem("工作簿中没有工作表：请确认文件内容。"))
        return reading
    if sheet:
        chosen = _named_sheet(reading, sheets, sheet)
        if chosen is None:
            return reading
        grid = grid_of(chosen)
        header = find_header(grid)
    else:
        found = _table_sheet(reading, sheets, grid_of, year)
        if found is None:
            return reading
        grid, header = found
    reading.sheet = grid.title
    if header is None:
        reading.problems.append(
            Problem(
                "找不到指标表的表头行：请保留原表中写着“一级指标、权重、二级指标、三级指标、"
                "年度指标值、全年完成值、自评得分、偏差及原因分析”的那一行。",
                sheet=grid.title,
            )
        )
        _read_header_block(grid, reading, last_row=grid.max_row)
    else:
        header_row, columns = header
        reading.header_row = header_row
        _read_header_block(grid, reading, last_row=header_row - 1)
        _read_indicator_rows(grid, reading, header_row, columns)
    if lines_sheet := _lines_sheet(sheets, year):
        reading.lines = _read_lines(grid_of(lines_sheet), reading.problems)
    return reading


# --- Which sheet is the 自评表 ------------------------------------------------------------


def _is_visible(ws: Worksheet) -> bool:
    return ws.sheet_state == Worksheet.SHEETSTATE_VISIBLE  # not "hidden" nor "veryHidden"


def _is_lines(ws: Worksheet) -> bool:
    return "收支明细" in normalise(ws.title)


def _names(titles: Iterable[str]) -> str:
    return "、".join(f"“{title}”" for title in titles)


def _sheet_list(sheets: list[Worksheet]) -> str:
    return "、".join(f"“{ws.title}”" + ("" if _is_visible(ws) else "（隐藏）") for ws in sheets)


def _named_sheet(reading: SheetReading, sheets: list[Worksheet], name: str) -> Worksheet | None:
    """The sheet named ``name`` (exactly, or as typed with other widths and spaces)."""
    chosen = next((ws for ws in sheets if ws.title == name), None)
    if chosen is None:
        alike = [ws for ws in sheets if normalise(ws.title) == normalise(name)]
        chosen = alike[0] if len(alike) == 1 else None
    if chosen is None:
        reading.problems.append(
            Problem(
                f"工作簿中没有名为“{name}”的工作表：工作簿中的工作表有{_sheet_list(sheets)}，"
                "请指定其中的一张。"
            )
        )
    elif _is_lines(chosen):
        reading.problems.append(
            Problem(
                f"工作表“{chosen.title}”是收支明细，不是自评表：请指定自评表所在的工作表"
                f"（工作簿中的工作表有{_sheet_list(sheets)}）。"
            )
        )
        chosen = None
    return chosen


def _title_names_year(title: str, year: int) -> bool:
    return re.search(rf"(?<!\d){year}(?!\d)", normalise(title)) is not None


def _names_year(grid: Grid, header_row: int, year: int) -> bool:
    """Whether the sheet's title or the block above its header row names ``year``."""
    if _title_names_year(grid.title, year):
        return True
    printed = _printed_year(grid, last_row=header_row - 1)
    return printed is not None and printed[0] == year


def _table_sheet(
    reading: SheetReading, sheets: list[Worksheet], grid_of, year: int | None
) -> tuple[Grid, tuple[int, dict[str, int]] | None] | None:
    """The sheet to read when none was named, or None with ``reading.choices`` to ask which."""
    visible = [ws for ws in sheets if _is_visible(ws) and not _is_lines(ws)]
    tables = [(grid_of(ws), header) for ws in visible if (header := find_header(grid_of(ws)))]
    of_year = []
    if len(tables) > 1 and year is not None:
        of_year = [(grid, header) for grid, header in tables if _names_year(grid, header[0], year)]
        tables = of_year or tables
    if len(tables) == 1:
        return tables[0]
    if tables:
        titles = [grid.title for grid, _ in tables]
        reading.choices = tuple(titles)
        if year is None:
            why = ""
        elif of_year:
            why = f"都是 {year} 年的，"
        else:
            why = f"都没有写明 {year} 年，"
        reading.problems.append(
            Problem(
                f"工作簿中有 {len(titles)} 张工作表都有指标表（{_names(titles)}），{why}"
                "无法确定导入哪一张：请选择要导入的工作表。"
            )
        )
        return None
    # No visible sheet has a table: name the likeliest one in the problem, and any hidden
    # sheet that has one, since it is not read unless named.
    others = visible or [ws for ws in sheets if not _is_lines(ws)] or sheets
    fallback = next((ws for ws in others if "自评" in normalise(ws.title)), others[0])
    hidden = [
        ws.title
        for ws in sheets
        if not _is_visible(ws) and not _is_lines(ws) and find_header(grid_of(ws))
    ]
    if hidden:
        reading.problems.append(
            Problem(
                f"隐藏的工作表{_names(hidden)}中有指标表，但隐藏的工作表不会被读取："
                "如果要导入的是它，请在 Excel 中取消隐藏后再导入。",
                severity=WARNING,
            )
        )
    return grid_of(fallback), None


def _lines_sheet(sheets: list[Worksheet], year: int | None) -> Worksheet | None:
    """The visible 收支明细 sheet; of several, the first naming ``year`` in its title."""
    lines = [ws for ws in sheets if _is_visible(ws) and _is_lines(ws)]
    if year is not None:
        of_year = [ws for ws in lines if _title_names_year(ws.title, year)]
        lines = of_year or lines
    return lines[0] if lines else None


# --- Header block -------------------------------------------------------------------------

DEPARTMENT_LABELS = {
    normalise(t) for t in ("部门（单位）名称", "部门名称", "单位名称", "部门（单位）")
}
FIGURE_KEYS = {
    "fiscal": "财政拨款",
    "other": "其他资金",
    "basic": "基本支出",
    "project": "项目支出",
}
GOAL_LABELS = {"annual_goal": "年初设定目标", "annual_goal_result": "全年完成情况"}
HEADER_LABELS = {
    *DEPARTMENT_LABELS,
    *(normalise(t) for t in GOAL_LABELS.values()),
    "年度总体目标",
    "整体支出规模",
    "分解目标自评",
    "全年预算数",
    "全年执行数",
    "执行率%",
    "执行率",
}
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _is_label(key: str) -> bool:
    return key in HEADER_LABELS or any(key.endswith(k) for k in FIGURE_KEYS.values())


def _printed_year(grid: Grid, *, last_row: int) -> tuple[int, int] | None:
    """The year of the title above the table (2022 年…自评表) and its row, if one is printed."""
    for row in range(1, last_row + 1):
        for col, key in grid.row_keys(row):
            if ("自评" in key or "绩效" in key) and len(key) <= 60:
                match = _YEAR.search(unicodedata.normalize("NFKC", str(grid.get(row, col))))
                if match:
                    return int(match.group(1)), row
    return None


def _read_header_block(grid: Grid, reading: SheetReading, *, last_row: int) -> None:
    if printed := _printed_year(grid, last_row=last_row):
        reading.year, reading.year_row = printed
    columns: dict[str, int] = {}
    for row in range(1, last_row + 1):
        for col, key in grid.row_keys(row):
            if key in DEPARTMENT_LABELS and not reading.department_row:
                _read_department(grid, reading, row, col)
            if key.startswith("全年预算数"):
                columns.setdefault("budget", col)
            elif key.startswith("全年执行数"):
                columns.setdefault("actual", col)
            elif key.startswith("执行率"):
                columns.setdefault("rate", col)
            for name, label in GOAL_LABELS.items():
                if key == label and not getattr(reading, name):
                    text, place = _text_near(grid, row, col, last_row)
                    setattr(reading, name, text)
                    if text:
                        reading.goal_cells[name] = (place[0], get_column_letter(place[1]))
    for row in range(1, last_row + 1):
        for col, key in grid.row_keys(row):
            if len(key) > 20:
                continue
            for name, label in FIGURE_KEYS.items():
                if label in key and name not in reading.figures and "收入" not in key:
                    span = grid.span(row, col)
                    after = span.max_col if span else col
                    reading.figures[name] = _read_figure(
                        grid, reading, row, after, clean(grid.get(row, col)), columns
                    )


def _read_department(grid: Grid, reading: SheetReading, row: int, col: int) -> None:
    label = grid.key(row, col)
    for c in range(col + 1, grid.max_col + 1):
        key = grid.key(row, c)
        if key and key != label:
            reading.department = clean(grid.get(row, c))
            reading.department_row, reading.department_column = row, get_column_letter(c)
            return


def _text_near(grid: Grid, row: int, col: int, last_row: int) -> tuple[str, tuple[int, int]]:
    """A goal's text and its cell: below its label (the official layout) or to its right."""
    for r in range(row + 1, min(row + 3, last_row) + 1):
        key = grid.key(r, col)
        if key:
            if not _is_label(key):
                return grid.text(r, col), (r, col)
            break
    label = grid.key(row, col)
    for c in range(col + 1, grid.max_col + 1):
        key = grid.key(row, c)
        if key and key != label:
            return ("" if _is_label(key) else grid.text(row, c)), (row, c)
    return "", (row, col)


def _read_figure(
    grid: Grid, reading: SheetReading, row: int, after: int, label: str, columns: dict[str, int]
) -> HeaderFigure:
    if {"budget", "actual"} <= columns.keys():
        places = {name: columns.get(name) for name in ("budget", "actual", "rate")}
    else:
        # No 全年预算数 / 全年执行数 labels: the cells after the label, in that order.
        filled = [c for c in range(after + 1, grid.max_col + 1) if grid.get(row, c) is not None]
        filled = [c for i, c in enumerate(filled) if not (i and grid.span(row, c))]
        places = dict(zip(("budget", "actual", "rate"), filled, strict=False))
    found: dict[str, Decimal | None] = {}
    for name, col in places.items():
        if col is None:
            found[name] = None
            continue
        what = {"budget": "全年预算数", "actual": "全年执行数", "rate": "执行率"}[name]
        try:
            if name == "rate":
                found[name] = parse_percent(grid.get(row, col), grid.formats.get((row, col), ""))
            else:
                found[name] = parse_number(grid.get(row, col), units=("万元", "元"))
        except NotANumber:
            severity = WARNING if name == "rate" else ERROR
            reading.problems.append(
                Problem(
                    f"“{label}”的{what}“{grid.get(row, col)}”不是数字："
                    f"请填写以万元为单位的数字，如 1382.26"
                    + ("（执行率由系统按执行数 ÷ 预算数计算，可以不填）" if name == "rate" else "")
                    + "。",
                    sheet=grid.title,
                    row=row,
                    column=get_column_letter(col),
                    severity=severity,
                )
            )
            found[name] = None
            continue
        if found[name] is None and grid.is_blank_formula(row, col) and name != "rate":
            reading.problems.append(_formula_problem(grid, row, col))
    letter = {n: get_column_letter(c) if c else "" for n, c in places.items()}
    return HeaderFigure(
        label=label,
        row=row,
        budget=found.get("budget"),
        actual=found.get("actual"),
        rate_pct=found.get("rate"),
        budget_column=letter.get("budget", ""),
        actual_column=letter.get("actual", ""),
        rate_column=letter.get("rate", ""),
    )


def _formula_problem(grid: Grid, row: int, col: int) -> Problem:
    return Problem(
        "该单元格是公式，但文件中没有保存计算结果：请在 Excel 或 WPS 中打开文件、保存后再导入，"
        "或直接填写数值。",
        sheet=grid.title,
        row=row,
        column=get_column_letter(col),
    )


# --- Indicator rows -----------------------------------------------------------------------


def _named_cell(grid: Grid, row: int, col: int | None) -> tuple[str, str | None]:
    if col is None:
        return "", None
    return split_weight(grid.text(row, col))


def _read_indicator_rows(
    grid: Grid, reading: SheetReading, header_row: int, columns: dict[str, int]
) -> None:
    sheet = grid.title
    problems = reading.problems
    for name, label in REQUIRED_COLUMNS.items():
        if name not in columns:
            problems.append(
                Problem(
                    f"表头行缺少“{label}”列：请恢复原表的“{label}”列。",
                    sheet=sheet,
                    row=header_row,
                )
            )
    if "score" not in columns:
        problems.append(
            Problem(
                "表头行缺少“自评得分”列：请恢复原表的“自评得分”列并填写得分。",
                sheet=sheet,
                row=header_row,
            )
        )
    if any(p.is_error for p in problems if p.row == header_row):
        return
    for name, label in (("target", "年度指标值"), ("actual", "全年完成值")):
        if name not in columns:
            problems.append(
                Problem(
                    f"表头行没有“{label}”列：{label}未导入。",
                    sheet=sheet,
                    row=header_row,
                    severity=WARNING,
                )
            )
    letter = {name: get_column_letter(col) for name, col in columns.items()}
    # The first data row: skip a second header line (a header merged over two rows).
    first = header_row + 1
    span = grid.span(header_row, columns["level3"])
    if span is not None:
        first = span.max_row + 1

    def weight_of(row: int, level: str, bracket: str | None) -> tuple[Decimal | None, str]:
        col = columns.get(f"{level}_weight")
        if col is not None and grid.get(row, col) is not None:
            try:
                return parse_number(grid.get(row, col)), letter[f"{level}_weight"]
            except NotANumber:
                problems.append(
                    Problem(
                        f"权重“{grid.get(row, col)}”不是数字：请填写分值，如 30。",
                        sheet=sheet,
                        row=row,
                        column=letter[f"{level}_weight"],
                    )
                )
                return None, letter[f"{level}_weight"]
        return (Decimal(bracket) if bracket else None), letter[level]

    level1 = level2 = ""
    level1_weight = level2_weight = None
    level1_row = level2_row = 0
    level1_weight_col = level2_weight_col = ""
    scored_spans: dict[Span, list[int]] = {}
    rows: list[IndicatorRow] = []
    for row in range(first, grid.max_row + 1):
        first_key = next((key for _, key in grid.row_keys(row)), "")
        if first_key.startswith(TOTAL_MARKS) or (
            first_key.startswith(("注:", "备注")) and not grid.key(row, columns["level3"])
        ):
            if first_key.startswith(TOTAL_MARKS):
                _read_total(grid, reading, row, columns)
            break
        name1, bracket1 = _named_cell(grid, row, columns.get("level1"))
        name2, bracket2 = _named_cell(grid, row, columns.get("level2"))
        name3, bracket3 = _named_cell(grid, row, columns.get("level3"))
        score_col = columns["score"]
        values_present = any(
            grid.own(row, columns[name]) is not None
            for name in ("target", "actual", "score")
            if name in columns
        )
        if not name3:
            if values_present:
                problems.append(
                    Problem(
                        "这一行填了数值，但没有三级指标名称：请填写三级指标名称，或删除这一行。",
                        sheet=sheet,
                        row=row,
                        column=letter["level3"],
                    )
                )
            continue  # a spacer row, or a heading row of its own
        if name1 and normalise(name1) != normalise(level1):
            level1, level1_row = name1, row
            level1_weight, level1_weight_col = weight_of(row, "level1", bracket1)
            if not name2:
                problems.append(
                    Problem(
                        f"一级指标“{name1}”下的这一行没有二级指标名称：请填写二级指标名称。",
                        sheet=sheet,
                        row=row,
                        column=letter["level2"],
                    )
                )
            level2 = ""
        elif name1 or not level1:
            weight, col = weight_of(row, "level1", bracket1)
            if weight is not None and level1_weight is None:
                level1_weight, level1_weight_col = weight, col
        if not level1:
            problems.append(
                Problem(
                    "这一行没有一级指标名称：请在一级指标列填写名称（合并单元格或每行填写均可）。",
                    sheet=sheet,
                    row=row,
                    column=letter["level1"],
                )
            )
            continue
        if name2 and (normalise(name2) != normalise(level2) or row == level1_row):
            level2, level2_row = name2, row
            level2_weight, level2_weight_col = weight_of(row, "level2", bracket2)
        elif name2:
            weight, col = weight_of(row, "level2", bracket2)
            if weight is not None and level2_weight is None:
                level2_weight, level2_weight_col = weight, col
        if not level2:
            continue  # already reported above
        level3_weight, level3_weight_col = weight_of(row, "level3", bracket3)
        score, score_span = _read_score(grid, problems, row, score_col)
        if score_span is not None:
            scored_spans.setdefault(score_span, []).append(len(rows))
        rows.append(
            IndicatorRow(
                row=row,
                level1=level1,
                level1_weight=level1_weight,
                level2=level2,
                level2_weight=level2_weight,
                level3=name3,
                level3_weight=level3_weight,
                target=grid.text(row, columns["target"]) if "target" in columns else "",
                actual=_actual_text(grid, row, columns["actual"]) if "actual" in columns else "",
                score=score,
                deviation=grid.text(row, columns["deviation"]) if "deviation" in columns else "",
                columns={
                    **letter,
                    "level1_weight": level1_weight_col,
                    "level2_weight": level2_weight_col,
                    "level3_weight": level3_weight_col,
                },
                level1_row=level1_row,
                level2_row=level2_row,
            )
        )
    reading.rows = _mark_group_scores(rows, scored_spans, grid, problems)


def _actual_text(grid: Grid, row: int, col: int) -> str:
    """A row's 全年完成值 as typed: blank where the cell still holds the value that the
    export computed from the report's figures (its comment, ``COMPUTED_MARK`` and the value,
    says so). Such a value was never typed: read back, it stays computed."""
    text = grid.text(row, col)
    _, mark, working = grid.comments.get((row, col), "").partition(COMPUTED_MARK)
    return "" if mark and text and working.split("（", 1)[0].strip() == text else text


def _read_score(grid: Grid, problems: list[Problem], row: int, col: int):
    span = grid.span(row, col)
    merged = span if span is not None and span.max_row > span.min_row else None
    if merged is not None and merged.min_row != row:
        value = grid.get(row, col)
        try:
            return parse_number(value), merged
        except NotANumber:
            return None, merged  # reported on the range's first row
    try:
        score = parse_number(grid.get(row, col))
    except NotANumber:
        problems.append(
            Problem(
                f"自评得分“{grid.get(row, col)}”不是数字：请填写分数，如 4 或 2.5。",
                sheet=grid.title,
                row=row,
                column=get_column_letter(col),
            )
        )
        return None, merged
    if score is None and grid.is_blank_formula(row, col):
        problems.append(_formula_problem(grid, row, col))
    return score, merged


def _group_key(row: IndicatorRow) -> tuple[str, str]:
    return normalise(row.level1), normalise(row.level2)


def _mark_group_scores(
    rows: list[IndicatorRow],
    scored_spans: dict[Span, list[int]],
    grid: Grid,
    problems: list[Problem],
) -> list[IndicatorRow]:
    """Mark the rows of groups scored as a whole; a merged score over two groups is a problem."""
    whole: set[int] = set()
    for span, indexes in scored_spans.items():
        groups = {_group_key(rows[i]) for i in indexes}
        if len(groups) > 1:
            names = "、".join(f"“{rows[i].level2}”" for i in sorted({indexes[0], indexes[-1]}))
            problems.append(
                Problem(
                    f"自评得分单元格 {span.ref} 合并跨越了多个二级指标（{names}）："
                    "合并单元格只能在同一个二级指标内，请拆开后分别填写得分。",
                    sheet=grid.title,
                    row=span.min_row,
                    column=get_column_letter(span.min_col),
                )
            )
            continue
        members = [i for i, r in enumerate(rows) if _group_key(r) in groups]
        if len(indexes) == len(members):
            whole.update(indexes)
        elif len(indexes) > 1:
            problems.append(
                Problem(
                    f"自评得分单元格 {span.ref} 只合并了二级指标“{rows[indexes[0]].level2}”的部分"
                    "三级指标：整组评分时请把得分单元格合并到该组所有行，逐项评分时请拆开合并单元格。",
                    sheet=grid.title,
                    row=span.min_row,
                    column=get_column_letter(span.min_col),
                )
            )
    # Unmerged sheets often write a group's score once, on its first row, like the seed.
    by_group: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(rows):
        by_group.setdefault(_group_key(r), []).append(i)
    for indexes in by_group.values():
        if len(indexes) < 2 or indexes[0] in whole:
            continue
        first, rest = rows[indexes[0]], [rows[i] for i in indexes[1:]]
        if (
            first.score is not None
            and all(r.score is None for r in rest)
            and all(r.level3_weight is None for r in (first, *rest))
            and not any(grid.is_blank_formula(r.row, _col(r, "score")) for r in rest)
        ):
            whole.update(indexes)
    marked = []
    for i, r in enumerate(rows):
        if i in whole:
            r = replace(r, group_scored=True, score=rows[by_group[_group_key(r)][0]].score)
        marked.append(r)
    return marked


def _col(row: IndicatorRow, name: str) -> int:
    return column_index_from_string(row.columns[name])


def _read_total(grid: Grid, reading: SheetReading, row: int, columns: dict[str, int]) -> None:
    col = columns.get("score")
    if col is None:
        return
    try:
        reading.total_score = parse_number(grid.get(row, col))
    except NotANumber:
        reading.total_score = None
    reading.total_row, reading.total_column = row, get_column_letter(col)


# --- The 收支明细 sheet -------------------------------------------------------------------

LINE_TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "收入": {
        "source": ("来源", "收入来源", "项目"),
        "description": ("说明", "备注"),
        "budget": ("全年预算数", "预算数"),
        "actual": ("全年执行数", "执行数", "决算数", "收入数"),
    },
    "支出": {
        "nature": ("性质", "支出性质", "项目"),
        "fund_source": ("资金来源", "来源"),
        "description": ("说明", "备注"),
        "budget": ("全年预算数", "预算数"),
        "actual": ("全年执行数", "执行数", "决算数"),
    },
    "三公经费": {
        "kind": ("项目", "类别", "名称"),
        "budget": ("预算数", "全年预算数"),
        "actual": ("决算数", "全年执行数", "执行数"),
        "previous_actual": ("上年决算数", "上年决算"),
        "count": ("数量", "个数"),
    },
}
LINE_MONEY = ("budget", "actual", "previous_actual")


def _line_columns(grid: Grid, row: int, table: str) -> dict[str, int] | None:
    wanted = LINE_TABLES[table]
    found: dict[str, int] = {}
    for col, key in grid.row_keys(row):
        for name, labels in wanted.items():
            if name not in found and key in {normalise(label) for label in labels}:
                found[name] = col
                break
    first = next(iter(wanted))
    return found if first in found and "actual" in found else None


def _read_lines(grid: Grid, problems: list[Problem]) -> LinesReading:
    tables: dict[str, list[dict]] = {name: [] for name in LINE_TABLES}
    letters: dict[tuple[str, str], str] = {}
    row = 1
    while row <= grid.max_row:
        keys = grid.row_keys(row)
        heading = keys[0][1] if len(keys) == 1 else ""
        table = heading if heading in LINE_TABLES else None
        if table is None:
            row += 1
            continue
        columns = None
        for label_row in range(row + 1, min(row + 3, grid.max_row) + 1):
            columns = _line_columns(grid, label_row, table)
            if columns:
                break
        if not columns:
            problems.append(
                Problem(
                    f"“{table}”表下面找不到标题行（如 "
                    f"{'、'.join(labels[0] for labels in LINE_TABLES[table].values())}）："
                    "请恢复导出时的标题行。",
                    sheet=grid.title,
                    row=row,
                )
            )
            row += 1
            continue
        for name, col in columns.items():
            letters[(table, name)] = get_column_letter(col)
        row = label_row + 1
        while row <= grid.max_row and grid.row_keys(row):
            keys = grid.row_keys(row)
            if len(keys) == 1 and keys[0][1] in LINE_TABLES:
                break
            tables[table].append(_line_values(grid, problems, row, table, columns))
            row += 1
    return LinesReading(
        sheet=grid.title,
        income=tuple(IncomeRow(**values) for values in tables["收入"]),
        expenditure=tuple(ExpenditureRow(**values) for values in tables["支出"]),
        three_public=tuple(ThreePublicRow(**values) for values in tables["三公经费"]),
        columns=letters,
    )


def _line_values(
    grid: Grid, problems: list[Problem], row: int, table: str, columns: dict[str, int]
) -> dict:
    values: dict = {"row": row}
    for name in LINE_TABLES[table]:
        col = columns.get(name)
        if col is None:
            continue
        if name in (*LINE_MONEY, "count"):
            try:
                values[name] = parse_number(grid.get(row, col), units=("万元", "元", "个", "台"))
            except NotANumber:
                problems.append(
                    Problem(
                        f"“{table}”表的{LINE_TABLES[table][name][0]}“{grid.get(row, col)}”"
                        "不是数字：请填写以万元为单位的数字。",
                        sheet=grid.title,
                        row=row,
                        column=get_column_letter(col),
                    )
                )
                values[name] = None
        else:
            values[name] = clean(grid.text(row, col))
    return values


__all__ = [
    "ERROR",
    "WARNING",
    "HeaderFigure",
    "IndicatorRow",
    "LinesReading",
    "NotANumber",
    "Problem",
    "SheetReading",
    "UnreadableWorkbook",
    "clean",
    "normalise",
    "parse_number",
    "parse_percent",
    "selfeval_read",
    "split_weight",
]
