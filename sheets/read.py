"""Reading a filled 自评表 workbook into plain values, tolerant of how people lay it out.

Pure: openpyxl and the standard library, no models or settings. Every cell is found by its label
(一级指标, 三级指标, 自评得分, 财政拨款, …) after normalising width and spacing, never by its
position, so a header block moved down, a missing title, spacer rows, weights in brackets or
in their own column and numbers stored as text all read the same. What cannot be read becomes
a ``Problem`` naming the sheet, row and column and saying what to fix. Of several sheets, the
one read is named, or found (visible, with the table, of the report's year), never guessed.

This module chooses the sheet and reads it through the others: ``grid.py`` (the sheet's
cells), ``header.py`` (the block above the table), ``table.py`` (the indicator rows),
``lines.py`` (the 收支明细 sheet), into the values of ``reading.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from .cells import WARNING, Problem, normalise
from .grid import Grid
from .header import printed_year, read_header_block
from .lines import read_lines
from .measure import UnreadableWorkbook, WorkbookMeasure, workbook_measure
from .reading import SheetReading
from .table import find_header, read_indicator_rows

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
        read_header_block(grid, reading, last_row=grid.max_row)
    else:
        header_row, columns = header
        reading.header_row = header_row
        read_header_block(grid, reading, last_row=header_row - 1)
        read_indicator_rows(grid, reading, header_row, columns)
    if lines_sheet := _lines_sheet(sheets, year):
        reading.lines = read_lines(grid_of(lines_sheet), reading.problems)
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
    printed = printed_year(grid, last_row=header_row - 1)
    return printed is not None and printed[0] == year


# A project's own table (projects.sheet, or a clerk's) has an indicator header too, but is
# never the department's 自评表.
PROJECT_TABLE_TITLE = "项目支出绩效自评表"


def _is_project_table(grid: Grid, header_row: int) -> bool:
    return any(
        PROJECT_TABLE_TITLE in key for row in range(1, header_row) for _, key in grid.row_keys(row)
    )


def _table_sheet(
    reading: SheetReading, sheets: list[Worksheet], grid_of, year: int | None
) -> tuple[Grid, tuple[int, dict[str, int]] | None] | None:
    """The sheet to read when none was named, or None with ``reading.choices`` to ask which."""
    visible = [ws for ws in sheets if _is_visible(ws) and not _is_lines(ws)]
    tables = [
        (grid, header)
        for grid, header in ((grid_of(ws), find_header(grid_of(ws))) for ws in visible)
        if header and not _is_project_table(grid, header[0])
    ]
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
