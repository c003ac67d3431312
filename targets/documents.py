"""The 部门整体绩效目标表 as PDF (the report's print style) and as an .xlsx sheet."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.template.loader import render_to_string
from openpyxl import Workbook

from perfeval.numbers import ZERO
from perfeval.print import (
    BOLD_FONT,
    MONEY_FORMAT,
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

from .models import TargetForm, TargetRow
from .selectors import form_rows

TEMPLATE = "targets/pdf/target_form.html"
SHEET = "绩效目标表"
COLUMN_LABELS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值类型",
    "指标值",
    "计量单位",
    "指标解释",
    "评（扣）分标准",
)
COLUMN_WIDTHS = (12, 16, 24, 10, 16, 9, 32, 32)


@dataclass(frozen=True)
class BudgetLine:
    """A line of the 年度预算 block: by source on the left, by structure on the right."""

    source: str
    source_amount: Decimal | None
    structure: str
    structure_amount: Decimal | None


def _sum(*amounts: Decimal | None) -> Decimal | None:
    known = [amount for amount in amounts if amount is not None]
    return sum(known, ZERO) if len(known) == len(amounts) else None


def budget_lines(form: TargetForm) -> list[BudgetLine]:
    return [
        BudgetLine("财政拨款", form.budget_fiscal, "基本支出", form.budget_basic),
        BudgetLine("其他资金", form.budget_other, "项目支出", form.budget_project),
        BudgetLine(
            "合计",
            _sum(form.budget_fiscal, form.budget_other),
            "合计",
            _sum(form.budget_basic, form.budget_project),
        ),
    ]


def title(form: TargetForm) -> str:
    return f"{form.year}年度部门整体绩效目标表"


def version_line(form: TargetForm) -> str:
    """第 2 版（依据第 1 版调整），调整原因：…; nothing for the version declared first."""
    if not form.is_adjustment:
        return ""
    based = f"（依据第 {form.based_on.number} 版调整）" if form.based_on else "（调整）"
    return f"第 {form.number} 版{based}，调整原因：{form.adjustment_reason or '未填写'}"


def filename(form: TargetForm, extension: str) -> str:
    """浏阳市人大常委会机关2022年度部门整体绩效目标表（第1版）.pdf, the state if not approved."""
    state = "" if form.status == Report.Status.APPROVED else f"，{form.get_status_display()}"
    return f"{form.department.name}{title(form)}（第{form.number}版{state}）.{extension}"


def value_text(row: TargetRow) -> str:
    """指标值 as the form prints it: the comparator and the value, the unit in its column."""
    return f"{row.comparator}{row.value}" if row.value else ""


def target_pdf(*, form: TargetForm) -> bytes:
    """The form as PDF; a form not approved carries its state across every page."""
    rows = form_rows(form=form)
    context = {
        "form": form,
        "title": title(form),
        "version_line": version_line(form),
        "status_line": status_line(form),
        "budget": budget_lines(form),
        "columns": COLUMN_LABELS,
        "watermark": "" if form.status == Report.Status.APPROVED else form.get_status_display(),
    }

    def render(lines: list[IndicatorLine]) -> str:
        return render_to_string(TEMPLATE, {**context, "lines": lines})

    return form_pdf(render, rows)


def _header(sheet: FormSheet, form: TargetForm) -> int:
    """Title, version and state, 部门名称, 年度预算 and 年度总体目标; returns the next row."""
    last = sheet.last_column
    sheet.put(1, 1, title(form), to=(1, last), font=TITLE_FONT, boxed=False)
    sheet.ws.row_dimensions[1].height = 30
    row = 2
    for said in (version_line(form), status_line(form)):
        if said:
            sheet.put(row, 1, said, to=(row, last), align="left", boxed=False)
            sheet.fit(row, [(said, 1, last)])
            row += 1
    sheet.put(row, 1, "单位：万元", to=(row, last), align="right", boxed=False)
    row += 1
    sheet.put(row, 1, "部门（单位）名称", to=(row, 2), font=BOLD_FONT)
    sheet.put(row, 3, form.department.name, to=(row, last), align="left")
    row += 1
    budget = budget_lines(form)
    sheet.put(row, 1, "年度预算", to=(row + len(budget), 2), font=BOLD_FONT)
    sheet.put(row, 3, "按资金来源", to=(row, 5), font=BOLD_FONT)
    sheet.put(row, 6, "按支出结构", to=(row, last), font=BOLD_FONT)
    for line in budget:
        row += 1
        sheet.put(row, 3, line.source, to=(row, 4))
        sheet.put(row, 5, line.source_amount, number_format=MONEY_FORMAT)
        sheet.put(row, 6, line.structure, to=(row, 7))
        sheet.put(row, 8, line.structure_amount, number_format=MONEY_FORMAT)
    row += 1
    sheet.put(row, 1, "年度总体目标", to=(row, 2), font=BOLD_FONT)
    sheet.put(row, 3, form.annual_goal, to=(row, last), align="left")
    sheet.fit(row, [(form.annual_goal, 3, last)])
    row += 1
    sheet.put(row, 1, "年度绩效指标", to=(row, last), font=BOLD_FONT)
    return row + 1


def _cells(row: TargetRow) -> list[str]:
    return [
        str(row.get_value_type_display()),
        value_text(row),
        row.unit,
        row.explanation,
        row.standard,
    ]


def target_workbook(*, form: TargetForm) -> Workbook:
    """The form in the official layout, one sheet: header block, then the indicator table."""
    workbook = Workbook()
    sheet = FormSheet(workbook.active, SHEET, COLUMN_WIDTHS)
    header_row = _header(sheet, form)
    for column, label in enumerate(COLUMN_LABELS, start=1):
        sheet.put(header_row, column, label, font=BOLD_FONT)
    last_row = sheet.indicator_rows(header_row + 1, indicator_lines(form_rows(form=form)), _cells)
    sheet.print_setup(header_row=header_row, last_row=max(last_row - 1, header_row))
    workbook.properties.title = f"{form.department.name} {title(form)}"
    workbook.properties.creator = "perfeval"
    return workbook


def target_pdf_response(*, form: TargetForm) -> HttpResponse:
    return pdf_response(target_pdf(form=form), filename(form, "pdf"))


def target_xlsx_response(*, form: TargetForm) -> HttpResponse:
    return xlsx_response(workbook_bytes(target_workbook(form=form)), filename(form, "xlsx"))
