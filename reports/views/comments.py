"""Review comments posted from the admin's review page, the editor and the report's page:
each post is one service call, and goes back where it came from."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from perfeval import access

from .. import comments
from ..models import Report, ReviewComment
from .access import report_for

ACTIONS: dict[str, tuple[Callable[..., object], str]] = {
    "reply": (comments.comment_reply, "已回复“{}”的审核意见。"),
    "resolve": (comments.comment_resolve, "已将“{}”的审核意见标记为已解决。"),
    "reopen": (comments.comment_reopen, "已重新打开“{}”的审核意见。"),
}

UNREADABLE = (
    "提交的内容无法识别（含有无法保存的字符，或不是页面上的按钮）：请在页面上重新填写后提交。"
)


class CommentForm(forms.Form):
    """What a post may carry. Emptiness and length are for the services to judge (they say
    what to fix); the form refuses only what no text may hold, such as a NUL character."""

    anchor = forms.CharField(required=False, max_length=64)
    text = forms.CharField(required=False, strip=False)
    action = forms.ChoiceField(required=False, choices=[(key, key) for key in ACTIONS])


def _back(request, report: Report, comment: ReviewComment | None = None):
    """To the safe ``next`` the form came with; else to the comment beside its place in the
    editor (or on the report's page, for whoever may not edit the report)."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        if comment is not None and "#" not in target:
            target += f"#comment-{comment.thread_id or comment.pk}"
        return HttpResponseRedirect(target)
    if comment is None:
        return redirect("report_detail", pk=report.pk)
    anchor = _anchor(report, comment)
    thread = comments.Thread(comment, anchor)
    editable = access.may(request.user, access.CHANGE, report)
    return redirect(comments.thread_url(thread=thread, report=report, editable=editable))


def _anchor(report: Report, comment: ReviewComment) -> comments.Anchor:
    found = comments.anchors_of(report=report, keys=[comment.anchor])
    return found.get(comment.anchor) or comments.Anchor(
        comment.anchor, comments.UNKNOWN_PLACE, comments.SECTION_ORDER[0]
    )


def _refused(request, refused: comments.CommentRefused, what: str) -> None:
    if refused.forbidden:
        raise PermissionDenied(refused.message)
    messages.error(request, f"{what}：{refused.message}")


@require_POST
def comment_add(request, pk: int):
    report = report_for(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"未添加审核意见：{UNREADABLE}")
        return _back(request, report)
    try:
        comment = comments.comment_add(
            report=report,
            user=request.user,
            anchor=form.cleaned_data["anchor"],
            text=form.cleaned_data["text"],
        )
    except comments.CommentRefused as refused:
        _refused(request, refused, "未添加审核意见")
        return _back(request, report)
    messages.success(request, f"已添加审核意见：{_anchor(report, comment).label}。")
    return _back(request, report, comment)


@require_POST
def comment_thread(request, pk: int, thread: int):
    """A reply to a thread (``action`` reply, the default), or marking it done or open."""
    report = report_for(request.user, pk)
    root = ReviewComment.objects.filter(pk=thread, report=report, thread=None).first()
    if root is None:
        raise Http404("没有找到这条审核意见。")
    root.report = report
    # A page with several threads posts one form: each thread's reply box is named for it.
    text = request.POST.get(f"text-{root.pk}", request.POST.get("text", ""))
    form = CommentForm({"text": text, "action": request.POST.get("action", "")})
    if not form.is_valid():
        messages.error(request, f"未保存：{UNREADABLE}")
        return _back(request, report, root)
    service, done = ACTIONS[form.cleaned_data["action"] or "reply"]
    try:
        service(thread=root, user=request.user, text=form.cleaned_data["text"])
    except comments.CommentRefused as refused:
        _refused(request, refused, "未保存")
    else:
        messages.success(request, done.format(_anchor(report, root).label))
    return _back(request, report, root)
