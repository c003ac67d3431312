"""Shared pieces of the admin's CSV/XLSX import and export (django-import-export).

Columns carry Chinese headers and choice labels, so a finance office can read and fill a
sheet without codes; every row is validated like a form (``full_clean``) and a file with any
bad row saves nothing (``IMPORT_EXPORT_USE_TRANSACTIONS``).
"""

import unicodedata
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

from budgets.calc import ungrouped
from budgets.forms import MISGROUPED
from sheets.cells import formula_escaped, formula_unescaped


class SafeTextWidget(widgets.CharWidget):
    """Text written so that no spreadsheet runs it as a formula, and read back unchanged.

    A leading apostrophe is what spreadsheets themselves use to mark "this is text".
    """

    def render(self, value, obj=None, **kwargs):
        return formula_escaped(super().render(value, obj, **kwargs))

    def clean(self, value, row=None, **kwargs):
        return formula_unescaped(super().clean(value, row, **kwargs))


class AmountWidget(widgets.DecimalWidget):
    """A number as offices write it: full-width digits, thousands separators, 万元 after it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or isinstance(value, (int, float, Decimal)):
            return super().clean(value, row, **kwargs)
        text = unicodedata.normalize("NFKC", str(value)).strip()
        plain = ungrouped(text.removesuffix("万元").removesuffix("分").strip())
        if plain is None:
            raise ValueError(f"“{value}”{MISGROUPED}")
        if not plain:
            return None
        try:
            number = Decimal(plain)
        except InvalidOperation:
            raise ValueError(f"“{value}”不是数字：请填写数字，如 2320.58。") from None
        if not number.is_finite():
            raise ValueError(f"“{value}”不是数字：请填写数字，如 2320.58。")
        return number


class ChoiceLabelWidget(widgets.Widget):
    """A choice written as its Chinese label; reading accepts the label or the stored code."""

    def __init__(self, choices, what: str, **kwargs):
        self.choices = list(choices)
        self.what = what
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        for code, label in self.choices:
            if text in (code, str(label)):
                return code
        allowed = "、".join(str(label) for _, label in self.choices)
        raise ValueError(f"“{text}”不是有效的{self.what}：请填写 {allowed} 之一。")

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class ReportWidget(widgets.ForeignKeyWidget):
    """The report a line belongs to, written as its department code; the year column says which.

    Resolved through the app registry so that ``budgets`` and ``scoring`` need not import
    ``reports``.
    """

    year_column = "年度"

    def __init__(self, **kwargs):
        super().__init__(apps.get_model("reports", "Report"), field="department__code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        year = str((row or {}).get(self.year_column) or "").strip()
        if not code or not year.isdigit():
            raise ValueError("请填写“部门编码”和“年度”，以确定这一行属于哪份报告。")
        report = self.model.objects.filter(department__code=code, year=int(year)).first()
        if report is None:
            raise ValueError(
                f"找不到部门编码 {code} 的 {year} 年自评报告：请先在系统中建立该报告，"
                "或改正部门编码和年度。"
            )
        if not report.is_editable:
            raise ValueError(
                f"部门编码 {code} 的 {year} 年自评报告状态为“{report.get_status_display()}”，"
                "不能导入：只有草稿和已退回的报告可以修改。"
            )
        return report


def report_field() -> fields.Field:
    return fields.Field(attribute="report", column_name="部门编码", widget=ReportWidget())


def year_field() -> fields.Field:
    """Read by ``ReportWidget`` to find the report; never written to the line itself."""
    return fields.Field(
        attribute="report__year",
        column_name="年度",
        readonly=True,
        widget=widgets.IntegerWidget(coerce_to_string=False),
    )


def choice_field(attribute: str, column_name: str, choices, what: str) -> fields.Field:
    return fields.Field(
        attribute=attribute, column_name=column_name, widget=ChoiceLabelWidget(choices, what)
    )


def text_field(attribute: str, column_name: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column_name, widget=SafeTextWidget())


def money_field(attribute: str, column_name: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column_name, widget=AmountWidget())


class PerfevalResource(resources.ModelResource):
    """Validate each row like a form; unchanged rows are skipped and reported as such."""

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def import_data(self, dataset, *args, **kwargs):
        # One bad row refuses the whole file, as every import of this app does.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, *args, **kwargs)


class ImportExportAdminMixin(ImportExportMixin):
    """Import and export on an admin list, in the two formats offices use."""

    formats = [base_formats.CSV, base_formats.XLSX]

    def process_import(self, request, **kwargs):
        # The confirmation names a format, a resource and a temporary file: one that is not
        # on offer, or a file the first confirmation consumed (a replay, a second tab) or that
        # never existed, means starting again rather than failing.
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_import_permission(request):
            raise PermissionDenied
        chosen = (request.POST.get("format", ""), request.POST.get("resource", "0"))
        offered = (len(self.get_import_formats()), len(self.get_import_resource_classes(request)))
        if all(
            value.isdigit() and int(value) < count
            for value, count in zip(chosen, offered, strict=True)
        ):
            try:
                return super().process_import(request, **kwargs)
            except FileNotFoundError:
                pass
        messages.error(request, "这次导入已确认过、已过期或无效：请重新选择文件导入。")
        info = self.get_model_info()
        return redirect(f"admin:{info[0]}_{info[1]}_import")

    def get_export_queryset(self, request):
        # The list's filters come along in the query string; ones that are no filter of this
        # list are refused as the list itself refuses them, not left to fail.
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters:
            raise BadRequest("筛选条件无效：请回到列表重新筛选后再导出。") from None
