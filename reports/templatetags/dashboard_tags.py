"""Template filters of the dashboard: whether to offer it in the navigation."""

from django import template

from reports.dashboard import can_see_dashboard as _can_see_dashboard

register = template.Library()


@register.filter
def can_see_dashboard(user) -> bool:
    """The same rule as the dashboard's own; roles are cached on the user, so no query."""
    return _can_see_dashboard(user)
