"""Reading the 收支明细 sheet: the 收入, 支出 and 三公经费 tables the figures are summed from."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from .cells import NotANumber, Problem, clean, normalise, parse_number
from .grid import Grid
from .reading import ExpenditureRow, IncomeRow, LinesReading, ThreePublicRow

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


def read_lines(grid: Grid, problems: list[Problem]) -> LinesReading:
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
