"""The target form's page forms: the header, one form per indicator row, an adjustment."""

from __future__ import annotations

from django import forms

from perfeval.fields import TextLimitValidator
from perfeval.limits import COMMENT_MAX_CHARS
from reports.models import MAX_YEAR, MIN_YEAR

from .checks import quantity_error
from .models import BUDGET_FIELDS, TargetForm, TargetRow
from .services import ROW_FIELDS


class HeaderForm(forms.ModelForm):
    """年度总体目标, the budget by source and structure, and an adjustment's reason."""

    class Meta:
        model = TargetForm
        fields = ["adjustment_reason", "annual_goal", *BUDGET_FIELDS]
        widgets = {
            "annual_goal": forms.Textarea(attrs={"rows": 5}),
            "adjustment_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_adjustment:
            del self.fields["adjustment_reason"]
        for name in BUDGET_FIELDS:
            self.fields[name].widget.attrs |= {"inputmode": "decimal", "step": "0.01"}

    def validate_unique(self):
        """The service writes; uniqueness of department, year and version is not typed."""


class RowForm(forms.ModelForm):
    """The target of one level-3 indicator; prefixed by the indicator's id."""

    class Meta:
        model = TargetRow
        fields = list(ROW_FIELDS)
        widgets = {
            "explanation": forms.Textarea(attrs={"rows": 2}),
            "standard": forms.Textarea(attrs={"rows": 2}),
        }

    def validate_unique(self):
        """One row per indicator is the form's structure, not something typed."""

    def clean(self):
        cleaned = super().clean() or {}
        message = quantity_error(cleaned.get("value_type", ""), cleaned.get("value", "") or "")
        if message:
            self.add_error("value", message)
        return cleaned


class AdjustForm(forms.Form):
    reason = forms.CharField(
        label="调整原因",
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[TextLimitValidator(COMMENT_MAX_CHARS)],
        error_messages={"required": "请填写调整原因：写明为什么需要调整已批准的绩效目标。"},
    )


class StartForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "required": "请填写年度，如 2023。",
            "invalid": "年度应为四位数字，如 2023。",
            "min_value": f"年度不能早于 {MIN_YEAR} 年。",
            "max_value": f"年度不能晚于 {MAX_YEAR} 年。",
        },
    )
