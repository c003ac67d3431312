"""Pages kept rendered until something moves: an approved report's page, the approved list
and the dashboard.

They change only when something *moves*: a report, a target or a monitoring round through
the workflow, a report published or withdrawn, an official PDF stored, a department edited.
Each of those bumps the ``MOVES`` *generation*, kept in the shared "generations" cache
(settings.CACHES), and every key includes it: a bump in any process of any server makes
every kept page stale at once. Between two bumps, a repeated request costs two or three
cache reads rather than building the page.

The dashboard also shows drafts' figures, which change with every clerk's save: it is kept
in *parts*, each over the reports of a block of ``PART_DEPARTMENTS`` departments
(dashboard/parts.py), each under its own generation. A report's totals refreshed
(reports/totals.py), a report moved or deleted, a department saved: each bumps the part of
that department only, so that a country's dashboard is made again from one stale part and
the kept others.

A kept page is named by what makes it differ (the user's permissions on the report, or their
scope and the filters) and by what its menu shows of the user (``menu_of``); a part shared by
users who may do the same (an approved report's body) is kept on its own (``kept``). What
belongs to one request is never kept: a page with messages is made for it, and each form's
CSRF token is put in when the page is served.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control

T = TypeVar("T")

CACHE = "pages"
GENERATIONS = "generations"
MOVES = "moves"
# Every dashboard part's keys (bumped by migrate and flush, with the others).
EPOCH = "epoch"
# Departments per part of the dashboard: a part is a few thousand reports a year at most.
PART_DEPARTMENTS = 2048
# Not pages: the roles each user's groups carry (departments/roles.py), asked on every request.
ROLES = "roles"
# Rendered where each form's CSRF token goes, and replaced by the request's own token.
CSRF_PLACEHOLDER = "csrf-7f3a9c1e5b2d4860-placeholder"


def _new() -> str:
    return uuid.uuid4().hex[:16]


def generation(kind: str = MOVES) -> str:
    """The current generation of ``kind``. Read it before reading what the page shows: a page
    built from data read before a bump is then kept under the old generation, never read."""
    cache = caches[GENERATIONS]
    name = f"generation:{kind}"
    value = cache.get(name)
    if value is None:
        cache.add(name, _new(), timeout=None)
        value = cache.get(name)
    return value


def generations(kinds: list[str]) -> dict[str, str]:
    """The current generations of ``kinds``, read at once (``generation`` of each)."""
    cache = caches[GENERATIONS]
    names = {kind: f"generation:{kind}" for kind in kinds}
    found = cache.get_many(list(names.values()))
    for kind, name in names.items():
        if name not in found:
            found[name] = generation(kind)
    return {kind: found[name] for kind, name in names.items()}


def part_of(department_id: int) -> int:
    """The dashboard part a department's reports are counted in."""
    return department_id // PART_DEPARTMENTS


def part_kind(part: int) -> str:
    return f"part:{part}"


def parts_bump(department_ids: Iterable[int]) -> None:
    """Make the dashboard parts of these departments stale (``bump``)."""
    for part in sorted({part_of(pk) for pk in department_ids}):
        bump(part_kind(part))


def part_moved(sender, subject=None, instance=None, **kwargs) -> None:
    """A receiver (reports/apps.py): a report moved or deleted, or a department saved, makes
    its department's dashboard part stale."""
    row = subject if subject is not None else instance
    department_id = row.pk if sender._meta.label == "departments.Department" else row.department_id
    if department_id is not None:
        parts_bump([department_id])


def bump(kind: str = MOVES) -> None:
    """Make every page kept under the generation of ``kind`` stale: now, and again when the
    current transaction commits (a request in between may have kept what it read before)."""
    cache = caches[GENERATIONS]
    name = f"generation:{kind}"
    cache.set(name, _new(), timeout=None)
    transaction.on_commit(lambda: cache.set(name, _new(), timeout=None))


def migrated(sender, using: str = "default", **kwargs) -> None:
    """A receiver of ``post_migrate`` (reports/apps.py), sent by ``migrate`` and ``flush`` (a
    restore): the cache's table made when the cache is in the database
    (PERFEVAL_PAGE_CACHE=database), and every kept page made stale, since they may be of
    another database's rows under the same ids."""
    from django.core.cache.backends.db import DatabaseCache
    from django.core.management import call_command

    if any(isinstance(caches[name], DatabaseCache) for name in (CACHE, GENERATIONS)):
        call_command("createcachetable", database=using, verbosity=0)
    for kind in (MOVES, EPOCH, ROLES):
        bump(kind)


def moved(sender, **kwargs) -> None:
    """A receiver of what moves (reports/apps.py, publishing/apps.py): bumps ``MOVES``."""
    bump(MOVES)


def key(generations: str | tuple[str, ...], *parts: object) -> str:
    """The cache key of a kept part named by ``parts`` (ids, permissions, filters), under the
    generations read before its data."""
    digest = hashlib.sha256(repr((generations, parts)).encode()).hexdigest()[:40]
    return f"page:{digest}"


def page(
    request, generations: tuple[str, ...], parts: tuple, render: Callable[[dict], HttpResponse]
) -> HttpResponse:
    """The page named by ``parts`` for this user, kept until a bump of ``generations`` (read by
    the view before anything else): 304 Not Modified when the browser's copy is still it, the
    kept copy when there is one, else ``render(extra_context)``'s, kept.

    The page is kept per user: the menu shows who they are and their unread notices
    (``menu_of``). ``extra_context`` puts ``CSRF_PLACEHOLDER`` where each form's CSRF token
    goes; the request's own token replaces it when the page is served. A page with messages
    (after a form) is made for the request and not kept.
    """
    page_key = key(generations, *parts, menu_of(request))
    validator = f"W/{etag(page_key)}"  # weak: each copy holds its own CSRF token
    keep = not messages_waiting(request)
    html = None
    if keep:
        not_modified = get_conditional_response(request, etag=validator)
        if not_modified is not None:
            return revalidated(not_modified)
        html = caches[CACHE].get(page_key)
    if html is None:
        response = render({"csrf_token": CSRF_PLACEHOLDER})
        if response.status_code != 200:  # a redirect, a refusal: as it is
            return response
        html = response.content.decode()
        if keep:
            caches[CACHE].set(page_key, html)
    response = HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
    if keep:
        response["ETag"] = validator
    return revalidated(response)


def kept(key: str, make: Callable[[], T]) -> T:
    """What is kept under ``key`` (made with ``key()``), shared by everyone the key names;
    ``make()`` makes it when missing: a part of pages (render it inside a ``page``, so that its
    forms hold ``CSRF_PLACEHOLDER``), or a file made from an approved version."""
    cache = caches[CACHE]
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value)
    return value


def etag(key: str) -> str:
    """A strong validator made from a key."""
    return f'"{key.removeprefix("page:")[:32]}"'


def revalidated(response):
    """Browsers keep the page but ask every time (the page is private and access is checked
    on every request); the answer is then 304 Not Modified while it has not changed."""
    patch_cache_control(response, private=True, no_cache=True)
    return response


def query_part(request, names: frozenset[str], *, longest: int = 100) -> tuple | None:
    """The query string as part of a key, when it holds only ``names``, once each and short;
    None for any other (made for the request, not kept: no one fills the cache by inventing
    query strings)."""
    items = []
    for name, values in request.GET.lists():
        if name not in names or len(values) != 1 or len(values[0]) > longest:
            return None
        items.append((name, values[0]))
    return tuple(sorted(items))


def menu_of(request) -> tuple:
    """What the page's menu shows of the signed-in user (templates/base.html), for ``etag``."""
    from deadlines.selectors import menu_unread_count

    from .access import dashboard_visible

    user = request.user
    return (
        user.pk,
        user.get_username(),
        user.first_name,
        str(user.department) if user.department_id else "",
        user.is_staff,
        dashboard_visible(user),
        menu_unread_count(request),
    )


def messages_waiting(request) -> bool:
    """Whether the page will show messages (after a form), which no kept copy has."""
    from django.contrib.messages import get_messages

    return len(get_messages(request)) > 0
