"""Money as the app stores it: Decimal 万元 with two places, never negative."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

NEGATIVE_AMOUNT_MESSAGE = _("金额不能为负数：请填写 0 或正数（单位：万元）。")


class MoneyField(models.DecimalField):
    """An amount in 万元: up to 999,999,999,999.99, two decimal places, not below zero."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "validators", [MinValueValidator(Decimal("0"), message=NEGATIVE_AMOUNT_MESSAGE)]
        )
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", 14), ("decimal_places", 2)):
            if kwargs.get(key) == default:
                del kwargs[key]
        kwargs.pop("validators", None)
        return name, path, args, kwargs


def non_negative(model_name: str, *fields: str) -> list[models.BaseConstraint]:
    """Database guards that mirror MoneyField's validator, one per field."""
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{field}__gte": 0}) | models.Q(**{f"{field}__isnull": True}),
            name=f"{model_name}_{field}_not_negative",
            violation_error_message=NEGATIVE_AMOUNT_MESSAGE,
        )
        for field in fields
    ]


def money_checks_in_python(self: models.Model, exclude=None) -> None:
    """``Model.validate_constraints`` leaving the ``non_negative`` guards to MoneyField's own
    validator (the same rule, run in Python by ``clean_fields``) rather than asking the
    database once per amount: a form of “三公”经费 lines asked nine times on every save. The
    database still enforces them on every write. A model takes it as its
    ``validate_constraints``."""
    money = {f.name for f in self._meta.concrete_fields if isinstance(f, MoneyField)}
    models.Model.validate_constraints(self, exclude={*(exclude or ()), *money})
