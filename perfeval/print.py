"""What the printed plan-year forms share (绩效目标表, 运行监控表): the report's print style on a
landscape page, indicator tables with merged 一级/二级 cells that never run across a page
break, the sheet's cell rules, and the responses that hand the files over."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from perfeval.numbers import CENT, num
from reports.models import Report
from reports.pdf import MAX_LAYOUT_PASSES, html_layout, print_css, row_pages, rows_to_cut
from sheets.cells import text_set
from sheets.export import page_setup, row_height_fit

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The report's stylesheet (fonts, the 自评表's table, the watermark) on a landscape A4 page:
# these forms are wider than the report's type area. Every page is numbered at its foot.
LANDSCAPE_CSS = """
@page { size: A4 landscape; margin: 18mm 15mm 16mm 15mm; }
@page :left { margin: 18mm 15mm 16mm 15mm; @bottom-left { content: none; } }
@page :right { margin: 18mm 15mm 16mm 15mm; @bottom-right { content: none; } }
@page {
  @bottom-center {
    content: "第 " counter(page) " 页，共 " counter(pages) " 页";
    font-family: "宋体", "SimSun", "Noto Serif CJK SC", serif;
    font-size: 10.5pt;
    white-space: nowrap;
  }
}
.table-title { margin-top: 0; }
.form-line { font-size: 12pt; line-height: 1.6; letter-spacing: 0; text-align: left; }
.form-line.status { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; }
.selfeval-table.form-body { margin-top: -1px; }
.selfeval-table .alert-row td, .selfeval-table .alert-row th { background: #e8e8e8; }
.selfeval-table .alert-mark {
  display: block;
  font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif;
  font-size: 9pt;
}
.watermark { top: 70mm; }
"""


# --- Indicator tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    """A row of an indicator table; a ``*_span`` above 0 opens a merged cell there."""

    index: int
    item: Any  # the TargetRow or ProgressRow
    level1: str
    level2: str
    level3: str
    level1_span: int
    level2_span: int
    continued: bool = False  # the merged cells are printed again after a page break


def indicator_label(indicator) -> str:
    """投入管理（30）: the name, with the framework's weight where it has one."""
    weight = indicator.weight
    return indicator.name if weight is None else f"{indicator.name}（{num(weight)}）"


def _spans(keys: Sequence[Hashable], cuts: frozenset[int]) -> list[int]:
    opens = [i == 0 or keys[i] != keys[i - 1] or i in cuts for i in range(len(keys))]
    spans = []
    for i, opened in enumerate(opens):
        end = i + 1
        while opened and end < len(keys) and not opens[end]:
            end += 1
        spans.append(end - i if opened else 0)
    return spans


def indicator_lines(items: Sequence, cuts: frozenset[int] = frozenset()) -> list[IndicatorLine]:
    """The rows (each with ``indicator``, its parents loaded) and their merged 一级/二级 cells,
    each ending where its indicator changes or at a cut."""
    level2s = [item.indicator.parent for item in items]
    level1s = [level2.parent for level2 in level2s]
    spans1 = _spans([level1.pk for level1 in level1s], cuts)
    spans2 = _spans(
        [(level1.pk, level2.pk) for level1, level2 in zip(level1s, level2s, strict=True)], cuts
    )
    return [
        IndicatorLine(
            index=i,
            item=item,
            level1=indicator_label(level1s[i]),
            level2=indicator_label(level2s[i]),
            level3=indicator_label(item.indicator),
            level1_span=spans1[i],
            level2_span=spans2[i],
            continued=i in cuts and level1s[i] == level1s[i - 1],
        )
        for i, item in enumerate(items)
    ]


# --- PDF -------------------------------------------------------------------------------------


def form_pdf(render: Callable[[list[IndicatorLine]], str], items: Sequence) -> bytes:
    """The PDF of ``render(lines)``, whose rows carry ``id="row-<index>"``.

    As the report's 自评表 (``reports.pdf``): a merged cell is not printed again on the next
    page, so the table is cut before a row that opens a page inside its 一级指标 and laid out
    again, the cut rows getting their own 一级/二级 cells.
    """
    css = print_css() + LANDSCAPE_CSS
    sections = [item.indicator.parent.parent_id for item in items]
    cuts: frozenset[int] = frozenset()
    document = html_layout(render(indicator_lines(items, cuts)), css)
    for _ in range(MAX_LAYOUT_PASSES):
        needed = rows_to_cut(pages=row_pages(document, len(items)), sections=sections)
        if needed <= cuts:
            break
        cuts |= needed
        document = html_layout(render(indicator_lines(items, cuts)), css)
    return document.write_pdf()


# --- Excel -----------------------------------------------------------------------------------

FONT_NAME = "宋体"
BODY_FONT = Font(name=FONT_NAME, size=10)
BOLD_FONT = Font(name=FONT_NAME, size=10, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
ALIGN = {
    "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
    "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
    "right": Alignment(horizontal="right", vertical="center", wrap_text=True),
}
ALERT_FILL = PatternFill("solid", fgColor="FFF2CC")
MONEY_FORMAT = "0.00"
RATE_FORMAT = "0.00%"


class FormSheet:
    """A worksheet in the official layout: boxed, merged, wrapped cells in fixed columns."""

    def __init__(self, ws: Worksheet, title: str, widths: Sequence[float]):
        ws.title = title
        self.ws = ws
        self.widths = tuple(widths)
        for column, width in enumerate(self.widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width

    @property
    def last_column(self) -> int:
        return len(self.widths)

    def put(
        self,
        row: int,
        column: int,
        value,
        *,
        to: tuple[int, int] | None = None,
        font: Font = BODY_FONT,
        align: str = "center",
        number_format: str = "",
        boxed: bool = True,
    ) -> Cell:
        """Write a cell (merged to ``to`` = (last row, last column)); text always stays text,
        never a formula (``sheets.cells.text_set``); money as a number to the cent."""
        cell = self.ws.cell(row=row, column=column)
        if isinstance(value, str):
            text_set(cell, value)
        elif isinstance(value, Decimal):
            cell.value = value.quantize(CENT) if number_format == MONEY_FORMAT else value
        else:
            cell.value = value
        cell.font = font
        cell.alignment = ALIGN[align]
        if number_format:
            cell.number_format = number_format
        last_row, last_column = to or (row, column)
        if boxed:
            for line in self.ws.iter_rows(
                min_row=row, max_row=last_row, min_col=column, max_col=last_column
            ):
                for each in line:
                    each.border = BOX
        if (last_row, last_column) != (row, column):
            self.ws.merge_cells(
                start_row=row, start_column=column, end_row=last_row, end_column=last_column
            )
        return cell

    def fill(self, row: int, fill: PatternFill = ALERT_FILL) -> None:
        for column in range(1, self.last_column + 1):
            self.ws.cell(row=row, column=column).fill = fill

    def fit(self, row: int, cells: Iterable[tuple[str, int, int]]) -> None:
        """Give ``row`` the height its wrapped text needs: (text, first column, last column)."""
        row_height_fit(
            self.ws,
            row,
            [(text, sum(self.widths[first - 1 : last]), 1) for text, first, last in cells],
        )

    def print_setup(self, *, header_row: int, last_row: int) -> None:
        """A4 landscape, as wide as one page, the column labels on every page."""
        page_setup(
            self.ws,
            title_row=header_row,
            last_column=self.last_column,
            last_row=last_row,
            landscape=True,
            vertical_margin=0.6,
        )

    def indicator_rows(
        self, first_row: int, lines: Sequence[IndicatorLine], cells: Callable[[Any], Sequence]
    ) -> int:
        """一级 | 二级 | 三级 | ``cells(item)``…, 一级/二级 merged over their rows; returns
        the row after the table. A cell given as (value, number_format) is a number."""
        for offset, line in enumerate(lines):
            row = first_row + offset
            if line.level1_span:
                self.put(row, 1, line.level1, to=(row + line.level1_span - 1, 1), font=BOLD_FONT)
            if line.level2_span:
                self.put(row, 2, line.level2, to=(row + line.level2_span - 1, 2))
            self.put(row, 3, line.level3, align="left")
            texts = [(line.level3, 3, 3)]
            for column, value in enumerate(cells(line.item), start=4):
                if isinstance(value, tuple):
                    self.put(row, column, value[0], number_format=value[1])
                else:
                    self.put(row, column, value, align="left" if len(value) > 8 else "center")
                    texts.append((value, column, column))
            self.fit(row, texts)
        return first_row + len(lines)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Responses -------------------------------------------------------------------------------


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (as the report's preview), saved under ``filename``."""
    disposition = content_disposition_header(False, filename)
    return HttpResponse(data, content_type=PDF_TYPE, headers={"Content-Disposition": disposition})


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    disposition = content_disposition_header(True, filename)
    return HttpResponse(data, content_type=XLSX_TYPE, headers={"Content-Disposition": disposition})


def status_line(document) -> str:
    """What a print of a reviewed document not yet approved says of itself."""
    if document.status == Report.Status.APPROVED:
        return ""
    return f"状态：{document.get_status_display()}（尚未批准，仅供核对）"
