"""The 监控表's edit form: its header and one small form per indicator row."""

from __future__ import annotations

from django import forms

from .models import CheckpointReport, ProgressRow
from .services import HEADER_FIELDS, ROW_FIELDS

TEXT_AREA = {"rows": 2, "class": "form-control form-control-sm"}


class CheckpointHeaderForm(forms.ModelForm):
    class Meta:
        model = CheckpointReport
        fields = HEADER_FIELDS
        widgets = {
            "budget": forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            "executed": forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            "expected_year": forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            "execution_reason": forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            "execution_measure": forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # 1—6月执行数: the period the figure counts, as the printed forms head it.
        self.fields["executed"].label = f"{self.instance.checkpoint.name}执行数（万元）"


class ProgressRowForm(forms.ModelForm):
    class Meta:
        model = ProgressRow
        fields = ROW_FIELDS
        widgets = {
            "year_target": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "actual_to_date": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "expected_year": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "likelihood": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "at_risk": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "reason_category": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "reason": forms.Textarea(attrs=TEXT_AREA),
            "measure": forms.Textarea(attrs=TEXT_AREA),
        }


def row_forms(rows: list[ProgressRow], data=None) -> list[ProgressRowForm]:
    """A form per row, named by its indicator (``row-<indicator id>-<field>``)."""
    return [ProgressRowForm(data, instance=row, prefix=f"row-{row.indicator_id}") for row in rows]
