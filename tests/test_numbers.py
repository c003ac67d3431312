"""How perfeval writes a figure: the one home of amounts, rates and scores as text."""

from decimal import Decimal as D

from perfeval.numbers import ZERO, amount_text, money_text, num, rate_text, score_text


def test_the_zero_has_two_places_as_every_amount_does():
    assert str(ZERO) == "0.00"


def test_an_amount_in_a_table_has_thousands_separators_and_two_places():
    assert money_text(D("2575.655")) == "2,575.66"
    assert money_text(1200.0, "万元") == "1,200.00万元"


def test_an_amount_in_the_text_is_a_bare_0_for_nothing_and_a_dash_when_not_filled():
    assert [amount_text(v) for v in (D("12.5"), D("0.00"), None)] == ["12.50", "0", "—"]


def test_a_rate_has_two_places_and_a_percent_sign_or_a_dash():
    assert [rate_text(v) for v in (D("123.105"), D("87"), None)] == ["123.11%", "87.00%", "—"]


def test_a_score_drops_its_trailing_zeros():
    assert [num(D("30.00")), num(D("2.50")), num(D("0.69"))] == ["30", "2.5", "0.69"]
    assert [score_text(D("99.00")), score_text(D("98.504"))] == ["99", "98.5"]
