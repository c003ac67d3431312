"""The demo's monitoring year (浏阳市人大常委会 2022): the four default checkpoints and the
department's four approved 监控表, made up but consistent with the published year end.

The year end: 全年预算数 2,092.38 万元, 全年执行数 2,575.66 万元 (123.10%). The department
stayed ahead of the expected shares all year; one 预警, at the end of August: 准确性 (预算编制
准确性) at risk, since spending ran past the budget. Every figure here is 演示数据.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D

from django.db import transaction

from reports import workflow
from reports.models import Report

from . import services
from .models import CheckpointReport
from .warnings import CERTAIN, POSSIBLE

Status = Report.Status
DEMO_NOTE = "演示数据（按公开的年终决算数编制，非真实填报）"
BUDGET = D("2092.38")
# Per checkpoint: 1—N 月执行数 and 预计全年执行数 (25.00/40.00/60.00/80.00% expected).
EXECUTION = [
    (D("612.40"), D("2350.00")),  # 29.27%
    (D("905.10"), D("2420.00")),  # 43.26%
    (D("1380.75"), D("2540.00")),  # 65.99%
    (D("1795.20"), D("2575.00")),  # 85.80%
]
# Indicators whose progress during the year differs from their year-end value: 1—N 月实际
# 完成值 at each checkpoint and the year end it heads for (the rows the figures decide hold
# no typed 全年完成值, so their year end is the computed one: 123.10%, 49.00%, 29.20%).
PROGRESS = {
    "准确性": (("29.27%", "43.26%", "65.99%", "85.80%"), "123.10%"),
    "年度工作任务实际完成率": (("30%", "48%", "66%", "85%"), "100%"),
    "政府采购执行率": (("28%", "45%", "68%", "86%"), "100%"),
    "预算完成率": (("29%", "43%", "66%", "86%"), "100%"),
    "公用经费控制率": (("14.20%", "22.60%", "33.10%", "41.50%"), "49.00%"),
    "“三公经费”控制率": (("7.80%", "12.90%", "19.60%", "24.30%"), "29.20%"),
    "助力生态环境保护": (("交办 58 个", "交办 96 个", "交办 139 个", "交办 171 个"), "≥187"),
    "社会公众满意度": (("年末开展调查",) * 4, "≥90%"),
}
AUGUST = 2
AT_RISK = "准确性"
AT_RISK_VALUES = {
    "likelihood": POSSIBLE,
    "at_risk": True,
    "reason_category": "other",
    "reason": "人员经费等基本支出超出年初预算，预算调整较多",
    "measure": "加强预算执行监控，严格按预算支出，年中调整预算",
    "expected_year": "约 120%",
}


@dataclass(frozen=True)
class DemoMonitoring:
    reports: list[CheckpointReport]
    changed: bool


def _row_values(name: str, index: int, year_end: str) -> dict:
    progress, expected = PROGRESS.get(name, ((year_end,) * 4, year_end))
    values = {
        "actual_to_date": progress[index],
        "expected_year": expected,
        "likelihood": CERTAIN,
        "at_risk": False,
        "reason_category": "",
        "reason": "",
        "measure": "",
    }
    if name == AT_RISK and index == AUGUST:
        values.update(AT_RISK_VALUES)
    return values


@transaction.atomic
def demo_monitoring_load(*, report: Report, clerk, reviewer, targets: dict[int, str]):
    """The demo department's monitoring of ``report.year``: checkpoints and four approved
    reports. Running it again changes nothing once they stand approved."""
    checkpoints = services.checkpoints_default(report.year)
    year_end = {
        result.indicator_id: result.actual
        for result in report.indicator_results.select_related("indicator")
    }
    made, changed = [], False
    for index, checkpoint in enumerate(checkpoints[:4]):
        monitored = CheckpointReport.objects.filter(
            department=report.department, checkpoint=checkpoint
        ).first()
        if monitored is None:
            monitored = services.checkpoint_report_create(
                department=report.department,
                checkpoint=checkpoint,
                framework=report.framework,
                targets=targets,
            )
        if monitored.status != Status.APPROVED:
            _fill_and_approve(monitored, index, year_end, clerk=clerk, reviewer=reviewer)
            changed = True
        made.append(monitored)
    return DemoMonitoring(reports=made, changed=changed)


def _fill_and_approve(monitored: CheckpointReport, index: int, year_end, *, clerk, reviewer):
    if monitored.status == Status.SUBMITTED:
        workflow.document_transition(subject=monitored, user=clerk, action="withdraw")
    executed, expected_year = EXECUTION[index]
    rows = {
        row.indicator_id: _row_values(row.indicator.name, index, year_end.get(row.indicator_id, ""))
        for row in monitored.rows.select_related("indicator")
    }
    services.checkpoint_report_save(
        report=monitored,
        user=clerk,
        header={
            "budget": BUDGET,
            "executed": executed,
            "expected_year": expected_year,
            "execution_reason": f"{DEMO_NOTE}：执行进度未滞后。",
            "execution_measure": "",
        },
        rows=rows,
    )
    workflow.document_transition(subject=monitored, user=clerk, action="submit", comment=DEMO_NOTE)
    workflow.document_transition(subject=monitored, user=reviewer, action="approve")
    monitored.refresh_from_db()
