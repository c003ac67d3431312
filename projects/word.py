"""Projects' 项目支出绩效自评表 in the report's Word file: each an attachment after the 自评表
(附件2, 附件3 …), a real Word table merged as the PDF's (templates/projects/pdf/_grid.html).

``reports.word`` calls this and imports it, so its helpers are imported when the tables are
written, not when this module loads.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm
from docx.table import Table

from reports.templatetags.perfeval import money, pct, points

from .table import DEMO_LINE, INDICATOR_LABELS, MONEY_LABELS, TEXT_ROWS, ProjectTable

# The PDF's columns (print.css, .project-table): 156 mm, the type area.
WIDTHS = tuple(Mm(w) for w in (17, 20, 24, 20, 20, 10, 14, 31))
FIRST_NUMBER = 2  # the department's 自评表 is the report's first attachment
LEFT, RIGHT = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
LAST = len(WIDTHS) - 1


def project_tables_docx(document: Document, tables: Sequence[ProjectTable]) -> None:
    """Append each table on a page of its own: "附件N", its title (a level-1 heading, as the
    自评表's), 单位：万元, the table, its 注 and, for demo data, the line saying so."""
    from reports import word  # reports.word imports this module

    for number, table in enumerate(tables, start=FIRST_NUMBER):
        word._attachment_heading(document, table.title, f"附件{number}")
        unit = document.add_paragraph()
        unit.alignment = RIGHT
        word._run(unit, "单位：万元", size=word.NOTE_SIZE)
        _grid(document, table)
        notes = [f"注：{table.note}"] if table.note else []
        notes += [DEMO_LINE] if table.is_demo else []
        for text in notes:
            note = document.add_paragraph()
            note.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            note.paragraph_format.space_before = Mm(2)
            note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
            note.paragraph_format.line_spacing = 1.3
            word._run(note, text, size=word.NOTE_SIZE)


def _rows_needed(table: ProjectTable) -> int:
    # 项目名称, 主管部门, money labels + money rows, [reason], goal ×2, labels, rows, 总分, texts
    return 2 + 1 + len(table.money) + table.needs_reason + 2 + 1 + len(table.rows) + 1 + 3


def _grid(document: Document, t: ProjectTable) -> Table:
    from reports import word

    table = word._table(document, rows=_rows_needed(t))
    for number, width in enumerate(WIDTHS):
        table.columns[number].width = width
        for cell in table.columns[number].cells:
            cell.width = width
    row = _head(table, t)
    row = _indicators(table, t, row)
    for label, name in TEXT_ROWS:
        row += 1
        word._put(table, row, 0, label, to=(row, 1), label=True)
        word._put(table, row, 2, getattr(t, name), to=(row, LAST), align=LEFT)
    return table


def _head(table: Table, t: ProjectTable) -> int:
    """项目名称 … 年度总体目标; returns the row of the column labels."""
    from reports.word import _put as put

    put(table, 0, 0, "项目名称", to=(0, 1), label=True)
    put(table, 0, 2, t.name, to=(0, LAST))
    put(table, 1, 0, "主管部门", to=(1, 1), label=True)
    put(table, 1, 2, t.competent_department, to=(1, 3))
    put(table, 1, 4, "实施单位", label=True)
    put(table, 1, 5, t.implementing_unit, to=(1, LAST))
    put(table, 2, 0, "项目资金\n（万元）", to=(2 + len(t.money), 0), label=True)
    for col, label in enumerate(MONEY_LABELS, start=2):
        put(table, 2, col, label, label=True)
    row = 3
    for money_row in t.money:
        put(table, row, 1, money_row.label, align=LEFT)
        amounts = (money_row.initial, money_row.budget, money_row.actual)
        for col, value in enumerate(amounts, start=2):
            put(table, row, col, money(value), align=RIGHT)
        put(table, row, 5, points(money_row.points))
        rate = "" if money_row.budget is None else pct(money_row.rate)
        put(table, row, 6, rate, align=RIGHT)
        put(table, row, 7, points(money_row.score))
        row += 1
    if t.needs_reason:
        put(table, row, 0, "执行率偏低原因", to=(row, 1), label=True)
        put(table, row, 2, t.execution_reason, to=(row, LAST), align=LEFT)
        row += 1
    put(table, row, 0, "年度总体目标", to=(row + 1, 1), label=True)
    put(table, row, 2, "预期目标", to=(row, 4), label=True)
    put(table, row, 5, "实际完成情况", to=(row, LAST), label=True)
    put(table, row + 1, 2, t.goal, to=(row + 1, 4), align=LEFT)
    put(table, row + 1, 5, t.goal_result, to=(row + 1, LAST), align=LEFT)
    return row + 2


def _indicators(table: Table, t: ProjectTable, row: int) -> int:
    """The column labels at ``row``, one row per 三级指标 and 总分; returns 总分's row."""
    from reports.word import _put as put

    for col, label in enumerate(INDICATOR_LABELS):
        put(table, row, col, label, label=True)
    row += 1
    for line in t.rows:
        if line.level1_span:
            weight = "" if line.level1_points is None else f"（{points(line.level1_points)}）"
            end = row + line.level1_span - 1
            put(table, row, 0, f"{line.level1}{weight}", to=(end, 0), label=True)
        if line.level2_span:
            put(table, row, 1, line.level2, to=(row + line.level2_span - 1, 1))
        put(table, row, 2, line.name)
        put(table, row, 3, line.target)
        put(table, row, 4, line.actual)
        put(table, row, 5, points(line.points))
        put(table, row, 6, points(line.score))
        put(table, row, 7, line.deviation, align=LEFT)
        row += 1
    put(table, row, 0, "总分", to=(row, 4), label=True)
    put(table, row, 5, points(t.total_points), label=True)
    put(table, row, 6, points(t.total_score), label=True)
    put(table, row, 7, f"评价等级：{t.grade}", label=True)
    return row
