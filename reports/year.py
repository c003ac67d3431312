"""A report's place in its department's year: the approved targets it scores against (taken
over when the report is made, and again when an adjustment is approved while it is a draft),
the monitoring beside each indicator, and last year's problems followed up."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from budgets.models import ExpenditureLine, IncomeLine
from budgets.writers import lines_sync
from followup.selectors import carried_problems
from monitoring.selectors import deviation_offer, monitoring_history
from scoring.models import IndicatorResult
from scoring.writers import results_write
from targets.selectors import ApprovedTargets, approved_targets

from .models import Report
from .narrative import FollowupText

TAKE_OVER_REASON = "采用批准的绩效目标"


@dataclass(frozen=True)
class RowYear:
    """What the year says beside one 自评表 row."""

    # The approved 年度指标值 where the report's own differs from it, else "".
    approved_target: str = ""
    monitoring: tuple = ()  # monitoring.selectors entries, checkpoints in order
    offer: str = ""  # a start for 偏差及原因分析 from the reasons given while monitoring


@dataclass(frozen=True)
class ReportYear:
    targets: ApprovedTargets | None
    rows: dict[int, RowYear] = field(default_factory=dict)
    # (三级指标, the report's 年度指标值, the approved one) where they differ.
    differing: tuple[tuple[str, str, str], ...] = ()

    @property
    def scored_against(self) -> str:
        """Which targets the report scores against, in words; where some of its values differ
        (typed otherwise, or the targets adjusted after it was submitted), that they do."""
        if self.targets is None:
            return "本年度没有批准的绩效目标：年度指标值由本报告填写。"
        if self.differing:
            return (
                f"现行的绩效目标为{self.targets.label}；本报告有 {len(self.differing)} 项"
                "年度指标值与之不同。"
            )
        return f"本报告按{self.targets.label}评分。"


def report_year(*, report: Report) -> ReportYear:
    targets = approved_targets(department_id=report.department_id, year=report.year)
    history = monitoring_history(department_id=report.department_id, year=report.year)
    results = IndicatorResult.objects.filter(report=report).select_related("indicator")
    rows: dict[int, RowYear] = {}
    differing = []
    for result in results:
        approved = targets.values.get(result.indicator_id, "") if targets else ""
        differs = bool(approved) and result.target.strip() != approved.strip()
        if differs:
            differing.append((result.indicator.name, result.target, approved))
        entries = tuple(history.get(result.indicator_id, ()))
        rows[result.indicator_id] = RowYear(
            approved_target=approved if differs else "",
            monitoring=entries,
            offer=deviation_offer(entries) if entries else "",
        )
    return ReportYear(targets=targets, rows=rows, differing=tuple(differing))


def followup_texts(*, report: Report) -> tuple[FollowupText, ...]:
    """Last year's problems of the department and what became of them, for section 七."""
    return tuple(
        FollowupText(
            text=item.text,
            measure=item.measure,
            owner=item.owner,
            due=f"{item.due_date.year}年{item.due_date.month}月{item.due_date.day}日"
            if item.due_date
            else "",
            status=item.get_status_display(),
            overdue=item.is_overdue(),
        )
        for item in carried_problems(department_id=report.department_id, year=report.year)
    )


@transaction.atomic
def targets_take_over(
    *, report: Report, targets: ApprovedTargets | None = None, user=None, budget: bool = True
) -> bool:
    """Give a draft report the approved targets of its year: each row's 年度指标值, the
    年初设定目标 and (with ``budget``) the budget by source (财政拨款, 其他资金) and of 项目支出.
    Whether anything changed; nothing happens without approved targets or once the report is
    submitted."""
    targets = targets or approved_targets(department_id=report.department_id, year=report.year)
    if targets is None or targets.form.framework_id != report.framework_id:
        return False
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if not locked.is_editable:
        return False
    reason = f"{TAKE_OVER_REASON}（第 {targets.number} 版）"
    changed = results_write(
        report=locked,
        rows={pk: {"target": text} for pk, text in targets.values.items()},
        user=user,
        reason=reason,
    )
    if targets.annual_goal and locked.annual_goal != targets.annual_goal:
        Report.objects.filter(pk=locked.pk).update(annual_goal=targets.annual_goal)
        report.annual_goal = targets.annual_goal
        changed = True
    return (budget and _budget_take_over(locked, targets, user, reason)) or changed


def targets_approved(sender, subject, log, **kwargs) -> None:
    """A 绩效目标表 approved (the first version or an adjustment): the department's report of
    that year, while a draft, takes the approved 年度指标值 and 年初设定目标 over
    (workflow.transitioned). Its budget lines, which the clerk may have filled from the
    final accounts by then, are taken over only when a report is made."""
    if log.action != "approve":
        return
    report = Report.objects.filter(department_id=subject.department_id, year=subject.year).first()
    if report is not None and report.is_editable:
        targets_take_over(report=report, user=log.user, budget=False)


def _budget_take_over(report: Report, targets: ApprovedTargets, user, reason: str) -> bool:
    """The budget by source and 项目支出 as approved; 基本支出 is split into 人员经费 and
    公用经费 by the clerk, so its lines are left as they are."""
    budget = targets.budget
    changed = False
    wanted = {
        (IncomeLine, "source", IncomeLine.Source.GENERAL_BUDGET): budget.get("fiscal"),
        (IncomeLine, "source", IncomeLine.Source.OTHER): budget.get("other"),
        (ExpenditureLine, "nature", ExpenditureLine.Nature.PROJECT): budget.get("project"),
    }
    for (model, key, value), amount in wanted.items():
        if amount is None or (not amount and value == IncomeLine.Source.OTHER):
            continue
        names = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "report")]
        lines = list(model._default_manager.filter(report=report).order_by("order", "pk"))
        rows = [{name: getattr(line, name) for name in names} for line in lines]
        same = [row for row in rows if row[key] == value]
        if len(same) > 1 or (same and same[0]["budget"] == amount):
            continue  # several lines of one kind are the clerk's split: left alone
        if same:
            same[0]["budget"] = amount
        else:
            rows.append({key: value, "budget": amount, "order": len(rows) + 1})
        lines_sync(report=report, model=model, rows=rows, user=user, reason=reason)
        changed = True
    return changed
