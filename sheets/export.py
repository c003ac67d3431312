"""A report's 自评表 as an .xlsx workbook in the official layout, with its money lines beside it.

Sheet "自评表" (columns A–H), as the seed and the PDF print it:

- row 1: ``2022 年部门整体支出绩效自评表`` (A1:H1 merged); row 2: ``单位：万元`` (A2:H2, right);
- row 3: ``部门（单位）名称`` (A:B) | the signing unit, as on the PDF (C:H);
- rows 4–8: ``整体支出规模`` (A4:B8); row 4 heads ``全年预算数`` (E), ``全年执行数`` (F),
  ``执行率%`` (G:H); rows 5–8 label (C:D) ``资金来源：（1）财政拨款``, ``（2）其他资金``,
  ``资金结构：（1）基本支出``, ``（2）项目支出``, budget (E), actual (F) as numbers in 万元,
  rate (G:H) as a fraction formatted ``0.00%`` (1.231 shows 123.10%); blank with no money;
- rows 9–10: ``年度总体目标`` (A9:B10); ``年初设定目标`` (C9:E9) over its text (C10:E10),
  ``全年完成情况`` (F9:H9) over its text (F10:H10);
- row 11: ``分解目标自评`` (A11:H11);
- row 12 (``HEADER_ROW``): 一级指标 | 权重 | 二级指标 | 三级指标 | 年度指标值 | 全年完成值 |
  自评得分 | 偏差及原因分析; repeated on every printed page;
- rows 13…: one per level-3 indicator. 一级指标 name (A) and its weight (B) are merged over the
  section's rows, the 二级指标 written with its weight (``预算编审管理（3）``, C) over the group's
  rows; a group scored as a whole has one score (G) and deviation (H) merged over its rows.
  Weights and scores are numbers in General format (30, 2.5). A 全年完成值 (F) that the
  report's figures decide is written as printed, with a comment giving the working
  (``按本报告数据计算：123.10%（2575.66 ÷ 2092.38）``);
- then ``总分`` (A) | total weight (B) | total score (G) | ``评价等级：优`` (H), and below the
  table ``注：…`` (A:H), as the PDF prints it, when there is one.

Sheet "收支明细": the stored lines the figures are summed from, so an import can rebuild them.
Row 1 names the department and year; then three tables, each under a bold heading in column A
followed by its label row and one row per line, with a blank row between tables:

- ``收入``: 来源 | 说明 | 全年预算数 | 全年执行数;
- ``支出``: 性质 | 资金来源 | 说明 | 全年预算数 | 全年执行数;
- ``三公经费``: 项目 | 预算数 | 决算数 | 上年决算数 | 数量.

Sources, natures and kinds are written as the models' Chinese choice labels; money in 万元.
Every text cell is written as text, never as a formula (see ``formula_like``).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from io import BytesIO

from django.db.models import Model
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from budgets.calc import money
from budgets.models import ExpenditureLine, IncomeLine, ThreePublicLine
from perfeval.fields import model_field
from reports.models import Report
from reports.selectors import SelfEvalTable, report_document
from scoring.core import Row
from scoring.table import COLUMN_LABELS

from .cells import text_set
from .grid import COMPUTED_MARK

SELFEVAL_SHEET = "自评表"
LINES_SHEET = "收支明细"

COLUMN_WIDTHS = (10, 6, 18, 24, 14, 14, 8, 24)
LAST_COLUMN = len(COLUMN_LABELS)
HEADER_ROW = 12
FIRST_TABLE_ROW = HEADER_ROW + 1

INCOME_HEADING, EXPENDITURE_HEADING, THREE_PUBLIC_HEADING = "收入", "支出", "三公经费"
INCOME_LABELS = ("来源", "说明", "全年预算数", "全年执行数")
EXPENDITURE_LABELS = ("性质", "资金来源", "说明", "全年预算数", "全年执行数")
THREE_PUBLIC_LABELS = ("项目", "预算数", "决算数", "上年决算数", "数量")
LINES_WIDTHS = (30, 14, 24, 14, 14)
# The 收支明细 tables in order: heading, label row, the lines' model and the fields shown.
LINE_TABLES: tuple[tuple[str, tuple[str, ...], type[Model], tuple[str, ...]], ...] = (
    (INCOME_HEADING, INCOME_LABELS, IncomeLine, ("source", "description", "budget", "actual")),
    (
        EXPENDITURE_HEADING,
        EXPENDITURE_LABELS,
        ExpenditureLine,
        ("nature", "fund_source", "description", "budget", "actual"),
    ),
    (
        THREE_PUBLIC_HEADING,
        THREE_PUBLIC_LABELS,
        ThreePublicLine,
        ("kind", "budget", "actual", "previous_actual", "count"),
    ),
)

MONEY_FORMAT = "#,##0.00"
RATE_FORMAT = "0.00%"
POINTS_FORMAT = "General"  # 30, 2.5, 0.69: a weight or score as people write it

COMMENT_AUTHOR = "perfeval"
FONT_NAME = "宋体"
BODY_FONT = Font(name=FONT_NAME, size=10)
BOLD_FONT = Font(name=FONT_NAME, size=10, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
LINE_HEIGHT = 14  # points per line of 10-point text
MIN_ROW_HEIGHT = 20


def _put(ws: Worksheet, row: int, column: int, value, **style) -> Cell:
    """Write one cell; text always as a text cell, so "=1+1" stays the characters =1+1."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        # openpyxl refuses control characters and would turn "=…" into a formula, "#N/A" into
        # an error: the text is cleaned, set, and kept text even when the cell is edited.
        text_set(cell, value)
    else:
        cell.value = value
    cell.font = style.get("font", BODY_FONT)
    cell.alignment = style.get("alignment", CENTRE)
    if "number_format" in style:
        cell.number_format = style["number_format"]
    return cell


def _box(ws: Worksheet, first_row: int, last_row: int, first_col: int, last_col: int) -> None:
    for row in ws.iter_rows(
        min_row=first_row, max_row=last_row, min_col=first_col, max_col=last_col
    ):
        for cell in row:
            cell.border = BOX


def _merge(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    if (first_row, first_col) != (last_row, last_col):
        ws.merge_cells(
            start_row=first_row, start_column=first_col, end_row=last_row, end_column=last_col
        )


def text_width(text: str) -> int:
    """Width in column units: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in str(text).split("\n"))


def row_height_fit(ws: Worksheet, row: int, cells: Iterable[tuple[str, float, int]]) -> None:
    """Give ``row`` the height its wrapped text needs: (text, merged width, rows spanned)."""
    lines = max((_lines(text, width) / span for text, width, span in cells if text), default=1)
    ws.row_dimensions[row].height = max(MIN_ROW_HEIGHT, math.ceil(lines) * LINE_HEIGHT + 4)


def _width(first_col: int, last_col: int) -> float:
    return sum(COLUMN_WIDTHS[first_col - 1 : last_col])


def _amount(value: Decimal | None) -> Decimal | None:
    return None if value is None else money(value)


def _header_block(ws: Worksheet, table: SelfEvalTable) -> None:
    last = LAST_COLUMN
    _put(ws, 1, 1, f"{table.year} 年部门整体支出绩效自评表", font=TITLE_FONT)
    _merge(ws, 1, 1, 1, last)
    ws.row_dimensions[1].height = 32
    _put(ws, 2, 1, "单位：万元", alignment=RIGHT)
    _merge(ws, 2, 1, 2, last)

    _put(ws, 3, 1, "部门（单位）名称")
    _merge(ws, 3, 1, 3, 2)
    # The 署名单位, as on the PDF's cover and table (reports.selectors.report_document).
    _put(ws, 3, 3, table.unit, alignment=LEFT)
    _merge(ws, 3, 3, 3, last)

    _put(ws, 4, 1, "整体支出规模")
    _merge(ws, 4, 1, 8, 2)
    _merge(ws, 4, 3, 4, 4)
    _put(ws, 4, 5, "全年预算数")
    _put(ws, 4, 6, "全年执行数")
    _put(ws, 4, 7, "执行率%")
    _merge(ws, 4, 7, 4, 8)
    for row, line in enumerate(table.header, start=5):
        _put(ws, row, 3, line.label, alignment=LEFT)
        _merge(ws, row, 3, row, 4)
        amounts = line.amounts
        rate = amounts.rate_pct if amounts else None
        _put(ws, row, 5, _amount(amounts.budget) if amounts else None, number_format=MONEY_FORMAT)
        _put(ws, row, 6, _amount(amounts.actual) if amounts else None, number_format=MONEY_FORMAT)
        _put(ws, row, 7, None if rate is None else rate / 100, number_format=RATE_FORMAT)
        _merge(ws, row, 7, row, 8)

    _put(ws, 9, 1, "年度总体目标")
    _merge(ws, 9, 1, 10, 2)
    _put(ws, 9, 3, "年初设定目标")
    _merge(ws, 9, 3, 9, 5)
    _put(ws, 9, 6, "全年完成情况")
    _merge(ws, 9, 6, 9, last)
    _put(ws, 10, 3, table.annual_goal, alignment=LEFT)
    _merge(ws, 10, 3, 10, 5)
    _put(ws, 10, 6, table.annual_goal_result, alignment=LEFT)
    _merge(ws, 10, 6, 10, last)
    row_height_fit(
        ws,
        10,
        [(table.annual_goal, _width(3, 5), 1), (table.annual_goal_result, _width(6, last), 1)],
    )

    _put(ws, 11, 1, "分解目标自评", font=BOLD_FONT)
    _merge(ws, 11, 1, 11, last)
    _box(ws, 3, 11, 1, last)


def _indicator_table(ws: Worksheet, table: SelfEvalTable) -> int:
    """The 分解目标自评 rows from ``HEADER_ROW`` on; returns the row of 总分."""
    for column, label in enumerate(COLUMN_LABELS, start=1):
        _put(ws, HEADER_ROW, column, label, font=BOLD_FONT)
    ws.row_dimensions[HEADER_ROW].height = MIN_ROW_HEIGHT

    row = FIRST_TABLE_ROW
    for line in table.rows:
        if line.section_span:
            _put(ws, row, 1, line.section.name)
            _put(ws, row, 2, line.section.weight, number_format=POINTS_FORMAT)
            _merge(ws, row, 1, row + line.section_span - 1, 1)
            _merge(ws, row, 2, row + line.section_span - 1, 2)
        if line.group_span:
            _put(ws, row, 3, line.level2_label)
            _merge(ws, row, 3, row + line.group_span - 1, 3)
        _put(ws, row, 4, line.row.name, alignment=LEFT)
        _put(ws, row, 5, line.row.target)
        _actual_cell(ws, row, 6, line.row)
        if line.score_span:
            _put(ws, row, 7, line.score, number_format=POINTS_FORMAT)
            _put(ws, row, 8, line.deviation, alignment=LEFT)
            _merge(ws, row, 7, row + line.score_span - 1, 7)
            _merge(ws, row, 8, row + line.score_span - 1, 8)
        row_height_fit(
            ws,
            row,
            [
                (line.row.name, _width(4, 4), 1),
                (line.row.target, _width(5, 5), 1),
                (line.row.actual_display, _width(6, 6), 1),
                (line.level2_label if line.group_span else "", _width(3, 3), line.group_span or 1),
                (line.deviation if line.score_span else "", _width(8, 8), line.score_span or 1),
            ],
        )
        row += 1

    _put(ws, row, 1, "总分", font=BOLD_FONT)
    _put(ws, row, 2, table.total_weight, number_format=POINTS_FORMAT)
    _merge(ws, row, 3, row, 6)
    _put(ws, row, 7, table.total_score, number_format=POINTS_FORMAT)
    _put(ws, row, 8, f"评价等级：{table.grade}")
    ws.row_dimensions[row].height = MIN_ROW_HEIGHT
    _box(ws, HEADER_ROW, row, 1, LAST_COLUMN)
    return row


def _actual_cell(ws: Worksheet, row: int, column: int, indicator: Row) -> None:
    """The 全年完成值 as printed, with a comment giving the working where the report's figures
    decide it: the value computed, or the typed one that overrides it and why."""
    cell = _put(ws, row, column, indicator.actual_display)
    figure = indicator.actual_figure
    if figure is None:
        return
    if indicator.actual_shows_computed:
        # An import reads the cell back as computed while it holds this value (read.py).
        text = f"{COMPUTED_MARK}{figure.working}"
    else:
        text = (
            f"填写值；按本报告数据计算为 {figure.working}。"
            f"不采用计算值的理由：{indicator.actual_reason.strip()}"
        )
    cell.comment = Comment(ILLEGAL_CHARACTERS_RE.sub("", text), COMMENT_AUTHOR, 80, 200)


def _selfeval_sheet(ws: Worksheet, table: SelfEvalTable) -> None:
    ws.title = SELFEVAL_SHEET
    for column, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    _header_block(ws, table)
    last_row = _indicator_table(ws, table)
    if table.note:
        last_row += 1
        note = f"注：{table.note}"
        _put(ws, last_row, 1, note, alignment=LEFT)
        _merge(ws, last_row, 1, last_row, LAST_COLUMN)
        row_height_fit(ws, last_row, [(note, _width(1, LAST_COLUMN), 1)])

    page_setup(ws, title_row=HEADER_ROW, last_column=LAST_COLUMN, last_row=last_row)


def page_setup(
    ws: Worksheet,
    *,
    title_row: int,
    last_column: int,
    last_row: int,
    landscape: bool = False,
    vertical_margin: float = 0.75,
) -> None:
    """A4, as wide as one page and as many pages tall as the rows need, centred, the column
    labels (``title_row``) on every page: how the official sheets print."""
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = vertical_margin
    ws.print_title_rows = f"{title_row}:{title_row}"
    ws.print_area = f"A1:{get_column_letter(last_column)}{last_row}"


def _lines_table(
    ws: Worksheet, row: int, heading: str, labels: tuple[str, ...], lines: list[tuple]
) -> int:
    """A bold heading, its label row and one row per line; returns the next free row."""
    _put(ws, row, 1, heading, font=BOLD_FONT, alignment=LEFT)
    for column, label in enumerate(labels, start=1):
        _put(ws, row + 1, column, label, font=BOLD_FONT)
    for offset, values in enumerate(lines, start=2):
        for column, value in enumerate(values, start=1):
            if isinstance(value, Decimal):
                _put(ws, row + offset, column, value, number_format=MONEY_FORMAT)
            else:
                _put(ws, row + offset, column, value, alignment=LEFT)
    last = row + 1 + len(lines)
    _box(ws, row + 1, last, 1, len(labels))
    return last + 2


def _line_value(line: Model, name: str) -> object:
    """A line's field as the sheet shows it: a choice by its Chinese label, money in 万元."""
    if model_field(type(line), name).choices:
        return str(getattr(line, f"get_{name}_display")())
    value = getattr(line, name)
    return _amount(value) if isinstance(value, Decimal) else value


def _lines_sheet(ws: Worksheet, report: Report) -> None:
    ws.title = LINES_SHEET
    for column, width in enumerate(LINES_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    _put(
        ws,
        1,
        1,
        f"{report.department.name} {report.year} 年收支明细（单位：万元）",
        font=BOLD_FONT,
        alignment=Alignment(horizontal="left", vertical="center"),
    )
    row = 3
    for heading, labels, model, fields in LINE_TABLES:
        lines = [
            tuple(_line_value(line, name) for name in fields)
            for line in model._default_manager.filter(report=report)
        ]
        row = _lines_table(ws, row, heading, labels, lines)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def selfeval_workbook(*, report: Report) -> Workbook:
    """The report's 自评表 in the official layout, and its income and spending lines."""
    doc = report_document(report=report)
    table = doc.table
    workbook = Workbook()
    _selfeval_sheet(workbook.active, table)
    _lines_sheet(workbook.create_sheet(), report)
    # Each project's 项目支出绩效自评表 after the 自评表 (projects.sheet imports this module).
    from projects.sheet import project_sheets_add

    project_sheets_add(workbook, doc.projects, after=0)
    workbook.properties.title = f"{report.department.name} {report.year} 年部门整体支出绩效自评表"
    workbook.properties.creator = "perfeval"
    return workbook


def selfeval_xlsx(*, report: Report) -> bytes:
    """``selfeval_workbook`` as the bytes of an .xlsx file."""
    buffer = BytesIO()
    selfeval_workbook(report=report).save(buffer)
    return buffer.getvalue()
