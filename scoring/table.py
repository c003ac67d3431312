"""The 分解目标自评 table laid out as printed: which cells span which rows.

Shared by the web preview, the PDF and the Excel export, so they never disagree. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .core import Group, Row, Scorecard, Section
from .rules import num

# The 分解目标自评 table's column heads, as the PDF, Word and Excel print them.
COLUMN_LABELS = (
    "一级指标",
    "权重",
    "二级指标",
    "三级指标",
    "年度指标值",
    "全年完成值",
    "自评得分",
    "偏差及原因分析",
)


@dataclass(frozen=True)
class TableRow:
    """One level-3 row; the ``*_span`` fields are set on the first row of what they span."""

    section: Section
    group: Group
    row: Row
    section_span: int = 0  # rows the 一级指标 and 权重 cells span (0: covered by a row above)
    group_span: int = 0  # rows the 二级指标 cell spans
    score_span: int = 0  # rows the 自评得分 cell spans (a group scored as a whole spans all)
    score: Decimal | None = None
    deviation: str = ""
    first_of_section: bool = False

    @property
    def level2_label(self) -> str:
        """预算编审管理（3）: the name with its weight, as the published table writes it."""
        return f"{self.group.name}（{num(self.group.weight)}）"

    @property
    def suggestion(self):
        return self.row.suggestion


def selfeval_rows(card: Scorecard) -> list[TableRow]:
    rows: list[TableRow] = []
    for section in card.sections:
        section_rows = sum(len(group.rows) for group in section.groups)
        first_in_section = True
        for group in section.groups:
            for i, row in enumerate(group.rows):
                whole = group.scored_as_whole
                if whole:
                    deviation = "；".join(
                        text
                        for text in [group.group_deviation, *(r.deviation for r in group.rows)]
                        if text.strip()
                    )
                else:
                    deviation = row.deviation
                rows.append(
                    TableRow(
                        section=section,
                        group=group,
                        row=row,
                        section_span=section_rows if first_in_section else 0,
                        group_span=len(group.rows) if i == 0 else 0,
                        score_span=(len(group.rows) if i == 0 else 0) if whole else 1,
                        score=group.group_score if whole else row.score,
                        deviation=deviation if (not whole or i == 0) else "",
                        first_of_section=first_in_section,
                    )
                )
                first_in_section = False
    return rows


def computed_actuals_note(card: Scorecard) -> str:
    """The sentence of the table's 注 naming the rows whose 全年完成值 was computed from the
    report's figures; empty when there are none.

    Names keep their own quotation marks as the inner pair: “‘三公经费’控制率”.
    """
    names = [
        "“" + row.name.replace("“", "‘").replace("”", "’") + "”"
        for _, _, row in card.rows()
        if row.actual_shows_computed
    ]
    return f"全年完成值中{''.join(names)}按本报告收支数据计算。" if names else ""
