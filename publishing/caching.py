"""The public report page as each process keeps it, and forgetting it when the report's
public state changes.

A repeated request for a public page asks nothing of the database: the process keeps the
page with its validators for ``STANDING_SECONDS``. A publication, withdrawal or workflow move
(a reopen) in this process forgets it at once; another process sees the change within those
seconds, far less than the five minutes browsers and proxies may keep the page anyway
(``Cache-Control: max-age``).
"""

from __future__ import annotations

from django.core.cache import caches
from django.db import transaction

# Keys made from immutable content (settings.CACHES); the standing entries expire quickly.
CACHE = "documents"
STANDING_SECONDS = 10


def standing_key(report_id: int) -> str:
    return f"public-standing:{report_id}"


def page_forget(report_id: int) -> None:
    """Forget the report's public page in this process, now and when the transaction ends
    (a request meanwhile may have kept the state before it)."""
    key = standing_key(report_id)
    caches[CACHE].delete(key)
    transaction.on_commit(lambda: caches[CACHE].delete(key))


def report_moved(sender, subject, **kwargs) -> None:
    """``reports.workflow.transitioned``: a reopened report leaves the public site at once."""
    from reports.models import Report

    if isinstance(subject, Report):
        page_forget(subject.pk)
