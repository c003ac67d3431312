"""An approved report refuses every change: forms, the admin, save() and delete().

The records of what happened (transitions, approved versions, official PDFs, downloads) are
added, never changed or deleted.
"""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from budgets.models import IncomeLine
from reports import archive
from reports.guards import ReportLocked
from reports.models import (
    ApprovedVersion,
    Download,
    OfficialPdf,
    RecordChangeRefused,
    Report,
    ReportTransition,
)
from reports.workflow import transition_apply
from scoring.models import IndicatorResult

LOCKED = "该报告已批准，内容已锁定"


@pytest.fixture
def approved(users, demo_report):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    transition_apply(report=demo_report, user=users["reviewer"], action="approve")
    demo_report.refresh_from_db()
    return demo_report


def test_form_post_is_refused(approved, client_for):
    response = client_for("clerk").post(
        f"/reports/{approved.pk}/edit/overview/", {"functions": "改", "organisation": "x"}
    )
    # The clerk's input stays on the page, with why it was not saved; nothing is written.
    assert response.status_code == 200
    assert "未保存：" in response.content.decode()
    assert Report.objects.get().functions.startswith("浏阳市人大常委会机关依据")
    # Anyone else who may not write it is refused outright.
    other = client_for("reviewer").post(
        f"/reports/{approved.pk}/edit/overview/", {"functions": "改", "organisation": "x"}
    )
    assert other.status_code == 403


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
    transition_apply(report=approved, user=users["admin"], action="reopen", comment="更正")
    line = approved.income_lines.first()
    line.actual = D("2320.00")
    line.save()
    assert IncomeLine.objects.filter(actual=D("2320.00")).exists()


def test_submitted_report_cannot_be_edited_by_its_clerk(users, demo_report, client_for):
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    response = client_for("clerk").get(f"/reports/{demo_report.pk}/edit/overview/")
    # Sent to the report's page, which says why (tests/reports/test_submission.py).
    assert response.status_code == 302
    assert response.headers["Location"] == f"/reports/{demo_report.pk}/"


# Records of what happened: added, never changed or deleted

RECORD = "是存档记录，只能新增，不能修改或删除"


@pytest.fixture
def records(approved, users):
    """The approval's transitions and version, its official PDF, and a download of it."""
    pdf = archive.official_pdf(report=approved)
    archive.download_record(user=users["auditor"], report=approved, kind=Download.Kind.PDF, pdf=pdf)
    return {
        ReportTransition: approved.transitions.last(),
        ApprovedVersion: pdf.version,
        OfficialPdf: pdf,
        Download: Download.objects.get(),
    }


def stored_rows(model) -> list[tuple]:
    return list(model.objects.order_by("pk").values_list())


@pytest.mark.pdf
def test_an_approved_version_keeps_its_score(records):
    version = records[ApprovedVersion]
    version.total_score = D("60.00")
    version.grade = "差"
    with pytest.raises(RecordChangeRefused, match=f"“已批准版本”{RECORD}"):
        version.save()
    with pytest.raises(RecordChangeRefused):
        version.save(update_fields=["total_score"])
    assert ApprovedVersion.objects.values_list("total_score", "grade").get() == (D("99.00"), "优")


@pytest.mark.pdf
def test_an_official_pdf_cannot_be_deleted(records):
    pdf = records[OfficialPdf]
    with pytest.raises(RecordChangeRefused, match=f"“正式 PDF”{RECORD}"):
        pdf.delete()
    assert OfficialPdf.objects.filter(pk=pdf.pk).exists()
    assert default_storage.exists(pdf.file.name)


@pytest.mark.pdf
def test_a_transition_cannot_be_saved_again(records):
    transition = records[ReportTransition]
    transition.comment = "事后补写的意见"
    transition.user = transition.report.department.users.first()
    with pytest.raises(RecordChangeRefused, match=f"“审核记录”{RECORD}"):
        transition.save()
    assert not ReportTransition.objects.filter(comment="事后补写的意见").exists()


@pytest.mark.parametrize("model", [ReportTransition, ApprovedVersion, OfficialPdf, Download])
@pytest.mark.pdf
def test_records_refuse_queryset_updates_and_deletes(records, model):
    before = stored_rows(model)
    with pytest.raises(RecordChangeRefused, match=RECORD):
        model.objects.update(created_at=timezone.now())
    with pytest.raises(RecordChangeRefused, match=RECORD):
        model.objects.filter(pk=records[model].pk).update(created_at=timezone.now())
    with pytest.raises(RecordChangeRefused, match=RECORD):
        model.objects.all().delete()
    with pytest.raises(RecordChangeRefused, match=RECORD):
        model.objects.bulk_update([records[model]], ["created_at"])
    assert stored_rows(model) == before


@pytest.mark.pdf
def test_records_refuse_changes_through_related_managers(records, approved):
    before = [stored_rows(model) for model in records]
    with pytest.raises(RecordChangeRefused):
        approved.transitions.all().delete()
    with pytest.raises(RecordChangeRefused):
        approved.approved_versions.update(grade="差")
    with pytest.raises(RecordChangeRefused):
        records[ApprovedVersion].downloads.clear()  # would set their version to NULL
    assert [stored_rows(model) for model in records] == before


@pytest.mark.pdf
def test_a_new_record_cannot_overwrite_a_row_by_its_key(records):
    kept = records[ReportTransition]
    forged = ReportTransition(
        pk=kept.pk,
        report=kept.report,
        action=ReportTransition.Action.RETURN,
        from_status="submitted",
        to_status="returned",
        user=kept.user,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert ReportTransition.objects.get(pk=kept.pk).action == ReportTransition.Action.APPROVE


@pytest.mark.pdf
def test_records_are_still_added_one_by_one_and_in_bulk(records, users, approved):
    pdf = records[OfficialPdf]
    archive.download_record(
        user=users["reviewer"], report=approved, kind=Download.Kind.PDF, pdf=pdf
    )
    archive.zip_downloads_record(
        user=users["auditor"], bundle=archive.Bundle(chunks=[], size=0, pdfs=[pdf, pdf], sheets=[])
    )
    assert Download.objects.count() == 4
    assert Download.objects.filter(kind=Download.Kind.ZIP, version=pdf.version).count() == 2
    with pytest.raises(RecordChangeRefused):  # an upsert would change the rows there
        Download.objects.bulk_create(
            [Download(pk=records[Download].pk, user=users["clerk"], report=approved, kind="pdf")],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["user"],
        )
    assert Download.objects.get(pk=records[Download].pk).user == users["auditor"]
