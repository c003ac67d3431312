"""The navigation bar's count of unread notifications."""

from django import template

from ..selectors import menu_unread_count, unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context, user) -> int:
    request = context.get("request")
    if request is not None and request.user == user:
        return menu_unread_count(request)
    return unread_count(user=user) if user.is_authenticated else 0
