"""A project's 项目支出绩效自评表 as a worksheet of the report's workbook, laid out as the PDF
prints it (eight columns A–H), with the labels FORMS.md §4 names, so that
``projects.importer`` reads back what this writes:

- row 1: ``2022年度项目支出绩效自评表`` (A:H); row 2: ``单位：万元`` (A:H, right);
- ``项目名称`` (A:B) | name (C:H); ``主管部门`` (A:B) | (C:D) | ``实施单位`` (E) | (F:H);
- ``项目资金（万元）`` (A, over four rows): a row of column labels ``年初预算数`` (C),
  ``全年预算数`` (D), ``全年执行数`` (E), ``分值`` (F), ``执行率`` (G), ``得分`` (H), then
  ``年度资金总额``, ``其中：财政拨款``, ``其他资金`` (B) with money as numbers in 万元 and the
  rate as a fraction formatted ``0.00%``; 分值 and 得分 on the 年度资金总额 row only;
- ``执行率偏低原因`` (A:B) | reason (C:H), where the rate is below the framework's threshold;
- ``年度总体目标`` (A:B, two rows) | ``预期目标`` (C:E) | ``实际完成情况`` (F:H), texts below;
- the column labels (``table.INDICATOR_LABELS``), repeated on every printed page; one row per
  三级指标, the 一级指标 written with its 分值 (``产出指标（50）``, A), it and the 二级指标 (B)
  merged;
- ``总分`` (A:E) | 分值 (F) | 得分 (G) | ``评价等级：优`` (H);
- ``评价结论``, ``存在问题``, ``改进措施`` (A:B) | text (C:H); then ``注：…`` and, for demo
  data, the line saying so (A:H).
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from perfeval.numbers import num
from sheets.export import (
    BOLD_FONT,
    LEFT,
    MIN_ROW_HEIGHT,
    MONEY_FORMAT,
    POINTS_FORMAT,
    RATE_FORMAT,
    RIGHT,
    TITLE_FONT,
    _box,
    _merge,
    _put,
    page_setup,
    row_height_fit,
)

from .table import DEMO_LINE, INDICATOR_LABELS, MONEY_LABELS, TEXT_ROWS, ProjectTable

WIDTHS = (12, 14, 20, 14, 14, 8, 10, 26)
LAST = len(INDICATOR_LABELS)


def project_sheet_title(number: int) -> str:
    """``项目1 自评表``: short, and free of the characters a sheet name may not hold."""
    return f"项目{number} 自评表"


def project_sheets_add(workbook: Workbook, tables: Sequence[ProjectTable], *, after: int = 0):
    """One sheet per project table, placed after the sheet at index ``after`` (the 自评表)."""
    for number, table in enumerate(tables, start=1):
        ws = workbook.create_sheet(project_sheet_title(number), index=after + number)
        project_sheet_write(ws, table)


def _width(first: int, last: int) -> float:
    return sum(WIDTHS[first - 1 : last])


def _label_row(ws: Worksheet, row: int, label: str, text: str) -> None:
    """A label (A:B) and its text (C:H), as tall as the text needs."""
    _put(ws, row, 1, label, font=BOLD_FONT)
    _merge(ws, row, 1, row, 2)
    _put(ws, row, 3, text, alignment=LEFT)
    _merge(ws, row, 3, row, LAST)
    row_height_fit(ws, row, [(text, _width(3, LAST), 1)])


def _head(ws: Worksheet, table: ProjectTable) -> int:
    """Title, 项目名称 … 年度总体目标; returns the next free row."""
    _put(ws, 1, 1, table.title, font=TITLE_FONT)
    _merge(ws, 1, 1, 1, LAST)
    ws.row_dimensions[1].height = 32
    _put(ws, 2, 1, "单位：万元", alignment=RIGHT)
    _merge(ws, 2, 1, 2, LAST)
    _label_row(ws, 3, "项目名称", table.name)
    _put(ws, 4, 1, "主管部门", font=BOLD_FONT)
    _merge(ws, 4, 1, 4, 2)
    _put(ws, 4, 3, table.competent_department, alignment=LEFT)
    _merge(ws, 4, 3, 4, 4)
    _put(ws, 4, 5, "实施单位", font=BOLD_FONT)
    _put(ws, 4, 6, table.implementing_unit, alignment=LEFT)
    _merge(ws, 4, 6, 4, LAST)
    row_height_fit(
        ws,
        4,
        [(table.competent_department, _width(3, 4), 1), (table.implementing_unit, _width(6, 8), 1)],
    )

    _put(ws, 5, 1, "项目资金（万元）", font=BOLD_FONT)
    _merge(ws, 5, 1, 5 + len(table.money), 1)
    for column, label in enumerate(MONEY_LABELS, start=3):
        _put(ws, 5, column, label, font=BOLD_FONT)
    row = 6
    for line in table.money:
        _put(ws, row, 2, line.label, alignment=LEFT)
        _put(ws, row, 3, line.initial, number_format=MONEY_FORMAT, alignment=RIGHT)
        _put(ws, row, 4, line.budget, number_format=MONEY_FORMAT, alignment=RIGHT)
        _put(ws, row, 5, line.actual, number_format=MONEY_FORMAT, alignment=RIGHT)
        _put(ws, row, 6, line.points, number_format=POINTS_FORMAT)
        rate = None if line.rate is None or line.budget is None else line.rate / 100
        _put(ws, row, 7, rate, number_format=RATE_FORMAT, alignment=RIGHT)
        _put(ws, row, 8, line.score, number_format=POINTS_FORMAT)
        ws.row_dimensions[row].height = MIN_ROW_HEIGHT
        row += 1
    if table.needs_reason:
        _label_row(ws, row, "执行率偏低原因", table.execution_reason)
        row += 1

    _put(ws, row, 1, "年度总体目标", font=BOLD_FONT)
    _merge(ws, row, 1, row + 1, 2)
    _put(ws, row, 3, "预期目标", font=BOLD_FONT)
    _merge(ws, row, 3, row, 5)
    _put(ws, row, 6, "实际完成情况", font=BOLD_FONT)
    _merge(ws, row, 6, row, LAST)
    _put(ws, row + 1, 3, table.goal, alignment=LEFT)
    _merge(ws, row + 1, 3, row + 1, 5)
    _put(ws, row + 1, 6, table.goal_result, alignment=LEFT)
    _merge(ws, row + 1, 6, row + 1, LAST)
    row_height_fit(
        ws, row + 1, [(table.goal, _width(3, 5), 1), (table.goal_result, _width(6, LAST), 1)]
    )
    return row + 2


def _indicators(ws: Worksheet, table: ProjectTable, header: int) -> int:
    """The column labels at ``header``, the indicator rows and 总分; returns 总分's row."""
    for column, label in enumerate(INDICATOR_LABELS, start=1):
        _put(ws, header, column, label, font=BOLD_FONT)
    row_height_fit(ws, header, [(label, WIDTHS[n], 1) for n, label in enumerate(INDICATOR_LABELS)])
    row = header + 1
    for line in table.rows:
        if line.level1_span:
            points = "" if line.level1_points is None else f"（{num(line.level1_points)}）"
            _put(ws, row, 1, f"{line.level1}{points}", font=BOLD_FONT)
            _merge(ws, row, 1, row + line.level1_span - 1, 1)
        if line.level2_span:
            _put(ws, row, 2, line.level2)
            _merge(ws, row, 2, row + line.level2_span - 1, 2)
        _put(ws, row, 3, line.name, alignment=LEFT)
        _put(ws, row, 4, line.target)
        _put(ws, row, 5, line.actual)
        _put(ws, row, 6, line.points, number_format=POINTS_FORMAT)
        _put(ws, row, 7, line.score, number_format=POINTS_FORMAT)
        _put(ws, row, 8, line.deviation, alignment=LEFT)
        row_height_fit(
            ws,
            row,
            [
                (line.name, _width(3, 3), 1),
                (line.target, _width(4, 4), 1),
                (line.actual, _width(5, 5), 1),
                (line.deviation, _width(8, 8), 1),
                (line.level2 if line.level2_span else "", _width(2, 2), line.level2_span or 1),
            ],
        )
        row += 1
    _put(ws, row, 1, "总分", font=BOLD_FONT)
    _merge(ws, row, 1, row, 5)
    _put(ws, row, 6, table.total_points, number_format=POINTS_FORMAT)
    _put(ws, row, 7, table.total_score, number_format=POINTS_FORMAT)
    _put(ws, row, 8, f"评价等级：{table.grade}")
    ws.row_dimensions[row].height = MIN_ROW_HEIGHT
    return row


def project_sheet_write(ws: Worksheet, table: ProjectTable) -> None:
    """Write ``table`` into the empty sheet ``ws`` (its title is the caller's)."""
    for column, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    header = _head(ws, table)
    row = _indicators(ws, table, header)
    for label, name in TEXT_ROWS:
        row += 1
        _label_row(ws, row, label, getattr(table, name))
    _box(ws, 3, row, 1, LAST)
    notes = [f"注：{table.note}"] if table.note else []
    notes += [DEMO_LINE] if table.is_demo else []
    for note in notes:
        row += 1
        _put(ws, row, 1, note, alignment=LEFT)
        _merge(ws, row, 1, row, LAST)
        row_height_fit(ws, row, [(note, _width(1, LAST), 1)])
    page_setup(ws, title_row=header, last_column=LAST, last_row=row)
