"""No URL, query parameter or form value makes the site answer 500.

Every route of the URL configuration is tried with hostile path values (huge and negative
integers, text, unicode, a NUL), and with its real values plus a hostile query string and a
hostile form post, by the roles that reach the most code; then replayed and forged tokens.
A view that raises is collected, not stopped at, so one run names every failing URL.
"""

from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.core import signing
from django.test import Client

from tests.urlmap import build_world, site_routes

HOSTILE_VALUES = (
    "99999999999999999999",
    "-1",
    "0",
    "abc",
    "中文",
    "1%00",
    "1e3",
)
HOSTILE_QUERY = {
    "page": "99999999999999999999",
    "p": "-1",
    "o": "abc",
    "year": "99999999999999999999",
    "department": "-5",
    "grade": "中文\u202e",
    "status": "zzz",
    "region": "' OR 1=1 --",
    "q": "<script>alert(1)</script>",
    "sort": "__class__",
    "e": "1",
    "all": "",
    "_changelist_filters": "a=%ZZ",
    "report__id__exact": "99999999999999999999",
    "app_label": "reports",
    "model_name": "report",
    "field_name": "department",
    "term": "中" * 500,
}
# Every field name of every model, and the names the site's own forms use, with values no
# form expects.
FORM_NAMES = {
    "action",
    "comment",
    "mode",
    "version",
    "scope",
    "filters",
    "snapshot",
    "pending",
    "format",
    "resource",
    "import_file_name",
    "original_file_name",
    "_selected_action",
    "index",
    "select_across",
    "post",
    "new_framework",
}
# An admin list's action, on rows that cannot exist.
ACTION_POST = {
    "_selected_action": ["99999999999999999999", "abc", "-1", "中文"],
    "index": "0",
    "post": "yes",
}
HOSTILE_FORM_VALUES = ("99999999999999999999", "-1", "中文\x00", "1e999", "NaN")


def hostile_form() -> dict[str, list[str]]:
    names = set(FORM_NAMES)
    for model in apps.get_models():
        names.update(field.name for field in model._meta.concrete_fields)
    return {name: list(HOSTILE_FORM_VALUES) for name in sorted(names)}


def fetch(client: Client, method: str, url: str, data=None) -> str | None:
    """The request's failure (an exception, or a 500), None if it answered anything else."""
    try:
        response = getattr(client, method)(url, data or {})
    except Exception as error:  # the client re-raises what the view raised
        return f"{method.upper()} {url[:100]}: {type(error).__name__}: {str(error)[:200]}"
    if response.status_code >= 500:
        return f"{method.upper()} {url}: {response.status_code}"
    return None


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["anonymous", "clerk_a", "reviewer_b", "auditor", "superuser"])
@pytest.mark.pdf
def test_no_url_query_or_form_value_makes_a_500(world, users, role):
    world = build_world(users)
    form = hostile_form()
    failures = []
    for route in site_routes():
        # Afresh for every route: a post to a sign-out URL ends the session it came with.
        client = signed_in(world.users[role])
        values = world.values(route)
        if role in ("clerk_a", "superuser"):
            for param in route.params:
                for hostile in HOSTILE_VALUES:
                    url = route.fill(values | {param: quote(hostile, safe="%")})
                    failures.append(fetch(client, "get", url))
        url = route.fill(values)
        failures.append(fetch(client, "get", f"{url}?{urlencode(HOSTILE_QUERY)}"))
        failures.append(fetch(client, "post", url, form))
        if route.name.endswith("_changelist"):
            for action in ("delete_selected", "approve_selected"):
                failures.append(fetch(client, "post", url, {**ACTION_POST, "action": action}))
    failed = [failure for failure in failures if failure]
    assert not failed, "\n".join(failed)


@pytest.mark.pdf
def test_replayed_and_forged_tokens_are_refused_without_a_500(world, users):
    world = build_world(users)
    clerk, admin = signed_in(world.users["clerk_a"]), signed_in(world.users["superuser"])
    draft = world.report_draft
    from reports.views.imports import PENDING_SALT

    gone = signing.dumps("imports/pending/0123456789abcdef.xlsx", salt=PENDING_SALT)
    failures = [
        # A confirmation whose held-back file was already imported (or never existed).
        fetch(clerk, "post", f"/reports/{draft.pk}/import/", {"pending": gone}),
        fetch(clerk, "post", f"/reports/{draft.pk}/import/", {"pending": "forged"}),
        # The editor's snapshot of another section, and one tampered with.
        fetch(
            clerk,
            "post",
            f"/reports/{draft.pk}/edit/overview/",
            {"snapshot": signing.dumps({"x": ["y", "z"]}), "functions": "x"},
        ),
        fetch(clerk, "post", f"/reports/{draft.pk}/edit/scores/", {"snapshot": "x:y:z"}),
        # The admin's import confirmation of a temporary file that is gone.
        fetch(
            admin,
            "post",
            "/admin/budgets/incomeline/process_import/",
            {
                "import_file_name": "0123456789abcdef",
                "original_file_name": "收入.csv",
                "format": "0",
                "resource": "0",
            },
        ),
        fetch(
            admin,
            "post",
            "/admin/budgets/incomeline/process_import/",
            {
                "import_file_name": "../../etc/passwd",
                "original_file_name": "x.csv",
                "format": "0",
                "resource": "0",
            },
        ),
    ]
    failed = [failure for failure in failures if failure]
    assert not failed, "\n".join(failed)
