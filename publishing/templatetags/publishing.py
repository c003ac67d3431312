"""``{% publication_panel report %}``: the report page's panel of its public state."""

from django import template

from perfeval import access
from perfeval.policy import PUBLISH
from reports.models import Report

from ..selectors import is_published, latest_event

register = template.Library()


@register.inclusion_tag("publishing/_panel.html", takes_context=True)
def publication_panel(context, report: Report) -> dict:
    user = context["request"].user
    event = latest_event(report=report)
    may_publish = access.may(user, PUBLISH, report)
    return {
        "report": report,
        "event": event,
        "published": is_published(report=report, event=event),
        "may_publish": may_publish,
        # Nothing to say of a report never published that the user cannot publish.
        "shown": may_publish or event is not None,
    }
