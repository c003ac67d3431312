"""Checks on the money: stated totals against the lines, execution rates, income against
spending, fund sources, amounts still to fill."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from budgets.calc import Amounts, BudgetFigures, LineFill
from scoring import rules

from .base import ERROR, WARNING, Check, StatedTotals

EXECUTION_BAND = (Decimal("90"), Decimal("110"))


def money_checks(figures: BudgetFigures, *, stated: StatedTotals | None = None) -> list[Check]:
    checks: list[Check] = []
    if stated and stated.basic is not None and stated.basic != figures.basic:
        checks.append(
            Check(
                "basic_split_mismatch",
                ERROR,
                f"基本支出（预算 {stated.basic.budget:.2f}、执行 {stated.basic.actual:.2f}）不等于"
                f"人员经费 + 公用经费（预算 {figures.basic.budget:.2f}、执行 "
                f"{figures.basic.actual:.2f}）：请核对人员经费和公用经费，或改正基本支出。",
                "expenditure",
            )
        )
    for label, stated_amounts, lines in (
        ("项目支出", stated.project if stated else None, figures.project),
        ("支出合计", stated.total if stated else None, figures.expenditure),
    ):
        if stated_amounts is not None and stated_amounts != lines:
            checks.append(
                Check(
                    "totals_mismatch",
                    ERROR,
                    f"{label}（预算 {stated_amounts.budget:.2f}、执行 {stated_amounts.actual:.2f}）"
                    f"与各支出行合计（预算 {lines.budget:.2f}、执行 {lines.actual:.2f}）不一致："
                    "请核对后改正。",
                    "expenditure",
                )
            )
    low, high = EXECUTION_BAND
    for label, amounts in (
        ("整体支出", figures.expenditure),
        ("基本支出", figures.basic),
        ("项目支出", figures.project),
    ):
        rate = amounts.rate_pct
        if rate is not None and not low <= rate <= high:
            where = "超出" if rate > high else "低于"
            checks.append(
                Check(
                    "execution_rate_out_of_band",
                    WARNING,
                    f"{label}执行率 {rules.rate_text(rate)}（执行 {amounts.actual:.2f} ÷ 预算 "
                    f"{amounts.budget:.2f}），{where} {rules.num(low)}%–{rules.num(high)}% "
                    "的合理区间：请在自评表偏差分析或资金管理情况中说明原因。",
                    "expenditure",
                )
            )
    three = figures.three_public
    if three.change is not None and three.change > 0:
        checks.append(
            Check(
                "three_public_increase",
                WARNING,
                f"“三公”经费决算 {three.actual:.2f} 万元高于上年 {three.previous_actual:.2f} 万元"
                f"（增加 {three.change:.2f} 万元）：请说明增加的原因。",
                "three_public",
            )
        )
    return checks


def reconciliation_checks(
    figures: BudgetFigures,
    *,
    projects: Amounts | None = None,
    stated: StatedTotals | None = None,
) -> list[Check]:
    """Money that must agree across tables: income and spending, in total and by source;
    项目支出 and its project lines; the “三公”经费 items and their 合计.

    ``projects`` is the sum of the project lines, None when none are listed.
    """
    checks: list[Check] = []
    f = figures
    spent, income, carryover = f.expenditure.actual, f.income_total, f.income_carryover
    # 收入 + 年初结转结余 = 支出 + 年末结转结余, and the year-end balance cannot be negative:
    # spending above all income and carry-over makes the published figures contradict each
    # other, so it is an error. Spending below it is allowed: the rest is 年末结转结余, which
    # the report has no field for, so it cannot be held against anything.
    if spent is None or income is None:
        pass  # amounts still to fill (amount_missing_checks): nothing to reconcile yet
    elif spent > income:
        checks.append(
            Check(
                "income_expenditure_mismatch",
                ERROR,
                f"支出合计 {spent:.2f} 万元超过收入合计 {income:.2f} 万元（其中上年结转结余 "
                f"{carryover:.2f} 万元），多出 {spent - income:.2f} 万元：支出不能多于本年收入"
                "加上年结转结余。请补全收入（如上年结转结余），或改正支出。",
                "income",
            )
        )
    else:
        checks += _fund_source_checks(f)
    if (projects is not None and not projects.known) or not f.project.known:
        pass  # amounts still to fill (amount_missing_checks)
    elif projects is not None and projects != f.project:
        checks.append(
            Check(
                "totals_mismatch",
                ERROR,
                f"项目明细合计（预算 {projects.budget:.2f}、执行 {projects.actual:.2f} 万元）与"
                f"项目支出（预算 {f.project.budget:.2f}、执行 {f.project.actual:.2f} 万元）"
                "不一致：请补全或改正项目明细，或改正项目支出。",
                "projects",
            )
        )
    elif projects is None and (f.project.budget or f.project.actual):
        # A warning, not an error: the 自评表 needs only 项目支出 in total, and departments
        # (the reference report among them) often report it without itemising; listed
        # projects make 三（三）and the project figures checkable, so they are asked for.
        checks.append(
            Check(
                "project_lines_missing",
                WARNING,
                f"项目支出（预算 {f.project.budget:.2f}、执行 {f.project.actual:.2f} 万元）"
                "没有项目明细：请在“项目”中逐项列出项目，各项目的预算数、执行数合计应等于"
                "项目支出。",
                "projects",
            )
        )
    three, lines = stated.three_public if stated else None, f.three_public
    if three is not None and lines.known and lines.previous_actual is not None and three != lines:
        # An error like every stated total that differs from its lines: one of them is wrong.
        checks.append(
            Check(
                "totals_mismatch",
                ERROR,
                f"“三公”经费合计（预算 {three.budget:.2f}、决算 {three.actual:.2f}、上年决算 "
                f"{three.previous_actual:.2f} 万元）与各项之和（预算 {lines.budget:.2f}、决算 "
                f"{lines.actual:.2f}、上年决算 {lines.previous_actual:.2f} 万元）不一致："
                "请核对各项，或改正合计。",
                "three_public",
            )
        )
    return checks


def _fund_source_checks(f: BudgetFigures) -> list[Check]:
    """Spending tagged 财政拨款 against 财政拨款 income; 其他资金 against the other income.

    Warnings: 上年结转结余 may be either kind of money and its split is not recorded (so
    each side may use all of it), and a reviewer should see a doubtful tag, not be stopped
    by it; spending above all income together is the error above.
    """
    carryover = f.income_carryover
    plus = f"加上年结转结余 {carryover:.2f} 万元" if carryover else ""
    fiscal, other = f.fiscal_funds.actual, f.other_funds.actual
    fiscal_income, other_income = f.income_fiscal, f.income_non_fiscal
    checks: list[Check] = []
    if (
        carryover is None
        or fiscal is None
        or other is None
        or fiscal_income is None
        or other_income is None
    ):
        return checks  # amounts still to fill (amount_missing_checks)
    if fiscal > fiscal_income + carryover:
        unspent = (
            f"；财政拨款以外的收入有 {other_income:.2f} 万元，“其他资金”支出却只有 {other:.2f} 万元"
            if other_income > other
            else ""
        )
        checks.append(
            Check(
                "fund_source_mismatch",
                WARNING,
                f"资金来源为“财政拨款”的支出 {fiscal:.2f} 万元超过财政拨款收入 "
                f"{fiscal_income:.2f} 万元{plus}，多出 {fiscal - fiscal_income - carryover:.2f}"
                f" 万元{unspent}：由事业收入、其他收入等支付的支出行，资金来源请选“其他资金”。",
                "expenditure",
            )
        )
    if other > other_income + carryover:
        checks.append(
            Check(
                "fund_source_mismatch",
                WARNING,
                f"资金来源为“其他资金”的支出 {other:.2f} 万元超过财政拨款以外的收入 "
                f"{other_income:.2f} 万元{plus}，多出 {other - other_income - carryover:.2f}"
                " 万元：由财政拨款支付的支出行，资金来源请选“财政拨款”；或补全事业收入、"
                "其他收入等。",
                "expenditure",
            )
        )
    return checks


# The editor's tables of lines, as the clerk sees them: (check field, name).
LINE_TABLES = {
    "income": "收入",
    "expenditure": "支出",
    "three_public": "“三公”经费",
    "projects": "项目",
}
# Lines the clerk can remove (the 三公经费 lines are one per kind, always there).
REMOVABLE_LINES = {"income", "expenditure", "projects"}


def amount_missing_checks(lines: Sequence[LineFill]) -> list[Check]:
    """An error per stored line with an amount not filled in: a draft may hold it, a
    submitted report may not (0 is written as 0)."""
    checks = []
    for line in lines:
        if not line.empty:
            continue
        table = LINE_TABLES.get(line.table, line.table)
        remove = "，或删除该行" if line.table in REMOVABLE_LINES else ""
        checks.append(
            Check(
                "amount_missing",
                ERROR,
                f"{table}第 {line.number} 行（{line.name}）的{'、'.join(line.empty)}尚未填写："
                f"请填写金额，没有发生的填 0{remove}。",
                line.table,
            )
        )
    return checks
