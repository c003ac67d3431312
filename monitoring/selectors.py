"""Reading monitoring: a 监控表's 预警 and checks, a checkpoint's overview of departments, and
an indicator's monitoring history for the year-end self-assessment."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from departments.models import Department
from perfeval import access
from reports.models import Report

from . import warnings
from .models import Checkpoint, CheckpointReport, ProgressRow

Status = Report.Status
NOT_STARTED = "未开始"
# A report this user may not open (an auditor's view of one not approved yet).
NOT_SHOWN = "尚未批准"


def report_rows(*, report: CheckpointReport) -> list[ProgressRow]:
    """The report's rows in the framework's order, with their indicators' parents."""
    return list(report.rows.select_related("indicator__parent__parent"))


def indicator_names(rows: Iterable[ProgressRow]) -> dict[int, str]:
    """What a message calls each row's indicator: its name, with its group's where two
    groups hold indicators of the same name (制度健全性)."""
    rows = list(rows)
    counts = Counter(row.indicator.name for row in rows)
    names = {}
    for row in rows:
        name = row.indicator.name
        parent = row.indicator.parent
        if counts[name] > 1 and parent is not None:
            name = f"{parent.name}·{name}"
        names[row.indicator_id] = name
    return names


def execution_of(report: CheckpointReport) -> warnings.Execution:
    return warnings.Execution(
        checkpoint_name=report.checkpoint.name,
        expected_share=report.checkpoint.expected_share,
        budget=report.budget,
        executed=report.executed,
        reason=report.execution_reason,
        measure=report.execution_measure,
    )


def progress_of(rows: Sequence[ProgressRow]) -> list[warnings.Progress]:
    names = indicator_names(rows)
    return [
        warnings.Progress(
            indicator_id=row.indicator_id,
            name=names[row.indicator_id],
            likelihood=row.likelihood,
            at_risk=row.at_risk,
            reason=row.reason,
            measure=row.measure,
        )
        for row in rows
    ]


def report_alerts(
    *, report: CheckpointReport, rows: Sequence[ProgressRow] | None = None
) -> list[warnings.Alert]:
    """The report's 预警 as stored: execution first, then its indicators in order."""
    rows = report_rows(report=report) if rows is None else rows
    return warnings.alerts(execution_of(report), progress_of(rows))


def checkpoint_report_checks(report: CheckpointReport) -> tuple[list[str], list[warnings.Alert]]:
    """The workflow's checks before submitting or approving (``reports.workflow.Flow``)."""
    rows = report_rows(report=report)
    execution, progress = execution_of(report), progress_of(rows)
    return warnings.submit_errors(execution, progress), warnings.alerts(execution, progress)


def state_label(report: CheckpointReport | None) -> str:
    return NOT_STARTED if report is None else str(report.get_status_display())


# --- A checkpoint's departments ------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    """One department at a checkpoint, as a reviewer's list shows it."""

    department: Department
    report: CheckpointReport | None
    state: str
    rate: Decimal | None
    alerts: int
    late: bool


def is_late(report: CheckpointReport | None, checkpoint: Checkpoint, today: datetime.date) -> bool:
    """Past the checkpoint's due date and not handed in (never submitted, or returned)."""
    handed_in = report is not None and report.status in (Status.SUBMITTED, Status.APPROVED)
    return today > checkpoint.due and not handed_in


def checkpoint_overview(
    *, user, checkpoint: Checkpoint, today: datetime.date | None = None
) -> list[OverviewRow]:
    """Every department the user may see, with its report's state at the checkpoint, its
    execution rate and number of 预警: those with 预警 first, then the late ones."""
    today = today or timezone.localdate()
    departments = list(access.scope(user, Department).order_by("code"))
    reports = {
        report.department_id: report
        for report in access.scope(user, CheckpointReport)
        .filter(checkpoint=checkpoint)
        .select_related("checkpoint")
        .prefetch_related("rows__indicator__parent")
    }
    hidden = set(
        CheckpointReport.objects.filter(checkpoint=checkpoint)
        .exclude(pk__in=[report.pk for report in reports.values()])
        .values_list("department_id", flat=True)
    )
    rows = []
    for department in departments:
        report = reports.get(department.pk)
        state = NOT_SHOWN if department.pk in hidden else state_label(report)
        alerts = report_alerts(report=report, rows=list(report.rows.all())) if report else []
        rows.append(
            OverviewRow(
                department=department,
                report=report,
                state=state,
                rate=report.execution_rate if report else None,
                alerts=len(alerts),
                late=department.pk not in hidden and is_late(report, checkpoint, today),
            )
        )
    return sorted(rows, key=lambda row: (row.alerts == 0, not row.late))


def previous_report(*, department: Department, checkpoint: Checkpoint) -> CheckpointReport | None:
    """The department's report at the latest earlier checkpoint of the same year."""
    return (
        CheckpointReport.objects.filter(
            department=department,
            checkpoint__year=checkpoint.year,
            checkpoint__period_end__lt=checkpoint.period_end,
        )
        .order_by("-checkpoint__period_end")
        .first()
    )


def start_values(previous: CheckpointReport | None, approved=None) -> dict:
    """What a new report starts from (``services.checkpoint_report_create``'s arguments): the
    year's approved targets (``targets.selectors.ApprovedTargets``: framework, the budget by
    source as 全年预算数, the 年度指标值), else the department's previous report of the year."""
    if approved is not None:
        budget = approved.budget
        total = None
        if budget.get("fiscal") is not None:
            total = budget["fiscal"] + (budget.get("other") or 0)
        return {"framework": approved.form.framework, "budget": total, "targets": approved.values}
    if previous is None:
        return {}
    targets = previous.rows.exclude(year_target="").values_list("indicator_id", "year_target")
    return {"framework": previous.framework, "budget": previous.budget, "targets": dict(targets)}


# --- The year's history, for the self-assessment ----------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What one checkpoint recorded of one indicator."""

    checkpoint: str
    period_end: datetime.date
    status: str
    actual_to_date: str
    expected_year: str
    likelihood: str
    at_risk: bool
    reason_category: str
    reason: str
    measure: str

    @property
    def has_reason(self) -> bool:
        return bool(self.reason.strip() or self.measure.strip())


def monitoring_history(*, department_id: int, year: int) -> dict[int, list[Entry]]:
    """Per level-3 indicator (by id), what each of the year's checkpoints recorded, in order."""
    rows = (
        ProgressRow.objects.filter(
            report__department_id=department_id, report__checkpoint__year=year
        )
        .select_related("report__checkpoint")
        .order_by("report__checkpoint__period_end", "report__checkpoint__order", "pk")
    )
    history: dict[int, list[Entry]] = defaultdict(list)
    for row in rows:
        checkpoint = row.report.checkpoint
        history[row.indicator_id].append(
            Entry(
                checkpoint=checkpoint.name,
                period_end=checkpoint.period_end,
                status=str(row.report.get_status_display()),
                actual_to_date=row.actual_to_date,
                expected_year=row.expected_year,
                likelihood=warnings.LIKELIHOOD_LABELS.get(row.likelihood, ""),
                at_risk=row.at_risk,
                reason_category=warnings.REASON_CATEGORY_LABELS.get(row.reason_category, ""),
                reason=row.reason.strip(),
                measure=row.measure.strip(),
            )
        )
    return dict(history)


def deviation_offer(entries: Iterable[Entry]) -> str:
    """The reasons and measures already given at the checkpoints, as a starting text for the
    self-assessment's 偏差及原因分析 (empty when none was given)."""
    parts = []
    for entry in entries:
        if not entry.has_reason:
            continue
        said = [entry.reason_category] if entry.reason_category else []
        if entry.reason:
            said.append(entry.reason.rstrip("。；"))
        text = f"{entry.checkpoint}监控：{'：'.join(said) or '（未填写偏差原因）'}"
        if entry.measure:
            text += f"；纠偏措施：{entry.measure.rstrip('。；')}"
        parts.append(f"{text}。")
    return "\n".join(parts)
