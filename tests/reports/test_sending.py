"""Files of approved reports sent like files: validators and 304 for the .xlsx, and the stored
PDF handed to nginx or Caddy through X-Accel-Redirect after the check and the record."""

import io
from urllib.parse import quote

import pytest
from django.http import FileResponse
from openpyxl import load_workbook

from publishing.services import report_publish
from reports.models import Download, OfficialPdf
from reports.workflow import transition_apply

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_approved_reports_sheet_is_made_once_and_revalidated_with_304(
    approved, client_for, users, monkeypatch
):
    auditor = client_for("auditor")
    first = auditor.get(f"/reports/{approved.pk}/xlsx/")
    assert first.status_code == 200 and first["Content-Type"] == XLSX
    assert load_workbook(io.BytesIO(first.content)).active.max_row > 20
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]

    from reports.views import downloads

    def no_making(*, report):
        raise AssertionError("made again")

    monkeypatch.setattr(downloads, "selfeval_xlsx", no_making)
    # Kept: the same bytes for another reader, without making it again.
    assert client_for("reviewer").get(f"/reports/{approved.pk}/xlsx/").content == first.content
    again = auditor.get(f"/reports/{approved.pk}/xlsx/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    by_date = auditor.get(
        f"/reports/{approved.pk}/xlsx/", headers={"if-modified-since": first["Last-Modified"]}
    )
    assert by_date.status_code == 304
    # Every download is recorded, a revalidated one too.
    assert Download.objects.filter(kind=Download.Kind.XLSX).count() == 4

    monkeypatch.undo()
    transition_apply(report=approved, user=users["admin"], action="reopen", comment="更正")
    reopened = client_for("reviewer").get(
        f"/reports/{approved.pk}/xlsx/", headers={"if-none-match": first["ETag"]}
    )
    assert reopened.status_code == 200 and "ETag" not in reopened


def test_a_drafts_sheet_is_made_for_every_request(demo_report, client_for):
    clerk = client_for("clerk")
    response = clerk.get(f"/reports/{demo_report.pk}/xlsx/")
    assert response.status_code == 200 and "ETag" not in response
    assert Download.objects.filter(kind=Download.Kind.XLSX).count() == 1


@pytest.mark.pdf
def test_behind_a_proxy_the_pdf_is_handed_over_after_the_check_and_the_record(
    approved, client_for, settings, users
):
    auditor = client_for("auditor")
    b"".join(auditor.get(f"/reports/{approved.pk}/pdf/").streaming_content)  # renders it
    settings.ACCEL_REDIRECT_PREFIX = "/protected-media/"
    pdf = OfficialPdf.objects.get()
    response = auditor.get(f"/reports/{approved.pk}/pdf/")

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + quote(pdf.file.name)
    assert response.content == b""  # the proxy sends the file
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-SHA256"] == pdf.sha256
    assert response["ETag"] == f'"{pdf.sha256}"'
    assert Download.objects.filter(kind=Download.Kind.PDF, sha256=pdf.sha256).count() == 2
    # Someone who may not see it gets nothing to hand over.
    refused = client_for("clerk_b").get(f"/reports/{approved.pk}/pdf/")
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused

    report_publish(report=approved, user=users["reviewer"])
    public = client_for(None).get(f"/public/{approved.pk}/pdf/")
    assert public["X-Accel-Redirect"] == "/protected-media/" + quote(pdf.file.name)


@pytest.mark.pdf
def test_without_a_proxy_the_pdf_goes_through_the_servers_file_wrapper(approved, client_for):
    response = client_for("auditor").get(f"/reports/{approved.pk}/pdf/")  # renders it
    assert "X-Accel-Redirect" not in response
    # A FileResponse over the stored file, of its length: gunicorn sends it with sendfile().
    assert isinstance(response, FileResponse)
    pdf = OfficialPdf.objects.get()
    assert response["Content-Length"] == str(pdf.size)
    assert b"".join(response.streaming_content) == pdf.file.open("rb").read()
