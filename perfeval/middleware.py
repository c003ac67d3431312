"""The Content Security Policy on pages only."""

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
