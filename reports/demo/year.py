"""The demo's whole year around the 2022 report: the deadlines, the targets declared in spring
(approved), the four monitoring checkpoints (made up, consistent with the published year end,
marked as demo data) and the report's problems as items followed into 2023."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from deadlines.demo import demo_deadlines_load
from followup.demo import demo_problems_load
from monitoring.demo import demo_monitoring_load
from targets.demo import demo_targets_load
from targets.selectors import approved_targets

from ..models import Report


@transaction.atomic
def year_demo_load(*, report: Report) -> None:
    """Add the year's stages to the loaded demo report (``demo_load``); idempotent."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_ACTORS)}
    clerk, reviewer = users["clerk"], users["reviewer"]
    demo_deadlines_load(year=report.year)
    demo_targets_load(report=report, clerk=clerk, reviewer=reviewer)
    targets = approved_targets(department_id=report.department_id, year=report.year)
    demo_monitoring_load(
        report=report,
        clerk=clerk,
        reviewer=reviewer,
        targets=targets.values if targets else {},
    )
    demo_problems_load(report=report, reviewer=reviewer)


DEMO_ACTORS = ("clerk", "reviewer")
