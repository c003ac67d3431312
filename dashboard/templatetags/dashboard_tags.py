"""Template filters of the dashboard: whether to offer it in the navigation."""

from django import template

from perfeval.access import dashboard_visible

register = template.Library()


@register.filter
def can_see_dashboard(user) -> bool:
    """The same rule as the dashboard's own; roles are cached on the user, so no query."""
    return dashboard_visible(user)
