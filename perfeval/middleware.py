"""Middleware of the project: page-only CSP, sliding sessions, uncached private pages, and
request bodies refused before they are read when larger than any upload."""

import time

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from perfeval.limits import UPLOAD_MAX_BYTES
from sheets.measure import size_refusal

# Documents a browser runs as pages; everything else (PDF, XLSX, ZIP, JSON) runs no script.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def content_type(response) -> str:
    return response.get("Content-Type", "").split(";")[0].strip().lower()


class PageCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, leaving out responses that are not pages.

    Chrome shows an inline PDF (our watermarked previews) inside a page of its own that a
    policy without inline styles and with object-src 'none' leaves blank (crbug.com/271452).
    """

    def process_response(self, request, response):
        had_policy = HEADER in response
        response = super().process_response(request, response)
        if not had_policy and content_type(response) not in PAGE_TYPES and HEADER in response:
            del response[HEADER]
        return response


class SessionRefreshMiddleware:
    """Slide a signed-in session's expiry, writing the session at most once a minute.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) costs a database write
    per page; on SQLite those writes queue behind one lock. An 8-hour inactivity limit does
    not need to move more often than this.
    """

    REFRESH_EVERY = 60  # seconds
    KEY = "_perfeval_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(self.KEY, 0) >= self.REFRESH_EVERY:
                request.session[self.KEY] = now  # marks it modified: saved, cookie renewed
        return response


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every HTML page sent to a signed-in user.

    Such a page shows one department's figures and names the user: no shared proxy may keep
    it, and the browser may not keep it on disk, where the back button or the next person at
    a shared office computer would find it after signing out. A response that already has
    Cache-Control chose it (the official PDF's ``private, no-cache`` with an ETag, Django's
    ``never_cache``) and is left alone; anonymous pages are left to their views.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            content_type(response) in HTML_TYPES
            and "Cache-Control" not in response
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


class RequestBodyLimitMiddleware:
    """Refuse a request body larger than any upload the site takes, before anything reads it.

    Measured on Content-Length, ahead of CsrfViewMiddleware: reading ``request.POST`` would have
    Django parse a multipart body and spool its file to disk first. The largest upload is a
    自评表 (``UPLOAD_MAX_BYTES``), with room for the form around it.
    """

    MULTIPART_OVERHEAD = 64 * 1024  # boundaries, the CSRF token and the other fields
    MAX_BODY = UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: no body
        if length > self.MAX_BODY:
            message = size_refusal(length - self.MULTIPART_OVERHEAD)
            return render(request, "413.html", {"message": message}, status=413)
        return self.get_response(request)
