"""预警 of a checkpoint: execution behind the expected share, an indicator at risk, and what a
warning still lacks before the 监控表 may be submitted. Plain values in, no Django."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from budgets.calc import rate_pct
from perfeval.numbers import rate_text

# 完成目标可能性: only "certain" means no warning (blank: not filled in yet).
CERTAIN, POSSIBLE, IMPOSSIBLE = "certain", "possible", "impossible"
LIKELIHOOD_CHOICES = [(CERTAIN, "确定能"), (POSSIBLE, "有可能"), (IMPOSSIBLE, "完全不可能")]
# 偏差原因类别, as the monitoring forms list them.
REASON_CATEGORY_CHOICES = [
    ("funding", "经费保障"),
    ("rules", "制度保障"),
    ("staff", "人员保障"),
    ("facilities", "硬件条件保障"),
    ("other", "其他"),
]
LIKELIHOOD_LABELS = dict(LIKELIHOOD_CHOICES)
REASON_CATEGORY_LABELS = dict(REASON_CATEGORY_CHOICES)

EXECUTION, INDICATOR = "execution", "indicator"
REASON, MEASURE = "偏差原因", "纠偏措施"


@dataclass(frozen=True)
class Execution:
    """A checkpoint report's money: 全年预算数 and 1—N 月执行数 (万元), what they should show."""

    checkpoint_name: str
    expected_share: Decimal
    budget: Decimal | None
    executed: Decimal | None
    reason: str = ""
    measure: str = ""


@dataclass(frozen=True)
class Progress:
    """One indicator's row of a checkpoint report."""

    indicator_id: int
    name: str
    likelihood: str = ""
    at_risk: bool = False
    reason: str = ""
    measure: str = ""


@dataclass(frozen=True)
class Alert:
    """One 预警: what it says, and which of reason and measure it still lacks."""

    kind: str
    text: str
    indicator_id: int | None = None
    indicator_name: str = ""
    missing: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        return not self.missing

    def requests(self) -> list[str]:
        """One message per missing reason or measure, saying where to fill it in."""
        if self.kind == EXECUTION:
            return [f"执行进度滞后：请在执行情况部分填写{what}。" for what in self.missing]
        return [
            f"指标“{self.indicator_name}”有预警：请填写该指标的{what}。" for what in self.missing
        ]


def execution_rate(executed: Decimal | None, budget: Decimal | None) -> Decimal | None:
    """执行率 in percent to two places, as it prints (``budgets.calc.rate_pct``); None
    without both figures or a budget."""
    return rate_pct(executed, budget)


def _missing(reason: str, measure: str) -> tuple[str, ...]:
    return tuple(
        label for label, text in ((REASON, reason), (MEASURE, measure)) if not text.strip()
    )


def execution_alert(execution: Execution) -> Alert | None:
    """执行进度滞后 when the rate (as printed) is below the expected share."""
    rate = execution_rate(execution.executed, execution.budget)
    if rate is None or rate >= execution.expected_share:
        return None
    text = (
        f"执行进度滞后：{execution.checkpoint_name}执行率 {rate_text(rate)}，"
        f"低于应达到的 {rate_text(execution.expected_share)}"
    )
    return Alert(
        kind=EXECUTION,
        text=text,
        missing=_missing(execution.reason, execution.measure),
    )


def indicator_alert(progress: Progress) -> Alert | None:
    """An indicator that may miss its year's target: marked at risk, or not certain."""
    unsure = progress.likelihood not in ("", CERTAIN)
    if not (progress.at_risk or unsure):
        return None
    because = []
    if progress.at_risk:
        because.append("可能偏离目标")
    if unsure:
        because.append(f"完成目标可能性为“{LIKELIHOOD_LABELS.get(progress.likelihood, '')}”")
    return Alert(
        kind=INDICATOR,
        text=f"指标“{progress.name}”{'，'.join(because)}",
        indicator_id=progress.indicator_id,
        indicator_name=progress.name,
        missing=_missing(progress.reason, progress.measure),
    )


def alerts(execution: Execution, rows: Iterable[Progress]) -> list[Alert]:
    """Every 预警 of a report: execution first, then the indicators in their order."""
    found = [execution_alert(execution), *(indicator_alert(row) for row in rows)]
    return [alert for alert in found if alert is not None]


def submit_errors(execution: Execution, rows: Iterable[Progress]) -> list[str]:
    """What must be filled in before the report may be submitted (or approved): the figures,
    then one message per missing reason or measure of a 预警."""
    errors = []
    if execution.budget is None or execution.executed is None:
        errors.append(
            f"请填写执行数：全年预算数和{execution.checkpoint_name}执行数都要填写，才能计算执行率。"
        )
    elif execution.budget <= 0:
        errors.append("全年预算数必须大于 0：请填写本年度的全年预算数。")
    for alert in alerts(execution, rows):
        errors.extend(alert.requests())
    return errors
