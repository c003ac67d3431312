"""The money lines an import writes: from the 收支明细 sheet when there is one, else from the
header block's 整体支出规模 for a report with no lines, each checked and compared."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budgets.calc import Amounts
from budgets.models import ExpenditureLine, FundSource, IncomeLine, ThreePublicLine
from budgets.selectors import report_budget_figures
from perfeval.numbers import CENT, ZERO, num, rate_text
from reports.models import Report

from .cells import WARNING, Problem, normalise
from .header import FIGURE_KEYS
from .reading import HeaderFigure, LinesReading, SheetReading

BASIC_LINE_DESCRIPTION = "由 Excel 自评表导入的基本支出合计（未拆分公用经费）"


@dataclass
class LinesPlan:
    source: str  # "sheet" (收支明细) or "header" (整体支出规模)
    income: list[dict] = field(default_factory=list)
    expenditure: list[dict] = field(default_factory=list)
    three_public: list[dict] = field(default_factory=list)


def _choice(labels, text: str) -> str | None:
    key = normalise(text)
    for value, label in labels:
        if key in (normalise(label), normalise(value)):
            return value
    return None


def lines_plan(report: Report, reading: SheetReading, problems: list[Problem]):
    if reading.lines is not None:
        plan = _lines_from_sheet(reading.lines, problems)
        if plan is not None:
            problems += _header_differences(reading, _figures_of(plan), "“收支明细”工作表")
        return plan
    return _lines_from_header(report, reading, problems)


def _money_problem(lines: LinesReading, table: str, field_name: str, row: int, what: str):
    return Problem(
        f"“{table}”表的{what}不能为负数：请填写 0 或正数（单位：万元）。",
        sheet=lines.sheet,
        row=row,
        column=lines.columns.get((table, field_name), ""),
    )


def _lines_from_sheet(lines: LinesReading, problems: list[Problem]) -> LinesPlan | None:
    before = len([p for p in problems if p.is_error])
    planner = _SheetLines(lines, problems)
    plan = LinesPlan(
        source="sheet",
        income=planner.income(),
        expenditure=planner.expenditure(),
        three_public=planner.three_public(),
    )
    if len([p for p in problems if p.is_error]) > before:
        return None
    return plan


class _SheetLines:
    """The lines of the 收支明细 sheet as the writers take them, each value checked."""

    def __init__(self, lines: LinesReading, problems: list[Problem]):
        self.lines, self.problems = lines, problems

    def problem(self, message: str, line, table: str, field_name: str) -> None:
        self.problems.append(
            Problem(
                message,
                sheet=self.lines.sheet,
                row=line.row,
                column=self.lines.columns.get((table, field_name), ""),
            )
        )

    def money(self, table: str, line, name: str, what: str, *, optional=False):
        value = getattr(line, name)
        if value is None:
            return None if optional else ZERO
        if value < 0:
            self.problems.append(_money_problem(self.lines, table, name, line.row, what))
        return value

    def choice(self, table: str, name: str, line, text: str, labels) -> str | None:
        value = _choice(labels, text)
        if value is None:
            options = "、".join(str(label) for _, label in labels)
            self.problem(
                f"“{table}”表中的“{text}”不是可选的{name}：请改为 {options} 之一。",
                line,
                table,
                _FIELD_OF[name],
            )
        return value

    def income(self) -> list[dict]:
        return [
            {
                "source": self.choice(
                    "收入", "收入来源", line, line.source, IncomeLine.Source.choices
                ),
                "description": line.description[:200],
                "budget": self.money("收入", line, "budget", "全年预算数", optional=True),
                "actual": self.money("收入", line, "actual", "全年执行数"),
                "order": order,
            }
            for order, line in enumerate(self.lines.income, start=1)
        ]

    def expenditure(self) -> list[dict]:
        planned = []
        for order, line in enumerate(self.lines.expenditure, start=1):
            nature = self.choice(
                "支出", "支出性质", line, line.nature, ExpenditureLine.Nature.choices
            )
            fund_source = (
                self.choice("支出", "资金来源", line, line.fund_source, FundSource.choices)
                if line.fund_source
                else FundSource.FISCAL
            )
            planned.append(
                {
                    "nature": nature,
                    "fund_source": fund_source,
                    "description": line.description[:200],
                    "budget": self.money("支出", line, "budget", "全年预算数"),
                    "actual": self.money("支出", line, "actual", "全年执行数"),
                    "order": order,
                }
            )
        return planned

    def three_public(self) -> list[dict]:
        planned: list[dict] = []
        kinds: dict[str, int] = {}
        for line in self.lines.three_public:
            kind = self.choice(
                "三公经费", "“三公”经费项目", line, line.kind, ThreePublicLine.Kind.choices
            )
            if kind in kinds:
                self.problem(
                    f"“三公经费”表中“{line.kind}”在第 {kinds[kind]} 行已经出现过：每项只填一行。",
                    line,
                    "三公经费",
                    "kind",
                )
            elif kind is not None:
                kinds[kind] = line.row
            count = line.count
            if count is not None and (count < 0 or count != count.to_integral_value()):
                self.problem(
                    f"“三公经费”表中“{line.kind}”的数量“{num(count)}”应为 0 或正整数。",
                    line,
                    "三公经费",
                    "count",
                )
                count = None
            planned.append(
                {
                    "kind": kind,
                    "budget": self.money("三公经费", line, "budget", "预算数"),
                    "actual": self.money("三公经费", line, "actual", "决算数"),
                    "previous_actual": self.money(
                        "三公经费", line, "previous_actual", "上年决算数"
                    ),
                    "count": None if count is None else int(count),
                }
            )
        planned += [
            {"kind": kind, "budget": ZERO, "actual": ZERO, "previous_actual": ZERO}
            for kind in ThreePublicLine.Kind
            if kind not in kinds
        ]
        return planned


_FIELD_OF = {
    "收入来源": "source",
    "支出性质": "nature",
    "资金来源": "fund_source",
    "“三公”经费项目": "kind",
}


@dataclass(frozen=True)
class _Figures:
    fiscal: Amounts
    other: Amounts
    basic: Amounts
    project: Amounts


def _figures_of(plan: LinesPlan) -> _Figures:
    def total(lines) -> Amounts:
        return sum((Amounts(line["budget"], line["actual"]) for line in lines), Amounts())

    spending = plan.expenditure
    return _Figures(
        fiscal=total(line for line in spending if line["fund_source"] == FundSource.FISCAL),
        other=total(line for line in spending if line["fund_source"] == FundSource.OTHER),
        basic=total(line for line in spending if line["nature"] in ExpenditureLine.BASIC_NATURES),
        project=total(
            line for line in spending if line["nature"] == ExpenditureLine.Nature.PROJECT
        ),
    )


def _header_amounts(figure: HeaderFigure | None) -> Amounts:
    if figure is None:
        return Amounts(ZERO, ZERO)
    return Amounts(figure.budget or ZERO, figure.actual or ZERO)


def _header_differences(reading: SheetReading, figures: _Figures, against: str) -> list[Problem]:
    """A warning for each header-block figure that differs from the lines it should sum."""
    warnings = []
    for key, label in FIGURE_KEYS.items():
        figure = reading.figures.get(key)
        if figure is None:
            continue
        stated = getattr(figures, key)
        for name, column, value, what in (
            ("budget", figure.budget_column, figure.budget, "全年预算数"),
            ("actual", figure.actual_column, figure.actual, "全年执行数"),
        ):
            expected = getattr(stated, name)
            if expected is None:  # the report's lines are not filled in yet: nothing to hold
                continue
            if (value or ZERO) != expected:
                warnings.append(
                    Problem(
                        f"表头{label}的{what}为 {(value or ZERO):,.2f} 万元，{against}中为 "
                        f"{expected:,.2f} 万元：表头数字未导入，以{against}为准，请核对。",
                        sheet=reading.sheet,
                        row=figure.row,
                        column=column,
                        severity=WARNING,
                    )
                )
        warnings += _rate_warning(reading, figure, label)
    return warnings


def _rate_warning(reading: SheetReading, figure: HeaderFigure, label: str) -> list[Problem]:
    if figure.rate_pct is None or figure.budget is None or figure.actual is None:
        return []
    computed = Amounts(figure.budget, figure.actual).rate_pct
    if computed is None or abs(computed - figure.rate_pct) <= 1:
        return []
    return [
        Problem(
            f"表头{label}的执行率为 {num(figure.rate_pct.quantize(CENT))}%，"
            f"按执行数 ÷ 预算数计算为 {rate_text(computed)}：执行率不导入，由系统计算。",
            sheet=reading.sheet,
            row=figure.row,
            column=figure.rate_column,
            severity=WARNING,
        )
    ]


def _lines_from_header(
    report: Report, reading: SheetReading, problems: list[Problem]
) -> LinesPlan | None:
    """Lines from the header block for a report with none; otherwise a comparison only."""
    figures = reading.figures
    problems += _header_negatives(reading)
    if not any(f.budget is not None or f.actual is not None for f in figures.values()):
        problems.append(
            Problem(
                "表头“整体支出规模”没有读到金额：报告中的收支数字未改动，请在编辑器中填写。",
                sheet=reading.sheet,
                severity=WARNING,
            )
        )
        return None
    if ExpenditureLine.objects.filter(report=report).exists():
        problems += _stored_differences(report, reading)
        return None

    fiscal, other = _header_amounts(figures.get("fiscal")), _header_amounts(figures.get("other"))
    basic, project = _header_amounts(figures.get("basic")), _header_amounts(figures.get("project"))
    sources = fiscal + other
    structure = basic + project
    if sources == Amounts(ZERO, ZERO):
        fiscal = structure
    elif sources != structure:
        figure = figures.get("fiscal") or figures["other"]
        problems.append(
            Problem(
                f"表头资金来源合计（预算 {sources.budget:,.2f}、执行 {sources.actual:,.2f} 万元）"
                f"与资金结构合计（预算 {structure.budget:,.2f}、执行 {structure.actual:,.2f} 万元）"
                "不一致：财政拨款 + 其他资金应等于基本支出 + 项目支出，请核对后改正。",
                sheet=reading.sheet,
                row=figure.row,
                column=figure.budget_column,
            )
        )
        return None
    for key, label in FIGURE_KEYS.items():
        if (stated := figures.get(key)) is not None:
            problems += _rate_warning(reading, stated, label)
    plan = LinesPlan(source="header", expenditure=_header_expenditure(fiscal, other, basic))
    problems += _header_split_warnings(reading, basic, other)
    return plan


def _header_negatives(reading: SheetReading) -> list[Problem]:
    problems = []
    for key, label in FIGURE_KEYS.items():
        figure = reading.figures.get(key)
        if figure is None:
            continue
        for value, column, what in (
            (figure.budget, figure.budget_column, "全年预算数"),
            (figure.actual, figure.actual_column, "全年执行数"),
        ):
            if value is not None and value < 0:
                problems.append(
                    Problem(
                        f"表头{label}的{what}不能为负数：请填写 0 或正数（单位：万元）。",
                        sheet=reading.sheet,
                        row=figure.row,
                        column=column,
                    )
                )
    return problems


def _stored_differences(report: Report, reading: SheetReading) -> list[Problem]:
    """The header block held against the lines the report already has (never overwritten)."""
    problems = []
    stored = report_budget_figures(report=report)
    if not stored.expenditure.known:
        problems.append(
            Problem(
                "报告已有支出明细（如按上年报告新建），其金额尚未填写：表头“整体支出规模”"
                "的数字未导入，请在编辑器“收入和支出”中逐行填写。",
                sheet=reading.sheet,
                severity=WARNING,
            )
        )
    return problems + _header_differences(
        reading,
        _Figures(stored.fiscal_funds, stored.other_funds, stored.basic, stored.project),
        "报告已有的支出明细",
    )


def _header_expenditure(fiscal: Amounts, other: Amounts, basic: Amounts) -> list[dict]:
    """Spending lines from the header's totals: fiscal money goes to 基本支出 first."""

    def split(name: str) -> dict[tuple[str, str], Decimal]:
        b, f = getattr(basic, name), getattr(fiscal, name)
        basic_fiscal = min(b, f)
        basic_other = b - basic_fiscal
        return {
            (ExpenditureLine.Nature.PERSONNEL, FundSource.FISCAL): basic_fiscal,
            (ExpenditureLine.Nature.PERSONNEL, FundSource.OTHER): basic_other,
            (ExpenditureLine.Nature.PROJECT, FundSource.FISCAL): f - basic_fiscal,
            (ExpenditureLine.Nature.PROJECT, FundSource.OTHER): getattr(other, name) - basic_other,
        }

    budgets, actuals = split("budget"), split("actual")
    lines = []
    for order, key in enumerate(budgets, start=1):
        if budgets[key] or actuals[key]:
            nature, fund_source = key
            lines.append(
                {
                    "nature": nature,
                    "fund_source": fund_source,
                    "description": (
                        BASIC_LINE_DESCRIPTION if nature == ExpenditureLine.Nature.PERSONNEL else ""
                    ),
                    "budget": budgets[key],
                    "actual": actuals[key],
                    "order": order,
                }
            )
    return lines


def _header_split_warnings(reading: SheetReading, basic: Amounts, other: Amounts) -> list[Problem]:
    """What the clerk should split by hand after lines were made from the header's totals."""
    warnings = []
    if basic.budget or basic.actual:
        figure = reading.figures["basic"]
        warnings.append(
            Problem(
                f"表头基本支出（预算 {basic.budget:,.2f}、执行 {basic.actual:,.2f} 万元）已全部"
                "记为“人员经费”：请在编辑器的支出明细中拆分出“公用经费”。",
                sheet=reading.sheet,
                row=figure.row,
                column=figure.budget_column,
                severity=WARNING,
            )
        )
    if other.budget or other.actual:
        figure = reading.figures["other"]
        warnings.append(
            Problem(
                "表头有“其他资金”：财政拨款已先计入基本支出、余额计入项目支出，"
                "请在编辑器中核对各支出行的资金来源。",
                sheet=reading.sheet,
                row=figure.row,
                column=figure.budget_column,
                severity=WARNING,
            )
        )
    return warnings
