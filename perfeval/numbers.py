"""Numbers as perfeval reckons and prints them: the one zero, cents and percent, and how an
amount, a rate or a score is written on every page, in the PDF and in the exports.

No Django here: the arithmetic (budgets.calc, scoring.core, scoring.rules) imports it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")

# What prints for a figure not filled in yet (or a rate with nothing to measure against).
DASH = "—"


def num(value: Decimal) -> str:
    """A weight or score as people write it: 30, 2.5, 0.69."""
    text = f"{Decimal(value):f}"
    return _without_trailing_zeros(text)


def score_text(value: Decimal) -> str:
    """A score to two places without trailing zeros: 99, 98.5."""
    return _without_trailing_zeros(f"{value:.2f}")


def _without_trailing_zeros(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def rate_text(value: Decimal | None) -> str:
    """A rate or share in percent as every part of a report prints it: 123.10%.

    The one place that decides it (the 自评表's header and rows, the narrative, the Excel
    export, the rules' working), so that one rate never prints two ways in one document.
    "—" where there is nothing to measure against.
    """
    if value is None:
        return DASH
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)}%"


def money_text(value: Decimal | float | int | str, unit: str = "") -> str:
    """2,575.66 — thousands separators and two places, then ``unit`` (a chart's 万元)."""
    return f"{Decimal(value):,.2f}{unit}"


def axis_text(value: Decimal | float | int, unit: str = "") -> str:
    """30, 2.5, 1,200 — a chart's number as people write it, then ``unit``."""
    return f"{_without_trailing_zeros(money_text(value))}{unit}"


def amount_text(value: Decimal | None) -> str:
    """万元 as the report's text prints them: two places, a bare 0 for nothing, — for not
    filled in (never a made-up 0)."""
    if value is None:
        return DASH
    return "0" if not value else f"{value:.2f}"
