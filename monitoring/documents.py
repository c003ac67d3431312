"""A department's 绩效运行监控表 at a checkpoint as PDF (the report's print style) and .xlsx."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from django.template.loader import render_to_string
from openpyxl import Workbook

from perfeval.numbers import HUNDRED
from perfeval.print import (
    BOLD_FONT,
    MONEY_FORMAT,
    RATE_FORMAT,
    TITLE_FONT,
    FormSheet,
    IndicatorLine,
    form_pdf,
    indicator_lines,
    pdf_response,
    status_line,
    workbook_bytes,
    xlsx_response,
)
from reports.models import Report

from . import selectors, warnings
from .models import CheckpointReport, ProgressRow

TEMPLATE = "monitoring/pdf/checkpoint_report.html"
SHEET = "运行监控表"
COLUMN_LABELS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "全年指标值",
    "实际完成值",
    "全年预计完成值",
    "完成目标可能性",
    "是否可能偏离目标",
    "偏差原因",
    "纠偏措施",
)
COLUMN_WIDTHS = (10, 14, 20, 14, 14, 14, 10, 10, 28, 28)
ALERT_MARK = "预警"
NOTE = (
    "注：执行率低于检查点应达到的执行率，或指标可能偏离目标、完成目标可能性不是“确定能”的，"
    "为预警，须填写偏差原因和纠偏措施。"
)


def title(report: CheckpointReport) -> str:
    """2022年1—4月部门整体支出绩效运行监控表."""
    return f"{report.checkpoint.year}年{report.checkpoint.name}部门整体支出绩效运行监控表"


def filename(report: CheckpointReport, extension: str) -> str:
    state = "" if report.status == Report.Status.APPROVED else f"（{report.get_status_display()}）"
    return f"{report.department.name}{title(report)}{state}.{extension}"


def reason_text(row: ProgressRow) -> str:
    """偏差原因 as printed: its category first, as the forms list them (经费保障：…)."""
    category = warnings.REASON_CATEGORY_LABELS.get(row.reason_category, "")
    return "：".join(part for part in (category, row.reason.strip()) if part)


def _context(report: CheckpointReport, rows: list[ProgressRow]) -> dict:
    alerts = selectors.report_alerts(report=report, rows=rows)
    return {
        "report": report,
        "checkpoint": report.checkpoint,
        "title": title(report),
        "status_line": status_line(report),
        "execution_alert": next((a for a in alerts if a.kind == warnings.EXECUTION), None),
        "alerted": {a.indicator_id for a in alerts if a.kind == warnings.INDICATOR},
        "reasons": {row.pk: reason_text(row) for row in rows},
        "columns": COLUMN_LABELS,
        "note": NOTE,
        "watermark": "" if report.status == Report.Status.APPROVED else report.get_status_display(),
    }


def checkpoint_report_pdf(*, report: CheckpointReport) -> bytes:
    """The 监控表 as PDF; one not approved carries its state across every page."""
    rows = selectors.report_rows(report=report)
    context = _context(report, rows)

    def render(lines: list[IndicatorLine]) -> str:
        return render_to_string(TEMPLATE, {**context, "lines": lines})

    return form_pdf(render, rows)


def _fraction(rate: Decimal | None) -> Decimal | None:
    """A rate in percent as the sheet keeps it (0.2927, shown 29.27%)."""
    return None if rate is None else rate / HUNDRED


def _header(sheet: FormSheet, report: CheckpointReport, alerted: bool) -> int:
    """Title, state, 部门名称 and the execution block; returns the next row."""
    last = sheet.last_column
    sheet.put(1, 1, title(report), to=(1, last), font=TITLE_FONT, boxed=False)
    sheet.ws.row_dimensions[1].height = 30
    row = 2
    if line := status_line(report):
        sheet.put(row, 1, line, to=(row, last), align="left", boxed=False)
        row += 1
    checkpoint = report.checkpoint
    period = f"统计截止日：{checkpoint.period_end:%Y-%m-%d}    单位：万元"
    sheet.put(row, 1, period, to=(row, last), align="right", boxed=False)
    row += 1
    sheet.put(row, 1, "部门（单位）名称", to=(row, 2), font=BOLD_FONT)
    sheet.put(row, 3, report.department.name, to=(row, last), align="left")
    row += 1
    label = f"预算执行情况（{ALERT_MARK}）" if alerted else "预算执行情况"
    sheet.put(row, 1, label, to=(row + 3, 2), font=BOLD_FONT)
    heads = ("全年预算数", f"{checkpoint.name}执行数", "执行率", "应达到的执行率", "预计全年执行数")
    figures = (
        (report.budget, MONEY_FORMAT),
        (report.executed, MONEY_FORMAT),
        (_fraction(report.execution_rate), RATE_FORMAT),
        (_fraction(checkpoint.expected_share), RATE_FORMAT),
        (report.expected_year, MONEY_FORMAT),
    )
    spans = ((3, 3), (4, 5), (6, 6), (7, 8), (9, 10))
    for head, (value, number_format), (first, end) in zip(heads, figures, spans, strict=True):
        sheet.put(row, first, head, to=(row, end), font=BOLD_FONT)
        sheet.put(row + 1, first, value, to=(row + 1, end), number_format=number_format)
    if alerted:
        sheet.fill(row + 1)
    for offset, (head, text) in enumerate(
        (("偏差原因", report.execution_reason), ("纠偏措施", report.execution_measure)), start=2
    ):
        sheet.put(row + offset, 3, head, font=BOLD_FONT)
        sheet.put(row + offset, 4, text, to=(row + offset, last), align="left")
        sheet.fit(row + offset, [(text, 4, last)])
    row += 4
    sheet.put(row, 1, "绩效目标完成情况", to=(row, last), font=BOLD_FONT)
    return row + 1


def checkpoint_report_workbook(*, report: CheckpointReport) -> Workbook:
    """The 监控表 in the official layout: the execution block, then the indicator table with
    its 预警 rows filled and marked."""
    rows = selectors.report_rows(report=report)
    context = _context(report, rows)
    workbook = Workbook()
    sheet = FormSheet(workbook.active, SHEET, COLUMN_WIDTHS)
    header_row = _header(sheet, report, context["execution_alert"] is not None)
    for column, label in enumerate(COLUMN_LABELS, start=1):
        sheet.put(header_row, column, label, font=BOLD_FONT)

    def cells(row: ProgressRow) -> list[str]:
        return [
            row.year_target,
            row.actual_to_date,
            row.expected_year,
            warnings.LIKELIHOOD_LABELS.get(row.likelihood, ""),
            "是" if row.at_risk else "否",
            context["reasons"][row.pk],
            row.measure,
        ]

    lines = indicator_lines(rows)
    last_row = sheet.indicator_rows(header_row + 1, lines, cells)
    for line in lines:
        if line.item.indicator_id in context["alerted"]:
            row = header_row + 1 + line.index
            sheet.put(row, 3, f"{line.level3}（{ALERT_MARK}）", align="left")
            sheet.fill(row)
    sheet.put(last_row, 1, NOTE, to=(last_row, sheet.last_column), align="left", boxed=False)
    sheet.fit(last_row, [(NOTE, 1, sheet.last_column)])
    sheet.print_setup(header_row=header_row, last_row=last_row)
    workbook.properties.title = f"{report.department.name} {title(report)}"
    workbook.properties.creator = "perfeval"
    return workbook


def checkpoint_report_pdf_response(*, report: CheckpointReport) -> HttpResponse:
    return pdf_response(checkpoint_report_pdf(report=report), filename(report, "pdf"))


def checkpoint_report_xlsx_response(*, report: CheckpointReport) -> HttpResponse:
    data = workbook_bytes(checkpoint_report_workbook(report=report))
    return xlsx_response(data, filename(report, "xlsx"))
