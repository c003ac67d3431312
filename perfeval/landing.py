"""Where each role lands: the one rule, for the sign-in redirect and the home page.

Reviewers (and administrators) land on their queue in the admin, clerks on their reports,
auditors on the approved reports they read and download.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import views as auth_views
from django.urls import reverse

from departments import roles


@dataclass(frozen=True)
class Landing:
    """A page where a user's work is: its URL name and what the page is called."""

    name: str
    label: str

    @property
    def url(self) -> str:
        return reverse(self.name)


QUEUE = Landing("admin:index", "审核队列")
REPORTS = Landing("home", "我的报告")
ARCHIVE = Landing("archive", "已批准报告")


def landing(user) -> Landing:
    """The page ``user``'s work starts from; the most active role decides."""
    held = roles.user_roles(user)
    if held & {roles.REVIEWER, roles.ADMIN} and user.is_staff:
        return QUEUE
    if roles.CLERK in held:
        return REPORTS
    if roles.AUDITOR in held:
        return ARCHIVE
    return REPORTS


def landing_url(user) -> str:
    return landing(user).url


class LoginView(auth_views.LoginView):
    """Django's sign-in page; without a ``next`` page to return to, it sends each role to
    where its work is."""

    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user)
