"""The arithmetic of a 项目支出绩效自评表, without Django: the execution score and the total.

The common rule (FORMS.md §4): 预算执行 得分 = 分值 × 执行率, never above the 分值; a rate
below the framework's threshold (90 %) needs a reason. The rate is the one the table prints,
``budgets.calc.rate_pct`` (actual ÷ 全年预算数, half-up to two places), so a reader who
multiplies the printed figures gets the printed score.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from budgets.calc import rate_pct
from perfeval.numbers import CENT, HUNDRED

__all__ = ["execution_rate", "execution_score", "needs_reason", "total_score"]


def execution_rate(actual: Decimal | None, budget: Decimal | None) -> Decimal | None:
    """执行率 in percent: 全年执行数 ÷ 全年预算数 (None while either is missing or no budget)."""
    return rate_pct(actual, budget)


def execution_score(points: Decimal, rate: Decimal | None) -> Decimal | None:
    """分值 × 执行率, capped at the 分值, half-up to two places; None without a rate."""
    if rate is None:
        return None
    score = min(points, points * rate / HUNDRED)
    return score.quantize(CENT, rounding=ROUND_HALF_UP)


def needs_reason(rate: Decimal | None, threshold: Decimal) -> bool:
    """Whether a rate is below the threshold, so that the table must say why."""
    return rate is not None and rate < threshold


def total_score(execution: Decimal | None, scores: Iterable[Decimal | None]) -> Decimal | None:
    """总分: the execution score plus every indicator's 得分; None while nothing is scored."""
    parts = [part for part in (execution, *scores) if part is not None]
    return sum(parts, Decimal("0")) if parts else None
