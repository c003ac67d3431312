"""The demo's 绩效目标表: the seed report's department declares its 2022 targets, approved.

Taken from the published 自评表 (its 年度指标值 and 年初设定目标) and the budget of the
report's lines (财政拨款 2,092.38 = 基本支出 1,382.26 + 项目支出 710.12 万元).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from budgets.models import ExpenditureLine, FundSource
from perfeval.numbers import ZERO
from reports import workflow
from reports.models import Report

from .checks import target_parse
from .models import TargetForm
from .selectors import latest_version
from .services import target_form_create, target_form_save

# The seed's budget, should the report have no expenditure lines to read it from.
SEED_BUDGET = {
    "budget_fiscal": Decimal("2092.38"),
    "budget_other": ZERO,
    "budget_basic": Decimal("1382.26"),
    "budget_project": Decimal("710.12"),
}


def report_budget(report: Report) -> dict[str, Decimal]:
    """The four figures of the target form's header from the report's expenditure budget."""
    figures = dict.fromkeys(SEED_BUDGET, ZERO)
    lines = list(report.expenditure_lines.exclude(budget=None))
    if not lines:
        return dict(SEED_BUDGET)
    for line in lines:
        budget = line.budget or ZERO
        source = "budget_fiscal" if line.fund_source == FundSource.FISCAL else "budget_other"
        nature = (
            "budget_basic" if line.nature in ExpenditureLine.BASIC_NATURES else "budget_project"
        )
        figures[source] += budget
        figures[nature] += budget
    return figures


def report_target_rows(report: Report) -> dict[int, dict[str, str]]:
    """Each result's 年度指标值, split into the target row's type, comparator, value, unit."""
    rows: dict[int, dict[str, str]] = {}
    for result in report.indicator_results.all():
        written = target_parse(result.target)
        rows[result.indicator_id] = {
            "value_type": written.value_type,
            "comparator": written.comparator,
            "value": written.value,
            "unit": written.unit,
        }
    return rows


def demo_targets_load(*, report: Report, clerk, reviewer) -> TargetForm:
    """The department's approved version 1 for ``report.year``, made from the report: filled
    by ``clerk``, submitted by the clerk and approved by ``reviewer``. Idempotent: an approved
    version already there is returned as it is."""
    with transaction.atomic():
        form = latest_version(department_id=report.department_id, year=report.year)
        if form is not None and form.is_locked:
            return form
        if form is None:
            form = target_form_create(
                department=report.department, year=report.year, framework=report.framework
            )
        if form.status == Report.Status.SUBMITTED:
            workflow.document_transition(subject=form, user=clerk, action="withdraw")
        target_form_save(
            form=form,
            user=clerk,
            header={"annual_goal": report.annual_goal, **report_budget(report)},
            rows=report_target_rows(report),
        )
        workflow.document_transition(subject=form, user=clerk, action="submit")
        workflow.document_transition(subject=form, user=reviewer, action="approve")
    form.refresh_from_db()
    return form
