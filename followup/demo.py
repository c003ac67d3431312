"""The demo's problems: the 2022 report's 存在的主要问题 as items carried into 2023, one of
them being put right, and one a reviewer found (made up, marked as demo data)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from reports.models import Report

from .models import ProblemItem
from .services import problem_issue, problem_update, problems_from_report

DEMO_MARK = "（示例数据）"
DEMO_DUE = date(2023, 6, 30)
DEMO_OWNER = "办公室（信访办）"
# The first of the report's problems, as its clerk reported progress on it.
IN_PROGRESS_NOTE = (
    "已修订本机关预算编制内部规程，2023 年预算按项目逐项测算、集体审议；"
    f"预算执行情况按季度通报，执行偏慢的项目说明原因。{DEMO_MARK}"
)
REVIEW_TEXT = "部分项目支出绩效目标设置不够细化、量化，个别指标难以考核。"
REVIEW_MEASURE = (
    "按三级指标逐项设置可衡量的指标值和计量单位，定性指标明确评判标准，"
    f"绩效目标随预算一并报审。{DEMO_MARK}"
)


@transaction.atomic
def demo_problems_load(*, report: Report, reviewer) -> list[ProblemItem]:
    """The demo report's problems as items (due 2023-06-30), the first 整改中 with a note,
    and the reviewer's item; running it again changes nothing. The items, in order."""
    problems_from_report(report=report, user=reviewer)
    items = list(ProblemItem.objects.filter(report=report, source=ProblemItem.Source.SELF))
    for item in items:
        if item.due_date != DEMO_DUE or not item.owner:
            problem_update(item=item, user=reviewer, owner=DEMO_OWNER, due_date=DEMO_DUE)
    first = items[0] if items else None
    if first is not None and not first.updates.exists():
        problem_update(
            item=first,
            user=reviewer,
            status=ProblemItem.Status.IN_PROGRESS,
            note=IN_PROGRESS_NOTE,
        )
    issued = ProblemItem.objects.filter(
        department_id=report.department_id,
        year=report.year,
        source=ProblemItem.Source.REVIEW,
        text=REVIEW_TEXT,
    ).first()
    if issued is None:
        issued = problem_issue(
            department=report.department,
            year=report.year,
            text=REVIEW_TEXT,
            measure=REVIEW_MEASURE,
            due_date=DEMO_DUE,
            user=reviewer,
        )
    return [*ProblemItem.objects.filter(pk__in=[i.pk for i in [*items, issued]]).order_by("pk")]
