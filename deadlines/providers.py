"""This app's stages: the year's 绩效目标申报 and 绩效自评, due as the ``Deadline`` rows say."""

from __future__ import annotations

from functools import cache

from django.urls import NoReverseMatch, reverse

from reports.models import Report
from targets.models import TargetForm

from .models import Deadline
from .stages import Stage

SELFEVAL_DONE = (Report.Status.SUBMITTED, Report.Status.APPROVED)


def targets_done_ids(year: int) -> set[int]:
    """Departments with an approved 绩效目标表 of ``year`` (any version)."""
    rows = TargetForm.objects.filter(year=year, status=Report.Status.APPROVED)
    return set(rows.values_list("department_id", flat=True))


def selfeval_done_ids(year: int) -> set[int]:
    """Departments whose report of ``year`` is submitted or approved."""
    rows = Report.objects.filter(year=year, status__in=SELFEVAL_DONE)
    return set(rows.values_list("department_id", flat=True))


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def targets_url(year: int, department_id: int) -> str | None:
    url = _url("target_list")
    return f"{url}?year={year}" if url else None


def selfeval_urls(year: int):
    """Where each department does its self-assessment: its report of the year, or the home
    page where it starts one."""

    @cache
    def reports() -> dict[int, int]:
        rows = Report.objects.filter(year=year).values_list("department_id", "pk")
        return dict(rows)

    def url_for(department_id: int) -> str | None:
        pk = reports().get(department_id)
        return _url("report_detail", pk) if pk else _url("home")

    return url_for


def deadline_stages(year: int) -> list[Stage]:
    stages = []
    for deadline in Deadline.objects.filter(year=year):
        if deadline.stage == Deadline.Stage.TARGETS:
            done = cache(lambda: targets_done_ids(year))
            url_for = lambda department_id: targets_url(year, department_id)  # noqa: E731
        else:
            done = cache(lambda: selfeval_done_ids(year))
            url_for = selfeval_urls(year)
        stages.append(
            Stage(
                key=deadline.stage,
                label=f"{year} 年{deadline.get_stage_display()}",
                year=year,
                due=deadline.due,
                done_ids=done,
                url_for=url_for,
            )
        )
    return stages
