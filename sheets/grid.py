"""A worksheet as the reader sees it: values by (row, column), merged ranges spread over
their cells, number formats, comments and the formulas saved without a result."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .cells import Problem, cell_text, normalise


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


def formula_problem(grid: Grid, row: int, col: int) -> Problem:
    return Problem(
        "该单元格是公式，但文件中没有保存计算结果：请在 Excel 或 WPS 中打开文件、保存后再导入，"
        "或直接填写数值。",
        sheet=grid.title,
        row=row,
        column=get_column_letter(col),
    )
