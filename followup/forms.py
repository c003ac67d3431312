"""The forms of 问题整改's pages: the list's filters, an item's update, a reviewer's item."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from perfeval.limits import COMMENT_MAX_CHARS, NARRATIVE_MAX_CHARS
from reports.models import MAX_YEAR, MIN_YEAR

from .models import OWNER_MAX_CHARS, ProblemItem

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YEAR_ERRORS = {
    "min_value": f"年度不能早于 {MIN_YEAR} 年。",
    "max_value": f"年度不能晚于 {MAX_YEAR} 年。",
    "invalid": "请填写四位数的年度，如 2023。",
    "required": "请填写年度。",
}
DATE_ERRORS = {"invalid": "请填写有效的日期，如 2024-06-30。"}


class ProblemFilterForm(forms.Form):
    """The list's filters, read from the query string; an invalid one is left out."""

    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label="整改状态",
        required=False,
        choices=[("", "全部状态"), ("overdue", "已逾期"), *ProblemItem.Status.choices],
    )
    department = forms.TypedChoiceField(label="部门", required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, years: list[int], departments: list[tuple[int, str]]):
        super().__init__(data)
        year_field = self.fields["year"]
        department_field = self.fields["department"]
        assert isinstance(year_field, forms.ChoiceField)
        assert isinstance(department_field, forms.ChoiceField)
        year_field.choices = [("", "全部年度"), *((y, f"{y} 年") for y in years)]
        department_field.choices = [("", "全部部门"), *departments]

    def filters(self) -> dict:
        self.is_valid()
        return {
            name: value
            for name, value in (getattr(self, "cleaned_data", None) or {}).items()
            if name not in self.errors and value not in (None, "")
        }


class ProblemUpdateForm(forms.Form):
    """What a clerk or reviewer changes of an item, and the note that goes into its record."""

    measure = forms.CharField(
        label="改进措施",
        required=False,
        max_length=NARRATIVE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    owner = forms.CharField(label="责任人或责任科室", required=False, max_length=OWNER_MAX_CHARS)
    due_date = forms.DateField(
        label="整改期限", required=False, widget=DATE_INPUT, error_messages=DATE_ERRORS
    )
    status = forms.ChoiceField(
        label="整改状态",
        choices=ProblemItem.Status.choices,
        error_messages={"invalid_choice": "请选择整改状态：未整改、整改中或已整改。"},
    )
    note = forms.CharField(
        label="整改情况说明",
        required=False,
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="改变状态或说明进展时填写；标为“已整改”时必填。",
    )


class ProblemIssueForm(forms.Form):
    """A reviewer's problem (审核意见) for a department they review."""

    department: forms.ModelChoiceField = forms.ModelChoiceField(
        label="部门",
        queryset=None,
        empty_label="请选择部门",
        error_messages={
            "required": "请选择部门。",
            "invalid_choice": "请从列表中选择您审核的部门。",
        },
    )
    year = forms.IntegerField(
        label="发现年度", min_value=MIN_YEAR, max_value=MAX_YEAR, error_messages=YEAR_ERRORS
    )
    text = forms.CharField(
        label="存在的问题",
        max_length=NARRATIVE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写存在的问题。"},
    )
    measure = forms.CharField(
        label="改进措施（建议）",
        required=False,
        max_length=NARRATIVE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_date = forms.DateField(
        label="整改期限", required=False, widget=DATE_INPUT, error_messages=DATE_ERRORS
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year - 1)
