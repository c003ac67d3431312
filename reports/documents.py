"""A report's document as its page shows it: rendered once per approval, then kept.

Rendering the document (figures, scores, narrative, checks) is most of a report page's cost.
An approved report's document cannot change while it stays approved: its text, lines and
results are locked (reports/guards.py) until a superuser reopens it, which is a transition
of its own, and approving it again is another; its framework is locked once a report uses it
(scoring/models.py). So the approval (the transition that made the current ApprovedVersion)
names the content. The rest comes from the report's row, its department's and its
framework's, which the page reads anyway: the key holds all of their fields, so renaming a
department makes a new entry rather than showing the old name. Other reports are rendered
every time.

Only the document is kept, never the page: who may see it, the buttons and the history are
worked out for every request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .checks import ERROR, Check
from .editor import checks_shown
from .models import Report, ReportTransition
from .selectors import ReportData, report_document

# A cache of its own (settings.CACHES): entries are keyed by immutable content, so one per
# process is never stale, with any number of workers and servers.
CACHE = "documents"


@dataclass(frozen=True)
class DocumentHtml:
    """The page's two parts made from the document: the checks above, the document itself."""

    checks: SafeString
    body: SafeString
    # What they were made from, when made for this request (not read back from the cache):
    # the report's figures and its checks as the page lists them.
    data: ReportData | None = None
    shown: tuple[Check, ...] = ()


def report_document_html(
    *, report: Report, transitions: Sequence[ReportTransition]
) -> DocumentHtml:
    """The rendered checks and document of ``report``, given all of its transitions.

    ``report`` comes with its department and framework, as ``report_for`` loads it.
    """
    key = approved_document_key(report=report, transitions=transitions)
    if key is None:
        return _render(report)
    cache = caches[CACHE]
    stored = cache.get(key)
    if stored is not None:
        checks, body = stored
        return DocumentHtml(checks=mark_safe(checks), body=mark_safe(body))
    html = _render(report)
    cache.set(key, (str(html.checks), str(html.body)))
    return html


def approved_document_key(*, report: Report, transitions: Sequence[ReportTransition]) -> str | None:
    """The cache key of an approved report's document; None for one that may still change."""
    if report.status != Report.Status.APPROVED or not transitions:
        return None
    approval = max(transitions, key=lambda transition: transition.pk)
    if approval.action != ReportTransition.Action.APPROVE or approval.report_id != report.pk:
        return None
    digest = hashlib.sha256()
    for row in (report, report.department, report.framework):
        digest.update(_row_repr(row).encode())
    return f"report-document:{report.pk}:{approval.pk}:{digest.hexdigest()}"


def _row_repr(row: Model) -> str:
    values = [(field.attname, getattr(row, field.attname)) for field in row._meta.concrete_fields]
    return f"{row._meta.label}{values!r}"


def _render(report: Report) -> DocumentHtml:
    doc = report_document(report=report)
    shown = checks_shown(doc.data)  # what is left to fill, one line per untouched page
    context = {"doc": doc, "errors": [check for check in shown if check.severity == ERROR]}
    return DocumentHtml(
        checks=render_to_string("reports/_checks.html", context),
        body=render_to_string("reports/_document.html", context),
        data=doc.data,
        shown=tuple(shown),
    )
