"""Forms for money lines: amounts in 万元 typed the way clerks type them."""

import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from .calc import ungrouped
from .fields import NEGATIVE_AMOUNT_MESSAGE, MoneyField
from .models import ExpenditureLine, IncomeLine, Project, ThreePublicLine

NOT_A_NUMBER = "请输入金额数字（单位：万元），例如 2320.58 或 2,320.58。"
MISGROUPED = (
    "千位分隔符的位置不对：逗号应每三位数字一组，例如 2,320.58 或 1,961.17；"
    "也可以不用逗号，写作 2320.58。"
)


class MoneyInput(forms.TextInput):
    """Shows 2,320.58; accepts what a clerk pastes from Excel."""

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "decimal", "class": "form-control text-end money", "autocomplete": "off"}
            | (attrs or {})
        )

    def format_value(self, value):
        if value in (None, ""):
            return ""
        try:
            return f"{Decimal(str(value)):,.2f}"
        except InvalidOperation:
            return value


class MoneyFormField(forms.DecimalField):
    widget = MoneyInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            # Full-width digits, thousands separators and stray spaces are how numbers arrive.
            value = unicodedata.normalize("NFKC", value).strip().removesuffix("万元")
            value = ungrouped(value)
            if value is None:
                raise ValidationError(MISGROUPED, code="invalid")
        if value in self.empty_values:
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(NOT_A_NUMBER, code="invalid") from None
        if not number.is_finite():
            raise ValidationError(NOT_A_NUMBER, code="invalid")
        return number

    def validate(self, value):
        super().validate(value)
        if value is not None and value < 0:
            raise ValidationError(NEGATIVE_AMOUNT_MESSAGE, code="min_value")


def money_formfield(field, **kwargs):
    if isinstance(field, MoneyField):
        return MoneyFormField(
            label=field.verbose_name, required=not field.blank, help_text=field.help_text
        )
    return field.formfield(**kwargs)


def line_formset(model, fields: list[str], *, extra: int = 1, can_delete: bool = True, **kwargs):
    """A report's lines of one kind as a formset, with amounts typed the clerk's way."""
    return forms.inlineformset_factory(
        parent_model=model._meta.get_field("report").related_model,
        model=model,
        formfield_callback=money_formfield,
        fields=fields,
        extra=extra,
        can_delete=can_delete,
        **kwargs,
    )


IncomeFormSet = line_formset(IncomeLine, ["source", "description", "budget", "actual"])
ExpenditureFormSet = line_formset(
    ExpenditureLine, ["nature", "fund_source", "description", "budget", "actual"]
)
# One line per kind of 三公经费, made with the report: edited, never added or removed.
ThreePublicFormSet = line_formset(
    ThreePublicLine, ["budget", "actual", "previous_actual", "count"], extra=0, can_delete=False
)
ProjectFormSet = line_formset(
    Project,
    ["name", "fund_source", "budget", "actual", "achievement"],
    widgets={"achievement": forms.Textarea(attrs={"rows": 2})},
)
