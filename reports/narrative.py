"""The report's text in the published report's order and wording, figures made from data.

The clerk writes the text around the figures; the sentences that state figures are
produced here, so changing a figure changes the sentence. Pure: plain values in, blocks out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from budgets.calc import (
    GENERAL_BUDGET,
    OTHER,
    PERSONNEL,
    PROJECT,
    PUBLIC_OPERATING,
    Amounts,
    BudgetFigures,
)
from perfeval.numbers import DASH as NOT_FILLED
from perfeval.numbers import amount_text as amount
from perfeval.numbers import rate_text, score_text

H1, H2, H3, P = "h1", "h2", "h3", "p"
SUBHEADING_MARKS = ("（1）", "（2）", "（3）", "（4）", "（5）", "（6）", "（7）", "（8）", "（9）")
KAI_MARKS = tuple(f"（{n}）" for n in "一二三四五六七八九十")


@dataclass(frozen=True)
class Block:
    """A heading or a paragraph. ``lead`` is a run-in heading printed before the text."""

    kind: str
    text: str
    lead: str = ""
    field: str = ""


def _paragraphs(text: str, field: str) -> list[Block]:
    """A clerk's text, one block per line; "（1）…" lines are headings, "（一）…" too."""
    blocks = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith(SUBHEADING_MARKS) and len(line) <= 40 and not line.endswith("。"):
            blocks.append(Block(H3, line, field=field))
        elif line.startswith(KAI_MARKS) and len(line) <= 40:
            blocks.append(Block(H2, line, field=field))
        else:
            blocks.append(Block(P, line, field=field))
    return blocks


def _join(*parts: str) -> str:
    return "".join(part.strip() for part in parts if part)


def finance_level(region: str) -> str:
    """市财政, 县财政, 区财政 … from the department's region (浏阳市 → 市财政)."""
    region = (region or "").strip()
    return f"{region[-1]}财政" if region[-1:] in {"省", "市", "县", "区", "州", "旗"} else "财政"


def income_sentence(year: int, f: BudgetFigures) -> str:
    general = f.income_by_source.get(GENERAL_BUDGET, Decimal(0))
    label = "一般公共预算财政拨款" if general == f.income_fiscal else "财政拨款"
    return (
        f"{year} 年度收入总额 {amount(f.income_total)} 万元，其中{label}收入 "
        f"{amount(f.income_fiscal)} 万元，占总收入的 {rate_text(f.income_fiscal_share_pct)}。"
    )


def expenditure_sentence(f: BudgetFigures) -> str:
    return (
        f"本年支出总额 {amount(f.expenditure.actual)} 万元，按支出性质区分，基本支出 "
        f"{amount(f.basic.actual)} 万元，占比 {rate_text(f.basic_share_pct)}，项目支出 "
        f"{amount(f.project.actual)} 万元，占比 {rate_text(f.project_share_pct)}。"
    )


def _all_fiscal(f: BudgetFigures, *natures: str) -> bool:
    """Whether that spending is all 财政拨款, so the report may call it so."""
    spent = sum((f.spent(nature=n) for n in natures), Amounts())
    other = sum((f.spent(nature=n, source=OTHER) for n in natures), Amounts())
    return bool(spent.actual) and not other.actual


def basic_sentence(year: int, f: BudgetFigures, texts: Mapping[str, str]) -> str:
    fiscal = "财政拨款" if _all_fiscal(f, PERSONNEL, PUBLIC_OPERATING) else ""
    return _join(
        f"{year} 年度{fiscal}基本支出 {amount(f.basic.actual)} 万元，其中：",
        f"人员经费 {amount(f.personnel.actual)} 万元，占基本支出的 "
        f"{rate_text(f.personnel_share_pct)}，",
        texts.get("personnel_description", ""),
        f"公用经费 {amount(f.public_operating.actual)} 万元，占基本支出的 "
        f"{rate_text(f.public_operating_share_pct)}，",
        texts.get("public_operating_description", ""),
    )


def three_public_paragraphs(
    year: int, unit: str, f: BudgetFigures, texts: Mapping[str, str]
) -> list[str]:
    total = f.three_public
    rate = f"，完成预算的 {rate_text(total.rate_pct)}" if total.rate_pct is not None else ""
    items = []
    for item in f.three_public_items:
        a = item.amounts
        item_rate = (
            f"，完成预算的 {rate_text(a.rate_pct)}" if a.actual and a.rate_pct is not None else ""
        )
        items.append(
            f"{item.label}支出预算 {amount(a.budget)} 万元，决算 {amount(a.actual)} 万元{item_rate}"
        )
    first = f"{unit} {year} 年度“三公”经费财政拨款支出预算 {amount(total.budget)} 万元，支出决算 "
    first += f"{amount(total.actual)} 万元{rate}。"
    if items:
        first += "其中：" + "；".join(items) + "。"
    if total.actual is not None and total.budget is not None and total.actual != total.budget:
        compare = "小于" if total.actual < total.budget else "大于"
        first += (
            f"{year} 年度“三公”经费决算数{compare}预算数的原因是"
            + texts.get("three_public_variance_reason", "").strip()
        )
    change = total.change
    if change is None:
        second = f"{year} 年度“三公”经费财政拨款支出决算数比上年增减 {NOT_FILLED} 万元。"
    elif change:
        direction = "减少" if change < 0 else "增加"
        second = (
            f"{year} 年度“三公”经费财政拨款支出决算数比上年{direction} {amount(abs(change))} 万元，"
            f"{direction}的主要原因是" + texts.get("three_public_change_reason", "").strip()
        )
    else:
        second = f"{year} 年度“三公”经费财政拨款支出决算数与上年持平。"
    return [first, second]


def overseas_and_vehicles_sentence(year: int, f: BudgetFigures, texts: Mapping[str, str]) -> str:
    by_kind = {item.kind: item for item in f.three_public_items}
    parts = []
    overseas = by_kind.get("overseas_travel")
    if overseas is not None:
        if overseas.count is not None:
            parts.append(f"{year} 年参加出国（境）团组 {overseas.count} 个")
        spent = overseas.amounts.actual
        parts.append(
            "因公出国（境）费用零支出"
            if spent is not None and not spent
            else f"因公出国（境）费用支出 {amount(spent)} 万元"
        )
    vehicles = by_kind.get("official_vehicles")
    if vehicles is not None and vehicles.count is not None:
        parts.append(f"购置新车 {vehicles.count} 台")
    sentence = "，".join(parts) + "。" if parts else ""
    return _join(sentence, texts.get("basic_management", ""))


def project_budget_sentence(year: int, region: str, f: BudgetFigures) -> str:
    return (
        f"{year} 年{finance_level(region)}预算安排项目支出 {amount(f.project.budget)} 万元，"
        f"实际项目支出 {amount(f.project.actual)} 万元。"
    )


def project_actual_sentence(year: int, f: BudgetFigures, texts: Mapping[str, str]) -> str:
    label = "一般公共预算财政拨款" if _all_fiscal(f, PROJECT) else ""
    return _join(
        f"{year} 年度{label}项目支出决算数为 {amount(f.project.actual)} 万元，",
        texts.get("project_fund_management", ""),
    )


def grade_sentence(year: int, total_score: Decimal | None, grade: str) -> str:
    if total_score is None:
        return f"根据相关绩效评价指标评价参考指标，我单位 {year} 年度尚未评分（详见附件）。"
    return (
        f"根据相关绩效评价指标评价参考指标，我单位 {year} 年度评分得分 {score_text(total_score)} 分"
        f"（详见附件），绩效评价等级为“{grade}”。"
    )


@dataclass(frozen=True)
class ProjectText:
    name: str
    budget: Decimal | None
    actual: Decimal | None
    rate: Decimal | None
    achievement: str
    # From the project's 项目支出绩效自评表 (projects), where it has one.
    score: Decimal | None = None
    grade: str = ""


@dataclass(frozen=True)
class FollowupText:
    """A problem found last year and what became of it (followup.ProblemItem), for 七."""

    text: str
    measure: str
    owner: str
    due: str  # "2023年6月30日", or ""
    status: str  # 未整改 / 整改中 / 已整改
    overdue: bool = False


def followup_blocks(
    year: int, followups: tuple[FollowupText, ...], after: Sequence[Block] = ()
) -> list[Block]:
    """What became of last year's problems: a heading numbered after the ``after`` blocks'
    （一）… headings, and a paragraph per problem."""
    if not followups:
        return []
    number = sum(1 for block in after if block.kind == H2)
    mark = KAI_MARKS[number] if number < len(KAI_MARKS) else ""
    blocks = [Block(H2, f"{mark}{year - 1}年发现问题整改情况", field="followups")]
    for number, item in enumerate(followups, start=1):
        parts = [f"{number}. {item.text.rstrip('。；;')}。"]
        if item.measure.strip():
            parts.append(f"整改措施：{item.measure.strip().rstrip('。；;')}。")
        if item.owner.strip():
            parts.append(f"责任人：{item.owner.strip()}。")
        if item.due:
            parts.append(f"整改期限：{item.due}。")
        parts.append(f"整改情况：{item.status}{'（已逾期）' if item.overdue else ''}。")
        blocks.append(Block(P, "".join(parts), field="followups"))
    return blocks


def narrative_blocks(
    *,
    year: int,
    unit: str,
    region: str,
    texts: Mapping[str, str],
    figures: BudgetFigures,
    total_score: Decimal | None,
    grade: str,
    projects: tuple[ProjectText, ...] = (),
    followups: tuple[FollowupText, ...] = (),
) -> list[Block]:
    """Sections 一 to 八 of the report, in order, as headings and paragraphs; under 七, what
    became of last year's problems (``followups``) where there were any."""
    return [
        *_overview_blocks(year, figures, texts),
        *_spending_blocks(year, unit, region, figures, texts),
        *_project_blocks(texts, projects),
        *_closing_blocks(year, texts, total_score, grade, followups),
    ]


def _overview_blocks(year: int, f: BudgetFigures, texts: Mapping[str, str]) -> list[Block]:
    """一、部门概况."""
    return [
        Block(H1, "一、部门概况"),
        Block(H2, "（一）部门职能概述"),
        *_paragraphs(texts.get("functions", ""), "functions"),
        Block(H2, "（二）部门组织机构及人员情况"),
        *_paragraphs(texts.get("organisation", ""), "organisation"),
        Block(H2, "（三）年度重点工作计划"),
        *_paragraphs(texts.get("work_plan", ""), "work_plan"),
        Block(H2, "（四）部门整体支出规模、使用方向、主要内容和涉及范围"),
        Block(
            P,
            _join(
                income_sentence(year, f), expenditure_sentence(f), texts.get("spending_scope", "")
            ),
            field="spending_scope",
        ),
    ]


def _spending_blocks(
    year: int, unit: str, region: str, f: BudgetFigures, texts: Mapping[str, str]
) -> list[Block]:
    """二、部门整体支出资金管理及使用情况."""
    return [
        Block(H1, "二、部门整体支出资金管理及使用情况"),
        Block(H2, "（一）基本支出"),
        Block(H3, "1. 实际整体收支情况"),
        Block(P, basic_sentence(year, f, texts), field="personnel_description"),
        Block(H3, "2. “三公”经费总支出情况"),
        *[
            Block(P, text, field="three_public_variance_reason")
            for text in three_public_paragraphs(year, unit, f, texts)
        ],
        Block(H3, "3. 因公出国（境）费用支出和公务用车（购置）情况"),
        Block(P, overseas_and_vehicles_sentence(year, f, texts), field="basic_management"),
        Block(H2, "（二）项目支出"),
        Block(H3, "1. 项目资金安排落实、总投入等情况分析"),
        Block(P, project_budget_sentence(year, region, f)),
        Block(
            P,
            texts.get("project_usage", "").strip(),
            lead="2. 实际使用情况：",
            field="project_usage",
        ),
        Block(P, project_actual_sentence(year, f, texts), field="project_fund_management"),
    ]


def _project_blocks(texts: Mapping[str, str], projects: tuple[ProjectText, ...]) -> list[Block]:
    """三、部门项目实施情况, with the projects one by one where they are listed."""
    b = [
        Block(H1, "三、部门项目实施情况"),
        Block(H2, "（一）项目组织情况"),
        *_paragraphs(texts.get("project_organisation", ""), "project_organisation"),
        Block(H2, "（二）项目管理情况"),
        *_paragraphs(texts.get("project_management", ""), "project_management"),
    ]
    if projects:
        b.append(Block(H2, "（三）项目实施明细"))
        for n, project in enumerate(projects, start=1):
            rate = f"，执行率 {rate_text(project.rate)}" if project.rate is not None else ""
            b.append(
                Block(
                    P,
                    _join(
                        f"{n}. {project.name}：预算 {amount(project.budget)} 万元，执行 "
                        f"{amount(project.actual)} 万元{rate}。",
                        project.achievement,
                        project_result_sentence(project),
                    ),
                    field="projects",
                )
            )
    return b


def project_result_sentence(project: ProjectText) -> str:
    """What the project's own 自评表 found, where it has one that is scored."""
    if project.score is None:
        return ""
    return f"项目自评得分 {score_text(project.score)} 分，评价等级为“{project.grade}”（详见附件）。"


def _closing_blocks(
    year: int,
    texts: Mapping[str, str],
    total_score: Decimal | None,
    grade: str,
    followups: tuple[FollowupText, ...] = (),
) -> list[Block]:
    """四 to 八: assets, performance, problems, improvements, the grade."""
    improvements = _paragraphs(texts.get("improvements", ""), "improvements")
    return [
        Block(H1, "四、资产管理情况"),
        *_paragraphs(texts.get("asset_management", ""), "asset_management"),
        Block(H1, "五、部门整体支出绩效情况"),
        *_paragraphs(texts.get("performance", ""), "performance"),
        Block(H1, "六、存在的主要问题"),
        *_paragraphs(texts.get("problems", ""), "problems"),
        Block(H1, "七、改进措施和有关建议"),
        *improvements,
        *followup_blocks(year, followups, improvements),
        Block(H1, "八、部门整体支出绩效评价等级"),
        Block(P, grade_sentence(year, total_score, grade)),
    ]


def blocks_text(blocks: list[Block]) -> str:
    """The blocks as plain text, one per line (for tests and for search)."""
    return "\n".join(block.lead + block.text for block in blocks)


CHINESE_DIGITS = "〇一二三四五六七八九"
CHINESE_MONTHS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


def chinese_year_month(value) -> str:
    """二〇二三年九月: the cover's date in Chinese numerals."""
    year = "".join(CHINESE_DIGITS[int(d)] for d in str(value.year))
    return f"{year}年{CHINESE_MONTHS[value.month - 1]}月"
