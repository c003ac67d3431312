"""Forms of the report pages that are not sections of the editor."""

from django import forms
from django.db.models import Q, QuerySet

from departments.models import Department
from scoring.models import GradeBand

from .models import ApprovedVersion, Report


class ArchiveFilterForm(forms.Form):
    """Filters of the approved-reports list, read from the query string."""

    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    department = forms.ModelChoiceField(
        label="部门", required=False, queryset=Department.objects.none(), empty_label="全部部门"
    )
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
        self.fields["year"].choices = [("", "全部年度"), *((y, f"{y} 年") for y in years)]
        self.fields["department"].queryset = Department.objects.filter(
            pk__in=approved.values("department")
        ).order_by("code")
        grades = GradeBand.objects.order_by("-min_score").values_list("name", flat=True)
        self.fields["grade"].choices = [("", "全部等级"), *((g, g) for g in dict.fromkeys(grades))]

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
