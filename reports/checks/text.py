"""Checks on the narrative: sections left empty, figures typed in the text that disagree
with the report's data, paragraphs copied from last year that still name last year."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from budgets.calc import GENERAL_BUDGET, Amounts, BudgetFigures
from perfeval.numbers import ZERO
from scoring import rules

from .base import ERROR, WARNING, Check

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
    actual: Decimal | None  # None: not filled in yet
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


def _pair(amounts: Amounts) -> tuple[Decimal | None, Decimal | None]:
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
            offered: list[tuple[str, Decimal | None]] = []
            if figure.budget is not None and not says_actual:
                offered.append(("预算数", figure.budget))
            if figure.budget is None or not says_budget:
                word = figure.actual_word if figure.budget is not None else ""
                offered.append((word, figure.actual))
            # A figure not filled in yet has nothing to hold the text against.
            candidates = [(what, value) for what, value in offered if value is not None]
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


def followup_checks(followups: Sequence) -> list[Check]:
    """A warning for each of last year's problems still open after its 整改期限
    (``narrative.FollowupText``): it is put right, or the report says why not."""
    checks = []
    for item in followups:
        if item.overdue:
            short = item.text if len(item.text) <= 30 else f"{item.text[:30]}…"
            checks.append(
                Check(
                    "followup_overdue",
                    WARNING,
                    f"上年发现的问题“{short}”整改期限（{item.due}）已过，仍为“{item.status}”："
                    "请在“问题整改”中更新整改情况，或在改进措施中说明原因。",
                    "narrative-improvements",
                )
            )
    return checks
