"""Amounts typed into the money forms: the clerk's ways of writing them, and slips refused."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from budgets.forms import MISGROUPED, MoneyFormField


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2,320.58", D("2320.58")),
        ("1,961.17", D("1961.17")),
        ("2320.58", D("2320.58")),
        ("２３２０.５８", D("2320.58")),
        ("２，３２０．５８", D("2320.58")),
        (" 2,320.58 万元", D("2320.58")),
        ("12,345,678.90", D("12345678.90")),
        ("", None),
    ],
)
def test_amounts_typed_with_separators_in_groups_of_three_or_full_width_are_accepted(
    typed, expected
):
    assert MoneyFormField(required=False).clean(typed) == expected


@pytest.mark.parametrize("typed", ["7,1,0.12", "1,2,3", "23,20.58", "７，１，０.１２"])
def test_separators_out_of_groups_of_three_are_refused_with_a_message(typed):
    with pytest.raises(ValidationError) as refused:
        MoneyFormField().clean(typed)
    assert refused.value.messages == [MISGROUPED]
    assert "逗号应每三位数字一组，例如 2,320.58" in MISGROUPED
