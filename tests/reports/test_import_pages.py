"""Uploading a filled 自评表: the clerk's page and the admin's, over HTTP."""

import io
import os
import time
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client
from openpyxl import load_workbook

from departments.models import User
from perfeval.limits import UPLOAD_MAX_BYTES
from reports.models import Report
from reports.selectors import report_data
from reports.services import report_start_next_year
from reports.views.imports import PENDING_MAX_AGE, PENDING_UPLOADS
from reports.workflow import transition_apply
from scoring.models import IndicatorResult
from sheets.export import selfeval_xlsx
from tests.excel.conftest import draft_and_final_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(data: bytes, name: str = "自评表.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def import_url(report) -> str:
    return f"/reports/{report.pk}/import/"


def pending_of(html: str) -> str:
    return html.split('name="pending" value="', 1)[1].split('"', 1)[0]


def confirmed(user: Client, url: str, page):
    """Confirm the import whose changes ``page`` lists (the preview's 确认导入)."""
    html = page.content.decode()
    assert page.status_code == 200 and 'id="import-preview"' in html
    return user.post(url, {"pending": pending_of(html), "apply": "1"})


def admin_url(report) -> str:
    return f"/admin/reports/report/{report.pk}/selfeval/"


def next_year(demo_report) -> Report:
    """The 2023 report copied from 2022: structure and text, no scores."""
    return report_start_next_year(previous=demo_report)


def test_the_clerk_imports_last_years_sheet_after_confirming_the_year(client_for, demo_report):
    new = next_year(demo_report)
    assert report_data(report=new).scorecard.total_score == 0
    clerk = client_for("clerk")
    page = clerk.post(import_url(new), {"file": upload(selfeval_xlsx(report=demo_report))})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="import-confirm"' in html
    assert "2022 年，与导入的报告年度 2023 年不同" in html
    assert report_data(report=new).scorecard.total_score == 0  # nothing yet
    preview = clerk.post(import_url(new), {"pending": pending_of(html)})
    assert "将修改" in preview.content.decode()
    assert report_data(report=new).scorecard.total_score == 0  # still nothing
    done = confirmed(clerk, import_url(new), preview)
    assert done.status_code == 302
    assert done.headers["Location"] == f"/reports/{new.pk}/edit/scores/"
    card = report_data(report=new).scorecard
    assert (card.total_score, card.grade) == (D("99"), "优")
    followed = clerk.get(done.headers["Location"]).content.decode()
    assert "已导入工作表“自评表”：三级指标" in followed


def test_a_sheet_for_the_same_report_imports_once_its_preview_is_confirmed(client_for, demo_report):
    data = selfeval_xlsx(report=demo_report)
    IndicatorResult.objects.filter(report=demo_report).update(score=None)
    clerk = client_for("clerk")
    preview = clerk.post(import_url(demo_report), {"file": upload(data)})
    response = confirmed(clerk, import_url(demo_report), preview)
    assert response.status_code == 302
    assert report_data(report=demo_report).scorecard.total_score == D("99")


def test_a_file_that_is_not_xlsx_is_refused_with_what_to_do(client_for, demo_report):
    clerk = client_for("clerk")
    page = clerk.post(import_url(demo_report), {"file": upload(b"hello", "scores.txt")})
    assert "只能导入 .xlsx 格式的自评表" in page.content.decode()
    page = clerk.post(import_url(demo_report), {"file": upload(b"\xd0\xcf\x11\xe0", "old.xls")})
    assert "另存为”.xlsx 格式" in page.content.decode()


def test_a_score_above_its_weight_is_refused_naming_the_cell_and_nothing_changes(
    client_for, demo_report
):
    workbook = load_workbook(io.BytesIO(selfeval_xlsx(report=demo_report)))
    sheet = workbook["自评表"]
    row = next(r for r in range(1, 60) if sheet.cell(r, 4).value == "预算执行规范性")
    sheet.cell(row, 7).value = 9
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = list(IndicatorResult.objects.order_by("pk").values_list("score", flat=True))
    page = client_for("clerk").post(import_url(demo_report), {"file": upload(buffer.getvalue())})
    html = page.content.decode()
    assert 'id="import-problems"' in html
    assert f"第 {row} 行 G 列" in html
    assert list(IndicatorResult.objects.order_by("pk").values_list("score", flat=True)) == before


def test_others_cannot_import_and_a_submitted_report_refuses(world, users, client_for, demo_report):
    data = selfeval_xlsx(report=demo_report)
    assert client_for("clerk_b").get(import_url(demo_report)).status_code == 404
    assert client_for("auditor").get(import_url(demo_report)).status_code == 404
    transition_apply(report=demo_report, user=users["clerk"], action="submit")
    response = client_for("clerk").post(import_url(demo_report), {"file": upload(data)})
    assert response.status_code == 403


def test_the_admin_page_exports_and_imports(client_for, demo_report):
    admin = client_for("admin")
    url = f"/admin/reports/report/{demo_report.pk}/selfeval/"
    page = admin.get(url).content.decode()
    assert f"/reports/{demo_report.pk}/xlsx/" in page
    assert "按表中的指标新建指标体系" in page
    data = selfeval_xlsx(report=demo_report)
    IndicatorResult.objects.filter(report=demo_report).update(score=None)
    preview = admin.post(url, {"file": upload(data), "new_framework": ""})
    response = confirmed(admin, url, preview)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/reports/report/{demo_report.pk}/change/"
    assert report_data(report=demo_report).scorecard.total_score == D("99")


def test_an_upload_never_confirmed_is_removed_once_its_confirmation_expired(
    client_for, demo_report, media_root
):
    new = next_year(demo_report)
    clerk = client_for("clerk")
    sheet = upload(selfeval_xlsx(report=demo_report))
    assert 'id="import-confirm"' in clerk.post(import_url(new), {"file": sheet}).content.decode()
    pending = media_root / PENDING_UPLOADS
    (abandoned,) = pending.iterdir()
    an_hour_ago = time.time() - PENDING_MAX_AGE - 60
    os.utime(abandoned, (an_hour_ago, an_hour_ago))

    page = clerk.post(import_url(new), {"file": upload(selfeval_xlsx(report=demo_report))})
    assert 'id="import-confirm"' in page.content.decode()
    remaining = list(pending.iterdir())
    assert len(remaining) == 1 and remaining[0] != abandoned  # only the new one waits


def test_a_confirmation_used_twice_is_refused_with_what_to_do(client_for, demo_report):
    new = next_year(demo_report)
    clerk = client_for("clerk")
    page = clerk.post(import_url(new), {"file": upload(selfeval_xlsx(report=demo_report))})
    pending = pending_of(page.content.decode())
    preview = clerk.post(import_url(new), {"pending": pending})
    assert confirmed(clerk, import_url(new), preview).status_code == 302

    again = clerk.post(import_url(new), {"pending": pending})

    assert again.status_code == 302
    assert again.headers["Location"] == import_url(new)
    assert "确认已使用或已过期：请重新选择文件上传。" in clerk.get(import_url(new)).content.decode()


def test_a_body_over_the_upload_limit_is_refused_before_it_is_parsed(demo_report, monkeypatch):
    def unparsed(self):
        raise AssertionError("the multipart body was parsed")

    # As a browser posts it: the CSRF check reads the form, unless the body is refused first.
    clerk = Client(enforce_csrf_checks=True)
    clerk.force_login(User.objects.get(username="clerk"))
    monkeypatch.setattr(MultiPartParser, "parse", unparsed)
    before = list(IndicatorResult.objects.order_by("pk").values_list("score", flat=True))

    page = clerk.post(import_url(demo_report), {"file": upload(bytes(UPLOAD_MAX_BYTES + 100_000))})

    assert page.status_code == 413
    assert "超过 5 MB 的上限" in page.content.decode()
    assert list(IndicatorResult.objects.order_by("pk").values_list("score", flat=True)) == before


# --- Workbooks of several sheets ----------------------------------------------------------

PAGES = {
    "clerk's page": ("clerk", import_url, lambda r: f"/reports/{r.pk}/edit/scores/"),
    "admin's page": ("admin", admin_url, lambda r: f"/admin/reports/report/{r.pk}/change/"),
}


@pytest.mark.parametrize(("who", "url", "done"), PAGES.values(), ids=PAGES.keys())
def test_a_draft_and_a_final_ask_which_sheet_and_the_final_chosen_imports(
    client_for, demo_report, who, url, done
):
    IndicatorResult.objects.filter(report=demo_report).update(score=None)
    cleared = report_data(report=demo_report).scorecard.total_score
    user = client_for(who)

    page = user.post(url(demo_report), {"file": upload(draft_and_final_bytes())})

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="import-choose"' in html
    assert "“自评表（初稿）”、“自评表（定稿）”" in html
    assert '<option value="自评表（初稿）">' in html and '<option value="自评表（定稿）">' in html
    assert report_data(report=demo_report).scorecard.total_score == cleared  # nothing yet

    preview = user.post(url(demo_report), {"pending": pending_of(html), "sheet": "自评表（定稿）"})
    assert "（工作表“自评表（定稿）”）将修改" in preview.content.decode()
    assert report_data(report=demo_report).scorecard.total_score == cleared  # nothing yet
    done_page = confirmed(user, url(demo_report), preview)

    assert done_page.status_code == 302
    assert done_page.headers["Location"] == done(demo_report)
    assert report_data(report=demo_report).scorecard.total_score == D("99")
    followed = user.get(done_page.headers["Location"]).content.decode()
    assert "已导入工作表“自评表（定稿）”：三级指标" in followed


def test_a_sheet_not_offered_is_asked_for_again_and_the_file_still_waits(client_for, demo_report):
    IndicatorResult.objects.filter(report=demo_report).update(score=None)
    cleared = report_data(report=demo_report).scorecard.total_score
    clerk = client_for("clerk")
    page = clerk.post(import_url(demo_report), {"file": upload(draft_and_final_bytes())})
    pending = pending_of(page.content.decode())

    again = clerk.post(import_url(demo_report), {"pending": pending, "sheet": "自评表（备份）"})

    html = again.content.decode()
    assert 'id="import-choose"' in html and "请选择要导入的工作表。" in html
    assert report_data(report=demo_report).scorecard.total_score == cleared
    chosen = clerk.post(import_url(demo_report), {"pending": pending, "sheet": "自评表（初稿）"})
    assert confirmed(clerk, import_url(demo_report), chosen).status_code == 302
    assert report_data(report=demo_report).scorecard.total_score == D("97")


def test_a_sheet_chosen_for_another_year_is_then_confirmed_and_imports(client_for, demo_report):
    new = next_year(demo_report)
    clerk = client_for("clerk")
    page = clerk.post(import_url(new), {"file": upload(draft_and_final_bytes())})
    assert "都没有写明 2023 年" in page.content.decode()

    confirm = clerk.post(
        import_url(new), {"pending": pending_of(page.content.decode()), "sheet": "自评表（定稿）"}
    )

    html = confirm.content.decode()
    assert 'id="import-confirm"' in html
    assert "（工作表“自评表（定稿）”）看起来不是本报告的自评表" in html
    assert "2022 年，与导入的报告年度 2023 年不同" in html
    assert report_data(report=new).scorecard.total_score == 0
    preview = clerk.post(import_url(new), {"pending": pending_of(html)})
    done = confirmed(clerk, import_url(new), preview)
    assert done.status_code == 302
    assert report_data(report=new).scorecard.total_score == D("99")
    assert "已导入工作表“自评表（定稿）”" in clerk.get(done.headers["Location"]).content.decode()


def test_a_question_held_for_one_report_cannot_be_answered_on_another(client_for, demo_report):
    new = next_year(demo_report)
    clerk = client_for("clerk")
    page = clerk.post(import_url(new), {"file": upload(draft_and_final_bytes())})

    answer = {"pending": pending_of(page.content.decode()), "sheet": "自评表（定稿）"}
    elsewhere = clerk.post(import_url(demo_report), answer)

    assert elsewhere.headers["Location"] == import_url(demo_report)
    assert "确认不属于这份报告" in clerk.get(import_url(demo_report)).content.decode()
    assert clerk.post(import_url(new), answer).status_code == 200  # still asks to confirm 2022
