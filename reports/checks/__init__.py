"""Checks on a report: errors block submission, warnings are shown. Pure: plain values in.

Every check has a stable code and a Chinese message that says what to fix, and names the
field it concerns so that the editor can put it beside that field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from budgets.calc import (
    GENERAL_BUDGET,
    ZERO,
    Amounts,
    BudgetFigures,
    LineFill,
    ThreePublicAmounts,
)
from scoring import rules
from scoring.core import Group, Row, Scorecard

ERROR, WARNING = "error", "warning"
EXECUTION_BAND = (Decimal("90"), Decimal("110"))


@dataclass(frozen=True)
class Check:
    code: str
    severity: str
    message: str
    field: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass(frozen=True)
class StatedTotals:
    """Figures a sheet states for itself (the 自评表 header block, the 合计 row of its
    “三公”经费 table), to hold against the lines."""

    basic: Amounts | None = None
    project: Amounts | None = None
    total: Amounts | None = None
    three_public: ThreePublicAmounts | None = None


# Sections that must not be left empty: (field, heading as the clerk sees it).
REQUIRED_NARRATIVE = (
    ("annual_goal", "年度总体目标：年初设定目标"),
    ("annual_goal_result", "年度总体目标：全年完成情况"),
    ("functions", "一（一）部门职能概述"),
    ("organisation", "一（二）部门组织机构及人员情况"),
    ("work_plan", "一（三）年度重点工作计划"),
    ("spending_scope", "一（四）支出使用方向、主要内容和涉及范围"),
    ("project_organisation", "三（一）项目组织情况"),
    ("project_management", "三（二）项目管理情况"),
    ("asset_management", "四、资产管理情况"),
    ("performance", "五、部门整体支出绩效情况"),
    ("problems", "六、存在的主要问题"),
    ("improvements", "七、改进措施和有关建议"),
)
NARRATIVE_HEADINGS = dict(REQUIRED_NARRATIVE) | {
    "personnel_description": "二（一）人员经费主要内容",
    "public_operating_description": "二（一）公用经费主要内容",
    "three_public_variance_reason": "“三公”经费决算数与预算数差异的原因",
    "three_public_change_reason": "“三公”经费比上年增减的主要原因",
    "basic_management": "二（一）基本支出管理情况",
    "project_usage": "二（二）项目资金实际使用情况",
    "project_fund_management": "二（二）项目资金管理情况",
}


def _n(value: Decimal) -> str:
    return rules.num(value)


def _path(group: Group, row: Row | None = None) -> str:
    return f"“{group.name} / {row.name}”" if row else f"“{group.name}”"


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
        ("项目支出", stated and stated.project, figures.project),
        ("支出合计", stated and stated.total, figures.expenditure),
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
                    f"{amounts.budget:.2f}），{where} {_n(low)}%–{_n(high)}% 的合理区间："
                    "请在自评表偏差分析或资金管理情况中说明原因。",
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
    three, lines = stated and stated.three_public, f.three_public
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
    checks = []
    if None in (carryover, fiscal, other, fiscal_income, other_income):
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


def score_checks(card: Scorecard) -> list[Check]:
    checks: list[Check] = []
    for section in card.sections:
        for group in section.groups:
            checks += _group_checks(group)
    return checks


def actual_checks(card: Scorecard) -> list[Check]:
    """A typed 全年完成值 that differs from the one computed from the report's figures.

    With a reason it stands and prints, and a warning shows both values side by side;
    without one the computed value prints, and the error asks to clear the box or give a
    reason. A typed value that agrees at its own precision ("123%" for 123.10%) is no override.
    """
    checks = []
    for _, group, row in card.rows():
        if not row.actual_overridden:
            continue
        typed, computed = row.actual.strip(), row.actual_figure.working
        reason = row.actual_reason.strip()
        if reason:
            checks.append(
                Check(
                    "actual_overridden",
                    WARNING,
                    f"{_path(group, row)}的全年完成值填写为 {typed}，按本报告数据计算为 "
                    f"{computed}，已说明不采用计算值的理由：{reason}",
                    f"row-{row.key}",
                )
            )
        else:
            checks.append(
                Check(
                    "actual_reason_missing",
                    ERROR,
                    f"{_path(group, row)}的全年完成值填写为 {typed}，与按本报告数据计算的 "
                    f"{computed}不符，报告中按计算值印出：请清空该栏以采用计算值，"
                    "或填写不采用计算值的理由。",
                    f"row-{row.key}",
                )
            )
    return checks


def _group_checks(group: Group) -> list[Check]:
    checks: list[Check] = []
    field = f"group-{group.key}"
    row_scored = [row for row in group.rows if row.score is not None]
    if group.scored_as_whole:
        if row_scored:
            checks.append(
                Check(
                    "score_mixed",
                    ERROR,
                    f"{_path(group)}既填了整组得分，又给 "
                    f"{'、'.join(row.name for row in row_scored)} 逐项打分：只保留一种。",
                    field,
                )
            )
        if not 0 <= group.group_score <= group.weight:
            checks.append(
                Check(
                    "score_out_of_range",
                    ERROR,
                    f"{_path(group)}的整组得分 {_n(group.group_score)} 超出范围："
                    f"应在 0 到 {_n(group.weight)} 分之间。",
                    field,
                )
            )
        elif group.group_score < group.weight and not (
            group.group_deviation.strip() or any(row.deviation.strip() for row in group.rows)
        ):
            checks.append(_deviation_missing(group, None, group.group_score, group.weight, field))
        suggested = group.suggested_score
        if (
            suggested is not None
            and suggested != group.group_score
            and not group.override_reason.strip()
        ):
            checks.append(_override_missing(group, None, group.group_score, suggested, field))
        return checks

    for row in group.rows:
        row_field = f"row-{row.key}"
        if row.score is None:
            checks.append(
                Check(
                    "indicator_unscored",
                    ERROR,
                    f"{_path(group, row)}尚未评分：请填写自评得分"
                    + ("，或为该二级指标填写整组得分。" if len(group.rows) > 1 else "。"),
                    row_field,
                )
            )
            continue
        bound = rules.score_bound(row_weight=row.weight, group_weight=group.weight)
        if not 0 <= row.score <= bound:
            checks.append(
                Check(
                    "score_out_of_range",
                    ERROR,
                    f"{_path(group, row)}的自评得分 {_n(row.score)} 超出范围："
                    f"应在 0 到 {_n(bound)} 分之间。",
                    row_field,
                )
            )
            continue
        weight = group.row_weight(row)
        if weight is not None and row.score < weight and not row.deviation.strip():
            checks.append(_deviation_missing(group, row, row.score, weight, row_field))
        if (
            row.suggestion is not None
            and row.suggestion.score != row.score
            and not row.override_reason.strip()
        ):
            checks.append(_override_missing(group, row, row.score, row.suggestion.score, row_field))
    if len(row_scored) == len(group.rows) and group.rows:
        total = group.score
        if total > group.weight:
            checks.append(
                Check(
                    "score_out_of_range",
                    ERROR,
                    f"{_path(group)}各三级指标得分合计 {_n(total)} 超过该组权重 "
                    f"{_n(group.weight)} 分：请调低得分。",
                    field,
                )
            )
        elif (
            total < group.weight
            and all(row.weight is None for row in group.rows)
            and len(group.rows) > 1
            and not any(row.deviation.strip() for row in group.rows)
        ):
            checks.append(_deviation_missing(group, None, total, group.weight, field))
    return checks


def _deviation_missing(group, row, score, weight, field) -> Check:
    return Check(
        "deviation_missing",
        ERROR,
        f"{_path(group, row)}得分 {_n(score)} 低于权重 {_n(weight)} 分，但没有填写偏差及原因分析："
        "请说明扣分的原因。",
        field,
    )


def _override_missing(group, row, score, suggested, field) -> Check:
    return Check(
        "override_reason_missing",
        ERROR,
        f"{_path(group, row)}的得分 {_n(score)} 与自动评分建议 {suggested:.2f} 分不同："
        "请填写不采用建议得分的理由，或改用建议得分。",
        field,
    )


def full_marks_checks(card: Scorecard) -> list[Check]:
    checks = []
    for _, group, row in card.rows():
        weight = group.row_weight(row)
        full = row.score is not None and weight is not None and row.score >= weight
        if group.scored_as_whole:
            full = group.group_score >= group.weight
        if full and falls_short(row.target, row.actual_display):
            checks.append(
                Check(
                    "full_score_short_of_target",
                    WARNING,
                    f"{_path(group, row)}得了满分，但全年完成值“{row.actual_display}”"
                    f"未达到年度指标值“{row.target}”：请核实得分或完成值。",
                    f"row-{row.key}",
                )
            )
    return checks


def falls_short(target: str, actual: str) -> bool:
    """Whether a 全年完成值 misses its 年度指标值 (both read as numbers, if they can be)."""
    goal, got = rules.parse_measure(target), rules.parse_measure(actual)
    if goal is None or got is None:
        return False
    comparison, goal_value = goal
    if comparison == "≤":
        return got[1] > goal_value
    return got[1] < goal_value


def narrative_checks(texts: Mapping[str, str], figures: BudgetFigures) -> list[Check]:
    required = list(REQUIRED_NARRATIVE)
    three = figures.three_public
    if three.known and three.actual != three.budget:
        required.append(("three_public_variance_reason", "“三公”经费决算数与预算数差异的原因"))
    if three.change:
        required.append(("three_public_change_reason", "“三公”经费比上年增减的主要原因"))
    if figures.project.actual:
        required.append(("project_usage", "二（二）项目资金实际使用情况"))
    return [
        Check(
            "narrative_missing",
            ERROR,
            f"“{heading}”尚未填写：请补充这一部分的内容。",
            f"narrative-{field}",
        )
        for field, heading in required
        if not (texts.get(field) or "").strip()
    ]


# --- Figures the clerk types in the text -------------------------------------------------

# What may open a clause before a figure's name for the figure to be this year's whole one:
# 其中, the unit, the year, 财政拨款. Anything else (上年, 日常, a project's name) is not read,
# so that only a figure the text plainly restates is held against the data.
_CLAUSE_OPENING = re.compile(
    r"(?:其中)?(?:本单位|我单位|本部门|我部门|单位|部门)?"
    r"(?:(?P<year>\d{4})年度?|本年度?|全年|当年|今年)?"
    r"(?:实际)?(?:一般公共预算)?(?:财政拨款)?"
)
_CLAUSE_BREAK = re.compile(r"[,。;:、!?()\n]")
# Words that may stand between a figure's name and its amount (in NFKC text).
_LINK = (
    r"(?P<link>(?:支出|总额|合计|共计|共|为|是|达到|达|计|预算数|预算|安排|决算数|决算|"
    r"执行数|执行|实际|完成|财政拨款|:|\s)*)"
)
_AMOUNT = r"(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*万元"
_BUDGET_WORDS, _ACTUAL_WORDS = re.compile("预算|安排"), re.compile("决算|执行|实际|完成")
_THREE_PUBLIC_NAMES = {
    "overseas_travel": r"因公出国\(境\)费",
    "official_vehicles": "公务用车购置及运行维护费",
    "official_reception": "公务接待费",
}


@dataclass(frozen=True)
class _Named:
    """A figure that a clerk's text may restate: how it is written, and its amounts."""

    pattern: str
    name: str
    actual: Decimal
    budget: Decimal | None = None  # None for income, which has no budget here
    actual_word: str = "执行数"


def _named_figures(f: BudgetFigures) -> list[_Named]:
    three = f.three_public
    named = [
        _Named("收入总额|总收入|收入合计", "收入总额", f.income_total),
        _Named(
            "一般公共预算财政拨款收入",
            "一般公共预算财政拨款收入",
            f.income_by_source.get(GENERAL_BUDGET, ZERO),
        ),
        _Named("财政拨款收入", "财政拨款收入", f.income_fiscal),
        _Named("支出总额|总支出|支出合计", "支出总额", *_pair(f.expenditure)),
        _Named("基本支出", "基本支出", *_pair(f.basic)),
        _Named("项目支出", "项目支出", *_pair(f.project)),
        _Named("人员经费", "人员经费", *_pair(f.personnel)),
        _Named("公用经费", "公用经费", *_pair(f.public_operating)),
        _Named('[“"]?三公[”"]?经费', "“三公”经费", three.actual, three.budget, "决算数"),
    ]
    named += [
        _Named(
            _THREE_PUBLIC_NAMES[item.kind],
            item.label,
            item.amounts.actual,
            item.amounts.budget,
            "决算数",
        )
        for item in f.three_public_items
        if item.kind in _THREE_PUBLIC_NAMES
    ]
    return named


def _pair(amounts: Amounts) -> tuple[Decimal, Decimal]:
    return amounts.actual, amounts.budget


def _agrees(typed: Decimal, value: Decimal) -> bool:
    """Whether ``typed`` is ``value`` as written to its places: 2575.7 and 2576 agree with
    2575.66."""
    return rules.agrees_at_places(typed, value)


def narrative_figure_checks(
    texts: Mapping[str, str], figures: BudgetFigures, *, year: int | None = None
) -> list[Check]:
    """An amount the clerk typed next to one of the report's figures that disagrees with it.

    Only "name [links] amount 万元" at the opening of a clause is read (人员经费 1846.37 万元,
    2022 年度基本支出为 1,961.17 万元); an amount that agrees with the figure as rounded to
    its places (2575.7) passes. A warning: the text is read, not understood, so it asks for
    a look rather than blocking submission.
    """
    named = _named_figures(figures)
    pattern = re.compile(
        "(?:"
        + "|".join(f"(?P<n{i}>{n.pattern})" for i, n in enumerate(named))
        + ")"
        + _LINK
        + _AMOUNT
    )
    checks = []
    for field, raw in texts.items():
        text = unicodedata.normalize("NFKC", raw or "")
        for match in pattern.finditer(text):
            opening = _CLAUSE_BREAK.split(text[: match.start()])[-1]
            clause = _CLAUSE_OPENING.fullmatch(re.sub(r"[\s“”\"]", "", opening))
            if clause is None or (clause["year"] and int(clause["year"]) != year):
                continue
            figure = next(n for i, n in enumerate(named) if match[f"n{i}"] is not None)
            link = match["link"]
            says_budget = bool(_BUDGET_WORDS.search(link)) and not _ACTUAL_WORDS.search(link)
            says_actual = bool(_ACTUAL_WORDS.search(link)) and not _BUDGET_WORDS.search(link)
            candidates = []
            if figure.budget is not None and not says_actual:
                candidates.append(("预算数", figure.budget))
            if figure.budget is None or not says_budget:
                word = figure.actual_word if figure.budget is not None else ""
                candidates.append((word, figure.actual))
            # A figure not filled in yet has nothing to hold the text against.
            candidates = [(what, value) for what, value in candidates if value is not None]
            if not candidates:
                continue
            typed = Decimal(match["amount"].replace(",", ""))
            if any(_agrees(typed, value) for _, value in candidates):
                continue
            stated = "、".join(f"{what}为 {value:.2f} 万元" for what, value in candidates)
            heading = NARRATIVE_HEADINGS.get(field, field)
            checks.append(
                Check(
                    "narrative_figure_mismatch",
                    WARNING,
                    f"“{heading}”中写的“{match.group().strip()}”与报告数据不符：{figure.name}"
                    f"{stated}。请改正文字中的数字，或核对该项数据。",
                    f"narrative-{field}",
                )
            )
    return checks


# --- What is left to fill, and last year's text ----------------------------------------

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


def _year_pattern(year: int) -> re.Pattern:
    """A year as a clerk writes it before 年: 2022 年, 2022年度, ２０２２年, 二〇二二年."""
    digits = "".join(f"[{d}{chr(ord('０') + int(d))}]" for d in str(year))
    chinese = "".join(
        "[〇零○]" if d == "0" else "一二三四五六七八九"[int(d) - 1] for d in str(year)
    )
    return re.compile(rf"(?<![0-9０-９]){digits}\s*年|{chinese}\s*年")


def _excerpt(text: str, start: int, end: int, around: int = 12) -> str:
    """The words around ``text[start:end]`` on its line, cut with … where they go on."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    left, right = max(line_start, start - around), min(line_end, end + around)
    return (
        ("…" if left > line_start else "")
        + text[left:right].strip()
        + ("…" if right < line_end else "")
    )


def carried_text_checks(
    texts: Mapping[str, str],
    *,
    carried: Sequence[str] = (),
    carried_from: int | None = None,
    year: int | None = None,
) -> list[Check]:
    """A warning per paragraph copied from last year's report, not edited since, that still
    names last year: quoted where it does, so that the clerk finds what to rewrite."""
    if carried_from is None:
        return []
    pattern = _year_pattern(carried_from)
    this_year = year or carried_from + 1
    checks = []
    for field in NARRATIVE_HEADINGS:
        text = texts.get(field) or ""
        if field not in carried or not (matches := list(pattern.finditer(text))):
            continue
        first = matches[0]
        more = f"（共 {len(matches)} 处）" if len(matches) > 1 else ""
        checks.append(
            Check(
                "carried_text_names_last_year",
                WARNING,
                f"“{NARRATIVE_HEADINGS[field]}”沿用了 {carried_from} 年报告的文字，尚未修改，"
                f"仍写着“{_excerpt(text, first.start(), first.end())}”{more}："
                f"请改写为 {this_year} 年的情况。",
                f"narrative-{field}",
            )
        )
    return checks


def report_checks(
    *,
    figures: BudgetFigures,
    scorecard: Scorecard,
    texts: Mapping[str, str],
    projects: Amounts | None = None,
    stated: StatedTotals | None = None,
    year: int | None = None,
    carried: Sequence[str] = (),
    carried_from: int | None = None,
) -> list[Check]:
    """Every check of a report, errors first, each group in the report's order.

    ``carried`` names the text fields copied from the ``carried_from`` year's report and
    not edited since.
    """
    checks = (
        amount_missing_checks(figures.lines)
        + money_checks(figures, stated=stated)
        + reconciliation_checks(figures, projects=projects, stated=stated)
        + score_checks(scorecard)
        + actual_checks(scorecard)
        + full_marks_checks(scorecard)
        + narrative_checks(texts, figures)
        + narrative_figure_checks(texts, figures, year=year)
        + carried_text_checks(texts, carried=carried, carried_from=carried_from, year=year)
    )
    return [c for c in checks if c.severity == ERROR] + [c for c in checks if c.severity == WARNING]
