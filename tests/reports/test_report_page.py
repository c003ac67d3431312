"""The report page: an approved report's document is rendered once, the rest on every request."""

from decimal import Decimal as D

import pytest

from budgets.models import ExpenditureLine
from departments.models import Department
from perfeval import pagecache
from reports import documents
from reports.models import Report
from reports.workflow import transition_apply
from tests.steps import approve
from tests.writes import rows_update

NEW_TEXT = "重新批准后改写的绩效情况说明。"


@pytest.fixture
def renders(monkeypatch):
    """The reports whose document was rendered, one entry per rendering."""
    rendered = []
    real = documents.report_document

    def counted(*, report):
        rendered.append(report.pk)
        return real(report=report)

    monkeypatch.setattr(documents, "report_document", counted)
    return rendered


def page(client, report) -> str:
    response = client.get(f"/reports/{report.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def document_of(html: str) -> str:
    return html.split('<div class="document-frame">')[1].split('aria-label="审核记录"')[0]


def test_an_approved_report_is_rendered_once_for_all_its_readers(approved, client_for, renders):
    first = page(client_for("auditor"), approved)
    again = page(client_for("auditor"), approved)
    for_reviewer = page(client_for("reviewer"), approved)

    assert renders == [approved.pk]
    assert "单位名称（盖章）：浏阳市人大常委会办公室" in document_of(first)
    assert document_of(again) == document_of(for_reviewer) == document_of(first)


def test_a_report_not_approved_is_rendered_on_every_request(demo_report, client_for, renders):
    clerk = client_for("clerk")
    page(clerk, demo_report)
    page(clerk, demo_report)

    assert renders == [demo_report.pk, demo_report.pk]


def test_reopened_changed_and_approved_again_the_page_shows_the_new_text(
    approved, users, client_for
):
    auditor = client_for("auditor")
    assert NEW_TEXT not in page(auditor, approved)
    transition_apply(report=approved, user=users["admin"], action="reopen", comment="更正")
    report = Report.objects.get(pk=approved.pk)
    report.performance = NEW_TEXT
    report.save()

    assert NEW_TEXT in page(client_for("clerk"), report)
    approve(report, users)
    assert NEW_TEXT in page(auditor, report)


def test_a_figure_changed_after_reopening_shows_in_the_computed_actuals_once_approved_again(
    approved, users, client_for
):
    """The kept document is keyed by the approval: a line changes only while the report is
    reopened, and approving it again renders it afresh with the new computed 全年完成值."""
    auditor = client_for("auditor")
    assert "49.00%" in page(auditor, approved)
    transition_apply(report=approved, user=users["admin"], action="reopen", comment="更正")
    rows_update(
        ExpenditureLine.objects.filter(report=approved, nature="public_operating"),
        actual=D("94.80"),  # less, so that spending stays within income and it may be approved
    )
    report = Report.objects.get(pk=approved.pk)
    approve(report, users)

    shown = page(auditor, report)
    assert "40.46%" in shown and "122.14%" in shown
    assert "49.00%" not in shown and "123.10%" not in shown


def test_a_department_renamed_after_approval_shows_its_new_name(approved, client_for):
    auditor = client_for("auditor")
    page(auditor, approved)
    department = Department.objects.get(pk=approved.department_id)
    department.reporting_unit = "新的报告单位"
    department.save()  # as the admin saves it: the kept pages go stale (perfeval/pagecache.py)

    assert "单位名称（盖章）：新的报告单位" in page(auditor, approved)


def test_access_and_buttons_are_worked_out_for_each_reader(approved, client_for):
    assert 'value="reopen"' not in page(client_for("auditor"), approved)

    assert 'value="reopen"' in page(client_for("admin"), approved)
    assert client_for("clerk_b").get(f"/reports/{approved.pk}/").status_code == 404
    assert client_for(None).get(f"/reports/{approved.pk}/").status_code == 302


def test_the_approved_report_page_costs_twelve_queries_once_then_three(
    approved, client_for, django_assert_num_queries
):
    auditor = client_for("auditor")
    page(auditor, approved)  # renews the session
    pagecache.bump()  # as if something had moved: the page is made again

    # Session, user, the version it stands at, the report, history, whether the official PDF
    # is ready, the review comments (kept with the history); the year around it (the approved
    # targets, the monitoring, the rows it compares with them); its state on the public site
    # (the latest publication event); the navigation's unread notifications. The user's roles
    # are kept (departments/roles.py).
    with django_assert_num_queries(12):
        made = page(auditor, approved)
    # Then it is kept: session, user and the unread notifications.
    with django_assert_num_queries(3):
        kept = page(auditor, approved)
    assert kept == made.replace(csrf_of(made), csrf_of(kept))


def csrf_of(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_a_kept_page_is_shared_by_readers_who_may_do_the_same_and_not_by_others(
    approved, client_for, django_assert_num_queries, users
):
    page(client_for("auditor"), approved)
    # Another auditor: the body is kept, the menu is theirs.
    other = users["auditor"].__class__.objects.create_user("auditor2", first_name="第二审计员")
    other.groups.set(users["auditor"].groups.all())
    second = page(client_for("auditor2"), approved)
    assert "第二审计员" in second
    assert 'value="reopen"' not in second
    # The administrator may reopen it: their own variant, with the button.
    assert 'value="reopen"' in page(client_for("admin"), approved)
    assert 'value="reopen"' not in page(client_for("auditor"), approved)


def test_revalidating_a_kept_page_answers_304_until_something_moves(approved, client_for, users):
    auditor = client_for("auditor")
    first = auditor.get(f"/reports/{approved.pk}/")
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"

    again = auditor.get(f"/reports/{approved.pk}/", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""

    reviewer = client_for("reviewer")
    kept = reviewer.get(f"/reports/{approved.pk}/")
    transition_apply(report=approved, user=users["admin"], action="reopen", comment="更正")
    # No longer approved: the auditor no longer sees it, the reviewer gets the page anew.
    assert (
        auditor.get(f"/reports/{approved.pk}/", headers={"if-none-match": etag}).status_code == 404
    )
    moved = reviewer.get(f"/reports/{approved.pk}/", headers={"if-none-match": kept["ETag"]})
    assert moved.status_code == 200
    assert "ETag" not in moved  # a report that may change is not kept
    assert 'value="approve"' not in moved.content.decode()


def test_a_page_with_messages_is_made_for_the_request_and_not_kept(approved, client_for):
    admin = client_for("admin")
    page(admin, approved)
    assert "尚未公开" in page(admin, approved)
    response = admin.post(f"/reports/{approved.pk}/publish/", follow=True)
    assert response.status_code == 200
    assert "ETag" not in response
    assert "已公开发布：公众无需登录" in response.content.decode()
    # Published: the page says so (the publication made the kept page stale), kept again.
    again = admin.get(f"/reports/{approved.pk}/")
    assert "ETag" in again
    assert "查看公开页面" in again.content.decode()
    assert "已公开发布：公众无需登录" not in again.content.decode()
