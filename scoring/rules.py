"""The rules of the 自评表 over plain values: weights, score bounds, grades, auto-scoring.

No Django here. Messages are the Chinese text a user sees and say what to fix.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# How weights and rates print is decided in perfeval.numbers (``rules.num`` is that one).
from perfeval.numbers import CENT, HUNDRED, ZERO, num, rate_text


def agrees_at_places(typed: Decimal, value: Decimal) -> bool:
    """Whether ``typed`` is ``value`` as written to its places: 123 and 123.1 agree with
    123.10, 30 does not with 29.20."""
    exponent = typed.as_tuple().exponent
    assert isinstance(exponent, int), "a typed figure is finite"
    places = max(-exponent, 0)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == typed


# --- Weights ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeSpec:
    """One node of a framework as the weight rules see it."""

    key: object
    parent_key: object | None
    name: str
    weight: Decimal | None
    order: int = 0


def framework_weight_errors(nodes: Iterable[NodeSpec]) -> list[str]:
    """Every weight rule a framework breaks, one message per indicator.

    Level-1 weights sum to 100; level-2 weights under a level-1 indicator sum to its weight;
    level-3 weights, where given, sum to their level-2 weight.
    """
    nodes = list(nodes)
    by_key = {node.key: node for node in nodes}
    children: dict[object, list[NodeSpec]] = defaultdict(list)
    errors: list[str] = []
    for node in nodes:
        if node.parent_key is not None and node.parent_key not in by_key:
            errors.append(f"“{node.name}”的上级指标不存在：请重新选择上级指标。")
            continue
        children[node.parent_key].append(node)

    def depth(node: NodeSpec) -> int:
        level, seen = 1, {node.key}
        while node.parent_key is not None and node.parent_key in by_key:
            node = by_key[node.parent_key]
            if node.key in seen:
                return 99
            seen.add(node.key)
            level += 1
        return level

    top = children[None]
    if not top:
        return [*errors, "指标体系还没有一级指标：请至少添加一个一级指标。"]
    missing = [node.name for node in nodes if depth(node) < 3 and node.weight is None]
    errors += [f"“{name}”没有填写权重：一级、二级指标必须填写权重。" for name in missing]
    errors += [
        f"“{node.name}”位于第四级或更深：指标体系只有一、二、三级，请把它挂到二级指标下。"
        for node in nodes
        if depth(node) > 3
    ]
    if missing:
        return errors

    def weight(node: NodeSpec) -> Decimal:
        # Levels 1 and 2 all carry one here (``missing`` is empty), level 3 where ``given``.
        assert node.weight is not None
        return node.weight

    total = sum((weight(node) for node in top), ZERO)
    if total != HUNDRED:
        parts = "、".join(f"{node.name} {num(weight(node))}" for node in top)
        errors.append(
            f"一级指标权重之和应为 100 分，现为 {num(total)} 分（{parts}）：请调整一级指标的权重。"
        )
    for parent in nodes:
        kids = children.get(parent.key, [])
        if not kids or depth(parent) >= 3:
            continue
        given = [kid for kid in kids if kid.weight is not None]
        level_name = "二级" if depth(parent) == 1 else "三级"
        if depth(parent) == 2 and given and len(given) < len(kids):
            blank = "、".join(f"“{kid.name}”" for kid in kids if kid.weight is None)
            errors.append(
                f"“{parent.name}”下三级指标只有部分填写了权重（{blank}未填）："
                "要么全部填写，要么全部留空。"
            )
            continue
        if not given:
            continue
        subtotal = sum((weight(kid) for kid in given), ZERO)
        if subtotal != parent.weight:
            errors.append(
                f"“{parent.name}”（{num(weight(parent))} 分）下{level_name}指标权重之和为 "
                f"{num(subtotal)} 分，应等于 {num(weight(parent))} 分："
                f"请调整其下{level_name}指标的权重。"
            )
    return errors


# --- Grades -------------------------------------------------------------------------------

DEFAULT_GRADE_BANDS: tuple[tuple[str, Decimal], ...] = (
    ("优", Decimal("90")),
    ("良", Decimal("80")),
    ("中", Decimal("60")),
    ("差", Decimal("0")),
)


# The grade of a report no score has been entered for: not 0 分 差.
UNSCORED = "未评分"


def grade_ladder(bands: Sequence[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """The bands highest minimum first: a score takes the first one it reaches."""
    return sorted(bands, key=lambda band: band[1], reverse=True)


def grade_for(
    score: Decimal | None, bands: Sequence[tuple[str, Decimal]] = DEFAULT_GRADE_BANDS
) -> str:
    """The grade of a total score: the band with the highest minimum the score reaches;
    未评分 for no score at all.

    The one definition of grading: lists graded in the database use
    ``scoring.selectors.grade_expression``, the same rule over the same bands in SQL (a
    test holds the two to the same answers).
    """
    if score is None:
        return UNSCORED
    for name, minimum in grade_ladder(bands):
        if score >= minimum:
            return name
    return ""


def grade_band_errors(bands: Sequence[tuple[str, Decimal]]) -> list[str]:
    errors = []
    names = [name for name, _ in bands]
    minimums = [minimum for _, minimum in bands]
    if not bands:
        return ["请至少设置一个评价等级，例如 优（≥ 90）、良（≥ 80）、中（≥ 60）、差（≥ 0）。"]
    if ZERO not in minimums:
        errors.append("评价等级中必须有一个最低分为 0 的等级（如“差”），否则低分报告没有等级。")
    for name in {n for n in names if names.count(n) > 1}:
        errors.append(f"评价等级“{name}”重复：每个等级只能出现一次。")
    for minimum in {m for m in minimums if minimums.count(m) > 1}:
        errors.append(f"有多个等级的最低分都是 {num(minimum)}：请让各等级的最低分各不相同。")
    return errors


# --- Score bounds -------------------------------------------------------------------------


def score_bound(*, row_weight: Decimal | None, group_weight: Decimal) -> Decimal:
    """The most a row can score: its own weight, or its group's when it has none."""
    return group_weight if row_weight is None else row_weight


# --- Auto-scoring rules -------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A figure a rule scores: an actual amount against a budget, and what it is called."""

    label: str
    actual: Decimal
    budget: Decimal

    @property
    def pct(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.actual / self.budget * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def working(self) -> str:
        """123.10%（2575.66 ÷ 2092.38）: the rate and the division it comes from."""
        return f"{rate_text(self.pct)}（{self.actual:.2f} ÷ {self.budget:.2f}）"


@dataclass(frozen=True)
class Suggestion:
    """A rule's suggested score and the working a clerk can follow."""

    score: Decimal
    working: str


# The figure rules, each with the figure it measures when its parameters name none.
DEFAULT_FIGURES = {
    "execution_rate": "total",
    "budget_accuracy": "total",
    "control_rate": "three_public",
}


def actual_rate(*, rule: str, params: Mapping, rates: Mapping[str, Rate]) -> Rate | None:
    """The figure a row's 全年完成值 is computed from, its rate being the value.

    Every indicator scored by a figure rule (execution_rate, budget_accuracy, control_rate)
    measures one of the report's figures, and its 全年完成值 is that figure's rate. None for
    other rules, and where the report lacks the figure or it has no budget to measure by.
    """
    if rule not in DEFAULT_FIGURES:
        return None
    rate = rates.get(params.get("figure", DEFAULT_FIGURES[rule]))
    return rate if rate is not None and rate.pct is not None else None


_PLAIN_PERCENT = re.compile(r"(-?\d+(?:\.\d+)?)%?")


def actual_agrees(typed: str, computed: Decimal) -> bool:
    """Whether a typed 全年完成值 states the computed rate to the places it is typed to.

    "123%" and "123.1%" agree with 123.10, "49%" with 49.00; "30%" does not with 29.20, and
    neither do a comparison ("≥90%") or words, which state no rate.
    """
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", typed or ""))
    match = _PLAIN_PERCENT.fullmatch(text)
    return match is not None and agrees_at_places(Decimal(match.group(1)), computed)


def _points(value: Decimal) -> str:
    return f"{value:.2f}"


def _result(weight: Decimal, deduction: Decimal, working: list[str]) -> Suggestion:
    deduction = min(deduction.quantize(CENT, rounding=ROUND_HALF_UP), weight)
    score = (weight - deduction).quantize(CENT, rounding=ROUND_HALF_UP)
    if deduction:
        working.append(f"扣 {_points(deduction)} 分，得 {_points(score)} 分")
    else:
        working.append(f"得满分 {_points(score)} 分")
    return Suggestion(score=score, working="，".join(working) + "。")


def _rate(rate: Rate | None) -> Decimal | None:
    return None if rate is None else rate.pct


def rule_execution_rate(weight: Decimal, params: Mapping, rates: Mapping[str, Rate]):
    """Full marks inside a band (90–110%), then a deduction per percentage point outside."""
    rate = rates.get(params.get("figure", DEFAULT_FIGURES["execution_rate"]))
    pct = _rate(rate)
    if rate is None or pct is None:
        return None
    low, high = Decimal(str(params.get("low", 90))), Decimal(str(params.get("high", 110)))
    per_point = Decimal(str(params.get("deduct_per_point", "0.1")))
    working = [f"{rate.label}执行率 {rate_text(pct)}"]
    if pct > high:
        over = pct - high
        working.append(
            f"超出 {num(high)}% 上限 {over:.2f} 个百分点，每个百分点扣 {num(per_point)} 分"
        )
        return _result(weight, over * per_point, working)
    if pct < low:
        under = low - pct
        working.append(
            f"低于 {num(low)}% 下限 {under:.2f} 个百分点，每个百分点扣 {num(per_point)} 分"
        )
        return _result(weight, under * per_point, working)
    working.append(f"在 {num(low)}%–{num(high)}% 之间")
    return _result(weight, ZERO, working)


def rule_budget_accuracy(weight: Decimal, params: Mapping, rates: Mapping[str, Rate]):
    """预算编制准确性: the further execution strays from 100%, the smaller the share of the weight.

    ``tiers`` are (at most this many points from 100%, share of the weight); beyond the last
    tier the score is 0.
    """
    rate = rates.get(params.get("figure", DEFAULT_FIGURES["budget_accuracy"]))
    pct = _rate(rate)
    if rate is None or pct is None:
        return None
    tiers = [(Decimal(str(p)), Decimal(str(s))) for p, s in params.get("tiers", [[10, 1]])]
    gap = abs(pct - HUNDRED)
    working = [f"{rate.label}执行率 {rate_text(pct)}，偏离 100% {gap:.2f} 个百分点"]
    previous = ZERO
    for limit, share in tiers:
        if gap <= limit:
            span = (
                f"不超过 {num(limit)} 个百分点"
                if not previous
                else (f"在 {num(previous)}–{num(limit)} 个百分点之间")
            )
            working.append(f"{span}，得权重的 {num(share * HUNDRED)}%")
            return _result(weight, weight - weight * share, working)
        previous = limit
    working.append(f"超过 {num(previous)} 个百分点，不得分")
    return _result(weight, weight, working)


def rule_control_rate(weight: Decimal, params: Mapping, rates: Mapping[str, Rate]):
    """控制率 (三公经费, 公用经费): actual ÷ budget, full marks at or under the limit (100%)."""
    rate = rates.get(params.get("figure", DEFAULT_FIGURES["control_rate"]))
    # No figure until its amounts are filled in: “均为 0” below is said of real zeros only.
    if rate is None or rate.actual is None or rate.budget is None:
        return None
    pct = rate.pct
    limit = Decimal(str(params.get("limit", 100)))
    per_point = Decimal(str(params.get("deduct_per_point", "0.1")))
    if pct is None:
        if rate.actual:
            return Suggestion(ZERO, f"{rate.label}无预算却有支出 {rate.actual:.2f} 万元，不得分。")
        return Suggestion(weight, f"{rate.label}预算和支出均为 0，得满分 {_points(weight)} 分。")
    working = [f"{rate.label}控制率 {rate.working}"]
    if pct <= limit:
        working.append(f"未超过 {num(limit)}%")
        return _result(weight, ZERO, working)
    over = pct - limit
    working.append(f"超出 {num(limit)}% {over:.2f} 个百分点，每个百分点扣 {num(per_point)} 分")
    return _result(weight, over * per_point, working)


NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)")


def parse_measure(text: str) -> tuple[str, Decimal] | None:
    """Read "≥80%", "≤100%", "100%", "0.87" or "≥187个" into (comparison, number)."""
    text = (text or "").strip().replace("＞", ">").replace("＜", "<").replace("％", "%")
    match = NUMBER.search(text.replace(",", ""))
    if not match:
        return None
    try:
        value = Decimal(match.group(1))
    except InvalidOperation:
        return None
    head = text[: match.start()]
    comparison = (
        "≤" if ("≤" in head or "<" in head) else "≥" if ("≥" in head or ">" in head) else "="
    )
    return comparison, value


def rule_ratio_to_target(weight: Decimal, params: Mapping, target: str, actual: str):
    """Score in proportion to how much of the row's own target was reached, at most full marks."""
    goal, got = parse_measure(target), parse_measure(actual)
    if goal is None or got is None:
        return None
    comparison, goal_value = goal
    got_value = got[1]
    working = [f"年度指标值 {target.strip()}，全年完成值 {actual.strip()}"]
    if comparison == "≤":
        if got_value <= goal_value:
            working.append("未超过指标值")
            return _result(weight, ZERO, working)
        ratio = goal_value / got_value if got_value else ZERO
    else:
        if got_value >= goal_value:
            working.append("达到指标值")
            return _result(weight, ZERO, working)
        ratio = got_value / goal_value if goal_value else ZERO
    working.append(f"完成 {rate_text(ratio * HUNDRED)}，按比例得分")
    return _result(weight, weight - weight * ratio, working)


RULES = {
    "execution_rate": "执行率（区间内满分，区间外按百分点扣分）",
    "budget_accuracy": "预算编制准确性（按执行率偏离 100% 的程度分档）",
    "control_rate": "控制率（不超过上限满分）",
    "ratio_to_target": "完成值 ÷ 指标值（按比例得分）",
}

FIGURES = {
    "total": "整体支出",
    "basic": "基本支出",
    "project": "项目支出",
    "personnel": "人员经费",
    "public_operating": "公用经费",
    "three_public": "“三公”经费",
}


def suggest(
    *,
    rule: str,
    params: Mapping,
    weight: Decimal | None,
    rates: Mapping[str, Rate],
    target: str = "",
    actual: str = "",
) -> Suggestion | None:
    """A rule's suggested score for a row worth ``weight``; None where no rule applies."""
    if not rule or weight is None:
        return None
    if rule == "execution_rate":
        return rule_execution_rate(weight, params, rates)
    if rule == "budget_accuracy":
        return rule_budget_accuracy(weight, params, rates)
    if rule == "control_rate":
        return rule_control_rate(weight, params, rates)
    if rule == "ratio_to_target":
        return rule_ratio_to_target(weight, params, target, actual)
    return None


def rule_params_errors(rule: str, params: Mapping) -> list[str]:
    """What is wrong with a rule's parameters, in words an administrator can act on."""
    if not rule:
        return []
    if rule not in RULES:
        return [f"未知的评分规则“{rule}”：可选 {'、'.join(RULES)}。"]
    if not isinstance(params, Mapping):
        return ['评分规则参数必须是 JSON 对象，例如 {"figure": "total"}。']
    errors = []
    figure = params.get("figure")
    if rule != "ratio_to_target" and figure is not None and figure not in FIGURES:
        errors.append(f"参数 figure 为“{figure}”，应为 {'、'.join(FIGURES)} 之一。")
    for key in ("low", "high", "limit", "deduct_per_point"):
        if key in params:
            try:
                if Decimal(str(params[key])) < 0:
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(f"参数 {key} 应为不小于 0 的数字，现为“{params[key]}”。")
    if rule == "execution_rate" and "low" in params and "high" in params and not errors:
        if Decimal(str(params["low"])) > Decimal(str(params["high"])):
            errors.append("参数 low（下限）不能大于 high（上限）。")
    if rule == "budget_accuracy":
        tiers = params.get("tiers", [])
        try:
            parsed = [(Decimal(str(p)), Decimal(str(s))) for p, s in tiers]
        except (TypeError, ValueError, InvalidOperation):
            parsed = None
        if (
            not parsed
            or any(not (0 <= s <= 1) for _, s in parsed)
            or [p for p, _ in parsed] != sorted(p for p, _ in parsed)
        ):
            errors.append(
                "参数 tiers 应为按偏离百分点从小到大排列的 [上限, 得分比例] 列表，"
                "比例在 0 到 1 之间，例如 [[10, 1], [20, 0.75], [30, 0.5]]。"
            )
    return errors
