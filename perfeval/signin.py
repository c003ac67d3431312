"""Why someone is at the sign-in page: a first visit, a page that needs signing in, or a
session that ran out (with or without a post the editor kept), so the page says the right thing.

A session that ran out leaves nothing behind: its cookie expires in the browser when the
session does. So a browser where someone signed in keeps a small cookie of its own
(``SIGNED_IN_COOKIE``, no personal data) until they sign out; a visitor sent to the sign-in
page from another page with that cookie and no session was signed in and timed out.
"""

from __future__ import annotations

from django.conf import settings

from .landing import LoginView

SIGNED_IN_COOKIE = "perfeval_signed_in"
SIGNED_IN_COOKIE_AGE = 90 * 24 * 60 * 60  # seconds: longer than anyone stays away in a year

WELCOME = "welcome"  # came to sign in
SENT = "sent"  # sent here by a page that needs signing in; not signed in here before, or signed out
EXPIRED = "expired"  # was signed in on this browser; the session ran out
EXPIRED_KEPT = "expired-kept"  # ran out as they saved: the editor kept what they posted


def signin_reason(request, next_url: str) -> str:
    """Why the visitor of the sign-in page is there (``next_url``: the safe page to go back to,
    or "")."""
    from reports.views.edit import STASH_PREFIX  # the editor's post kept across sign-in

    if any(key.startswith(STASH_PREFIX) for key in request.session.keys()):
        return EXPIRED_KEPT
    if not next_url:
        return WELCOME
    if request.COOKIES.get(SIGNED_IN_COOKIE):
        return EXPIRED
    return SENT


class SignInView(LoginView):
    """The sign-in page (each role landing where its work is), told why the visitor came."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reason"] = signin_reason(self.request, context[self.redirect_field_name])
        context["session_hours"] = settings.SESSION_COOKIE_AGE // 3600
        return context


class SignedInCookieMiddleware:
    """Set ``SIGNED_IN_COOKIE`` for a signed-in browser, and delete it when they sign out
    (on the site or in the admin). Below AuthenticationMiddleware, to know who is signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        was_signed_in = user is not None and user.is_authenticated
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and not request.COOKIES.get(SIGNED_IN_COOKIE):
            response.set_cookie(
                SIGNED_IN_COOKIE,
                "1",
                max_age=SIGNED_IN_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif was_signed_in and not signed_in:
            response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")
        return response
