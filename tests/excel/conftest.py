"""Hand-made 自评表 workbooks, built with openpyxl the way clerks fill them in.

``seed_sections()`` is the reference report's table (from the demo data and the standard
framework); ``selfeval_bytes(...)`` lays it out like the seed, with switches for the ways
real files differ: bracket widths, weights in their own columns, numbers stored as text,
percentages as numbers, spacer rows, a header block moved down, no title, no merges.
``db_state()`` is everything an import may write, to show that a refused one wrote nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from budgets.models import ExpenditureLine, IncomeLine, ThreePublicLine
from departments.models import Department
from reports.demo import data as demo_data
from reports.models import Report
from scoring.models import Framework, GroupResult, Indicator, IndicatorResult
from scoring.rules import num
from scoring.services import standard_framework_data

SEED_TITLE = "2022 年部门整体支出绩效自评表"
SEED_FIGURES = {
    # label: (budget, actual, rate as printed)
    "资金来源：（1） 财政拨款": ("2,092.38", "2575.66", "123%"),
    "（2）其他资金": (None, None, None),
    "资金结构：（1） 基本支出": ("1,382.26", "1,961.17", "142%"),
    "（2）项目支出": ("710.12", "614.49", "87%"),
}


@dataclass(frozen=True)
class SheetRow:
    name: str
    target: str = ""
    actual: str = ""
    score: Decimal | None = None
    deviation: str = ""
    weight: Decimal | None = None


@dataclass(frozen=True)
class SheetGroup:
    name: str
    weight: Decimal
    rows: tuple[SheetRow, ...]
    group_score: Decimal | None = None  # scored as a whole


@dataclass(frozen=True)
class SheetSection:
    name: str
    weight: Decimal
    groups: tuple[SheetGroup, ...]


@dataclass(frozen=True)
class Layout:
    """How a hand-made sheet differs from the official layout."""

    department: str = demo_data.DEPARTMENT["name"]
    title: str | None = SEED_TITLE
    top_padding: int = 0  # blank and note rows above the header block (moved down)
    brackets: str = "full"  # level-2 weights: "full" 预算编审管理（3）, "half" 相关性(3 分)
    weight_columns: bool = False  # 一级 | 权重 | 二级 | 权重 | 三级 | 权重, no brackets
    level1_brackets: bool = False  # 投入管理（30分） with the 权重 cell left blank
    numbers_as_text: bool = False  # " 30 ", " 2.00 ", "2,092.38"
    percents_as_numbers: bool = False  # 1.0 formatted 0%, rates 1.231
    spacers: bool = False  # blank rows between groups and sections
    merge: bool = True  # merged level-1, level-2 and group-score cells
    figures: dict = field(default_factory=lambda: dict(SEED_FIGURES))
    goals: tuple[str, str] = (
        demo_data.NARRATIVE["annual_goal"],
        demo_data.NARRATIVE["annual_goal_result"],
    )
    total: str | None = "99"


def _level3_weights() -> dict[tuple[str, str, str], Decimal]:
    weights = {}
    for top in standard_framework_data()["indicators"]:
        for group in top["children"]:
            for leaf in group["children"]:
                if leaf.get("weight"):
                    weights[(top["name"], group["name"], leaf["name"])] = Decimal(leaf["weight"])
    return weights


def seed_sections(*, level3_weights: bool = False) -> list[SheetSection]:
    """The seed's 分解目标自评, with the seed's "产出 指标" (a space inside the name)."""
    data = standard_framework_data()["indicators"]
    tops = {top["name"]: top for top in data}
    group_weights = {
        (top["name"], group["name"]): Decimal(group["weight"])
        for top in data
        for group in top["children"]
    }
    whole = {(l1, l2): score for l1, l2, score in demo_data.GROUP_SCORES}
    leaf_weights = _level3_weights() if level3_weights else {}
    sections: dict[str, dict[str, list[SheetRow]]] = {}
    for l1, l2, l3, target, actual, score, deviation in demo_data.INDICATOR_RESULTS:
        # The published table types the values the demo computes (123%, 49%, 30%).
        actual = actual or demo_data.SEED_TYPED_ACTUALS.get((l1, l2, l3), "")
        sections.setdefault(l1, {}).setdefault(l2, []).append(
            SheetRow(l3, target, actual, score, deviation, leaf_weights.get((l1, l2, l3)))
        )
    return [
        SheetSection(
            name="产出 指标" if l1 == "产出指标" else l1,
            weight=Decimal(tops[l1]["weight"]),
            groups=tuple(
                SheetGroup(l2, group_weights[(l1, l2)], tuple(rows), whole.get((l1, l2)))
                for l2, rows in groups.items()
            ),
        )
        for l1, groups in sections.items()
    ]


def with_score(
    sections: list[SheetSection], level3: str, score, *, group: str = ""
) -> list[SheetSection]:
    """The same sections with one row's score (or text) changed."""
    return [
        replace(
            section,
            groups=tuple(
                replace(
                    g,
                    rows=tuple(
                        replace(r, score=score)
                        if r.name == level3 and (not group or g.name == group)
                        else r
                        for r in g.rows
                    ),
                )
                for g in section.groups
            ),
        )
        for section in sections
    ]


def renamed(sections: list[SheetSection], old: str, new: str) -> list[SheetSection]:
    """The same sections with an indicator (at any level) renamed."""

    def name(text: str) -> str:
        return new if text == old else text

    return [
        replace(
            section,
            name=name(section.name),
            groups=tuple(
                replace(
                    g,
                    name=name(g.name),
                    rows=tuple(replace(r, name=name(r.name)) for r in g.rows),
                )
                for g in section.groups
            ),
        )
        for section in sections
    ]


def _number(value, layout: Layout):
    if value is None:
        return None
    if layout.numbers_as_text:
        return f" {Decimal(value):.2f} "
    return int(value) if Decimal(value) == int(value) else float(value)


def _percent(text: str, layout: Layout):
    """ "100%" as written, or 1.0 shown as a percentage when percents are numbers."""
    if layout.percents_as_numbers and text.endswith("%") and text[:-1].isdigit():
        return float(Decimal(text[:-1]) / 100)
    return text


def _put(ws: Worksheet, row: int, col: int, value, number_format: str = "") -> None:
    cell = ws.cell(row=row, column=col, value=value)
    if number_format:
        cell.number_format = number_format


def _header_block(ws: Worksheet, layout: Layout) -> int:
    """Title, header block and 分解目标自评; returns the next free row."""
    row = 1
    if layout.title:
        _put(ws, row, 1, layout.title)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
        _put(ws, row + 1, 8, "单位：万元")
        row += 2
    for n in range(layout.top_padding):
        if n == 1:
            _put(ws, row, 1, "填报说明：金额单位为万元。")
        row += 1
    _put(ws, row, 1, "部门（单位）名称")
    _put(ws, row, 3, layout.department)
    row += 1
    _put(ws, row, 1, "整体支出规模")
    _put(ws, row, 5, "全年预算数")
    _put(ws, row, 6, "全年执行数")
    _put(ws, row, 7, "执行率%")
    row += 1
    for label, (budget, actual, rate) in layout.figures.items():
        _put(ws, row, 3, label)
        for col, value in ((5, budget), (6, actual)):
            if value is not None and not layout.numbers_as_text and isinstance(value, str):
                value = float(value.replace(",", ""))
            _put(ws, row, col, value, "#,##0.00")
        if rate is not None:
            if layout.percents_as_numbers:
                _put(ws, row, 7, float(Decimal(rate.rstrip("%")) / 100), "0%")
            else:
                _put(ws, row, 7, rate)
        row += 1
    _put(ws, row, 1, "年度总体目标")
    _put(ws, row, 3, "年初设定目标")
    _put(ws, row, 6, "全年完成情况")
    _put(ws, row + 1, 3, layout.goals[0])
    _put(ws, row + 1, 6, layout.goals[1])
    _put(ws, row + 2, 1, "分解目标自评")
    return row + 3


def _columns(layout: Layout) -> list[str]:
    if layout.weight_columns:
        return [
            "一级指标",
            "权重",
            "二级指标",
            "权重",
            "三级指标",
            "权重",
            "年度指标值",
            "全年完成值",
            "自评得分",
            "偏差及原因分析",
        ]
    return [
        "一级指标",
        "权重",
        "二级指标",
        "三级指标",
        "年度指标值",
        "全年完成值",
        "自评得分",
        "偏差及原因分析",
    ]


def _level2_label(group: SheetGroup, layout: Layout) -> str:
    if layout.weight_columns:
        return group.name
    if layout.brackets == "half":
        return f"{group.name}({num(group.weight)} 分)"
    return f"{group.name}（{num(group.weight)}）"


def _merge(ws: Worksheet, col: int, first: int, last: int, layout: Layout) -> None:
    if layout.merge and last > first:
        ws.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)


def _table(ws: Worksheet, row: int, sections: list[SheetSection], layout: Layout) -> int:
    labels = _columns(layout)
    for col, label in enumerate(labels, start=1):
        _put(ws, row, col, label)
    col = {name: labels.index(name) + 1 for name in ("一级指标", "二级指标", "三级指标")}
    c_target, c_actual, c_score, c_dev = (labels.index(n) + 1 for n in labels[-4:])
    row += 1
    for s, section in enumerate(sections):
        if layout.spacers and s:
            row += 1  # a blank row between sections
        section_first = row
        if layout.level1_brackets:
            _put(ws, row, col["一级指标"], f"{section.name}（{num(section.weight)}分）")
        else:
            _put(ws, row, col["一级指标"], section.name)
            _put(ws, row, col["一级指标"] + 1, _number(section.weight, layout))
        for g, group in enumerate(section.groups):
            if layout.spacers and g == 2:
                row += 1  # a blank row inside the section
            group_first = row
            _put(ws, row, col["二级指标"], _level2_label(group, layout))
            if layout.weight_columns:
                _put(ws, row, col["二级指标"] + 1, _number(group.weight, layout))
            for r, line in enumerate(group.rows):
                _put(ws, row, col["三级指标"], line.name)
                if layout.weight_columns and line.weight is not None:
                    _put(ws, row, col["三级指标"] + 1, _number(line.weight, layout))
                fmt = "0%" if layout.percents_as_numbers else ""
                _put(ws, row, c_target, _percent(line.target, layout), fmt)
                _put(ws, row, c_actual, _percent(line.actual, layout), fmt)
                score = group.group_score if r == 0 else None
                if group.group_score is None:
                    score = line.score
                if isinstance(score, str):
                    _put(ws, row, c_score, score)
                else:
                    _put(ws, row, c_score, _number(score, layout))
                _put(ws, row, c_dev, line.deviation or None)
                row += 1
            _merge(ws, col["二级指标"], group_first, row - 1, layout)
            if group.group_score is not None:
                _merge(ws, c_score, group_first, row - 1, layout)
        _merge(ws, col["一级指标"], section_first, row - 1, layout)
        _merge(ws, col["一级指标"] + 1, section_first, row - 1, layout)
    if layout.total is not None:
        _put(ws, row, 1, "总 分")
        _put(ws, row, 2, _number(100, layout))
        _put(ws, row, c_score, layout.total)
        row += 1
    _put(ws, row, 1, "注：上述产出指标和效益指标既可以按照重点任务完成情况分别填列。")
    return row + 1


def selfeval_workbook(
    sections: list[SheetSection] | None = None, layout: Layout | None = None
) -> Workbook:
    layout = layout or Layout()
    workbook = Workbook()
    ws = workbook.active
    ws.title = "自评表"
    row = _header_block(ws, layout)
    _table(ws, row, seed_sections() if sections is None else sections, layout)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def selfeval_bytes(
    sections: list[SheetSection] | None = None, layout: Layout | None = None, **options
) -> bytes:
    """A hand-made 自评表; ``options`` are Layout fields (``brackets="half"``, …)."""
    layout = replace(layout or Layout(), **options)
    return workbook_bytes(selfeval_workbook(sections, layout))


def sheets_bytes(*sheets: tuple[str, dict]) -> bytes:
    """A workbook of several hand-made 自评表 sheets, in order, each ``(title, options)``.

    ``options`` are Layout fields, plus ``sections`` (the table, the seed's by default) and
    ``state`` ("hidden" or "veryHidden"): ``("自评表（备份）", {"state": "hidden"})``.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, options in sheets:
        options = dict(options)
        sections = options.pop("sections", None)
        state = options.pop("state", "visible")
        ws = workbook.create_sheet(title)
        layout = replace(Layout(), **options)
        _table(
            ws, _header_block(ws, layout), seed_sections() if sections is None else sections, layout
        )
        ws.sheet_state = state
    workbook.active = next(
        i for i, ws in enumerate(workbook.worksheets) if ws.sheet_state == "visible"
    )
    return workbook_bytes(workbook)


def seed_scored(total: int) -> tuple[list[SheetSection], str]:
    """The seed's table scoring ``total`` (at most 99): 社会公众满意度 gives up the difference."""
    satisfaction = Decimal(10 - (99 - total))
    return with_score(seed_sections(), "社会公众满意度", satisfaction), str(total)


def backup_first_bytes(state: str = "hidden") -> bytes:
    """A hidden 自评表（备份） with older scores (95) before the visible 自评表 (99)."""
    older, total = seed_scored(95)
    return sheets_bytes(
        ("自评表（备份）", {"state": state, "sections": older, "total": total}),
        ("自评表", {}),
    )


def draft_and_final_bytes() -> bytes:
    """自评表（初稿） scoring 97 before 自评表（定稿） scoring 99, both for 2022."""
    draft, total = seed_scored(97)
    return sheets_bytes(
        ("自评表（初稿）", {"sections": draft, "total": total}),
        ("自评表（定稿）", {}),
    )


def two_years_bytes() -> bytes:
    """2021年自评表 scoring 93 (its title printed for 2021) before 2022年自评表 scoring 99."""
    older, total = seed_scored(93)
    return sheets_bytes(
        (
            "2021年自评表",
            {"sections": older, "total": total, "title": "2021 年部门整体支出绩效自评表"},
        ),
        ("2022年自评表", {}),
    )


# A region's framework of another shape: 部门决策 25 / 综合管理 30 / 部门绩效情况 45, every
# level with its weight in brackets, one score column. Its scores add up to 85.5 (良).
OTHER_FRAMEWORK = [
    ("部门决策（25分）", [
        ("目标设定(10)", [("绩效目标合理性（5）", "4.5"), ("绩效指标明确性(5 分)", "5")]),
        ("决策过程（15）", [("决策依据充分性（8分）", "8"), ("资金分配合理性（7）", "6")]),
    ]),
    ("综合管理（30分）", [
        ("预算执行（15）", [("预算执行率（10）", "9"), ("结转结余率（5）", "5")]),
        ("财务管理（15）", [("资金使用合规性（8）", "8"), ("管理制度健全性（7）", "7")]),
    ]),
    ("部门绩效情况（45分）", [
        ("产出（20）", [("产出数量（10）", "10"), ("产出质量（10）", "9")]),
        ("效益（25）", [("社会效益（15）", "8"), ("服务对象满意度（10）", "6")]),
    ]),
]  # fmt: skip
OTHER_FRAMEWORK_TOTAL = Decimal("85.5")


def other_framework_bytes(*, level1_weights: dict[str, str] | None = None) -> bytes:
    """A sheet in another framework's shape: names with weights in brackets, one score column."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Sheet1"
    _put(ws, 1, 1, "2022年度部门整体支出绩效自评表")
    _put(ws, 2, 1, "部门名称")
    _put(ws, 2, 2, "示范县教育局")
    for col, label in enumerate(
        ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "得分", "偏差原因分析"],
        start=1,
    ):
        _put(ws, 4, col, label)
    row = 5
    for level1, groups in OTHER_FRAMEWORK:
        if level1_weights:
            for old, new in level1_weights.items():
                level1 = level1.replace(old, new)
        _put(ws, row, 1, level1)
        for level2, leaves in groups:
            _put(ws, row, 2, level2)
            for level3, score in leaves:
                _put(ws, row, 3, level3)
                _put(ws, row, 4, "≥90%")
                _put(ws, row, 5, "92%")
                _put(ws, row, 6, score)
                row += 1
    _put(ws, row, 1, "合计")
    _put(ws, row, 6, "85.5")
    return workbook_bytes(workbook)


def db_state() -> dict:
    """Everything an import may write, to show that a refused import wrote nothing."""
    return {
        "results": list(
            IndicatorResult.objects.order_by("pk").values_list(
                "report", "indicator", "target", "actual", "score", "deviation", "override_reason"
            )
        ),
        "groups": list(
            GroupResult.objects.order_by("pk").values_list("report", "indicator", "score")
        ),
        "spending": list(
            ExpenditureLine.objects.order_by("pk").values_list("report", "nature", "budget")
        ),
        "income": list(IncomeLine.objects.order_by("pk").values_list("report", "actual")),
        "three_public": list(
            ThreePublicLine.objects.order_by("pk").values_list("report", "kind", "actual")
        ),
        "reports": list(
            Report.objects.order_by("pk").values_list(
                "pk", "framework", "annual_goal", "annual_goal_result", "status"
            )
        ),
        "frameworks": Framework.objects.count(),
        "indicators": Indicator.objects.count(),
        "departments": Department.objects.count(),
    }


@pytest.fixture
def seed_xlsx() -> bytes:
    return selfeval_bytes()
