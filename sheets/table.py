"""Reading the indicator table (分解目标自评): finding its header row, then each level-3 row
under its level-1 and level-2 names, with weights, values, scores and the 合计 row."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from openpyxl.utils import column_index_from_string, get_column_letter

from .cells import WARNING, NotANumber, Problem, normalise, parse_number, split_weight
from .grid import COMPUTED_MARK, Grid, Span, formula_problem
from .reading import IndicatorRow, SheetReading

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


def _named_cell(grid: Grid, row: int, col: int | None) -> tuple[str, str | None]:
    if col is None:
        return "", None
    return split_weight(grid.text(row, col))


def read_indicator_rows(
    grid: Grid, reading: SheetReading, header_row: int, columns: dict[str, int]
) -> None:
    if not _columns_complete(grid, reading.problems, header_row, columns):
        return
    # The first data row: skip a second header line (a header merged over two rows).
    first = header_row + 1
    span = grid.span(header_row, columns["level3"])
    if span is not None:
        first = span.max_row + 1
    table = _TableRows(grid, reading.problems, columns)
    for row in range(first, grid.max_row + 1):
        first_key = next((key for _, key in grid.row_keys(row)), "")
        if first_key.startswith(TOTAL_MARKS):
            _read_total(grid, reading, row, columns)
            break
        if first_key.startswith(("注:", "备注")) and not grid.key(row, columns["level3"]):
            break
        table.read(row)
    reading.rows = _mark_group_scores(table.rows, table.scored_spans, grid, reading.problems)


def _columns_complete(
    grid: Grid, problems: list[Problem], header_row: int, columns: dict[str, int]
) -> bool:
    """Whether the header row has the columns rows are read by; a problem for each missing."""
    missing = [
        f"表头行缺少“{label}”列：请恢复原表的“{label}”列。"
        for name, label in REQUIRED_COLUMNS.items()
        if name not in columns
    ]
    if "score" not in columns:
        missing.append("表头行缺少“自评得分”列：请恢复原表的“自评得分”列并填写得分。")
    problems += [Problem(message, sheet=grid.title, row=header_row) for message in missing]
    if any(p.is_error for p in problems if p.row == header_row):
        return False
    problems += [
        Problem(f"表头行没有“{label}”列：{label}未导入。", grid.title, header_row, "", WARNING)
        for name, label in (("target", "年度指标值"), ("actual", "全年完成值"))
        if name not in columns
    ]
    return True


class _TableRows:
    """The level-3 rows read so far, and the level-1 and level-2 names they sit under: a name
    merged over its rows or written once stands until the next one."""

    def __init__(self, grid: Grid, problems: list[Problem], columns: dict[str, int]):
        self.grid, self.problems, self.columns = grid, problems, columns
        self.letter = {name: get_column_letter(col) for name, col in columns.items()}
        self.level1 = self.level2 = ""
        self.level1_weight: Decimal | None = None
        self.level2_weight: Decimal | None = None
        self.level1_row = self.level2_row = 0
        self.level1_weight_col = self.level2_weight_col = ""
        self.scored_spans: dict[Span, list[int]] = {}
        self.rows: list[IndicatorRow] = []

    def problem(self, message: str, row: int, column: str) -> None:
        self.problems.append(Problem(message, sheet=self.grid.title, row=row, column=column))

    def weight_of(self, row: int, level: str, bracket: str | None) -> tuple[Decimal | None, str]:
        col = self.columns.get(f"{level}_weight")
        if col is not None and self.grid.get(row, col) is not None:
            column = self.letter[f"{level}_weight"]
            try:
                return parse_number(self.grid.get(row, col)), column
            except NotANumber:
                self.problem(
                    f"权重“{self.grid.get(row, col)}”不是数字：请填写分值，如 30。", row, column
                )
                return None, column
        return (Decimal(bracket) if bracket else None), self.letter[level]

    def read(self, row: int) -> None:
        grid, columns = self.grid, self.columns
        name1, bracket1 = _named_cell(grid, row, columns.get("level1"))
        name2, bracket2 = _named_cell(grid, row, columns.get("level2"))
        name3, bracket3 = _named_cell(grid, row, columns.get("level3"))
        if not name3:
            if any(
                grid.own(row, columns[name]) is not None
                for name in ("target", "actual", "score")
                if name in columns
            ):
                self.problem(
                    "这一行填了数值，但没有三级指标名称：请填写三级指标名称，或删除这一行。",
                    row,
                    self.letter["level3"],
                )
            return  # a spacer row, or a heading row of its own
        if not self.follow_level1(row, name1, bracket1, name2):
            return
        self.follow_level2(row, name2, bracket2)
        if not self.level2:
            return  # already reported by follow_level1
        self.rows.append(self.indicator_row(row, name3, bracket3))

    def follow_level1(self, row: int, name1: str, bracket1: str | None, name2: str) -> bool:
        if name1 and normalise(name1) != normalise(self.level1):
            self.level1, self.level1_row = name1, row
            self.level1_weight, self.level1_weight_col = self.weight_of(row, "level1", bracket1)
            if not name2:
                self.problem(
                    f"一级指标“{name1}”下的这一行没有二级指标名称：请填写二级指标名称。",
                    row,
                    self.letter["level2"],
                )
            self.level2 = ""
        elif name1 or not self.level1:
            weight, col = self.weight_of(row, "level1", bracket1)
            if weight is not None and self.level1_weight is None:
                self.level1_weight, self.level1_weight_col = weight, col
        if not self.level1:
            self.problem(
                "这一行没有一级指标名称：请在一级指标列填写名称（合并单元格或每行填写均可）。",
                row,
                self.letter["level1"],
            )
            return False
        return True

    def follow_level2(self, row: int, name2: str, bracket2: str | None) -> None:
        if name2 and (normalise(name2) != normalise(self.level2) or row == self.level1_row):
            self.level2, self.level2_row = name2, row
            self.level2_weight, self.level2_weight_col = self.weight_of(row, "level2", bracket2)
        elif name2:
            weight, col = self.weight_of(row, "level2", bracket2)
            if weight is not None and self.level2_weight is None:
                self.level2_weight, self.level2_weight_col = weight, col

    def indicator_row(self, row: int, name3: str, bracket3: str | None) -> IndicatorRow:
        grid, columns = self.grid, self.columns
        level3_weight, level3_weight_col = self.weight_of(row, "level3", bracket3)
        score, score_span = _read_score(grid, self.problems, row, columns["score"])
        if score_span is not None:
            self.scored_spans.setdefault(score_span, []).append(len(self.rows))
        return IndicatorRow(
            row=row,
            level1=self.level1,
            level1_weight=self.level1_weight,
            level2=self.level2,
            level2_weight=self.level2_weight,
            level3=name3,
            level3_weight=level3_weight,
            target=grid.text(row, columns["target"]) if "target" in columns else "",
            actual=_actual_text(grid, row, columns["actual"]) if "actual" in columns else "",
            score=score,
            deviation=grid.text(row, columns["deviation"]) if "deviation" in columns else "",
            columns={
                **self.letter,
                "level1_weight": self.level1_weight_col,
                "level2_weight": self.level2_weight_col,
                "level3_weight": level3_weight_col,
            },
            level1_row=self.level1_row,
            level2_row=self.level2_row,
        )


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
        problems.append(formula_problem(grid, row, col))
    return score, merged


def _group_key(row: IndicatorRow) -> tuple[str, str]:
    return normalise(row.level1), normalise(row.level2)


def _span_problem(grid: Grid, span: Span, message: str) -> Problem:
    return Problem(message, grid.title, span.min_row, get_column_letter(span.min_col))


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
                _span_problem(
                    grid,
                    span,
                    f"自评得分单元格 {span.ref} 合并跨越了多个二级指标（{names}）："
                    "合并单元格只能在同一个二级指标内，请拆开后分别填写得分。",
                )
            )
            continue
        members = [i for i, r in enumerate(rows) if _group_key(r) in groups]
        if len(indexes) == len(members):
            whole.update(indexes)
        elif len(indexes) > 1:
            problems.append(
                _span_problem(
                    grid,
                    span,
                    f"自评得分单元格 {span.ref} 只合并了二级指标“{rows[indexes[0]].level2}”的部分"
                    "三级指标：整组评分时请把得分单元格合并到该组所有行，逐项评分时请拆开合并单元格。",
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
