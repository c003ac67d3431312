"""Pages of the year's dashboard and a department's history, and the table's Excel export."""

from __future__ import annotations

import functools
import io
from datetime import date
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from departments.models import Department
from departments.roles import is_admin
from perfeval import access, pagecache
from perfeval.converters import YearConverter
from perfeval.numbers import ZERO, money_text
from reports.checks import EXECUTION_BAND
from reports.models import Report
from scoring.rules import DEFAULT_GRADE_BANDS
from sheets.cells import keep_as_text

from . import charts, overview, parts
from .overview import DashboardFilters, ReportFigures

BAND = (float(EXECUTION_BAND[0]), float(EXECUTION_BAND[1]))
TABLE_ROWS = 25


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, read from the query string; an invalid one is left out."""

    year = forms.TypedChoiceField(label="年度", coerce=int)
    region = forms.ChoiceField(label="地区", required=False)
    grade = forms.ChoiceField(label="等级", required=False)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *Report.Status.choices]
    )
    sort = forms.ChoiceField(
        label="表格排序",
        required=False,
        choices=[(key, label) for key, (label, _) in overview.SORTS.items()],
    )

    def __init__(self, data, *, year: int, years: list[int], regions: list[str], grades):
        data = data.copy()
        # The year is the page's (in the path); the select shows it and sends it on.
        data["year"] = str(year)
        super().__init__(data)
        self.page_year = year
        _choice(self, "year").choices = [
            (y, f"{y} 年") for y in sorted({*years, year}, reverse=True)
        ]
        _choice(self, "region").choices = [("", "全部地区"), *((r, r) for r in regions)]
        grade_names = list(grades)
        _choice(self, "grade").choices = [("", "全部等级"), *((g, g) for g in grade_names)]
        self.grade_names = [g for g in grade_names if g]  # the choices but 全部等级

    def clean_data(self) -> dict:
        self.is_valid()
        return {
            name: self.cleaned_data.get(name) or ""
            for name in ("region", "grade", "status", "sort")
            if name not in self.errors
        }

    def filters(self) -> DashboardFilters:
        data = self.clean_data()
        return DashboardFilters(
            year=self.page_year,
            region=data.get("region", ""),
            grade=data.get("grade", ""),
            status=data.get("status", ""),
        )

    @property
    def order(self) -> str:
        return self.clean_data().get("sort") or "deviation"

    def query(self) -> str:
        """The valid filters as a query string, for links that keep them."""
        return urlencode({name: value for name, value in self.clean_data().items() if value})


def _require_dashboard(user) -> None:
    if not access.dashboard_visible(user):
        raise PermissionDenied(
            "总览页供审核人、审计员和管理员使用：填报员请在“我的报告”中查看本部门的报告。"
        )


def dashboard_latest(request):
    """The dashboard of the year asked for (the filter form sends it), else the latest."""
    _require_dashboard(request.user)
    params = request.GET.copy()
    year = params.pop("year", [""])[-1]
    if not YearConverter.is_valid(year):
        years = overview.dashboard_years(user=request.user)
        year = years[0] if years else date.today().year - 1
    url = reverse("dashboard", args=[int(year)])
    return redirect(f"{url}?{params.urlencode()}" if params else url)


def _filter_form(request, year: int, generations: parts.Generations) -> DashboardFilterForm:
    user = request.user
    years, regions = parts.choices_of_parts(
        access.visible_reports(user),
        year=year,
        generations=generations,
        name=(access.scope_key(user, Report),),
    )
    return DashboardFilterForm(
        request.GET,
        year=year,
        years=years,
        regions=regions,
        grades=overview.grade_names(reports=overview.dashboard_scope(user=user, year=year)),
    )


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    """A choice field of the form, whose choices the page sets."""
    return cast(forms.ChoiceField, form.fields[name])


def _f(value) -> float | None:
    return None if value is None else float(value)


def _scope_note(user, filters: DashboardFilters) -> str:
    scope = "全部部门" if is_admin(user) else "您可查看的报告"
    parts = [
        scope,
        filters.region,
        filters.grade and f"等级“{filters.grade}”",
        filters.status and str(Report.Status(filters.status).label),
    ]
    return " · ".join(p for p in parts if p)


DASHBOARD_QUERY = frozenset({"year", "region", "grade", "status", "sort"})


def dashboard_page(request, year: int):
    """The year's dashboard, kept per scope and filter, and in parts (dashboard/parts.py):
    a report that moves or changes makes its part and the page stale, not the other parts."""
    generations = parts.generations_read()  # before anything the page shows is read
    _require_dashboard(request.user)
    query = pagecache.query_part(request, DASHBOARD_QUERY)
    render_page = functools.partial(_dashboard_page, request, year, generations)
    if query is None:
        return render_page({})
    name = ("dashboard", year, access.scope_key(request.user, Report), query)
    return pagecache.page(request, generations.page, name, render_page)


def _dashboard_page(request, year: int, generations: parts.Generations, extra: dict):
    form = _filter_form(request, year, generations)
    filters = form.filters()
    reports = overview.dashboard_reports(user=request.user, filters=filters)
    sort = form.order
    dashboard = parts.dashboard_of_parts(
        reports,
        generations=generations,
        name=(access.scope_key(request.user, Report), filters),
        grades=form.grade_names,
        sort=sort,
        rows=TABLE_ROWS,
    )
    summary, rates = dashboard.summary, overview.rates_furthest(dashboard.rates)
    three = summary.three_public
    context = {
        "scope_note": _scope_note(request.user, filters),
        "year": year,
        "form": form,
        "query": form.query(),
        "summary": summary,
        "rows": dashboard.rows,
        "sort_label": overview.SORTS[sort][0],
        "rate_kind": dashboard.rate_kind,
        "rate_count": len(dashboard.rates),
        "rates": rates,
        "band": EXECUTION_BAND,
        "score_chart": charts.column_chart(
            [b.label for b in summary.score_bins],
            [charts.Series("报告数", [b.count for b in summary.score_bins], "s0")],
            height=230,
            value_format=lambda v, unit: f"{v:g}",
            whole=True,
        ),
        "rate_hist": charts.column_chart(
            [b.label for b in summary.rate_bins],
            [
                charts.Series(
                    "在 90%–110% 之间",
                    [b.count if b.in_band else None for b in summary.rate_bins],
                    "in-band",
                ),
                charts.Series(
                    "在区间之外",
                    [None if b.in_band else b.count for b in summary.rate_bins],
                    "out-band",
                ),
            ],
            stacked=True,
            height=230,
            value_format=lambda v, unit: f"{v:g}",
            whole=True,
        ),
        "rate_bars": charts.bar_rows(
            [r.label for r in rates],
            [_f(r.rate) for r in rates],
            band=BAND,
            value_max=130,
            unit="%",
            width=1000,
            label_width=190,
        ),
        "three_chart": charts.column_chart(
            [row.label.replace("购置及运行维护费", "").replace("费", "") for row in three],
            [
                charts.Series("预算数", [_f(r.amounts.budget) for r in three], "s0"),
                charts.Series("决算数", [_f(r.amounts.actual) for r in three], "s1"),
                charts.Series("上年决算数", [_f(r.amounts.previous_actual) for r in three], "s2"),
            ],
            height=240,
            value_format=money_text,
        ),
    }
    return render(request, "dashboard/dashboard.html", context | extra)


# --- Excel --------------------------------------------------------------------------------

HEADER = (
    "年度",
    "部门",
    "地区",
    "状态",
    "总分",
    "等级",
    "支出预算数（万元）",
    "支出执行数（万元）",
    "执行率（%）",
    "偏离 100%（百分点）",
    "基本支出执行数（万元）",
    "项目支出执行数（万元）",
    "“三公”经费预算数（万元）",
    "“三公”经费决算数（万元）",
    "“三公”经费上年决算数（万元）",
    "资金预警数",
    "报告地址",
)


def xlsx_cell(sheet, value):
    """A cell whose text is never read as a formula: "=1+1" stays the text "=1+1"."""
    return keep_as_text(WriteOnlyCell(sheet, value=value))


def dashboard_workbook(rows: list[ReportFigures], *, title: str, base_url: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("总览")
    sheet.append([xlsx_cell(sheet, title)])
    sheet.append([xlsx_cell(sheet, text) for text in HEADER])
    for row in rows:
        values = (
            row.year,
            row.department,
            row.region,
            row.status_label,
            row.score,
            row.grade,
            row.spending.budget,
            row.spending.actual,
            row.rate,
            row.deviation,
            row.basic.actual,
            row.project.actual,
            row.three_public.budget,
            row.three_public.actual,
            row.three_public.previous_actual,
            row.warnings,
            f"{base_url}{reverse('report_detail', args=[row.report_id])}",
        )
        sheet.append([xlsx_cell(sheet, value) for value in values])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def dashboard_export(request, year: int):
    """The dashboard's table as .xlsx: every report matching the filters, in the same order."""
    _require_dashboard(request.user)
    form = _filter_form(request, year, parts.generations_read())
    filters = form.filters()
    reports = overview.dashboard_reports(user=request.user, filters=filters)
    rows = overview.dashboard_rows(reports=reports, sort=form.order, limit=None)
    named = [f"{year} 年", filters.region, filters.grade and f"等级{filters.grade}"]
    if filters.status:
        named.append(str(Report.Status(filters.status).label))
    title = f"部门整体支出绩效自评总览（{'，'.join(p for p in named if p)}）"
    content = dashboard_workbook(
        rows, title=title, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    disposition = content_disposition_header(as_attachment=True, filename=f"总览-{year}.xlsx")
    assert disposition is not None  # always made for an attachment
    response["Content-Disposition"] = disposition
    return response


# --- A department's history ---------------------------------------------------------------


def department_history(request, pk: int):
    """Every year of one department the user may see; 404 when they may see none."""
    department = get_object_or_404(Department, pk=pk)
    rows = overview.history_figures(user=request.user, department=department)
    if not rows:
        raise Http404("没有找到该部门可查看的报告。")
    years = [str(row.year) for row in rows]
    scores = [row.score for row in rows]  # None for a year not scored yet: no point drawn
    low = min(50.0, float(min((s for s in scores if s is not None), default=ZERO)) // 10 * 10)
    context = {
        "department": department,
        "rows": rows,
        "latest": rows[-1],
        "can_see_dashboard": access.dashboard_visible(request.user),
        "band": EXECUTION_BAND,
        "score_chart": charts.line_chart(
            years,
            [charts.Series("总分", [_f(s) for s in scores], "s0")],
            value_min=low,
            value_max=100,
            rules=[(float(minimum), name) for name, minimum in DEFAULT_GRADE_BANDS if minimum],
        ),
        "rate_chart": charts.column_chart(
            years,
            [charts.Series("执行率", [_f(row.rate) for row in rows], "")],
            band=BAND,
            value_max=130,
            unit="%",
            value_format=money_text,
        ),
        "split_chart": charts.column_chart(
            years,
            [
                charts.Series("基本支出", [_f(row.basic.actual) for row in rows], "s0"),
                charts.Series("项目支出", [_f(row.project.actual) for row in rows], "s1"),
            ],
            stacked=True,
            value_format=money_text,
        ),
        "three_chart": charts.column_chart(
            years,
            [
                charts.Series("预算数", [_f(r.three_public.budget) for r in rows], "s0"),
                charts.Series("决算数", [_f(r.three_public.actual) for r in rows], "s1"),
                charts.Series(
                    "上年决算数", [_f(r.three_public.previous_actual) for r in rows], "s2"
                ),
            ],
            value_format=money_text,
        ),
    }
    return render(request, "dashboard/history.html", context)
