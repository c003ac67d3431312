"""The money arithmetic, without a database."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgets.calc import (
    Amounts,
    BudgetFigures,
    ThreePublicAmounts,
    ThreePublicItem,
    money,
    rate_pct,
    shares_pct,
    ungrouped,
)

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


def test_rate_is_actual_over_budget_rounded_half_up():
    assert rate_pct(D("2575.66"), D("2092.38")) == D("123.10")
    assert rate_pct(D("614.49"), D("710.12")) == D("86.53")


def test_rate_without_budget_is_none():
    assert rate_pct(D("5.00"), D("0")) is None


def test_shares_cut_all_but_last_which_takes_the_remainder():
    assert shares_pct([D("1846.37"), D("114.80")]) == [D("94.14"), D("5.86")]
    assert shares_pct([D("1961.17"), D("614.49")]) == [D("76.14"), D("23.86")]
    assert shares_pct([D("2320.58"), D("255.08")]) == [D("90.09"), D("9.91")]


def test_shares_of_nothing_are_none():
    assert shares_pct([D("0"), D("0")]) == [None, None]


@given(st.lists(amounts, min_size=1, max_size=6).filter(lambda parts: sum(parts) > 0))
def test_shares_always_add_up_to_one_hundred(parts):
    shares = shares_pct(parts)
    assert sum(shares) == D("100.00")
    assert all(share >= 0 for share in shares[:-1])


def test_money_rounds_to_two_places():
    assert money("1.005") == D("1.01")
    assert str(money(3)) == "3.00"


def test_basic_is_personnel_plus_public_and_total_adds_projects():
    figures = BudgetFigures(
        income_by_source={"general_budget": D("8"), "other": D("2")},
        spending={
            ("personnel", "fiscal"): Amounts(D("5"), D("4")),
            ("public_operating", "fiscal"): Amounts(D("2"), D("1")),
            ("project", "fiscal"): Amounts(D("2"), D("2")),
            ("project", "other"): Amounts(D("1"), D("1")),
        },
        three_public_items=(
            ThreePublicItem(
                "official_reception", "公务接待费", ThreePublicAmounts(D("1"), D("0.5"), D("0.8"))
            ),
        ),
    )
    assert figures.basic == Amounts(D("7"), D("5"))
    assert figures.expenditure == Amounts(D("10"), D("8"))
    assert figures.fiscal_funds == Amounts(D("9"), D("7"))
    assert figures.other_funds == Amounts(D("1"), D("1"))
    assert figures.basic_share_pct == D("62.50")
    assert figures.project_share_pct == D("37.50")
    assert figures.income_fiscal_share_pct == D("80.00")
    assert figures.three_public.change == D("-0.3")
    assert figures.three_public.rate_pct == D("50.00")


def test_calc_codes_match_the_model_choices():
    from budgets import calc
    from budgets.models import ExpenditureLine, FundSource, IncomeLine

    assert {calc.PERSONNEL, calc.PUBLIC_OPERATING, calc.PROJECT} == set(
        ExpenditureLine.Nature.values
    )
    assert {calc.FISCAL, calc.OTHER} == set(FundSource.values)
    assert set(calc.FISCAL_INCOME_SOURCES) == set(IncomeLine.FISCAL_SOURCES)
    assert calc.CARRYOVER == IncomeLine.Source.CARRYOVER


def test_income_splits_into_fiscal_other_and_carryover():
    figures = BudgetFigures(
        income_by_source={
            "general_budget": D("900"),
            "government_fund": D("50"),
            "operations": D("30"),
            "carryover": D("20"),
        }
    )
    assert figures.income_fiscal == D("950")
    assert figures.income_carryover == D("20")
    assert figures.income_non_fiscal == D("30")
    assert BudgetFigures().income_carryover == D("0")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,320.58", "2320.58"),
        ("1,961.17", "1961.17"),
        ("2320.58", "2320.58"),
        ("12,345,678.90", "12345678.90"),
        ("2 320.58", "2320.58"),
        ("2, 320.58 ", "2320.58"),
        ("-1,234", "-1234"),
        ("", ""),
    ],
)
def test_separators_in_groups_of_three_are_removed(text, expected):
    assert ungrouped(text) == expected


@pytest.mark.parametrize("text", ["7,1,0.12", "1,2,3", "23,20.58", "0,123", "1,2345", "7 1 0.12"])
def test_separators_out_of_groups_of_three_refuse_the_number(text):
    assert ungrouped(text) is None
