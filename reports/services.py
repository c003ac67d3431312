"""Code that writes reports."""

from django.db import transaction

from budgets.models import ExpenditureLine, IncomeLine, Project, ThreePublicLine
from budgets.writers import lines_sync
from departments.models import Department
from scoring.services import framework_default
from scoring.writers import results_reset, results_write

from .models import NARRATIVE_FIELDS, Report


@transaction.atomic
def report_create(*, department: Department, year: int, framework=None) -> Report:
    """A new draft report, bound to the given framework or the default one.

    It starts with a row for every level-3 indicator and one line per 三公经费, its amounts
    empty (to fill, not 0.00), so the clerk fills in a complete form rather than building one.
    """
    report = Report(department=department, year=year, framework=framework or framework_default())
    report.full_clean()
    report.save()
    results_reset(report=report, reason=NEW_REPORT_REASON)
    lines_sync(
        report=report,
        model=ThreePublicLine,
        rows=[{"kind": kind} for kind in ThreePublicLine.Kind],
        reason=NEW_REPORT_REASON,
    )
    return report


NEW_REPORT_REASON = "新建报告"
NEXT_YEAR_REASON = "按上年报告新建"
# What a new year's report takes from last year's: the text to edit, not the figures.
CARRIED_TEXT = NARRATIVE_FIELDS


@transaction.atomic
def report_start_next_year(*, previous: Report) -> Report:
    """Next year's draft, copied from ``previous``: framework version, line structure,
    project list, 年度指标值 and narrative text; no amounts (empty, to fill), values or scores.

    Last year's 三公经费 决算 becomes this year's 上年决算. The copied text is recorded as
    carried over (``Report.carried_fields``) until the clerk edits it.
    """
    report = report_create(
        department=previous.department, year=previous.year + 1, framework=previous.framework
    )
    for field in CARRIED_TEXT:
        setattr(report, field, getattr(previous, field))
    report.carried_fields = [field for field in CARRIED_TEXT if getattr(previous, field).strip()]
    report.carried_from = previous.year
    report.save()
    structure = {
        IncomeLine: ("source", "description", "order"),
        ExpenditureLine: ("nature", "fund_source", "description", "order"),
        Project: ("name", "fund_source", "order"),
    }
    for model, fields in structure.items():
        lines_sync(
            report=report,
            model=model,
            rows=[
                {field: getattr(line, field) for field in fields}
                for line in model.objects.filter(report=previous)
            ],
            reason=NEXT_YEAR_REASON,
        )
    last_year = {line.kind: line.actual for line in previous.three_public_lines.all()}
    lines_sync(
        report=report,
        model=ThreePublicLine,
        rows=[
            {"kind": kind, "previous_actual": last_year.get(kind)} for kind in ThreePublicLine.Kind
        ],
        reason=NEXT_YEAR_REASON,
    )
    targets = {
        r.indicator_id: {"target": r.target}
        for r in previous.indicator_results.filter(
            indicator__framework_id=report.framework_id
        ).exclude(target="")
    }
    results_write(report=report, rows=targets, reason=NEXT_YEAR_REASON)
    return report
