"""Review comments on pages whose views belong to other subjects (the report's page, the
home list, the admin's review page): each tag asks ``reports.comments`` once."""

from django import template

from .. import comments

register = template.Library()


@register.simple_tag(takes_context=True)
def report_review(context, report, anchors=False):
    """``{% report_review report as review %}``: the report's threads for this user."""
    return comments.report_review(report=report, user=context["request"].user, anchors=anchors)


@register.simple_tag(takes_context=True)
def return_banners(context, rows):
    """``{% return_banners rows as banners %}``: the banners of the returned reports of a
    list of (report, …) rows, by report id."""
    reports = [row[0] if isinstance(row, tuple | list) else row for row in rows]
    return comments.return_banners(reports=reports, user=context["request"].user)
