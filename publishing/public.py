"""The public site (绩效信息公开): the published reports, each one's page and official PDF.

No sign-in. Every page of a report that is not public now (never published, withdrawn,
reopened, not approved, not there) and every other path under /public/ answers the same
plain 404. Pages and PDFs carry ETag and Last-Modified with ``Cache-Control: public``; a
report's page is rendered once per publication, version, stored PDF and template release,
kept in the "documents" cache (keys of immutable content), and answered from there without a
query for a few seconds (``publishing.caching``); the list is kept there for a minute under
the latest event and workflow move (a reopen changes the list without an event).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from perfeval.converters import IdConverter
from reports import archive, tasks
from reports.sending import stored_file_response

from . import selectors
from .caching import CACHE, STANDING_SECONDS, page_forget, standing_key
from .forms import PublicFilterForm

MAX_AGE = 300  # seconds a browser or proxy may keep a public page before asking again
PAGE_CACHE = LIST_CACHE = CACHE
LIST_CACHE_SECONDS = 60  # a renamed department shows within a minute
PAGE_SIZE = 20


@functools.cache
def templates_digest() -> str:
    """The public templates as this process renders them: a release that changes them
    changes every ETag and cache key."""
    digest = hashlib.sha256()
    for path in sorted((Path(settings.BASE_DIR) / "templates" / "publishing").glob("*.html")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def not_found(request, exception=None) -> HttpResponse:
    """The one answer for anything that is not public: it says nothing of what exists."""
    return HttpResponse(render_to_string("publishing/404.html"), status=404)


def _public(response: HttpResponseBase, etag: str, last_modified: int | None) -> HttpResponseBase:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@login_not_required
@require_safe
def public_list(request):
    form = PublicFilterForm(request.GET)
    year, name = form.filters()
    number = request.GET.get("page", "1")
    number = number if IdConverter.is_valid(number) else "1"
    events, moves = selectors.list_stamp()
    filters = hashlib.sha256(repr((year, name, number, form.errors)).encode()).hexdigest()[:16]
    etag = f'"list-{events}-{moves}-{templates_digest()}-{filters}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        key = f"public-list:{etag}"
        html = caches[LIST_CACHE].get(key)
        if html is None:
            html = _list_html(form, year=year, name=name, number=number)
            caches[LIST_CACHE].set(key, html, LIST_CACHE_SECONDS)
        response = HttpResponse(html)
    return _public(response, etag, None)


def _list_html(form: PublicFilterForm, *, year: int | None, name: str, number: str) -> str:
    rows = selectors.published_list(year=year, department=name)
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    query = urlencode({key: value for key, value in (("year", year), ("q", name)) if value})
    return render_to_string(
        "publishing/list.html",
        {
            "form": form,
            "year": year,
            "name": name,
            "years": selectors.published_years(),
            "page": page,
            "rows": [selectors.listed_row(row) for row in page.object_list],
            "query": query,
        },
    )


@login_not_required
@require_safe
def public_report(request, pk: int):
    cache = caches[PAGE_CACHE]
    standing = cache.get(standing_key(pk))
    if standing is None:
        standing = _standing(pk)
        if standing is None:
            return not_found(request)
        cache.set(standing_key(pk), standing, STANDING_SECONDS)
    etag, last_modified, html = standing
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(html)
    return _public(response, etag, last_modified)


def _standing(pk: int) -> tuple[str, int, str] | None:
    """The public page's ETag, Last-Modified and HTML, None unless it is public now."""
    stamp = selectors.published_stamp(report_id=pk)
    if stamp is None:
        return None
    etag = f'"{stamp.event_id}-{stamp.version_id}-{stamp.pdf_sha256[:16]}-{templates_digest()}"'
    key = f"public-report:{etag}"
    html = caches[PAGE_CACHE].get(key)
    if html is None:
        html = _report_html(pk)
        if html is None:  # withdrawn or reopened a moment ago
            return None
        caches[PAGE_CACHE].set(key, html)
    return etag, int(stamp.at.timestamp()), html


def _report_html(pk: int) -> str | None:
    published = selectors.public_report(report_id=pk)
    if published is None:
        return None
    pdf = getattr(published.version, "pdf", None)
    if pdf is None and not tasks.runs_inline():
        tasks.official_pdf_enqueue(version_ids=[published.version.pk])
    return render_to_string("publishing/report.html", {"published": published, "pdf": pdf})


@login_not_required
@require_safe
def public_pdf(request, pk: int):
    """The official PDF: the archive's stored file, rendered first if not stored yet."""
    stamp = selectors.published_stamp(report_id=pk)
    if stamp is None:
        return not_found(request)
    etag = f'"{stamp.pdf_sha256}"'
    if stamp.pdf_sha256:
        unchanged = get_conditional_response(request, etag=etag)
        if unchanged is not None:
            return _public(unchanged, etag, None)
    version = archive.standing_version(report_id=pk)
    if version is None or version.pk != stamp.version_id:
        return not_found(request)
    try:
        pdf = archive.version_pdf(version=version)
    except archive.NotApproved:  # reopened while it rendered
        return not_found(request)
    if not stamp.pdf_sha256:  # rendered just now: the page shows its size and hash
        page_forget(pk)
    etag = f'"{pdf.sha256}"'
    last_modified = int(pdf.created_at.timestamp())
    response: HttpResponseBase | None = get_conditional_response(
        request, etag=etag, last_modified=last_modified
    )
    if response is None:
        response = stored_file_response(
            pdf.file,
            filename=archive.report_filename(version.report),
            content_type="application/pdf",
        )
        response["X-Content-SHA256"] = pdf.sha256
    return _public(response, etag, last_modified)


@login_not_required
def public_other(request):
    return not_found(request)
