"""Forms of the report pages that are not sections of the editor."""

from typing import cast

from django import forms
from django.db.models import Q, QuerySet

from departments.models import Department
from perfeval.limits import UPLOAD_MAX_BYTES
from scoring.models import GradeBand
from sheets.measure import name_refusal, size_refusal

from .models import MAX_YEAR, MIN_YEAR, ApprovedVersion, Report

DEPARTMENT_CHOICES_MAX = 200


class ArchiveFilterForm(forms.Form):
    """Filters of the approved-reports list, read from the query string."""

    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label="部门", required=False, coerce=int, empty_value=None)
    grade = forms.ChoiceField(label="等级", required=False)
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "部门名称、编码或地区", "type": "search"}),
    )

    def __init__(self, data, *, reports: QuerySet[Report]):
        super().__init__(data)
        approved = reports.filter(status=Report.Status.APPROVED)
        years = approved.order_by("-year").values_list("year", flat=True).distinct()
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            ("", "全部年度"),
            *((y, f"{y} 年") for y in years),
        ]
        departments = list(
            Department.objects.filter(pk__in=approved.values("department"))
            .order_by("code")
            .values_list("pk", "name")[: DEPARTMENT_CHOICES_MAX + 1]
        )
        if len(departments) > DEPARTMENT_CHOICES_MAX:
            # Thousands of departments are found by the search box, not in a list; a link that
            # names one (from the dashboard) still filters.
            self.fields["department"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        else:
            cast(forms.ChoiceField, self.fields["department"]).choices = [
                ("", "全部部门"),
                *departments,
            ]
        grades = GradeBand.objects.order_by("-min_score").values_list("name", flat=True)
        cast(forms.ChoiceField, self.fields["grade"]).choices = [
            ("", "全部等级"),
            *((g, g) for g in dict.fromkeys(grades)),
        ]

    def filter(self, versions: QuerySet[ApprovedVersion]) -> QuerySet[ApprovedVersion]:
        """Narrow the versions to the valid filters; an invalid filter is left out."""
        if not self.is_bound:
            return versions
        self.is_valid()
        data = self.cleaned_data
        if data.get("year"):
            versions = versions.filter(report__year=data["year"])
        if data.get("department"):
            versions = versions.filter(report__department=data["department"])
        if data.get("grade"):
            versions = versions.filter(grade=data["grade"])
        if q := (data.get("q") or "").strip():
            versions = versions.filter(
                Q(report__department__name__icontains=q)
                | Q(report__department__code__icontains=q)
                | Q(report__department__region__icontains=q)
                | Q(report__department__reporting_unit__icontains=q)
            )
        return versions


class SelfevalUploadForm(forms.Form):
    """A filled 自评表 to import into a report."""

    file = forms.FileField(
        label="自评表文件（.xlsx）",
        help_text=(
            f"本系统导出的自评表，或按同样格式手工填写的表格；不超过 {UPLOAD_MAX_BYTES >> 20} MB。"
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # By name here (.xlsm, .xls, .et, .ods, …); by content, whatever the name, on reading.
        if message := name_refusal(upload.name) or size_refusal(upload.size):
            raise forms.ValidationError(message)
        return upload


class SelfevalAdminUploadForm(SelfevalUploadForm):
    """The administrator may also build a new framework version from the sheet."""

    new_framework = forms.CharField(
        label="按表中的指标新建指标体系",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text="填写新指标体系的名称时，按表中的一、二、三级指标和权重新建一个版本，并让本报告使用它；"
        "留空则按报告现有的指标体系导入。",
    )


class ReportStartForm(forms.Form):
    """Starting a department's next report: the year of its first, or copy or new after that."""

    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "invalid": "年度请填写四位数字，如 2023。",
            "min_value": "年度不能早于 %(limit_value)s 年。",
            "max_value": "年度不能晚于 %(limit_value)s 年。",
        },
    )
    mode = forms.ChoiceField(
        choices=[("copy", "复制上一年度报告"), ("new", "使用默认指标体系新建")],
        required=False,
    )
