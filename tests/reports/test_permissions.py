"""The permission matrix: every role × every action, through HTTP and through the command."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.models import Report
from reports.workflow import transition_apply
from tests.conftest import DEMO_DEPARTMENT

ROLES = ["clerk", "clerk_b", "reviewer", "reviewer_b", "auditor", "admin", None]
# Who may do what, each action tried on a report in the state where it is possible.
ALLOWED = {
    "view": {"clerk", "reviewer", "admin"},
    "edit": {"clerk", "admin"},
    "submit": {"clerk", "admin"},
    "approve": {"reviewer", "admin"},
    "return": {"reviewer", "admin"},
    "reopen": {"admin"},
    # The official PDF of an approved report; the watermarked preview of a draft.
    "download": {"clerk", "reviewer", "auditor", "admin"},
    "preview_pdf": {"clerk", "reviewer", "admin"},
}
PDF_ACTIONS = {"download", "preview_pdf"}  # rendered with WeasyPrint
STATE_FOR = {
    "view": "draft",
    "edit": "draft",
    "submit": "draft",
    "approve": "submitted",
    "return": "submitted",
    "reopen": "approved",
    "download": "approved",
    "preview_pdf": "draft",
}


def bring_to(report, state, users):
    if state in ("submitted", "approved"):
        transition_apply(report=report, user=users["clerk"], action="submit")
    if state == "approved":
        transition_apply(report=report, user=users["reviewer"], action="approve")
    report.refresh_from_db()
    assert report.status == state


def http_outcome(client, report, action) -> bool:
    """Whether the action went through over HTTP, asserting the refusal looks right if not."""
    if action == "view":
        response = client.get(f"/reports/{report.pk}/")
        assert response.status_code in (200, 302, 404)
        return response.status_code == 200
    if action in ("download", "preview_pdf"):
        response = client.get(f"/reports/{report.pk}/pdf/")
        assert response.status_code in (200, 302, 403, 404)
        if response.status_code != 200:
            return False
        data = b"".join(response.streaming_content) if response.streaming else response.content
        assert data.startswith(b"%PDF-")
        official = response.headers["Content-Disposition"].startswith("attachment")
        assert official is (action == "download")
        return True
    if action == "edit":
        url = f"/reports/{report.pk}/edit/overview/"
        page = client.get(url)
        token = re.search(r'name="snapshot" value="([^"]+)"', page.content.decode())
        response = client.post(
            url,
            {
                "snapshot": token.group(1) if token else "",
                "report_date": "2023-09-01",
                "functions": "新的职能表述。",
                "organisation": "x",
                "work_plan": "y",
            },
        )
        assert response.status_code in (302, 403, 404)
        report.refresh_from_db()
        return report.functions == "新的职能表述。"
    before = report.status
    response = client.post(
        f"/reports/{report.pk}/transition/", {"action": action, "comment": "意见：请补充。"}
    )
    assert response.status_code in (302, 403, 404)
    report.refresh_from_db()
    return report.status != before


@pytest.mark.parametrize(
    "action",
    [pytest.param(a, marks=pytest.mark.pdf) if a in PDF_ACTIONS else a for a in ALLOWED],
)
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_permission_matrix_over_http(world, users, client_for, demo_report, role, action):
    bring_to(demo_report, STATE_FOR[action], users)
    assert http_outcome(client_for(role), demo_report, action) is (role in ALLOWED[action])


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_auditor_sees_approved_reports_only(world, users, client_for, demo_report):
    auditor = client_for("auditor")
    assert auditor.get(f"/reports/{demo_report.pk}/").status_code == 404
    bring_to(demo_report, "approved", users)
    page = auditor.get(f"/reports/{demo_report.pk}/")
    assert page.status_code == 200
    assert "2,092.38" in page.content.decode()


@pytest.mark.parametrize("action", ["submit", "approve", "return", "reopen"])
@pytest.mark.parametrize("role", ["clerk", "clerk_b", "reviewer", "reviewer_b", "auditor", "admin"])
def test_permission_matrix_through_the_command(world, users, demo_report, role, action):
    bring_to(demo_report, STATE_FOR[action], users)
    args = [
        "--department",
        DEMO_DEPARTMENT,
        "--year",
        "2022",
        "--action",
        action,
        "--user",
        role,
        "--comment",
        "意见",
    ]
    if role in ALLOWED[action]:
        call_command("report_transition", *args)
        assert Report.objects.get().status != STATE_FOR[action]
    else:
        with pytest.raises(CommandError, match="操作被拒绝：您无权"):
            call_command("report_transition", *args)
        assert Report.objects.get().status == STATE_FOR[action]
