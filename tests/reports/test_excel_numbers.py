"""Numbers read from 自评表 cells: thousands separators only in groups of three."""

from decimal import Decimal as D

import pytest

from sheets.cells import NotANumber, parse_number


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2,320.58", D("2320.58")),
        ("1,961.17", D("1961.17")),
        ("2320.58", D("2320.58")),
        ("２，３２０．５８", D("2320.58")),
        ("2,092.38万元", D("2092.38")),
        (" 1 961.17 ", D("1961.17")),
        ("3 分", D("3")),
    ],
)
def test_cells_with_separators_in_groups_of_three_are_read(cell, expected):
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["7,1,0.12", "1,2,3", "23,20.58", "7 1 0.12"])
def test_cells_with_separators_out_of_groups_of_three_are_not_numbers(cell):
    with pytest.raises(NotANumber):
        parse_number(cell)
