"""Template filters for figures as a Chinese finance office prints them, and for pages."""

from decimal import Decimal
from functools import cache

from django import template

from perfeval.numbers import money_text, num, rate_text

register = template.Library()


@register.filter
def money(value) -> str:
    """2,575.66 — thousands separators and two places; blank for no value."""
    if value is None or value == "":
        return ""
    return money_text(value)


@register.filter
def pct(value) -> str:
    """123.10% — as every rate prints (``numbers.rate_text``); a dash where there is no budget
    to measure against."""
    return rate_text(None if value is None or value == "" else Decimal(value))


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


@register.filter
def options(bound_field) -> list[tuple[str, str, bool]]:
    """A choice field's options as (value, label, chosen), for a select written out in a page.

    Far cheaper than the widget, which renders a template for every option.
    """
    value = bound_field.value()
    chosen = "" if value is None else str(value)
    return [(str(key), label, str(key) == chosen) for key, label in bound_field.field.choices]


@register.filter
def display(instance, field_name: str) -> str:
    """``instance.get_<field>_display()``, without rebuilding the field's choices every time.

    Django makes a dict of every choice, translating each label, at each call; pages that show
    a status or an action several times pay for it again and again.
    """
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field.attname)
    return str(_choice_labels(field).get(value, value))


@cache
def _choice_labels(field) -> dict:
    # Lazy labels, translated when shown: the choices of a field never change in a process.
    return dict(field.flatchoices)
