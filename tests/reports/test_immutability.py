"""An approved report refuses every change: forms, the admin, save() and delete()."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from budgets.models import IncomeLine
from reports.guards import ReportLocked
from reports.models import Report
from reports.workflow import report_transition
from scoring.models import IndicatorResult

LOCKED = "该报告已批准，内容已锁定"


@pytest.fixture
def approved(users, demo_report):
    report_transition(report=demo_report, user=users["clerk"], action="submit")
    report_transition(report=demo_report, user=users["reviewer"], action="approve")
    demo_report.refresh_from_db()
    return demo_report


def test_form_post_is_refused(approved, client_for):
    response = client_for("clerk").post(
        f"/reports/{approved.pk}/edit/overview/", {"functions": "改", "organisation": "x"}
    )
    assert response.status_code == 403
    assert Report.objects.get().functions.startswith("浏阳市人大常委会机关依据")


def test_admin_change_is_refused_and_the_page_is_read_only(approved, admin_client_demo):
    url = reverse("admin:reports_report_change", args=[approved.pk])
    page = admin_client_demo.get(url).content.decode()
    assert 'name="_save"' not in page
    assert admin_client_demo.post(url, {"functions": "改"}).status_code == 403
    line = approved.income_lines.first()
    line_url = reverse("admin:budgets_incomeline_change", args=[line.pk])
    assert admin_client_demo.post(line_url, {"actual": "1.00"}).status_code == 403
    assert (
        admin_client_demo.post(
            reverse("admin:budgets_incomeline_delete", args=[line.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert IncomeLine.objects.filter(pk=line.pk, actual=D("2320.58")).exists()


def test_admin_bulk_delete_of_lines_is_refused(approved, admin_client_demo):
    response = admin_client_demo.post(
        reverse("admin:budgets_incomeline_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [line.pk for line in approved.income_lines.all()],
            "post": "yes",
        },
    )
    assert response.status_code == 200
    assert "<title>无法删除 收入" in response.content.decode()
    assert approved.income_lines.count() == 2


def test_save_on_a_line_is_refused(approved):
    line = approved.income_lines.first()
    line.actual = D("1.00")
    with pytest.raises(ReportLocked, match=LOCKED):
        line.save()
    result = IndicatorResult.objects.filter(report=approved).first()
    result.score = D("0")
    with pytest.raises(ReportLocked):
        result.save()
    with pytest.raises(ReportLocked):
        IncomeLine.objects.create(report=approved, source="other", actual=D("1"))


def test_delete_is_refused(approved):
    # Each attempt in its own savepoint: a refused delete rolls back its transaction.
    with pytest.raises(ReportLocked, match=LOCKED), transaction.atomic():
        approved.income_lines.first().delete()
    with pytest.raises(ReportLocked), transaction.atomic():
        approved.indicator_results.all().delete()
    # The report itself: its approval record protects it even before the lock is asked.
    with pytest.raises((ReportLocked, ProtectedError)), transaction.atomic():
        approved.delete()
    assert approved.income_lines.count() == 2
    assert approved.indicator_results.count() == 27


def test_saving_the_report_itself_is_refused(approved):
    approved.functions = "改"
    with pytest.raises(ReportLocked):
        approved.save()


def test_status_cannot_be_set_by_saving(demo_report):
    demo_report.status = Report.Status.APPROVED
    with pytest.raises(ValidationError, match="报告状态只能通过"):
        demo_report.save()
    assert Report.objects.get().status == "draft"


def test_reopened_report_can_be_edited_again(approved, users):
    report_transition(report=approved, user=users["admin"], action="reopen", comment="更正")
    line = approved.income_lines.first()
    line.actual = D("2320.00")
    line.save()
    assert IncomeLine.objects.filter(actual=D("2320.00")).exists()


def test_submitted_report_cannot_be_edited_by_its_clerk(users, demo_report, client_for):
    report_transition(report=demo_report, user=users["clerk"], action="submit")
    response = client_for("clerk").get(f"/reports/{demo_report.pk}/edit/overview/")
    assert response.status_code == 403
