"""The section editor: saving, stale saves refused, posts kept across an expired session."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from perfeval import access
from scoring import table

from .. import comments, editor, workflow
from ..checks import ERROR
from ..models import Report
from ..selectors import report_data
from ..year import report_year
from .access import editable_report_for, report_for

STASH_PREFIX = "stashed-post:"
SAVED_TAG = "section-saved"
UNSAVED_TAG = "section-unsaved"  # the form shows input the server has not saved


@login_not_required
def report_edit(request, pk: int, section: str = "overview"):
    if not request.user.is_authenticated:
        # The session ran out while the clerk typed: keep what they posted for after sign-in.
        if request.method == "POST":
            request.session[STASH_PREFIX + request.path] = dict(request.POST.lists())
        return redirect_to_login(request.get_full_path())
    report = report_for(request.user, pk)
    # The department's clerk, kept out by the report's state (submitted, approved), not by a
    # permission: a page to read is the report's, where that state is explained; a post
    # keeps its input on the page with the same explanation (section_save refuses it).
    state = not access.may(request.user, access.CHANGE, report) and access.may(
        request.user, access.SUBMIT, report
    )
    if state and request.method == "GET":
        messages.info(request, workflow.state_note(report))
        return redirect("report_detail", pk=report.pk)
    if not state:
        report = editable_report_for(request.user, pk)
    page = editor.SECTIONS_BY_KEY.get(section)
    if page is None:
        raise Http404("报告中没有这一部分。")
    stashed = request.session.pop(STASH_PREFIX + request.path, None)
    if request.method == "POST" or stashed:
        posted = _posted(request, report, page, stashed)
        if isinstance(posted, HttpResponse):
            return posted
        bundle, token, conflict = posted
    else:
        bundle, token, conflict = page.build(report), page.token(report), None
    context = _edit_context(request, report, page, bundle)
    context |= {"snapshot": token, "conflict": conflict}
    return render(request, f"reports/edit/{page.template}", context)


def _posted(request, report: Report, page, stashed: dict | None):
    """The page's bound forms, snapshot token and conflict after a post (or a post kept
    across sign-in), or the redirect once it is saved."""
    # Not a post: the post kept across sign-in (``stashed``) is what the page was given.
    data = request.POST if request.method == "POST" or stashed is None else _querydict(stashed)
    bundle = page.build(report, data)
    token, conflict = data.get("snapshot", ""), None
    if stashed and request.method == "GET":
        messages.warning(
            request,
            "登录已过期，已恢复您上次提交但未保存的内容：请核对后点击“保存”。",
            extra_tags=UNSAVED_TAG,
        )
        return bundle, token, conflict
    outcome = editor.page_post(
        report=report, page=page, bundle=bundle, token=token, user=request.user
    )
    if outcome.saved:
        # The tag tells the page's script the save went through (drafts kept in the browser
        # for this section are dropped: reports/edit/_unsaved.html).
        messages.success(request, f"已保存“{page.title}”。", extra_tags=SAVED_TAG)
        return redirect("report_edit", pk=report.pk, section=page.key)
    if outcome.error:
        messages.error(request, outcome.error)
    if outcome.stale:
        conflict = outcome.conflict
        # Saving again now means "mine over theirs", decided with their changes in view.
        token = page.token(stored_copy(report))
    return bundle, token, conflict


def _edit_context(request, report: Report, page, bundle: dict) -> dict:
    # Form validation wrote the clerk's input onto ``report``; checks speak of what is stored.
    data = report_data(report=stored_copy(report))
    shown = editor.checks_shown(data)
    beside = editor.checks_beside_fields(data)
    states = editor.section_states(data)
    context = {
        "report": report,
        "page": page,
        "sections": [(s, states[s.key]) for s in editor.SECTIONS],
        "bundle": bundle,
        "formsets": [(prefix, title, bundle[prefix]) for prefix, _, title in page.formsets],
        "data": data,
        # What is left to fill on a page nothing is filled in on yet is one line, not one
        # error per line (editor.checks_shown); each field still shows its own check below.
        "check_links": check_links(report, shown),
        "shown_errors": [check for check in shown if check.severity == ERROR],
        "field_checks": _checks_by_field(beside),
        "session_seconds": settings.SESSION_COOKIE_AGE,
        "transition_url": reverse("report_transition", args=[report.pk]),
        # Review comments beside their fields and rows; the banner of a returned report.
        **_review_context(report, page.key, request.user),
    }
    if page.key == "scores":
        context["year"] = report_year(report=report)
        context["grid"] = editor.grid_rows(
            table.selfeval_rows(data.scorecard), bundle["grid"], beside, context["year"]
        )
        context["scorecard"] = data.scorecard
    if isinstance(page, editor.ProjectTablesSection):
        context["projects"] = page.parts(bundle=bundle, data=data, checks=beside)
    return context


def stored_copy(report: Report) -> Report:
    return Report.objects.select_related("department", "framework").get(pk=report.pk)


def _querydict(stashed: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in stashed.items():
        data.setlist(key, values)
    return data


def check_links(report, checks) -> list[tuple]:
    """Each check with the editor address where it is fixed."""
    return [(check, _check_url(report, check)) for check in checks]


def _check_url(report, check) -> str:
    section, anchor = editor.check_anchor(check.field)
    url = reverse("report_edit", args=[report.pk, section])
    return f"{url}#{anchor}" if anchor else url


def _checks_by_field(checks) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for check in checks:
        grouped.setdefault(check.field.removeprefix("narrative-"), []).append(check)
    return grouped


def _review_context(report, section: str, user) -> dict:
    here = comments.editor_review(report=report, section=section, user=user)
    return {"review": here.review, "review_here": here}
