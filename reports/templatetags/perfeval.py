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


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template; an empty list when it is missing."""
    return mapping.get(key, []) if mapping else []


@register.filter
def add_class(bound_field, css: str):
    """Render a bound field with extra CSS classes (selects and text inputs in tables)."""
    if bound_field.field.widget.__class__.__name__ in ("Select",):
        css = css.replace("form-control", "form-select")
    existing = bound_field.field.widget.attrs.get("class", "")
    classes = f"{existing} {css}".strip()
    if bound_field.errors:
        classes += " is-invalid"
    return bound_field.as_widget(attrs={"class": classes})
