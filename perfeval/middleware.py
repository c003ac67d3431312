"""Middleware of the project: the Content Security Policy on pages only; sliding sessions."""

import time

from csp.constants import HEADER
from csp.middleware import CSPMiddleware

# Documents a browser runs as pages; everything else (PDF, XLSX, ZIP, JSON) runs no script.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml")


class PageCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, leaving out responses that are not pages.

    Chrome shows an inline PDF (our watermarked previews) inside a page of its own that a
    policy without inline styles and with object-src 'none' leaves blank (crbug.com/271452).
    """

    def process_response(self, request, response):
        had_policy = HEADER in response
        response = super().process_response(request, response)
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if not had_policy and content_type not in PAGE_TYPES and HEADER in response:
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
