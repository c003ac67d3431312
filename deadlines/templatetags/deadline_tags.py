"""The navigation bar's count of unread notifications."""

from django import template

from ..selectors import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    return unread_count(user=user) if user.is_authenticated else 0
