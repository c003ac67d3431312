"""Forms of a project's 项目支出绩效自评表 in the clerk's editor: its header and its indicator
rows (一级/二级指标 chosen from the project's framework, as one select of pairs)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django import forms

from budgets.forms import money_formfield

from .layout import Layout
from .models import ProjectAssessment, ProjectIndicator

HEADER_FIELDS: tuple[str, ...] = ("competent_department", "implementing_unit", "initial_budget")
HEADER_FIELDS += ("execution_reason", "goal", "goal_result", "conclusion", "problems", "measures")
ROW_FIELDS = ("name", "target", "actual", "points", "score", "deviation")

NUMBER_HELP = "请输入数字，例如 4 或 3.5。"
PLACE_SEPARATOR = " / "
PLACE_MISSING = "请选择一级、二级指标。"
PLACE_INVALID = "请从列表中选择本表格式的一级、二级指标。"
ROW_GONE = "有指标行已不存在或不属于本项目：请刷新页面，核对后重新填写。"


def one_line(**attrs) -> forms.Textarea:
    """A value on one line that grows to show all of its text (static/js/editor.js)."""
    return forms.Textarea(
        attrs={"rows": 1, "class": "form-control form-control-sm", "data-single-line": ""} | attrs
    )


class AssessmentForm(forms.ModelForm):
    """The header of a project's table: who runs it, its 年初预算数, the reason for a low
    execution rate, the year's target and what was done, and the conclusion. The project's
    name and money are its line in “项目”, shown beside the form, never typed twice."""

    class Meta:
        model = ProjectAssessment
        fields = HEADER_FIELDS
        formfield_callback = money_formfield
        widgets = {
            "execution_reason": forms.Textarea(attrs={"rows": 3}),
            "goal": forms.Textarea(attrs={"rows": 3}),
            "goal_result": forms.Textarea(attrs={"rows": 3}),
            "conclusion": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }


class PointsField(forms.DecimalField):
    """A 分值 or 得分 as clerks type it (full-width digits too), at most 100."""

    def __init__(self, *, label: str, required: bool):
        messages = {
            "required": f"请填写{label}。",
            "invalid": f"{label}{NUMBER_HELP}",
            "min_value": f"{label}不能为负数：请填写 0 或正数。",
            "max_value": f"{label}不能超过 100 分。",
            "max_digits": f"{label}位数过多：请填写不超过 100 的数，最多两位小数。",
            "max_decimal_places": f"{label}最多保留两位小数。",
            "max_whole_digits": f"{label}位数过多：请填写不超过 100 的数。",
        }
        super().__init__(
            label=label,
            required=required,
            min_value=Decimal("0"),
            max_value=Decimal("100"),
            max_digits=6,
            decimal_places=2,
            error_messages=messages,
            widget=forms.TextInput(
                attrs={"inputmode": "decimal", "class": "form-control form-control-sm text-end"}
            ),
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip().removesuffix("分")
        return super().to_python(value)


class IndicatorForm(forms.ModelForm):
    """A 三级指标 row under one of the framework's 一级/二级指标."""

    place = forms.ChoiceField(
        label="一级指标 / 二级指标",
        error_messages={"required": PLACE_MISSING, "invalid_choice": PLACE_INVALID},
    )
    points = PointsField(label="分值", required=True)
    score = PointsField(label="得分", required=False)

    class Meta:
        model = ProjectIndicator
        fields = ("place", *ROW_FIELDS)
        widgets = {
            "name": one_line(),
            "target": one_line(),
            "actual": one_line(),
            "deviation": forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
        }
        error_messages = {"name": {"required": "请填写三级指标。"}}

    def __init__(self, *args, layout: Layout, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {
            f"{group.name}{PLACE_SEPARATOR}{child}": (group.name, child)
            for group in layout.groups
            for child in group.children
        }
        place = self.fields["place"]
        assert isinstance(place, forms.ChoiceField)
        place.choices = [("", "请选择"), *((key, key) for key in self.places)]
        if self.instance.pk is not None:
            stored = f"{self.instance.level1}{PLACE_SEPARATOR}{self.instance.level2}"
            self.initial["place"] = stored if stored in self.places else ""

    def clean(self):
        data = super().clean()
        place = self.cleaned_data.get("place")
        if place in self.places:
            self.instance.level1, self.instance.level2 = self.places[place]
        return data

    def _update_errors(self, errors):
        # The model's own rules speak of level1/level2, which this form shows as ``place``.
        if hasattr(errors, "error_dict"):
            moved = [
                *errors.error_dict.pop("level1", []),
                *errors.error_dict.pop("level2", []),
                *errors.error_dict.pop("assessment", []),
                *errors.error_dict.pop("report", []),
            ]
            if moved:
                errors.error_dict.setdefault("place", []).extend(moved)
        super()._update_errors(errors)  # type: ignore[misc]  # private in the stubs


class BaseIndicatorFormSet(forms.BaseInlineFormSet):
    """A project's rows: each new row belongs to the project's report and comes after the
    rows stored before it."""

    def __init__(self, *args, layout: Layout, **kwargs):
        kwargs["form_kwargs"] = {"layout": layout}
        super().__init__(*args, **kwargs)
        stored = [row.order for row in self.get_queryset()]
        self.next_order = max(stored, default=-1) + 1

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]  # private
        form.instance.report_id = self.instance.report_id
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        form.instance.report_id = self.instance.report_id
        return form

    def clean(self):
        super().clean()
        # A row posted under an id this project does not hold (deleted meanwhile, or another
        # project's): Django would drop it silently.
        if any(form.instance.pk is None for form in self.initial_forms):
            raise forms.ValidationError(ROW_GONE)

    def save_new(self, form, commit=True):
        form.instance.order = self.next_order
        self.next_order += 1
        return super().save_new(form, commit=commit)


IndicatorFormSet = forms.inlineformset_factory(
    ProjectAssessment,
    ProjectIndicator,
    form=IndicatorForm,
    formset=BaseIndicatorFormSet,
    fk_name="assessment",
    extra=1,
    can_delete=True,
)
