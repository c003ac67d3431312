"""A workflow move posted from a document's page (the year's 绩效目标表 and 监控表)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied

from .. import workflow


def transition_posted(request, subject) -> bool:
    """Take the move the page posted (``action``, ``comment``) on ``subject`` and tell the
    user what happened; whether it was taken. A move the user holds no role for is refused as
    a permission (403); one refused for the document's state or content is told as a
    message, with each of its errors."""
    action = request.POST.get("action", "")
    comment = request.POST.get("comment", "")
    try:
        workflow.document_transition(
            subject=subject, user=request.user, action=action, comment=comment
        )
    except workflow.TransitionRefused as refused:
        if not workflow.may_take(user=request.user, report=subject, action=action):
            raise PermissionDenied(refused.message) from None
        messages.error(request, refused.message)
        for error in refused.errors:
            messages.error(request, error)
        return False
    messages.success(request, workflow.done_message(report=subject, action=action))
    return True
