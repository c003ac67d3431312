"""The year's checkpoints as stages with a deadline (``deadlines.stages``): a department has
done one when its 监控表 of that checkpoint is submitted or approved."""

from __future__ import annotations

from functools import cache

from django.urls import reverse

from deadlines.stages import Stage
from reports.models import Report

from .models import Checkpoint, CheckpointReport

DONE = (Report.Status.SUBMITTED, Report.Status.APPROVED)


def _done_ids(checkpoint: Checkpoint):
    @cache
    def done() -> set[int]:
        rows = CheckpointReport.objects.filter(checkpoint=checkpoint, status__in=DONE)
        return set(rows.values_list("department_id", flat=True))

    return done


def _monitoring_url(department_id: int) -> str:
    return reverse("monitoring_list")


def checkpoint_stages(year: int) -> list[Stage]:
    return [
        Stage(
            key=f"checkpoint-{checkpoint.pk}",
            label=f"{year} 年{checkpoint.name}运行监控",
            year=year,
            due=checkpoint.due,
            done_ids=_done_ids(checkpoint),
            url_for=_monitoring_url,
        )
        for checkpoint in Checkpoint.objects.filter(year=year).order_by("period_end")
    ]
