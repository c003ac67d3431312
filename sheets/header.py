"""Reading the header block above the indicator table: 部门名称, the printed year,
年度总体目标 and the figures of 整体支出规模."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from openpyxl.utils import get_column_letter

from .cells import (
    ERROR,
    WARNING,
    NotANumber,
    Problem,
    clean,
    normalise,
    parse_number,
    parse_percent,
)
from .grid import Grid, formula_problem
from .reading import HeaderFigure, SheetReading

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


def printed_year(grid: Grid, *, last_row: int) -> tuple[int, int] | None:
    """The year of the title above the table (2022 年…自评表) and its row, if one is printed."""
    for row in range(1, last_row + 1):
        for col, key in grid.row_keys(row):
            if ("自评" in key or "绩效" in key) and len(key) <= 60:
                match = _YEAR.search(unicodedata.normalize("NFKC", str(grid.get(row, col))))
                if match:
                    return int(match.group(1)), row
    return None


def read_header_block(grid: Grid, reading: SheetReading, *, last_row: int) -> None:
    if printed := printed_year(grid, last_row=last_row):
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
            reading.problems.append(formula_problem(grid, row, col))
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
