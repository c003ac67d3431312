"""Code that writes reports."""

import hashlib

from django.core.exceptions import ValidationError
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
    # Imported here: the year's apps (targets, monitoring, followup) read reports' models,
    # which load before them.
    from .year import targets_take_over

    targets_take_over(report=report)
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
                for line in model._default_manager.filter(report=previous)
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
    # The year's approved targets, where there are any, over last year's values and lines.
    from .year import targets_take_over

    targets_take_over(report=report)
    return report


class ImportTargetMissing(Exception):
    """The department or report an import names does not exist and may not be made; the
    message says what to do (on the command line: import_selfeval)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def department_code(name: str) -> str:
    """A code for a department made on import: stable for its name, unlike any real code."""
    return f"IMP-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:10].upper()}"


def import_target(*, name: str, year: int, create: bool) -> tuple[Report, list[str]]:
    """The report a 自评表 import writes into: the department's of ``year``, found by the
    department's name, or with ``create`` made (department and draft report) where missing.
    Also what was made, in words."""
    created = []
    department = Department.objects.filter(name=name.strip()).first()
    if department is None:
        if not create:
            raise ImportTargetMissing(
                f"找不到部门“{name}”：请检查部门名称，或加 --create 新建部门和报告。"
            )
        department = Department(
            name=name.strip(), code=department_code(name.strip()), reporting_unit=name.strip()
        )
        try:
            department.full_clean()
        except ValidationError as error:
            raise ImportTargetMissing(f"不能新建部门：{'；'.join(error.messages)}") from None
        department.save()
        created.append(f"部门“{department.name}”（编码 {department.code}）")
    report = Report.objects.filter(department=department, year=year).first()
    if report is None:
        if not create:
            raise ImportTargetMissing(
                f"“{department.name}”还没有 {year} 年的自评报告："
                "请先在系统中新建，或加 --create 新建草稿报告。"
            )
        try:
            report = report_create(department=department, year=year)
        except ValidationError as error:
            raise ImportTargetMissing(f"不能新建报告：{'；'.join(error.messages)}") from None
        created.append(f" {year} 年草稿报告（指标体系“{report.framework}”）")
    return report, created
