"""Template filters for figures as a Chinese finance office prints them."""

from decimal import Decimal

from django import template

from scoring.rules import num

register = template.Library()


@register.filter
def money(value) -> str:
    """2,575.66 — thousands separators and two places; blank for no value."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def pct(value) -> str:
    """123.10% — two places; a dash where there is no budget to measure against."""
    if value is None:
        return "—"
    return f"{Decimal(value):.2f}%"


@register.filter
def points(value) -> str:
    """A weight or score as people write it: 30, 2.5."""
    if value is None or value == "":
        return ""
    return num(Decimal(value))
